// The server's integrity timers: the sealer every INTEGRITY_SEAL_INTERVAL_MS, and a signed
// checkpoint at start when the last is older than INTEGRITY_CHECKPOINT_HOURS (a day by default)
// and whenever it becomes so. A failed round is logged and tried again at the next tick.
import type { Kysely } from 'kysely'
import type { Config } from '../../config.js'
import type { Database } from '../../db/schema.js'
import type { Clock } from '../../lib/clock.js'
import { checkpointIfDue } from './checkpoint.service.js'
import { integrityKeys } from './keys.js'
import { sealPending } from './sealer.service.js'

interface Log {
  info(object: object, message: string): void
  error(object: object, message: string): void
}

export interface IntegrityTimers {
  /** Stops the timers and waits for a round in progress. */
  stop(): Promise<void>
}

/** How often to look whether a checkpoint is due: the interval is at most a day, so a few minutes is plenty. */
const CHECKPOINT_CHECK_MS = 5 * 60_000

export async function startIntegrityTimers(deps: { db: Kysely<Database>; config: Config; clock: Clock }, log: Log): Promise<IntegrityTimers> {
  const keys = integrityKeys(deps.config)
  const { sealIntervalMs, checkpointIntervalMs } = deps.config.integrity
  let running: Promise<void> = Promise.resolve()
  let busy = false
  let stopped = false
  // one round at a time: a slow seal is never overtaken by the next tick
  const round = (work: () => Promise<unknown>, what: string) => {
    if (busy || stopped) return
    busy = true
    running = work()
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, `integrity: ${what} failed, trying again later`))
      .finally(() => {
        busy = false
      })
  }
  const checkpoint = async (reason: 'start' | 'daily') => {
    const made = await checkpointIfDue(deps.db, keys, deps.clock, checkpointIntervalMs, reason)
    if (made) log.info({ treeSize: made.treeSize, keyId: keys.keyId, reason }, 'integrity: signed checkpoint made')
  }
  round(() => checkpoint('start'), 'checkpoint at start')
  await running
  const sealer = setInterval(() => round(() => sealPending(deps.db, keys, deps.clock), 'sealing'), sealIntervalMs)
  const daily = setInterval(() => round(() => checkpoint('daily'), 'daily checkpoint'), Math.min(CHECKPOINT_CHECK_MS, checkpointIntervalMs))
  sealer.unref()
  daily.unref()
  return {
    stop: async () => {
      stopped = true
      clearInterval(sealer)
      clearInterval(daily)
      await running
    },
  }
}
