// Stored checkpoints: the signed (tree size, head hash, time) of the chain.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'

export type CheckpointReason = 'start' | 'daily' | 'administrator'

export interface StoredCheckpoint {
  id: number
  treeSize: number
  rootHash: string
  madeAt: Date
  keyId: string
  signature: string
  reason: CheckpointReason
}

const columns = ['id', 'tree_size', 'root_hash', 'made_at', 'key_id', 'signature', 'reason'] as const

function toCheckpoint(r: { id: string; tree_size: string; root_hash: string; made_at: Date; key_id: string; signature: string; reason: CheckpointReason }): StoredCheckpoint {
  return { id: Number(r.id), treeSize: Number(r.tree_size), rootHash: r.root_hash, madeAt: r.made_at, keyId: r.key_id, signature: r.signature, reason: r.reason }
}

export async function insertCheckpoint(
  db: Kysely<Database>,
  checkpoint: Omit<StoredCheckpoint, 'id'> & { madeBy: string | null },
): Promise<StoredCheckpoint> {
  const row = await db
    .insertInto('integrity_checkpoints')
    .values({
      tree_size: String(checkpoint.treeSize),
      root_hash: checkpoint.rootHash,
      made_at: checkpoint.madeAt,
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
      reason: checkpoint.reason,
      made_by: checkpoint.madeBy,
    })
    .returning(columns)
    .executeTakeFirstOrThrow()
  return toCheckpoint(row)
}

export async function latestCheckpoint(db: Kysely<Database>): Promise<StoredCheckpoint | undefined> {
  const row = await db.selectFrom('integrity_checkpoints').select(columns).orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row ? toCheckpoint(row) : undefined
}

export async function checkpointsAfter(db: Kysely<Database>, afterId: number, limit: number): Promise<StoredCheckpoint[]> {
  const rows = await db.selectFrom('integrity_checkpoints').select(columns).where('id', '>', String(afterId)).orderBy('id').limit(limit).execute()
  return rows.map(toCheckpoint)
}
