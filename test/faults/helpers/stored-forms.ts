// What the database holds after a load: the forms of the load's users by idempotency key, checked
// against what the clients were told, and the integrity chain checked with `npm run verify`.
import type { Kysely } from 'kysely'
import type { Database } from '../../../src/db/schema.js'
import { runCli } from '../../fixtures/server-process.js'
import type { LoadResult } from './load.js'

interface Assert {
  equal(found: unknown, wanted: unknown, message?: string): void
  same(found: unknown, wanted: unknown, message?: string): void
  ok(value: unknown, message?: string): void
}

/** Every acknowledged form stored exactly once, under the id the client was given; nothing else. */
export async function assertStoredExactlyOnce(t: Assert, db: Kysely<Database>, userIds: readonly string[], result: LoadResult): Promise<void> {
  const rows = await db.selectFrom('meeting_forms').select(['id', 'idempotency_key']).where('submitted_by', 'in', userIds).execute()
  const byKey = new Map<string, string[]>()
  for (const row of rows) byKey.set(row.idempotency_key, [...(byKey.get(row.idempotency_key) ?? []), row.id])

  const missing = [...result.acknowledged.keys()].filter((key) => !byKey.has(key))
  const wrongId = [...result.acknowledged].filter(([key, id]) => byKey.has(key) && byKey.get(key)![0] !== id)
  const twice = [...byKey].filter(([, ids]) => ids.length > 1)
  const unknown = [...byKey.keys()].filter((key) => !result.attempted.has(key))
  const unacknowledged = [...byKey.keys()].filter((key) => !result.acknowledged.has(key))
  t.same(missing, [], 'every acknowledged form is stored')
  t.same(wrongId, [], 'under the id the client was given')
  t.same(twice, [], 'no key is stored twice')
  t.same(unknown, [], 'no form the clients did not send')
  // a key given up on may or may not have reached the database; none should have been given up on
  t.same(result.abandoned, [], 'no client gave up on a form')
  t.same(unacknowledged, [], 'every stored form was acknowledged in the end')
  t.equal(rows.length, result.acknowledged.size, `${rows.length} forms stored, ${result.acknowledged.size} acknowledged`)
}

/** `npm run verify` on the database: the chain links every record and nothing was altered. */
export async function assertChainIntact(t: Assert, env: NodeJS.ProcessEnv): Promise<void> {
  const verify = await runCli('verify', [], env)
  t.equal(verify.code, 0, `npm run verify: ${verify.output.trim().split('\n').at(-1) ?? ''}`)
}
