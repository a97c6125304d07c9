// Walks the integrity chain from the first link and reports the first record that was altered,
// removed, or written outside the chain (as someone bypassing the triggers could).
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Canonical } from '../../lib/canonical-json.js'
import { contentHashOf, nextChainHash } from './chain.js'
import { GENESIS_HASH, linksAfter, type ChainLink, type RecordKind } from './chain.repository.js'

export type IntegrityProblem =
  | { kind: 'link_missing'; seq: number }
  | { kind: 'record_missing'; seq: number; recordKind: RecordKind; recordId: string }
  | { kind: 'record_altered'; seq: number; recordKind: RecordKind; recordId: string }
  | { kind: 'chain_broken'; seq: number; recordKind: RecordKind; recordId: string }
  | { kind: 'record_unlinked'; recordKind: RecordKind; recordId: string }

export interface IntegrityReport {
  ok: boolean
  linksChecked: number
  problem?: IntegrityProblem
}

/** Reads the canonical content of a batch of records of one kind, by id. */
export type ContentLoader = (db: Kysely<Database>, ids: readonly string[]) => Promise<Map<string, Canonical>>

export interface RecordSource {
  readonly kind: RecordKind
  readonly load: ContentLoader
  /** One record of this kind with no link in the chain, if any. */
  readonly findUnlinked: (db: Kysely<Database>) => Promise<string | undefined>
}

const BATCH = 500

export async function verifyIntegrity(db: Kysely<Database>, sources: readonly RecordSource[]): Promise<IntegrityReport> {
  const byKind = new Map(sources.map((s) => [s.kind, s]))
  let previousHash = GENESIS_HASH
  let expectedSeq = 1
  let checked = 0
  for (;;) {
    const links = await linksAfter(db, expectedSeq - 1, BATCH)
    if (links.length === 0) break
    const contents = new Map<string, Canonical>()
    for (const source of sources) {
      const ids = links.filter((l) => l.recordKind === source.kind).map((l) => l.recordId)
      for (const [id, content] of await source.load(db, ids)) contents.set(id, content)
    }
    for (const link of links) {
      const problem = checkLink(link, expectedSeq, previousHash, contents, byKind)
      if (problem) return { ok: false, linksChecked: checked, problem }
      previousHash = link.chainHash
      expectedSeq += 1
      checked += 1
    }
  }
  for (const source of sources) {
    const unlinked = await source.findUnlinked(db)
    if (unlinked) return { ok: false, linksChecked: checked, problem: { kind: 'record_unlinked', recordKind: source.kind, recordId: unlinked } }
  }
  return { ok: true, linksChecked: checked }
}

function checkLink(
  link: ChainLink,
  expectedSeq: number,
  previousHash: string,
  contents: Map<string, Canonical>,
  sources: Map<RecordKind, RecordSource>,
): IntegrityProblem | undefined {
  if (link.seq !== expectedSeq) return { kind: 'link_missing', seq: expectedSeq }
  const where = { seq: link.seq, recordKind: link.recordKind, recordId: link.recordId }
  if (!sources.has(link.recordKind)) return { kind: 'chain_broken', ...where }
  const content = contents.get(link.recordId)
  if (content === undefined) return { kind: 'record_missing', ...where }
  if (contentHashOf(content) !== link.contentHash) return { kind: 'record_altered', ...where }
  if (nextChainHash(previousHash, link.contentHash) !== link.chainHash) return { kind: 'chain_broken', ...where }
  return undefined
}
