// The integrity tables: chain links, the queue of records awaiting a seal, seals and checkpoints.
import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { Database, IntegrityRecordKind } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

/** Any constant shared by every instance: sealers take it one at a time. */
const CHAIN_LOCK_KEY = 7_240_002
export const GENESIS_HASH = '0'.repeat(64)

export type RecordKind = IntegrityRecordKind

export interface ChainLink {
  seq: number
  recordKind: RecordKind
  recordId: string
  contentHash: string
  /** set on links made before sealing; null on sealed links */
  chainHash: string | null
  sealSeq: number | null
}

export interface PendingRecord {
  kind: RecordKind
  id: string
  contentHash: string
  filedAt: Date
}

export interface Seal {
  sealSeq: number
  firstLeaf: number
  leafCount: number
  treeSize: number
  merkleRoot: string
  previousHash: string
  sealHash: string
  sealedAt: Date
}

/** Waits for the sealer's lock; released when the transaction ends. */
export async function lockChain(trx: Transaction<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`.execute(trx)
}

export async function insertPending(trx: Transaction<Database>, records: readonly PendingRecord[]): Promise<void> {
  if (records.length === 0) return
  await trx
    .insertInto('integrity_pending')
    .values(records.map((r) => ({ record_id: r.id, record_kind: r.kind, content_hash: r.contentHash, filed_at: r.filedAt })))
    .execute()
}

/** The oldest queued records, in the order the sealer puts them into the chain. */
export async function oldestPending(db: Db, limit: number): Promise<PendingRecord[]> {
  const rows = await db
    .selectFrom('integrity_pending')
    .select(['record_id', 'record_kind', 'content_hash', 'filed_at'])
    .orderBy('filed_at')
    .orderBy('record_id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ kind: r.record_kind, id: r.record_id, contentHash: r.content_hash, filedAt: r.filed_at }))
}

export async function removePending(trx: Transaction<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await trx.deleteFrom('integrity_pending').where('record_id', 'in', ids).execute()
}

/** The last link of the chain (seq 0 when there is none). */
export async function lastLink(db: Db): Promise<{ seq: number; chainHash: string | null }> {
  const row = await db.selectFrom('integrity_chain').select(['seq', 'chain_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  return row ? { seq: Number(row.seq), chainHash: row.chain_hash } : { seq: 0, chainHash: GENESIS_HASH }
}

export async function insertSealedLinks(
  trx: Transaction<Database>,
  links: readonly { seq: number; recordKind: RecordKind; recordId: string; contentHash: string; sealSeq: number; createdAt: Date }[],
): Promise<void> {
  if (links.length === 0) return
  await trx
    .insertInto('integrity_chain')
    .values(
      links.map((l) => ({
        seq: String(l.seq),
        record_kind: l.recordKind,
        record_id: l.recordId,
        content_hash: l.contentHash,
        chain_hash: null,
        seal_seq: String(l.sealSeq),
        created_at: l.createdAt,
      })),
    )
    .execute()
}

export async function linksAfter(db: Db, afterSeq: number, limit: number): Promise<ChainLink[]> {
  const rows = await db
    .selectFrom('integrity_chain')
    .select(['seq', 'record_kind', 'record_id', 'content_hash', 'chain_hash', 'seal_seq'])
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
    sealSeq: r.seal_seq === null ? null : Number(r.seal_seq),
  }))
}

const sealColumns = ['seal_seq', 'first_leaf', 'leaf_count', 'tree_size', 'merkle_root', 'previous_hash', 'seal_hash', 'sealed_at'] as const

function toSeal(r: { seal_seq: string; first_leaf: string; leaf_count: number; tree_size: string; merkle_root: string; previous_hash: string; seal_hash: string; sealed_at: Date }): Seal {
  return {
    sealSeq: Number(r.seal_seq),
    firstLeaf: Number(r.first_leaf),
    leafCount: Number(r.leaf_count),
    treeSize: Number(r.tree_size),
    merkleRoot: r.merkle_root,
    previousHash: r.previous_hash,
    sealHash: r.seal_hash,
    sealedAt: r.sealed_at,
  }
}

export async function lastSeal(db: Db): Promise<Seal | undefined> {
  const row = await db.selectFrom('integrity_seals').select(sealColumns).orderBy('seal_seq', 'desc').limit(1).executeTakeFirst()
  return row ? toSeal(row) : undefined
}

export async function sealsAfter(db: Db, afterSealSeq: number, limit: number): Promise<Seal[]> {
  const rows = await db.selectFrom('integrity_seals').select(sealColumns).where('seal_seq', '>', String(afterSealSeq)).orderBy('seal_seq').limit(limit).execute()
  return rows.map(toSeal)
}

export async function insertSeal(trx: Transaction<Database>, seal: Seal): Promise<void> {
  await trx
    .insertInto('integrity_seals')
    .values({
      seal_seq: String(seal.sealSeq),
      scheme: 'hmac-sha256-merkle-v1',
      first_leaf: String(seal.firstLeaf),
      leaf_count: seal.leafCount,
      tree_size: String(seal.treeSize),
      merkle_root: seal.merkleRoot,
      previous_hash: seal.previousHash,
      seal_hash: seal.sealHash,
      sealed_at: seal.sealedAt,
    })
    .execute()
}

/** One record of a table with no link in the chain, and whether it is waiting in the queue. */
export async function findUnsealed(
  db: Kysely<Database>,
  table: 'meeting_forms' | 'activity_records',
  filedBefore: Date,
): Promise<{ id: string; queued: boolean } | undefined> {
  // first a record missing from both the chain and the queue (written outside the service, or its
  // queue entry removed), then one still queued after the maximum seal delay
  const notInChain = db
    .selectFrom(table)
    .select(['id', 'created_at'])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('integrity_chain').select('seq').whereRef('integrity_chain.record_id', '=', `${table}.id`))))
  const unqueued = await notInChain
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('integrity_pending').select('record_id').whereRef('integrity_pending.record_id', '=', `${table}.id`))))
    .limit(1)
    .executeTakeFirst()
  if (unqueued) return { id: unqueued.id, queued: false }
  const late = await notInChain.where('created_at', '<', filedBefore).limit(1).executeTakeFirst()
  return late ? { id: late.id, queued: true } : undefined
}

/**
 * One withdrawal record with no link in the chain, as `findUnsealed` finds forms (their tables name
 * the moment a record was made differently: requested_at, decided_at).
 */
export async function findUnsealedWithdrawal(
  db: Kysely<Database>,
  table: 'form_withdrawal_requests' | 'form_withdrawal_decisions',
  filedBefore: Date,
): Promise<{ id: string; queued: boolean } | undefined> {
  const filedAt = sql.ref(table === 'form_withdrawal_requests' ? 'requested_at' : 'decided_at')
  const rows = await sql<{ id: string; queued: boolean }>`
    SELECT w.id, EXISTS (SELECT 1 FROM integrity_pending p WHERE p.record_id = w.id) AS queued
      FROM ${sql.table(table)} w
     WHERE NOT EXISTS (SELECT 1 FROM integrity_chain c WHERE c.record_id = w.id)
       AND (NOT EXISTS (SELECT 1 FROM integrity_pending p WHERE p.record_id = w.id) OR ${filedAt} < ${filedBefore})
     ORDER BY 2
     LIMIT 1`.execute(db)
  return rows.rows[0]
}
