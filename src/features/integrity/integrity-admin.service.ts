// What the administrators' integrity page shows and does: the latest signed checkpoint, the public
// key to keep outside the service, and a checkpoint made on demand.
import type { AppDeps } from '../../plugins/deps.js'
import { NotFoundError } from '../../errors.js'
import { latestCheckpoint, type StoredCheckpoint } from './checkpoint.repository.js'
import { checkpointFile, makeCheckpoint } from './checkpoint.service.js'
import { integrityKeys } from './keys.js'

export interface IntegrityOverview {
  checkpoint: StoredCheckpoint | undefined
  publicKeyPem: string
  keyId: string
}

export async function integrityOverview(deps: AppDeps): Promise<IntegrityOverview> {
  const keys = integrityKeys(deps.config)
  return { checkpoint: await latestCheckpoint(deps.db), publicKeyPem: keys.publicKeyPem, keyId: keys.keyId }
}

export async function checkpointNow(deps: AppDeps, adminId: string): Promise<StoredCheckpoint> {
  return makeCheckpoint(deps.db, integrityKeys(deps.config), deps.clock, 'administrator', adminId)
}

/** The latest checkpoint as the JSON file to keep elsewhere, and a file name that sorts by time. */
export async function latestCheckpointDownload(deps: AppDeps): Promise<{ fileName: string; body: string }> {
  const checkpoint = await latestCheckpoint(deps.db)
  if (!checkpoint) throw new NotFoundError()
  const stamp = checkpoint.madeAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return {
    fileName: `anchor-checkpoint-${stamp}-${checkpoint.treeSize}.json`,
    body: `${JSON.stringify(checkpointFile(integrityKeys(deps.config), checkpoint), null, 2)}\n`,
  }
}
