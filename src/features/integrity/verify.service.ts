// Walks the integrity chain from the first link and reports the first record that was altered,
// removed, or written outside the chain (as someone bypassing the triggers could), every seal whose
// keyed hash does not match, every checkpoint whose signature fails or whose head the records no
// longer reproduce, and any record still unsealed after the maximum seal delay.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Canonical } from '../../lib/canonical-json.js'
import { contentHashOf, leafData, nextChainHash, sealHashOf } from './chain.js'
import { GENESIS_HASH, linksAfter, sealsAfter, type ChainLink, type RecordKind, type Seal } from './chain.repository.js'
import { checkpointsAfter } from './checkpoint.repository.js'
import { checkpointSignatureValid, type KeptCheckpoint } from './checkpoint.service.js'
import type { IntegrityKeys } from './keys.js'
import { merkleRoot } from './merkle.js'

export type IntegrityProblem =
  | { kind: 'link_missing'; seq: number }
  | { kind: 'record_missing'; seq: number; recordKind: RecordKind; recordId: string }
  | { kind: 'record_altered'; seq: number; recordKind: RecordKind; recordId: string }
  | { kind: 'chain_broken'; seq: number; recordKind: RecordKind; recordId: string }
  | { kind: 'record_unlinked'; recordKind: RecordKind; recordId: string }
  | { kind: 'record_unsealed'; recordKind: RecordKind; recordId: string }
  | { kind: 'seal_missing'; sealSeq: number }
  | { kind: 'seal_invalid'; sealSeq: number }
  | { kind: 'checkpoint_signature_invalid'; checkpoint: string }
  | { kind: 'checkpoint_not_reproduced'; checkpoint: string; treeSize: number }

export interface IntegrityReport {
  ok: boolean
  linksChecked: number
  sealsChecked: number
  checkpointsChecked: number
  problem?: IntegrityProblem
}

/** Reads the canonical content of a batch of records of one kind, by id. */
export type ContentLoader = (db: Kysely<Database>, ids: readonly string[]) => Promise<Map<string, Canonical>>

export interface RecordSource {
  readonly kind: RecordKind
  readonly load: ContentLoader
  /** One record of this kind with no link in the chain, if any, and whether it is queued for a seal. */
  readonly findUnsealed: (db: Kysely<Database>, filedBefore: Date) => Promise<{ id: string; queued: boolean } | undefined>
}

export interface VerifyOptions {
  keys: IntegrityKeys
  now: Date
  /** records filed longer ago than this must be under a seal */
  maxSealDelayMs: number
  /** a checkpoint kept outside the database, to compare too */
  kept?: KeptCheckpoint | undefined
}

const BATCH = 500

/** The chain's state while walking: the head hash after each tree size that a checkpoint may name. */
class Walk {
  previousHash = GENESIS_HASH
  expectedSeq = 1
  linksChecked = 0
  sealsChecked = 0
  /** tree size -> head hash, at the end of the older links and after every seal */
  readonly heads = new Map<number, string>([[0, GENESIS_HASH]])
  /** the seal being filled with its links, and its links so far */
  seal: Seal | undefined
  sealLinks: ChainLink[] = []
  olderLinksEnded = false
}

export async function verifyIntegrity(db: Kysely<Database>, sources: readonly RecordSource[], options: VerifyOptions): Promise<IntegrityReport> {
  const walk = new Walk()
  const fail = (problem: IntegrityProblem): IntegrityReport => ({
    ok: false,
    linksChecked: walk.linksChecked,
    sealsChecked: walk.sealsChecked,
    checkpointsChecked: 0,
    problem,
  })
  const byKind = new Map(sources.map((s) => [s.kind, s]))
  const seals = new SealReader(db)

  for (;;) {
    const links = await linksAfter(db, walk.expectedSeq - 1, BATCH)
    if (links.length === 0) break
    const contents = new Map<string, Canonical>()
    for (const source of sources) {
      const ids = links.filter((l) => l.recordKind === source.kind).map((l) => l.recordId)
      for (const [id, content] of await source.load(db, ids)) contents.set(id, content)
    }
    for (const link of links) {
      const problem = checkLink(link, walk, contents, byKind) ?? (await placeLink(link, walk, seals, options.keys))
      if (problem) return fail(problem)
      walk.expectedSeq += 1
      walk.linksChecked += 1
    }
  }
  // the seal being filled lost links at the end, or seals remain that hold no links
  if (walk.seal) return fail({ kind: 'link_missing', seq: walk.expectedSeq })
  endOlderLinks(walk)
  for (;;) {
    const seal = await seals.next()
    if (!seal) break
    if (seal.leafCount > 0 || seal.firstLeaf !== walk.expectedSeq) return fail({ kind: 'link_missing', seq: walk.expectedSeq })
    const problem = closeSeal(seal, [], walk, options.keys)
    if (problem) return fail(problem)
  }

  let checkpointsChecked = 0
  for (let after = 0; ; ) {
    const stored = await checkpointsAfter(db, after, BATCH)
    if (stored.length === 0) break
    for (const checkpoint of stored) {
      const problem = checkCheckpoint(`${checkpoint.id} of ${checkpoint.madeAt.toISOString()}`, checkpoint, checkpoint.signature, walk, options.keys)
      if (problem) return fail(problem)
      checkpointsChecked += 1
      after = checkpoint.id
    }
  }
  if (options.kept) {
    const problem = checkCheckpoint(`kept outside, of ${options.kept.madeAt.toISOString()}`, options.kept, options.kept.signature, walk, options.keys)
    if (problem) return fail(problem)
    checkpointsChecked += 1
  }

  const filedBefore = new Date(options.now.getTime() - options.maxSealDelayMs)
  for (const source of sources) {
    const found = await source.findUnsealed(db, filedBefore)
    if (found) return { ...fail({ kind: found.queued ? 'record_unsealed' : 'record_unlinked', recordKind: source.kind, recordId: found.id }), checkpointsChecked }
  }
  return { ok: true, linksChecked: walk.linksChecked, sealsChecked: walk.sealsChecked, checkpointsChecked }
}

/** Reads the seals in order, a batch at a time. */
class SealReader {
  private buffer: Seal[] = []
  private after = 0
  constructor(private readonly db: Kysely<Database>) {}
  async next(): Promise<Seal | undefined> {
    if (this.buffer.length === 0) this.buffer = await sealsAfter(this.db, this.after, BATCH)
    const seal = this.buffer.shift()
    if (seal) this.after = seal.sealSeq
    return seal
  }
}

function checkLink(link: ChainLink, walk: Walk, contents: Map<string, Canonical>, sources: Map<RecordKind, RecordSource>): IntegrityProblem | undefined {
  if (link.seq !== walk.expectedSeq) return { kind: 'link_missing', seq: walk.expectedSeq }
  const where = { seq: link.seq, recordKind: link.recordKind, recordId: link.recordId }
  if (!sources.has(link.recordKind)) return { kind: 'chain_broken', ...where }
  const content = contents.get(link.recordId)
  if (content === undefined) return { kind: 'record_missing', ...where }
  if (contentHashOf(content) !== link.contentHash) return { kind: 'record_altered', ...where }
  return undefined
}

function endOlderLinks(walk: Walk): void {
  if (walk.olderLinksEnded) return
  walk.olderLinksEnded = true
  walk.heads.set(walk.expectedSeq - 1, walk.previousHash)
}

/** An older link continues the plain chain; a sealed link goes into its seal, closed when full. */
async function placeLink(link: ChainLink, walk: Walk, seals: SealReader, keys: IntegrityKeys): Promise<IntegrityProblem | undefined> {
  const where = { seq: link.seq, recordKind: link.recordKind, recordId: link.recordId }
  if (link.chainHash !== null) {
    // older links come first, before any seal
    if (walk.olderLinksEnded || nextChainHash(walk.previousHash, link.contentHash) !== link.chainHash) return { kind: 'chain_broken', ...where }
    walk.previousHash = link.chainHash
    return undefined
  }
  endOlderLinks(walk)
  while (!walk.seal) {
    const seal = await seals.next()
    if (!seal) return { kind: 'chain_broken', ...where }
    if (seal.leafCount > 0) {
      walk.seal = seal
    } else {
      // a seal holding no links (the anchor of the older links) sits where the next link starts
      if (seal.firstLeaf !== link.seq) return { kind: 'chain_broken', ...where }
      const problem = closeSeal(seal, [], walk, keys)
      if (problem) return problem
    }
  }
  const seal = walk.seal
  if (link.sealSeq !== seal.sealSeq || link.seq !== seal.firstLeaf + walk.sealLinks.length) return { kind: 'chain_broken', ...where }
  walk.sealLinks.push(link)
  if (walk.sealLinks.length < seal.leafCount) return undefined
  const problem = closeSeal(seal, walk.sealLinks, walk, keys)
  walk.seal = undefined
  walk.sealLinks = []
  return problem
}

function closeSeal(seal: Seal, links: readonly ChainLink[], walk: Walk, keys: IntegrityKeys): IntegrityProblem | undefined {
  if (seal.sealSeq !== walk.sealsChecked + 1) return { kind: 'seal_missing', sealSeq: walk.sealsChecked + 1 }
  const root = merkleRoot(links.map((l) => leafData(l)))
  const expected = sealHashOf(keys.hmacKey, { ...seal, merkleRoot: root, previousHash: walk.previousHash })
  if (seal.treeSize !== seal.firstLeaf - 1 + links.length || root !== seal.merkleRoot || expected !== seal.sealHash) {
    return { kind: 'seal_invalid', sealSeq: seal.sealSeq }
  }
  walk.previousHash = seal.sealHash
  walk.sealsChecked += 1
  walk.heads.set(seal.treeSize, seal.sealHash)
  return undefined
}

function checkCheckpoint(name: string, checkpoint: { treeSize: number; rootHash: string; madeAt: Date }, signature: string, walk: Walk, keys: IntegrityKeys): IntegrityProblem | undefined {
  if (!checkpointSignatureValid(keys, checkpoint, signature)) return { kind: 'checkpoint_signature_invalid', checkpoint: name }
  if (walk.heads.get(checkpoint.treeSize) !== checkpoint.rootHash) return { kind: 'checkpoint_not_reproduced', checkpoint: name, treeSize: checkpoint.treeSize }
  return undefined
}
