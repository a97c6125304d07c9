// Process entry: configuration, database and migrations, then the HTTP server; on SIGTERM or
// SIGINT it stops taking connections, lets requests in flight finish, and closes the database.
// `--demo` (npm run demo) first fills an embedded database that has no forms with demo data.
// While no administrator can log in, it prints the set-up address of the first one.
import { parseArgs } from 'node:util'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, serviceUrl, type Config } from './config.js'
import { connectDatabase, type DatabaseHandle } from './db/connect.js'
import { migrate } from './db/migrate.js'
import { DatabaseInUseError } from './db/pglite-lock.js'
import { seedDemoIfEmpty } from './features/demo/demo-start.service.js'
import { startIntegrityTimers } from './features/integrity/scheduler.js'
import { setupIsOpen } from './features/setup/setup.service.js'
import { createEmailSender } from './integrations/email/index.js'
import { createSmsSender } from './integrations/sms/index.js'
import { startReleaseSchedule } from './features/publication/release-schedule.js'
import { startRegistrationsDigestCheck } from './features/notices/registrations-digest.js'
import { systemClock } from './lib/clock.js'

class StartRefused extends Error {}

async function addDemoData(config: Config, database: DatabaseHandle): Promise<void> {
  const started = Date.now()
  const deps = { db: database.db, config, clock: systemClock, sms: createSmsSender(config), email: createEmailSender(config) }
  const progress = (done: number, total: number) => process.stdout.write(`\rAdding demo data (only this once): ${done} / ${total} forms`)
  const outcome = await seedDemoIfEmpty(deps, { onProgress: progress })
  if (!outcome.seeded) {
    process.stdout.write(`Demo: the database already has ${outcome.existingForms} forms; no demo data added.\n`)
    return
  }
  process.stdout.write(
    `\nDemo data added: ${outcome.forms} forms and ${outcome.activities} activity records, published in release ${outcome.release ?? '–'}, in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`,
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } } })
  const config = loadConfig()
  if (values.demo && config.databaseUrl) {
    throw new StartRefused('npm run demo runs on the embedded database; with DATABASE_URL set, add demo data with `npm run demo:seed` and start with `npm start`.')
  }
  if (values.demo && config.env === 'production') throw new StartRefused('npm run demo is not for production (NODE_ENV is production).')
  const database = await connectDatabase({
    databaseUrl: config.databaseUrl,
    ownerUrl: config.databaseOwnerUrl,
    pgliteDir: config.pgliteDir,
    onPoolError: (error) => process.stderr.write(`database connection lost: ${error.message}\n`),
  })
  const applied = await migrate(database)
  await database.enterAppRole()
  if (values.demo) await addDemoData(config, database)
  const sms = createSmsSender(config)
  const email = createEmailSender(config)
  const app = await buildApp(config, { database, closeDatabase: true, sms, email })
  // sealing and checkpoints run in every instance; the chain's lock keeps them from sealing twice
  const integrity = await startIntegrityTimers(app.deps, app.log)
  app.log.info(
    { database: database.kind, migrationsApplied: applied, sms: sms.name, email: email.name, virtu: Boolean(config.virtu) },
    'starting',
  )

  let closing = false
  let stopSchedule = () => {}
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    stopSchedule()
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    // Keep-alive connections would hold the process for their whole timeout: close each one as
    // soon as its last request is answered.
    setInterval(() => app.server.closeIdleConnections(), 100).unref()
    // A request that never ends must not keep a stopping instance alive for ever.
    setTimeout(() => {
      app.log.error('shutdown: requests still in flight after 30 s, exiting')
      process.exit(1)
    }, 30_000).unref()
    integrity
      .stop()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const url = serviceUrl(config, address !== null && typeof address === 'object' ? address.port : config.port)
  database.recordServiceAddress(url)
  const stopReleases = startReleaseSchedule(app.deps, app.log)
  const stopDigests = startRegistrationsDigestCheck(app.deps, app.log)
  stopSchedule = () => {
    stopReleases()
    stopDigests()
  }
  await announce(config, database, url)
}

/** One line with the address, and while no administrator can log in, the set-up address. */
async function announce(config: Config, database: DatabaseHandle, url: string): Promise<void> {
  if (config.setupToken && (await setupIsOpen(database))) {
    // In production the secret is the operator's own SETUP_TOKEN: never written to the log.
    const token = config.env === 'production' ? '<SETUP_TOKEN>' : encodeURIComponent(config.setupToken)
    process.stdout.write(`No administrator yet. Create the first one at: ${url}/setup?token=${token}\n`)
  } else {
    process.stdout.write(`The service is running at ${url}\n`)
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartRefused) {
    process.stderr.write(`${error.message}\n`)
  } else if (error instanceof DatabaseInUseError) {
    const address = error.holder.address ? `Open the service that already runs at ${error.holder.address}, or stop it first.` : 'Stop that process first.'
    process.stderr.write(`The service could not start. ${error.message}\n${address}\n`)
  } else {
    process.stderr.write(`The service could not start: ${error instanceof Error ? error.stack : String(error)}\n`)
  }
  process.exit(1)
})
