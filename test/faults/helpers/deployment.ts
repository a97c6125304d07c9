// A deployment for the process tests: a fresh PostgreSQL database (TEST_DATABASE_URL, or the local
// server), a shared SMS outbox and session secret, and as many server processes on it as a test
// starts. Everything is removed at teardown.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { Database } from '../../../src/db/schema.js'
import { createTestDatabase } from '../../fixtures/database.js'
import { createUser, TEST_PASSWORD } from '../../fixtures/factories.js'
import { freePort, ServerProcess } from '../../fixtures/server-process.js'
import type { Account } from './http-session.js'

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface Deployment {
  readonly databaseUrl: string
  /** The test's own connection (application role), for setting up accounts and checking rows. */
  readonly db: Kysely<Database>
  readonly outboxFile: string
  /** The settings every server process of this deployment gets. */
  readonly env: NodeJS.ProcessEnv
  /** A new server process (not started) on a free port. */
  server(extraEnv?: NodeJS.ProcessEnv): Promise<ServerProcess>
  /** An active expert of a new team, with the test password. */
  expert(): Promise<Account & { id: string }>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function createDeployment(t: Teardown): Promise<Deployment> {
  const database = await createTestDatabase(POSTGRES_URL)
  if (!database.url) throw new Error('the process tests need PostgreSQL')
  const dir = await mkdtemp(join(tmpdir(), 'anchor-processes-'))
  const servers: ServerProcess[] = []
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    SMS_OUTBOX_FILE: join(dir, 'sms-outbox.jsonl'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  }
  t.teardown(async () => {
    await Promise.all(servers.map((server) => server.stop()))
    await database.drop()
    await rm(dir, { recursive: true, force: true })
  })
  return {
    databaseUrl: database.url,
    db: database.handle.db,
    outboxFile: join(dir, 'sms-outbox.jsonl'),
    env,
    async server(extraEnv = {}) {
      const server = new ServerProcess(await freePort(), { ...env, ...extraEnv })
      servers.push(server)
      return server
    },
    async expert() {
      const user = await createUser(database.handle.db, { role: 'expert' })
      return { id: user.id, email: user.email, phone: user.phone, password: TEST_PASSWORD }
    },
  }
}
