// Clients that file forms without pause, each with its own Idempotency-Key, and retry the same
// key after any failure (503, a dropped connection, no server) until it is acknowledged, the
// way the form page and a careful API client do. Records everything they saw.
import { setTimeout as sleep } from 'node:timers/promises'
import { newKey, validAnswers } from '../../fixtures/forms.js'
import type { HttpSession } from './http-session.js'

export interface LoadResult {
  /** key → form id, for every key the service acknowledged (201). */
  readonly acknowledged: Map<string, string>
  /** Keys sent at least once. */
  readonly attempted: Set<string>
  /** Acknowledgements of a key that had been tried before (the retry found the form or filed it). */
  retriedAndAcknowledged: number
  unavailable: number
  /** 503 answers without a Retry-After header. */
  unavailableWithoutRetryAfter: number
  connectionErrors: number
  /** Requests that got no answer within the time limit. */
  timeouts: number
  /** Any other answer, "status: body" (there should be none). */
  readonly unexpected: string[]
  /** Keys given up on after the time limit for one form. */
  readonly abandoned: string[]
}

export interface Load {
  readonly result: LoadResult
  /** Acknowledged forms so far. */
  acknowledgedCount(): number
  /** Lets every client finish the form it is on, then returns what they saw. */
  stop(): Promise<LoadResult>
}

const MONTHS = ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']

export function startLoad(
  clients: readonly HttpSession[],
  options: { requestTimeoutMs?: number; perFormLimitMs?: number; baseUrl?: (client: number) => string } = {},
): Load {
  const result: LoadResult = {
    acknowledged: new Map(),
    attempted: new Set(),
    retriedAndAcknowledged: 0,
    unavailable: 0,
    unavailableWithoutRetryAfter: 0,
    connectionErrors: 0,
    timeouts: 0,
    unexpected: [],
    abandoned: [],
  }
  let stopping = false

  async function fileOne(session: HttpSession, index: number, count: number): Promise<void> {
    const key = newKey()
    const answers = validAnswers({ meetingMonth: MONTHS[count % MONTHS.length], age: 12 + (count % 6) })
    const deadline = Date.now() + (options.perFormLimitMs ?? 90_000)
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline) {
        result.abandoned.push(key)
        return
      }
      result.attempted.add(key)
      try {
        const response = await session.postJson('/api/v1/meeting-forms', answers, { 'idempotency-key': key }, options.baseUrl?.(index))
        const text = await response.text()
        if (response.status === 201) {
          result.acknowledged.set(key, (JSON.parse(text) as { id: string }).id)
          if (attempt > 0) result.retriedAndAcknowledged++
          return
        }
        if (response.status === 503) {
          result.unavailable++
          const retryAfter = Number(response.headers.get('retry-after'))
          if (!(retryAfter > 0)) result.unavailableWithoutRetryAfter++
          // honour Retry-After, but the test need not wait seconds: a tenth of it
          await sleep(Math.min(Math.max(retryAfter, 1) * 100, 500))
          continue
        }
        result.unexpected.push(`${response.status}: ${text.slice(0, 200)}`)
        await sleep(100)
      } catch (error) {
        if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) result.timeouts++
        else result.connectionErrors++
        await sleep(100)
      }
    }
  }

  const runners = clients.map(async (session, index) => {
    for (let count = 0; !stopping; count++) await fileOne(session, index, count)
  })

  return {
    result,
    acknowledgedCount: () => result.acknowledged.size,
    async stop() {
      stopping = true
      await Promise.all(runners)
      return result
    },
  }
}

/** Waits until `condition` holds, checking every 50 ms; throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
