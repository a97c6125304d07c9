// The integrity chain: one append-only list of links over every form and activity record.
import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../../db/schema.js'

/** Any constant shared by every instance: writers of the chain take it one at a time. */
const CHAIN_LOCK_KEY = 7_240_002
export const GENESIS_HASH = '0'.repeat(64)

export type RecordKind = 'meeting_form' | 'activity_record'

export interface ChainLink {
  seq: number
  recordKind: RecordKind
  recordId: string
  contentHash: string
  chainHash: string
}

/** Waits for the chain's write lock; released when the transaction ends. */
export async function lockChain(trx: Transaction<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`.execute(trx)
}

export async function lastLink(db: Kysely<Database> | Transaction<Database>): Promise<{ seq: number; chainHash: string }> {
  const row = await db.selectFrom('integrity_chain').select(['seq', 'chain_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  return row ? { seq: Number(row.seq), chainHash: row.chain_hash } : { seq: 0, chainHash: GENESIS_HASH }
}

export async function insertLink(trx: Transaction<Database>, link: ChainLink & { createdAt: Date }): Promise<void> {
  await trx
    .insertInto('integrity_chain')
    .values({
      seq: String(link.seq),
      record_kind: link.recordKind,
      record_id: link.recordId,
      content_hash: link.contentHash,
      chain_hash: link.chainHash,
      created_at: link.createdAt,
    })
    .execute()
}

export async function linksAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<ChainLink[]> {
  const rows = await db
    .selectFrom('integrity_chain')
    .select(['seq', 'record_kind', 'record_id', 'content_hash', 'chain_hash'])
    .where('seq', '>', String(afterSeq))
    .orderBy('seq')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    seq: Number(r.seq),
    recordKind: r.record_kind,
    recordId: r.record_id,
    contentHash: r.content_hash,
    chainHash: r.chain_hash,
  }))
}
