// Process entry: configuration, database and migrations, then the HTTP server; on SIGTERM or
// SIGINT it stops taking connections, lets requests in flight finish, and closes the database.
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { connectDatabase } from './db/connect.js'
import { migrate } from './db/migrate.js'
import { startIntegrityTimers } from './features/integrity/scheduler.js'
import { createSmsSender } from './integrations/sms/index.js'

async function main(): Promise<void> {
  const config = loadConfig()
  const database = await connectDatabase({
    databaseUrl: config.databaseUrl,
    ownerUrl: config.databaseOwnerUrl,
    pgliteDir: config.pgliteDir,
    onPoolError: (error) => process.stderr.write(`database connection lost: ${error.message}\n`),
  })
  const applied = await migrate(database)
  await database.enterAppRole()
  const sms = createSmsSender(config)
  const app = await buildApp(config, { database, closeDatabase: true, sms })
  // sealing and checkpoints run in every instance; the chain's lock keeps them from sealing twice
  const integrity = await startIntegrityTimers(app.deps, app.log)
  app.log.info(
    { database: database.kind, migrationsApplied: applied, sms: sms.name, virtu: Boolean(config.virtu) },
    'starting',
  )

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
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
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
  } else {
    process.stderr.write(`The service could not start: ${error instanceof Error ? error.stack : String(error)}\n`)
  }
  process.exit(1)
})
