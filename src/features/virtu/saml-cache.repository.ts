// VIRTU login state in the database, shared by every instance of the service: the AuthnRequest ids
// still waiting for an answer (node-saml's CacheProvider, behind its InResponseTo check), and the
// assertions already accepted once (the replay check).
import type { CacheItem, CacheProvider } from '@node-saml/node-saml'
import type { Kysely } from 'kysely'
import { translateDatabaseError } from '../../db/pg-errors.js'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../lib/clock.js'

/**
 * node-saml's request-id cache over the virtu_authn_requests table. An id older than
 * `lifetimeMs` (by the app's clock) counts as absent, and expired rows are pruned as new ones are
 * written.
 */
export function createSamlRequestCache(db: Kysely<Database>, clock: Clock, lifetimeMs: number): CacheProvider {
  const oldestLive = () => new Date(clock.now().getTime() - lifetimeMs)
  const provider: CacheProvider = {
    async saveAsync(key: string, _value: string): Promise<CacheItem | null> {
      const now = clock.now()
      await db.deleteFrom('virtu_authn_requests').where('created_at', '<=', oldestLive()).execute()
      const row = await db
        .insertInto('virtu_authn_requests')
        .values({ id: key, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('created_at')
        .executeTakeFirst()
      return row ? { value: row.created_at.toISOString(), createdAt: row.created_at.getTime() } : null
    },

    async getAsync(key: string): Promise<string | null> {
      const row = await db
        .selectFrom('virtu_authn_requests')
        .select('created_at')
        .where('id', '=', key)
        .where('created_at', '>', oldestLive())
        .executeTakeFirst()
      return row ? row.created_at.toISOString() : null
    },

    async removeAsync(key: string | null): Promise<string | null> {
      if (key === null) return null
      const row = await db.deleteFrom('virtu_authn_requests').where('id', '=', key).returning('id').executeTakeFirst()
      return row ? row.id : null
    },
  }
  // node-saml would report a failing database as an invalid response: keep it a database error
  // (a 503 while the database is away), not a refused login.
  const guarded = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args)
    } catch (error) {
      throw translateDatabaseError(error) ?? error
    }
  }
  return {
    saveAsync: guarded(provider.saveAsync),
    getAsync: guarded(provider.getAsync),
    removeAsync: guarded(provider.removeAsync),
  }
}

export interface ConsumedAssertion {
  assertionId: string
  inResponseTo: string
  seenAt: Date
  expiresAt: Date
}

/**
 * Records that an assertion has been used. False when this assertion, or another answer to the
 * same AuthnRequest, was used before: the unique keys decide, so two instances racing with the
 * same response cannot both win.
 */
export async function consumeAssertion(db: Kysely<Database>, assertion: ConsumedAssertion): Promise<boolean> {
  await db.deleteFrom('virtu_consumed_assertions').where('expires_at', '<', assertion.seenAt).execute()
  const row = await db
    .insertInto('virtu_consumed_assertions')
    .values({
      assertion_id: assertion.assertionId,
      in_response_to: assertion.inResponseTo,
      seen_at: assertion.seenAt,
      expires_at: assertion.expiresAt,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('assertion_id')
    .executeTakeFirst()
  return row !== undefined
}
