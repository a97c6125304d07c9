// npm run verify [-- --checkpoint FILE]: seals what is queued, then checks the integrity chain of
// forms and activity records from the first link to the last, every seal's keyed hash, every
// stored checkpoint's signature and head, and optionally a checkpoint kept outside the database.
// Exits 0 when intact; otherwise names the first problem and exits 1 (2 for a bad argument).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { parseCheckpointFile, type KeptCheckpoint } from '../features/integrity/checkpoint.service.js'
import { sealAndVerify } from '../features/integrity/integrity.service.js'
import { integrityKeys } from '../features/integrity/keys.js'
import type { IntegrityProblem } from '../features/integrity/verify.service.js'
import { systemClock } from '../lib/clock.js'
import { openDatabaseOrExit } from './open-database.js'

const DESCRIPTIONS: Record<IntegrityProblem['kind'], string> = {
  link_missing: 'a link of the chain is missing (a record and its link were removed)',
  record_missing: 'the record a link points to has been removed',
  record_altered: 'the record has been changed after it was submitted',
  chain_broken: 'the chain does not continue from the previous link (a link was changed or inserted out of order)',
  record_unlinked: 'a record exists that was never linked into the chain (inserted outside the service)',
  record_unsealed: 'a record is still not under a seal after the maximum seal delay (is the sealer running?)',
  seal_missing: 'a seal is missing (records were removed together with their seal)',
  seal_invalid: 'the seal does not match its records or the seal before it (records, links or seals were changed, or sealed with another key)',
  checkpoint_signature_invalid: 'the checkpoint\'s signature is not valid for the configured signing key (forged, altered, or signed with another key)',
  checkpoint_not_reproduced: 'the current records no longer reproduce the checkpoint\'s head (records signed for were removed or changed)',
}

function describeWhere(p: IntegrityProblem): string {
  if ('seq' in p) return `link ${p.seq}${'recordId' in p ? ` (${p.recordKind} ${p.recordId})` : ''}`
  if ('sealSeq' in p) return `seal ${p.sealSeq}`
  if ('checkpoint' in p) return `checkpoint ${p.checkpoint}${'treeSize' in p ? ` (tree size ${p.treeSize})` : ''}`
  return `outside the chain (${p.recordKind} ${p.recordId})`
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

let args: { checkpoint?: string | undefined }
try {
  args = parseArgs({ options: { checkpoint: { type: 'string' } } }).values
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\nUsage: npm run verify [-- --checkpoint FILE]`)
}
let kept: KeptCheckpoint | undefined
if (args.checkpoint !== undefined) {
  try {
    kept = parseCheckpointFile(readFileSync(args.checkpoint, 'utf8'))
  } catch (error) {
    fail(`The checkpoint file ${args.checkpoint} cannot be used: ${error instanceof Error ? error.message : String(error)}.`)
  }
}

const config = loadConfig()
const keys = integrityKeys(config)
if (kept?.fileKeyId !== undefined && kept.fileKeyId !== keys.keyId) {
  process.stderr.write('Note: the checkpoint file names another public key than the configured one; its signature is checked against the configured key.\n')
}
const database = await openDatabaseOrExit(config, 'Stop the server, run `npm run verify`, and start the server again.')
let intact = false
try {
  const report = await sealAndVerify(database.db, config, systemClock, { kept })
  intact = report.ok
  if (report.ok) {
    process.stdout.write(`Integrity chain intact: ${report.linksChecked} records checked.\n`)
    process.stdout.write(`${report.sealsChecked} seals and ${report.checkpointsChecked} signed checkpoints checked${kept ? ', one of them kept outside the database' : ''}.\n`)
  } else {
    const p = report.problem!
    process.stderr.write(`Integrity check FAILED at ${describeWhere(p)}: ${DESCRIPTIONS[p.kind]}.\n`)
    process.stderr.write(`${report.linksChecked} records before it are intact.\n`)
  }
  process.stdout.write(`Checkpoints are signed with this Ed25519 public key (id ${keys.keyId}); keep a copy outside the service:\n${keys.publicKeyPem}`)
} finally {
  await database.close()
}
// Set explicitly: closing the embedded database resets process.exitCode.
process.exit(intact ? 0 : 1)
