// npm run verify: checks the integrity chain of forms and activity records from the first link
// to the last. Exits 0 when intact; otherwise names the first problem and exits 1.
import { loadConfig } from '../config.js'
import { recordSources } from '../features/integrity/record-sources.js'
import { verifyIntegrity } from '../features/integrity/verify.service.js'
import { openDatabaseOrExit } from './open-database.js'

const DESCRIPTIONS = {
  link_missing: 'a link of the chain is missing (a record and its link were removed)',
  record_missing: 'the record a link points to has been removed',
  record_altered: 'the record has been changed after it was submitted',
  chain_broken: 'the chain does not continue from the previous link (a link was changed or inserted out of order)',
  record_unlinked: 'a record exists that was never linked into the chain (inserted outside the service)',
} as const

const config = loadConfig()
const database = await openDatabaseOrExit(config, 'Stop the server, run `npm run verify`, and start the server again.')
let intact = false
try {
  const report = await verifyIntegrity(database.db, recordSources)
  intact = report.ok
  if (report.ok) {
    process.stdout.write(`Integrity chain intact: ${report.linksChecked} records checked.\n`)
  } else {
    const p = report.problem!
    const where = 'seq' in p ? `link ${p.seq}` : 'outside the chain'
    const record = 'recordId' in p ? ` (${p.recordKind} ${p.recordId})` : ''
    process.stderr.write(`Integrity check FAILED at ${where}${record}: ${DESCRIPTIONS[p.kind]}.\n`)
    process.stderr.write(`${report.linksChecked} records before it are intact.\n`)
  }
} finally {
  await database.close()
}
// Set explicitly: closing the embedded database resets process.exitCode.
process.exit(intact ? 0 : 1)
