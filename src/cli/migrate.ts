// npm run db:migrate: applies pending migrations to the configured database and exits.
import { loadConfig } from '../config.js'
import { migrate } from '../db/migrate.js'
import { openDatabaseOrExit } from './open-database.js'

const config = loadConfig()
const database = await openDatabaseOrExit(
  config,
  'The server applies pending migrations itself each time it starts: stop it and start it again instead.',
)
try {
  const applied = await migrate(database)
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n')
} finally {
  await database.close()
}
