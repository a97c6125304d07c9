// One consistent view of the database for everything a report reads: a read-only REPEATABLE READ
// transaction, so that all the queries of one report see the same forms, however many are filed
// while it is built (a team's own figures are counted live).
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export async function inSnapshot<D extends { readonly db: Kysely<Database> }, T>(deps: D, work: (deps: D) => Promise<T>): Promise<T> {
  // already inside one (a report made of other reports): the same snapshot
  if (deps.db.isTransaction) return work(deps)
  return deps.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => work({ ...deps, db: trx }))
}
