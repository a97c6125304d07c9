// Throttling of password and code guesses (NIST SP 800-63B 5.2.2) instead of a lockout anyone could
// trigger. Failures are read from the audit log, which every instance shares.
//
// - Per account and address: five failures are free, then each next try waits 1, 2, 4, ... minutes,
//   at most an hour. Failures are forgotten after 24 hours or when the account logs in from there.
// - Per account: at most 100 failures in 24 hours, from all addresses together. Past that, only the
//   addresses the account has logged in from in the last 90 days may still try (each under its own
//   pair delays), so an attacker elsewhere cannot lock the owner out, and cannot guess on either.
// - Per address: at most 100 failures an hour over all accounts (password spraying), with the same
//   exemption for the account's own addresses.
//
// Why guessing stays infeasible: from addresses without a login history the account gets at most
// 100 failed guesses a day, 36,500 a year, however many addresses are used. A guess at the code
// needs the right password first, sends an SMS to the owner, and has 1 in 1,000,000 chance; 100
// guesses a day is 1 in 10,000 a day. Passwords are at least 12 characters; 36,500 guesses a year
// cover a vanishing share of them. From one of the owner's own addresses the pair delays allow at
// most 34 failures a day (5 free, then 1+2+4+8+16+32 minutes, then one an hour).
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { TooManyAttemptsError } from '../../errors.js'
import { countRecentFailures, latestLoginFrom, nthNewestFailure, recordAudit } from '../audit/audit.repository.js'

type Db = Kysely<Database> | Transaction<Database>

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

export const FREE_FAILURES_PER_PAIR = 5
export const FIRST_DELAY_MS = MINUTE_MS
export const MAX_DELAY_MS = HOUR_MS
export const PAIR_WINDOW_MS = DAY_MS
export const ACCOUNT_CEILING = 100
export const ACCOUNT_WINDOW_MS = DAY_MS
export const ADDRESS_CEILING = 100
export const ADDRESS_WINDOW_MS = HOUR_MS
/** An address the account has logged in from within this time is one of the owner's own. */
export const KNOWN_ADDRESS_MS = 90 * DAY_MS

/** How long the next try from an account and address waits after this many failures. */
export function pairDelayMs(failures: number): number {
  if (failures < FREE_FAILURES_PER_PAIR) return 0
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES_PER_PAIR), MAX_DELAY_MS)
}

export interface Attempt {
  /** Keyed hash of the e-mail address typed (known or not). */
  accountKey: string
  /** The account, when the e-mail address belongs to one. */
  userId: string | undefined
  ip: string
  now: Date
}

const secondsUntil = (at: number, now: Date): number => Math.max(1, Math.ceil((at - now.getTime()) / 1000))

/** Failures since the later of the pair window's start and the account's last login from the address. */
async function pairWindow(db: Db, attempt: Attempt): Promise<{ since: Date; known: boolean }> {
  const windowStart = new Date(attempt.now.getTime() - PAIR_WINDOW_MS)
  const lastLogin = attempt.userId
    ? await latestLoginFrom(db, attempt.userId, attempt.ip, new Date(attempt.now.getTime() - KNOWN_ADDRESS_MS))
    : null
  return { since: lastLogin && lastLogin > windowStart ? lastLogin : windowStart, known: lastLogin !== null }
}

/** Refuses (429 with Retry-After) a try that must wait; the answer is the same whether the account exists or not. */
export async function assertMayTry(db: Db, attempt: Attempt): Promise<void> {
  const { now } = attempt
  const pair = await pairWindow(db, attempt)
  const failures = await countRecentFailures(db, { accountKey: attempt.accountKey, ip: attempt.ip }, pair.since)
  const delay = pairDelayMs(failures.count)
  if (delay > 0 && failures.newest && failures.newest.getTime() + delay > now.getTime()) {
    throw new TooManyAttemptsError(secondsUntil(failures.newest.getTime() + delay, now))
  }
  if (pair.known) return
  const ceilings = [
    { by: { accountKey: attempt.accountKey }, max: ACCOUNT_CEILING, window: ACCOUNT_WINDOW_MS },
    { by: { ip: attempt.ip }, max: ADDRESS_CEILING, window: ADDRESS_WINDOW_MS },
  ]
  for (const { by, max, window } of ceilings) {
    // While `max` failures lie inside the window, the oldest of them leaving it opens the way again.
    const nth = await nthNewestFailure(db, by, new Date(now.getTime() - window), max)
    if (nth) throw new TooManyAttemptsError(secondsUntil(nth.getTime() + window, now))
  }
}

/** Records a failed password or code step, and a 'lockout' entry when delays begin or the account's ceiling is reached. */
export async function recordLoginFailure(db: Db, event: 'login_failure' | 'code_failure', attempt: Attempt): Promise<void> {
  const { accountKey, ip, now, userId } = attempt
  await recordAudit(db, { event, at: now, subjectUserId: userId ?? null, accountKey, ip })
  const pair = await pairWindow(db, attempt)
  const pairFailures = await countRecentFailures(db, { accountKey, ip }, pair.since)
  const accountFailures = await countRecentFailures(db, { accountKey }, new Date(now.getTime() - ACCOUNT_WINDOW_MS))
  const entries = [
    ...(pairFailures.count === FREE_FAILURES_PER_PAIR ? [{ scope: 'account_and_address', minutes: FIRST_DELAY_MS / MINUTE_MS }] : []),
    ...(accountFailures.count === ACCOUNT_CEILING ? [{ scope: 'account', minutes: ACCOUNT_WINDOW_MS / MINUTE_MS }] : []),
  ]
  for (const details of entries) {
    await recordAudit(db, { event: 'lockout', at: now, subjectUserId: userId ?? null, accountKey, ip, details })
  }
}
