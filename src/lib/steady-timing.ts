// Answers that must not tell by their timing which way they went (an address with an account or
// without): the answer waits until a fixed minimum time has passed since the work began.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

/** Now, for `waitUntilElapsed` (a monotonic clock, in milliseconds). */
export const startTimer = (): number => performance.now()

/** Waits until at least `minimumMs` have passed since `startedAt` (from startTimer). */
export async function waitUntilElapsed(startedAt: number, minimumMs: number): Promise<void> {
  await sleep(Math.max(0, minimumMs - (performance.now() - startedAt)))
}
