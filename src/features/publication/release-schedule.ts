// The release schedule: once a month, on the configured day (Finnish time), a release is made for the
// months that have closed. Checked at start and every hour; the check is cheap and safe to run on
// every instance (makeRelease decides under its lock whether a release is due).
import type { FastifyBaseLogger } from 'fastify'
import type { AppDeps } from '../../plugins/deps.js'
import { makeRelease } from './release.service.js'

const HOUR = 3600 * 1000

/** The day of the month in Finnish time. */
function finnishDay(date: Date): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', day: 'numeric' }).format(date))
}

export async function runScheduledRelease(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, log: FastifyBaseLogger): Promise<void> {
  const now = deps.clock.now()
  if (finnishDay(now) < deps.config.publication.releaseDay) return
  const made = await makeRelease(deps, { now, madeBy: null, onlyIfDue: true })
  if (made) log.info({ release: made.id, through: made.throughMonth, forms: made.formsEntered, published: made.published, withheld: made.withheld }, 'scheduled release made')
}

/** Starts the schedule; returns a function that stops it. */
export function startReleaseSchedule(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, log: FastifyBaseLogger): () => void {
  if (!deps.config.publication.scheduleEnabled) return () => undefined
  const run = () => runScheduledRelease(deps, log).catch((error: unknown) => log.error({ err: error }, 'scheduled release failed; retried within the hour'))
  const first = setTimeout(run, 5_000)
  const every = setInterval(run, HOUR)
  first.unref()
  every.unref()
  return () => {
    clearTimeout(first)
    clearInterval(every)
  }
}
