// The rate limiter's counters in PostgreSQL, so that every instance behind a load balancer counts
// the same requests: one row per route and client key, reset when its window has passed.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

interface RouteInfo {
  method?: string | string[]
  url?: string
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void

/** Roughly one request in this many also removes counters whose window has passed. */
const CLEAN_UP_EVERY = 200

export async function countRequest(db: Kysely<Database>, key: string, timeWindowMs: number): Promise<{ current: number; ttl: number }> {
  const window = sql`make_interval(secs => ${timeWindowMs / 1000})`
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ key, hits: 1, window_ends: sql`now() + ${window}` })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql`CASE WHEN rate_limit_counters.window_ends <= now() THEN 1 ELSE rate_limit_counters.hits + 1 END`,
        window_ends: sql`CASE WHEN rate_limit_counters.window_ends <= now() THEN excluded.window_ends ELSE rate_limit_counters.window_ends END`,
      }),
    )
    .returning(['hits', sql<number>`ceil(extract(epoch FROM window_ends - now()) * 1000)::integer`.as('ttl')])
    .executeTakeFirstOrThrow()
  return { current: row.hits, ttl: Math.max(0, Number(row.ttl)) }
}

export async function removeExpiredCounters(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('rate_limit_counters').where('window_ends', '<', sql<Date>`now()`).execute()
}

/**
 * A store class for @fastify/rate-limit that keeps its counts in `db`. A key found over its limit
 * is refused from memory until its window ends, so a flood costs the database one write per
 * instance and window, not one per request. Supports `max` and `timeWindow` (the options this
 * service uses), not `ban`, `continueExceeding` or `exponentialBackoff`.
 */
export function databaseRateLimitStore(db: Kysely<Database>): FastifyRateLimitStoreCtor {
  const refused = new Map<string, { current: number; until: number }>()
  const forget = (now: number) => {
    for (const [key, entry] of refused) if (entry.until <= now) refused.delete(key)
  }

  class DatabaseStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const fullKey = `${this.prefix}${key}`
      const now = Date.now()
      const known = refused.get(fullKey)
      if (known && known.until > now) {
        known.current += 1
        callback(null, { current: known.current, ttl: known.until - now })
        return
      }
      countRequest(db, fullKey, timeWindow).then(
        (result) => {
          if (result.current > max) {
            if (refused.size > 10_000) forget(now)
            refused.set(fullKey, { current: result.current, until: Date.now() + result.ttl })
          }
          callback(null, result)
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      )
      if (Math.random() * CLEAN_UP_EVERY < 1) removeExpiredCounters(db).catch(() => undefined) // retried by a later request
    }

    // Each route counts on its own, as the built-in store does. The plugin passes the route's
    // limits with the route itself under `routeInfo` (its typings say the route options).
    child(options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route: RouteInfo = (options as { routeInfo?: RouteInfo }).routeInfo ?? options
      const method = Array.isArray(route.method) ? route.method.join(',') : (route.method ?? '')
      return new DatabaseStore(undefined, `${method} ${route.url ?? ''}|`)
    }
  }
  return DatabaseStore
}
