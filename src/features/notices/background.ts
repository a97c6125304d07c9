// Work started by a request that its answer does not wait for (the administrators' digest after a
// registration: a slow mail server must not hold up the registrant, nor tell by its timing whether
// an address was new). Failures are logged. Tests and shutdown can wait until it has finished.
import type { FastifyBaseLogger } from 'fastify'

const inFlight = new WeakMap<object, Set<Promise<void>>>()

/** Starts `task` for `owner` (the app's dependencies) without waiting for it. */
export function runInBackground(owner: object, log: FastifyBaseLogger, what: string, task: () => Promise<unknown>): void {
  const tasks = inFlight.get(owner) ?? new Set<Promise<void>>()
  inFlight.set(owner, tasks)
  const running: Promise<void> = task()
    .then(() => undefined)
    .catch((error: unknown) => log.error({ task: what, error: error instanceof Error ? error.name : typeof error }, 'background task failed'))
    .finally(() => tasks.delete(running))
  tasks.add(running)
}

/** Resolves when every task started for `owner` so far has finished. */
export async function backgroundSettled(owner: object): Promise<void> {
  const tasks = inFlight.get(owner)
  while (tasks && tasks.size > 0) await Promise.all([...tasks])
}
