// activity_records rows: insert, idempotency look-up, the team's list, and read-back for the chain.
import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { ActivityKind, Database, RefusalAgeBand } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export interface StoredActivity {
  id: string
  teamId: string
  submittedBy: string
  createdAt: Date
  kind: ActivityKind
  month: string
  ageBand: RefusalAgeBand | null
  participants: number | null
}

/**
 * Inserts one record unless its user already has one with its idempotency key; returns whether it
 * did. A concurrent insert of the same key is waited for (the unique index).
 */
export async function insertActivityOnce(trx: Transaction<Database>, record: StoredActivity & { idempotencyKey: string; requestHash: string }): Promise<boolean> {
  const inserted = await trx
    .insertInto('activity_records')
    .values({
      id: record.id,
      team_id: record.teamId,
      submitted_by: record.submittedBy,
      idempotency_key: record.idempotencyKey,
      request_hash: record.requestHash,
      created_at: record.createdAt,
      kind: record.kind,
      activity_month: `${record.month}-01`,
      age_band: record.ageBand,
      participants: record.participants,
    })
    .onConflict((oc) => oc.columns(['submitted_by', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function findActivityByKey(db: Db, submittedBy: string, key: string) {
  return db
    .selectFrom('activity_records')
    .select(['id', 'request_hash as requestHash', 'created_at as createdAt'])
    .where('submitted_by', '=', submittedBy)
    .where('idempotency_key', '=', key)
    .executeTakeFirst()
}

function storedQuery(db: Db) {
  return db
    .selectFrom('activity_records')
    .select([
      'id',
      'team_id as teamId',
      'submitted_by as submittedBy',
      'created_at as createdAt',
      'kind',
      sql<string>`to_char(activity_month, 'YYYY-MM')`.as('month'),
      'age_band as ageBand',
      'participants',
    ])
}

export async function findStoredActivities(db: Db, ids: readonly string[]): Promise<StoredActivity[]> {
  if (ids.length === 0) return []
  const rows = await storedQuery(db).where('id', 'in', ids).execute()
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt), participants: r.participants === null ? null : Number(r.participants) }))
}

export async function listTeamActivities(db: Db, teamId: string, limit: number): Promise<StoredActivity[]> {
  const rows = await storedQuery(db).where('team_id', '=', teamId).orderBy('activity_month', 'desc').orderBy('created_at', 'desc').limit(limit).execute()
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt), participants: r.participants === null ? null : Number(r.participants) }))
}
