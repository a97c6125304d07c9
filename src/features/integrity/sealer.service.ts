// The sealer: appends the records filed since the last seal to the chain under one keyed seal.
// Only the sealer takes the chain's lock, so no submission waits for another; instances that seal
// at the same time take turns on the lock, and the unique keys of the chain and the seals would
// refuse a second seal of a record even without it.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../lib/clock.js'
import { leafData, sealHashOf } from './chain.js'
import { GENESIS_HASH, insertSealedLinks, insertSeal, lastLink, lastSeal, lockChain, oldestPending, removePending, type Seal } from './chain.repository.js'
import type { IntegrityKeys } from './keys.js'
import { merkleRoot } from './merkle.js'

/** Records per seal: one seal's work stays a short transaction however long the queue. */
export const SEAL_BATCH = 2000

export interface SealResult {
  /** seals appended (none when nothing was queued) */
  seals: number
  records: number
}

/**
 * Seals one batch of queued records; returns the seal, or undefined when there was nothing to seal.
 * With no seal yet and links from before sealing, the first seal holds no records: it anchors the
 * older links' head under the key.
 */
async function sealOnce(db: Kysely<Database>, keys: IntegrityKeys, clock: Clock): Promise<Seal | undefined> {
  // READ COMMITTED: after waiting for the lock, each statement sees what the previous sealer committed
  return db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
    await lockChain(trx)
    const pending = await oldestPending(trx, SEAL_BATCH)
    const previous = await lastSeal(trx)
    const head = await lastLink(trx)
    if (pending.length === 0 && (previous || head.seq === 0)) return undefined
    // after the last seal, or (first seal) after the older links' head
    const previousHash = previous ? previous.sealHash : (head.chainHash ?? GENESIS_HASH)
    const sealSeq = (previous?.sealSeq ?? 0) + 1
    const firstLeaf = head.seq + 1
    const links = pending.map((p, i) => ({ seq: firstLeaf + i, recordKind: p.kind, recordId: p.id, contentHash: p.contentHash, sealSeq, createdAt: p.filedAt }))
    const fields = {
      sealSeq,
      firstLeaf,
      leafCount: links.length,
      merkleRoot: merkleRoot(links.map(leafData)),
      previousHash,
      sealedAt: clock.now(),
    }
    const seal: Seal = { ...fields, treeSize: firstLeaf - 1 + links.length, sealHash: sealHashOf(keys.hmacKey, fields) }
    await insertSeal(trx, seal)
    await insertSealedLinks(trx, links)
    await removePending(trx, links.map((l) => l.recordId))
    return seal
  })
}

/** Seals until the queue is empty (as it was when the call began, give or take new arrivals). */
export async function sealPending(db: Kysely<Database>, keys: IntegrityKeys, clock: Clock, maxSeals = Number.POSITIVE_INFINITY): Promise<SealResult> {
  const result: SealResult = { seals: 0, records: 0 }
  while (result.seals < maxSeals) {
    const seal = await sealOnce(db, keys, clock)
    if (!seal) break
    result.seals += 1
    result.records += seal.leafCount
    if (seal.leafCount < SEAL_BATCH) break
  }
  return result
}
