// Opens the configured database for a command-line tool. When a running server (or another
// command) holds the embedded database, the tool stops at once with the holder's name and the
// tool's own way forward, before anything is opened or changed.
import type { Config } from '../config.js'
import { connectDatabase, type DatabaseHandle } from '../db/connect.js'
import { checkPgliteFree, DatabaseInUseError } from '../db/pglite-lock.js'

export async function openDatabaseOrExit(config: Config, instead: string): Promise<DatabaseHandle> {
  try {
    return await connectDatabase({ databaseUrl: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, pgliteDir: config.pgliteDir })
  } catch (error) {
    return refuse(error, instead)
  }
}

/** Stops at once when another process holds the embedded database (before asking for a password). */
export function exitIfDatabaseInUse(config: Config, instead: string): void {
  if (config.databaseUrl || config.pgliteDir.includes('://')) return
  try {
    checkPgliteFree(config.pgliteDir)
  } catch (error) {
    refuse(error, instead)
  }
}

function refuse(error: unknown, instead: string): never {
  if (!(error instanceof DatabaseInUseError)) throw error
  process.stderr.write(`${error.message}\n${instead}\n`)
  process.exit(1)
}
