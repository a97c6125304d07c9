// npm run release: makes a release now, as a national administrator would from the releases page
// (for scripted deployments and for looking at published figures right after loading data).
import { loadConfig } from '../config.js'
import { migrate } from '../db/migrate.js'
import { makeRelease } from '../features/publication/release.service.js'
import { openDatabaseOrExit } from './open-database.js'

const config = loadConfig()
const database = await openDatabaseOrExit(
  config,
  'While the server runs, a national administrator makes a release with the button on the releases page (/reports/releases); or stop the server and run `npm run release` again.',
)
let ok = false
try {
  await migrate(database)
  await database.enterAppRole()
  const started = Date.now()
  const made = await makeRelease({ db: database.db, config }, { now: new Date(), madeBy: null, madeHow: 'command' })
  if (made) {
    process.stdout.write(
      `Release ${made.id} made in ${((Date.now() - started) / 1000).toFixed(1)} s: months up to ${made.throughMonth}, ` +
        `${made.formsEntered} forms entered, ${made.published} areas and periods published, ${made.withheld} withheld.\n`,
    )
  }
  ok = true
} finally {
  await database.close()
}
process.exit(ok ? 0 : 1)
