// The integrity check as the service and `npm run verify` run it: seal what is queued, then walk
// the chain, the seals and the checkpoints (and a checkpoint kept outside, when given).
import type { Kysely } from 'kysely'
import type { Config } from '../../config.js'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../lib/clock.js'
import type { KeptCheckpoint } from './checkpoint.service.js'
import { integrityKeys } from './keys.js'
import { recordSources } from './record-sources.js'
import { sealPending } from './sealer.service.js'
import { verifyIntegrity, type IntegrityReport } from './verify.service.js'

export async function sealAndVerify(
  db: Kysely<Database>,
  config: Config,
  clock: Clock,
  options: { kept?: KeptCheckpoint | undefined; seal?: boolean } = {},
): Promise<IntegrityReport> {
  const keys = integrityKeys(config)
  if (options.seal ?? true) await sealPending(db, keys, clock)
  return verifyIntegrity(db, recordSources, { keys, now: clock.now(), maxSealDelayMs: config.integrity.maxSealDelayMs, kept: options.kept })
}
