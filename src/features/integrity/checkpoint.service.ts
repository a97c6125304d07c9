// Signed checkpoints, after Certificate Transparency's signed tree head (RFC 6962 section 3.5,
// RFC 9162 section 4.10): the chain's size and head hash at a moment, signed with Ed25519. Kept
// outside the database, a checkpoint shows whether records it covers were later removed or changed.
import { createPublicKey, sign, verify } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../lib/clock.js'
import { GENESIS_HASH, lastLink, lastSeal } from './chain.repository.js'
import { insertCheckpoint, latestCheckpoint, type CheckpointReason, type StoredCheckpoint } from './checkpoint.repository.js'
import { publicKeyIdOf, type IntegrityKeys } from './keys.js'
import { sealPending } from './sealer.service.js'

export const CHECKPOINT_FORMAT = 'anchor-integrity-checkpoint/v1'

export interface Checkpoint {
  treeSize: number
  rootHash: string
  madeAt: Date
}

/** The exact bytes signed: the format's name, then each field on its own line. */
export function checkpointMessage(checkpoint: Checkpoint): Buffer {
  return Buffer.from([CHECKPOINT_FORMAT, checkpoint.treeSize, checkpoint.rootHash, checkpoint.madeAt.toISOString()].join('\n'), 'utf8')
}

export function signCheckpoint(keys: IntegrityKeys, checkpoint: Checkpoint): string {
  return sign(null, checkpointMessage(checkpoint), keys.signingKey).toString('base64')
}

export function checkpointSignatureValid(keys: IntegrityKeys, checkpoint: Checkpoint, signature: string): boolean {
  try {
    return verify(null, checkpointMessage(checkpoint), keys.publicKey, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

/**
 * Seals what is queued, then signs the chain's head. The head is the last seal's hash (or, before
 * any seal, the last older link's hash; in an empty chain the genesis hash).
 */
export async function makeCheckpoint(
  db: Kysely<Database>,
  keys: IntegrityKeys,
  clock: Clock,
  reason: CheckpointReason,
  madeBy: string | null = null,
): Promise<StoredCheckpoint> {
  await sealPending(db, keys, clock)
  const seal = await lastSeal(db)
  const head = seal ? { treeSize: seal.treeSize, rootHash: seal.sealHash } : await olderHead(db)
  const checkpoint: Checkpoint = { ...head, madeAt: clock.now() }
  return insertCheckpoint(db, { ...checkpoint, keyId: keys.keyId, signature: signCheckpoint(keys, checkpoint), reason, madeBy })
}

async function olderHead(db: Kysely<Database>): Promise<{ treeSize: number; rootHash: string }> {
  const link = await lastLink(db)
  return { treeSize: link.seq, rootHash: link.chainHash ?? GENESIS_HASH }
}

/** Makes a checkpoint when the last one is older than the interval (or there is none). */
export async function checkpointIfDue(
  db: Kysely<Database>,
  keys: IntegrityKeys,
  clock: Clock,
  intervalMs: number,
  reason: CheckpointReason,
): Promise<StoredCheckpoint | undefined> {
  const latest = await latestCheckpoint(db)
  if (latest && clock.now().getTime() - latest.madeAt.getTime() < intervalMs) return undefined
  return makeCheckpoint(db, keys, clock, reason)
}

/** The file an administrator keeps outside the service: everything needed to check it later. */
export function checkpointFile(keys: IntegrityKeys, checkpoint: StoredCheckpoint): Record<string, unknown> {
  return {
    format: CHECKPOINT_FORMAT,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    madeAt: checkpoint.madeAt.toISOString(),
    signature: checkpoint.signature,
    keyId: checkpoint.keyId,
    publicKey: keys.publicKeyPem,
  }
}

const checkpointFileSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  treeSize: z.number().int().min(0),
  rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  madeAt: z.iso.datetime(),
  signature: z.string().min(1),
  keyId: z.string().optional(),
  publicKey: z.string().optional(),
})

export interface KeptCheckpoint extends Checkpoint {
  signature: string
  /** the key id of the public key written in the file, if any */
  fileKeyId: string | undefined
}

/** Reads a kept checkpoint file's JSON; throws with a plain message when it is not one. */
export function parseCheckpointFile(text: string): KeptCheckpoint {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error('the file is not JSON')
  }
  const parsed = checkpointFileSchema.safeParse(json)
  if (!parsed.success) throw new Error(`the file is not a checkpoint (${parsed.error.issues.map((i) => i.path.join('.') || 'format').join(', ')})`)
  let fileKeyId: string | undefined
  if (parsed.data.publicKey) {
    try {
      fileKeyId = publicKeyIdOf(createPublicKey(parsed.data.publicKey))
    } catch {
      throw new Error('the public key in the file is not valid')
    }
  }
  return { treeSize: parsed.data.treeSize, rootHash: parsed.data.rootHash, madeAt: new Date(parsed.data.madeAt), signature: parsed.data.signature, fileKeyId }
}
