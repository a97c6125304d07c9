// npm run db:migrate: applies pending migrations to the configured database and exits.
import { loadConfig } from '../config.js'
import { connectDatabase } from '../db/connect.js'
import { migrate } from '../db/migrate.js'

const config = loadConfig()
const database = await connectDatabase({ databaseUrl: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, pgliteDir: config.pgliteDir })
try {
  const applied = await migrate(database)
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n')
} finally {
  await database.close()
}
