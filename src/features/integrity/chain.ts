// The hashes of the chain: a record's content hash, the plain SHA-256 links made before sealing,
// and the keyed hash of a seal, which only a holder of the HMAC key can make.
import { createHmac } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { insertPending, type PendingRecord, type RecordKind } from './chain.repository.js'

export const SEAL_SCHEME = 'hmac-sha256-merkle-v1'

export function contentHashOf(content: Canonical): string {
  return sha256Hex(canonicalJson(content))
}

/** A link of the chain as it was before sealing (migration 0012): verified, never made any more. */
export function nextChainHash(previous: string, contentHash: string): string {
  return sha256Hex(`${previous}:${contentHash}`)
}

/** What a sealed link contributes to its seal's Merkle tree: its place, its record and its content. */
export function leafData(link: { seq: number; recordKind: RecordKind; recordId: string; contentHash: string }): string {
  return `${link.seq}:${link.recordKind}:${link.recordId}:${link.contentHash}`
}

export interface SealFields {
  sealSeq: number
  firstLeaf: number
  leafCount: number
  merkleRoot: string
  previousHash: string
  sealedAt: Date
}

/** HMAC-SHA-256 over everything a seal states and the seal before it. */
export function sealHashOf(hmacKey: Buffer, seal: SealFields): string {
  const message = [SEAL_SCHEME, seal.sealSeq, seal.firstLeaf, seal.leafCount, seal.merkleRoot, seal.previousHash, seal.sealedAt.toISOString()].join('\n')
  return createHmac('sha256', hmacKey).update(message, 'utf8').digest('hex')
}

/**
 * Queues a record written in the same transaction for the next seal. No lock: the sealer takes
 * the queue in its own transaction (sealer.service.ts).
 */
export async function queueForSeal(trx: Transaction<Database>, record: SealedRecord): Promise<void> {
  await insertPending(trx, [sealEntryOf(record)])
}

export interface SealedRecord {
  readonly kind: RecordKind
  readonly id: string
  readonly content: Canonical
  readonly createdAt: Date
}

/** A record's entry in the queue for the next seal: what the sealer needs of it (its content's hash). */
export function sealEntryOf(record: SealedRecord): PendingRecord {
  return { kind: record.kind, id: record.id, contentHash: contentHashOf(record.content), filedAt: record.createdAt }
}
