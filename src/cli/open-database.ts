// Opens the configured database for a command-line tool. When a running server (or another
// command) holds the embedded database, the tool stops at once with the holder's name and the
// tool's own way forward, before anything is opened or changed.
import type { Config } from '../config.js'
import { connectDatabase, type DatabaseHandle } from '../db/connect.js'
import { DatabaseInUseError } from '../db/pglite-lock.js'

export async function openDatabaseOrExit(config: Config, instead: string): Promise<DatabaseHandle> {
  try {
    return await connectDatabase({ databaseUrl: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, pgliteDir: config.pgliteDir })
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error
    process.stderr.write(`${error.message}\n${instead}\n`)
    process.exit(1)
  }
}
