// Opens the database: PostgreSQL through `pg` when a connection string is given, otherwise the
// embedded PGlite (a directory, or memory:// for tests). Both are PostgreSQL, so one set of
// migrations and queries serves both.
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import { acquirePgliteLock, type PgliteLock } from './pglite-lock.js'
import type { Database } from './schema.js'

/** The rows of the last statement of a script. */
export type ScriptRows = Record<string, unknown>[]

export interface DatabaseHandle {
  readonly kind: 'pglite' | 'postgres'
  readonly db: Kysely<Database>
  /** Runs a multi-statement SQL script as the database owner (migrations, test set-up). */
  runScript(sql: string): Promise<ScriptRows>
  /** Runs work on one connection as the database owner; used for migrations and integrity checks. */
  withConnection<T>(work: (run: (sql: string) => Promise<ScriptRows>) => Promise<T>): Promise<T>
  /** Runs Kysely work as the database owner, never on the application's pool (rebuilding derived data). */
  withOwnerDb<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>
  /**
   * From now on, `db` works as the restricted application role (migration 0005), which cannot
   * change or remove forms, activity records, chain links or audit entries. Call after migrating.
   */
  enterAppRole(): Promise<void>
  /** The address the service answers at, written into the embedded database's lock for others to read. */
  recordServiceAddress(address: string): void
  close(): Promise<void>
}

export interface ConnectOptions {
  databaseUrl?: string | undefined
  /** The schema owner's connection, for migrations and integrity checks (defaults to databaseUrl). */
  ownerUrl?: string | undefined
  /** PGlite data directory or 'memory://'. */
  pgliteDir?: string
  /** An already open PGlite instance to use (tests start one from a saved data directory). */
  pglite?: PGlite
  /** Called when an idle pooled connection fails (the server went away); the pool replaces it. */
  onPoolError?: (error: Error) => void
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options.ownerUrl ?? options.databaseUrl, options.onPoolError)
  if (options.pglite) return connectPglite(options.pglite)
  const dir = options.pgliteDir ?? 'memory://'
  if (dir.includes('://')) return connectPglite(await PGlite.create(dir))
  // Before anything is opened or created: a second process refuses here and changes nothing.
  const lock = acquirePgliteLock(dir)
  try {
    mkdirSync(dir, { recursive: true })
    return connectPglite(await PGlite.create(dir), lock)
  } catch (error) {
    lock.release()
    throw error
  }
}

export const APP_ROLE = 'anchor_app'
const LOCK_TIMEOUT = '10s'
const STATEMENT_TIMEOUT = '30s'

function connectPostgres(url: string, ownerUrl: string, onPoolError?: (error: Error) => void): DatabaseHandle {
  let appRole = false
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    // a connection to a server that vanished without a word (a network partition) is noticed
    keepAlive: true,
  })
  // Without listeners a connection's error (e.g. PostgreSQL restarting) would crash the process:
  // the pool listens on idle connections, and every connection gets its own listener for the time
  // it is checked out. The query in progress fails on its own and becomes a 503.
  pool.on('error', (error) => onPoolError?.(error))
  pool.on('connect', (client) => client.on('error', () => undefined))
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      // Every pooled connection works as the application role once the service has migrated.
      // No request waits for ever: a lock held too long (a rebuild of the report totals at another
      // instance's start) or a runaway query ends in a 503 the client retries.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`SET lock_timeout = '${LOCK_TIMEOUT}'; SET statement_timeout = '${STATEMENT_TIMEOUT}'`))
        if (appRole) await connection.executeQuery(CompiledQuery.raw(`SET ROLE ${APP_ROLE}`))
      },
    }),
  })
  // The owner's work (migrations, integrity checks) runs on a connection of its own, outside the pool.
  const withConnection: DatabaseHandle['withConnection'] = async (work) => {
    const client = new pg.Client({ connectionString: ownerUrl, connectionTimeoutMillis: 3000 })
    client.on('error', (error) => onPoolError?.(error))
    await client.connect()
    try {
      return await work(async (sql) => {
        const result: pg.QueryResult | pg.QueryResult[] = await client.query(sql)
        const last = Array.isArray(result) ? result[result.length - 1] : result
        return (last?.rows ?? []) as ScriptRows
      })
    } finally {
      await client.end()
    }
  }
  const withOwnerDb: DatabaseHandle['withOwnerDb'] = async (work) => {
    const ownerPool = new pg.Pool({ connectionString: ownerUrl, max: 1, connectionTimeoutMillis: 3000 })
    ownerPool.on('error', (error) => onPoolError?.(error))
    const ownerDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: ownerPool }) })
    try {
      return await work(ownerDb)
    } finally {
      await ownerDb.destroy()
    }
  }
  return {
    kind: 'postgres',
    db,
    withConnection,
    withOwnerDb,
    runScript: (sql) => withConnection((run) => run(sql)),
    enterAppRole: async () => {
      appRole = true
    },
    recordServiceAddress: () => undefined,
    close: () => db.destroy(),
  }
}

function connectPglite(pglite: PGlite, lock?: PgliteLock): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  let appRole = false
  const run = async (sql: string): Promise<ScriptRows> => {
    const results = await pglite.exec(sql)
    return (results[results.length - 1]?.rows ?? []) as ScriptRows
  }
  // PGlite has one connection, shared by everything: the owner's work steps out of the
  // application role and back in.
  const withConnection: DatabaseHandle['withConnection'] = async (work) => {
    if (appRole) await run('RESET ROLE')
    try {
      return await work(run)
    } finally {
      if (appRole) await run(`SET ROLE ${APP_ROLE}`)
    }
  }
  const withOwnerDb: DatabaseHandle['withOwnerDb'] = async (work) => {
    if (appRole) await run('RESET ROLE')
    try {
      return await work(db)
    } finally {
      if (appRole) await run(`SET ROLE ${APP_ROLE}`)
    }
  }
  return {
    kind: 'pglite',
    db,
    withConnection,
    withOwnerDb,
    runScript: (sql) => withConnection((r) => r(sql)),
    enterAppRole: async () => {
      await run(`SET ROLE ${APP_ROLE}`)
      appRole = true
    },
    recordServiceAddress: (address) => lock?.setAddress(address),
    close: async () => {
      try {
        await db.destroy()
        // Kysely opens its driver lazily; if no query ran through it, destroy() leaves PGlite open.
        if (!pglite.closed) await pglite.close()
      } finally {
        lock?.release()
      }
    },
  }
}
