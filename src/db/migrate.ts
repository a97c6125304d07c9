// Applies the numbered SQL files in migrations/ that have not run yet, each in its own
// transaction, under an advisory lock so that two instances starting together do not race.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrationsDir } from '../lib/paths.js'
import type { DatabaseHandle } from './connect.js'

const MIGRATION_LOCK_KEY = 7_240_001 // any constant shared by every instance of this service
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/

export function listMigrationFiles(dir = migrationsDir): string[] {
  return readdirSync(dir)
    .filter((name) => MIGRATION_FILE.test(name))
    .sort()
}

/** Runs pending migrations; returns the names applied now. */
export async function migrate(handle: DatabaseHandle, dir = migrationsDir): Promise<string[]> {
  const files = listMigrationFiles(dir)
  return applyMigrations(handle, dir, files)
}

async function applyMigrations(handle: DatabaseHandle, dir: string, files: string[]): Promise<string[]> {
  return handle.withConnection(async (run) => {
    await run(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`)
    try {
      await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now())`)
      const done = new Set((await run('SELECT name FROM schema_migrations')).map((r) => String(r.name)))
      const applied: string[] = []
      for (const name of files) {
        if (done.has(name)) continue
        const body = readFileSync(join(dir, name), 'utf8')
        try {
          await run(`BEGIN;\n${body}\n;INSERT INTO schema_migrations (name) VALUES ('${name}');\nCOMMIT;`)
        } catch (error) {
          await run('ROLLBACK').catch(() => undefined)
          throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error })
        }
        applied.push(name)
      }
      return applied
    } finally {
      await run(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`)
    }
  })
}

/** Names of migrations present on disk but not yet applied (readiness check). */
export async function pendingMigrations(handle: DatabaseHandle, dir = migrationsDir): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('schema_migrations')
    .select('name')
    .execute()
    .catch(() => [])
  const done = new Set(rows.map((r) => r.name))
  return listMigrationFiles(dir).filter((name) => !done.has(name))
}
