// npm run demo:seed -- --forms N [--months M] [--seed S]
// Fills the configured database with synthetic demo data. Refuses to run in production.
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { migrate } from '../db/migrate.js'
import { seedDemoData } from '../features/demo/demo-seed.service.js'
import { makeRelease } from '../features/publication/release.service.js'
import { ConsoleEmailSender } from '../integrations/email/console-email-sender.js'
import { ConsoleSmsSender } from '../integrations/sms/console-sms-sender.js'
import { systemClock } from '../lib/clock.js'
import { openDatabaseOrExit } from './open-database.js'

const { values } = parseArgs({
  options: { forms: { type: 'string', default: '2000' }, months: { type: 'string', default: '24' }, seed: { type: 'string', default: '2026' } },
})
const forms = Number(values.forms)
if (!Number.isInteger(forms) || forms < 0 || forms > 10_000_000) {
  process.stderr.write('Usage: npm run demo:seed -- --forms N [--months M] [--seed S]\n')
  process.exit(2)
}
const config = loadConfig()
if (config.env === 'production') {
  process.stderr.write('Refusing to write demo data: NODE_ENV is production.\n')
  process.exit(1)
}
const database = await openDatabaseOrExit(
  config,
  'Stop the server and run `npm run demo:seed` again, or start the server with `npm run demo`, which adds demo data to a database that has no forms yet.',
)
let ok = false
try {
  await migrate(database)
  await database.enterAppRole()
  const started = Date.now()
  const result = await seedDemoData(
    { db: database.db, config, clock: systemClock, sms: new ConsoleSmsSender(), email: new ConsoleEmailSender() },
    {
      forms,
      months: Number(values.months),
      seed: Number(values.seed),
      onProgress: (done, total) => process.stdout.write(`\r${done} / ${total} forms`),
    },
  )
  process.stdout.write(`\nWrote ${result.forms} forms and ${result.activities} activity records in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`)
  // published figures need a release: make one of the closed months, as `npm run release` would
  const release = await makeRelease({ db: database.db, config }, { now: new Date(), madeBy: null, madeHow: 'command' })
  if (release) process.stdout.write(`Made release ${release.id}: figures up to ${release.throughMonth}, ${release.published} areas and periods published, ${release.withheld} withheld.\n`)
  ok = true
} finally {
  await database.close()
}
process.exit(ok ? 0 : 1)
