// Linking records into the chain: a link's hash covers the record's content and the previous link.
import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { insertLink, lastLink, lockChain, type RecordKind } from './chain.repository.js'

export function contentHashOf(content: Canonical): string {
  return sha256Hex(canonicalJson(content))
}

export function nextChainHash(previous: string, contentHash: string): string {
  return sha256Hex(`${previous}:${contentHash}`)
}

/**
 * Appends a link for a record written in the same transaction. Writers queue on the chain's lock
 * for the few milliseconds between reading the last link and writing the next.
 */
export async function appendToChain(
  trx: Transaction<Database>,
  record: { kind: RecordKind; id: string; content: Canonical; createdAt: Date },
): Promise<void> {
  await lockChain(trx)
  const previous = await lastLink(trx)
  const contentHash = contentHashOf(record.content)
  await insertLink(trx, {
    seq: previous.seq + 1,
    recordKind: record.kind,
    recordId: record.id,
    contentHash,
    chainHash: nextChainHash(previous.chainHash, contentHash),
    createdAt: record.createdAt,
  })
}
