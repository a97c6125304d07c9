// SMS login: e-mail and password first, then the code sent by SMS; only the code step opens a
// session. Failed steps are throttled per account and address (login-throttle.ts), from the audit
// log that every instance shares.
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { AccountStatusError, InvalidCredentialsError, TooManyAttemptsError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { verifyPassword } from '../../lib/password.js'
import type { AppDeps } from '../../plugins/deps.js'
import { accountKeyOf, recordAudit } from '../audit/audit.repository.js'
import { checkLoginCode, sendLoginCode } from '../sms-otp/sms-otp.service.js'
import { findChallenge } from '../sms-otp/sms-challenge.repository.js'
import { findUserByEmail, findUserById } from '../users/users.repository.js'
import { assertMayTry, recordLoginFailure } from './login-throttle.js'
import { createSession } from './session.service.js'

/** A login that has not finished its code step within this time starts over. */
export const LOGIN_FLOW_LIFETIME_MS = 15 * 60 * 1000
/** How often, and how far apart, a password step tries for an account's lock another request holds. */
const LOCK_TRIES = 20
const LOCK_RETRY_MS = 100

type User = NonNullable<Awaited<ReturnType<typeof findUserByEmail>>>

export interface PasswordStepInput {
  email: string
  password: string
  ip: string
  lang: Lang
}

export interface PasswordStepResult {
  challengeId: string
  /** When the code to type was sent. */
  sentAt: Date
  /** True when the code sent moments ago is still usable and no new SMS was sent. */
  reused: boolean
}

/**
 * Checks e-mail and password and sends a code; returns the challenge the code step continues.
 * A user who comes back to the password step moments after a code was sent (the back button, a
 * second tab) continues with that code while it is still usable, instead of being refused until
 * the cool-down has passed.
 */
export async function startSmsLogin(deps: AppDeps, input: PasswordStepInput): Promise<PasswordStepResult> {
  const now = deps.clock.now()
  const accountKey = accountKeyOf(deps.config.sessionSecret, input.email)
  // One attempt per account at a time, on every instance: check, try and count under the account's
  // lock, so parallel guesses cannot all slip in before the first failure is counted. A request
  // that finds the lock taken waits without holding a database connection, and gives up after a
  // while, so a burst at one account cannot tie up the pool for everyone else.
  let outcome: { user: User | undefined } | 'busy' = 'busy'
  for (let tries = 0; outcome === 'busy'; tries++) {
    if (tries > 0) {
      if (tries > LOCK_TRIES) throw new TooManyAttemptsError(1, 'login_in_progress')
      await sleep(LOCK_RETRY_MS * (0.5 + Math.random()))
    }
    outcome = await deps.db.transaction().execute(async (trx) => {
      const lock = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${`login:${accountKey}`})) AS locked`.execute(trx)
      if (!lock.rows[0]?.locked) return 'busy' as const
      const found = await findUserByEmail(trx, input.email)
      const attempt = { accountKey, userId: found?.id, ip: input.ip, now }
      await assertMayTry(trx, attempt)
      // verifyPassword does the full scrypt work even without a user: same answer, same time.
      const passwordOk = await verifyPassword(input.password, found?.password_hash)
      // A pending or disabled account answers and counts like a wrong password, so nobody learns
      // whether a password fits an account that cannot log in.
      if (found && passwordOk && found.status === 'active' && found.login_method === 'sms' && found.phone) return { user: found }
      await recordLoginFailure(trx, 'login_failure', attempt)
      return { user: undefined }
    })
  }
  const { user } = outcome
  if (!user?.phone) throw new InvalidCredentialsError()

  // Only here, after the password has been verified, may the user's latest code be reused.
  const sent = await sendLoginCode(deps, { userId: user.id, phone: user.phone, lang: input.lang, ip: input.ip, reuseRecent: true })
  return { challengeId: sent.challengeId, sentAt: sent.sentAt, reused: sent.reused }
}

export interface CodeStepInput {
  challengeId: string
  code: string
  ip: string
}

export type CodeStepResult =
  | { ok: true; sessionId: string; expiresAt: Date; userId: string }
  | { ok: false; error: Error; attemptsLeft: number }

/** Checks the SMS code; a correct, fresh, unused code opens a session. */
export async function completeSmsLogin(deps: AppDeps, input: CodeStepInput): Promise<CodeStepResult> {
  const now = deps.clock.now()
  const challenge = await findChallenge(deps.db, input.challengeId)
  const user = challenge ? await findUserById(deps.db, challenge.user_id) : undefined
  if (!challenge || !user) return { ok: false, error: new InvalidCredentialsError(), attemptsLeft: 0 }
  const attempt = { accountKey: accountKeyOf(deps.config.sessionSecret, user.email), userId: user.id, ip: input.ip, now }
  await assertMayTry(deps.db, attempt)

  // Parallel guesses are bounded by the challenge itself: each spends one of its five attempts atomically.
  const check = await checkLoginCode(deps, input.challengeId, input.code)
  if (!check.ok) {
    await recordLoginFailure(deps.db, 'code_failure', attempt)
    return { ok: false, error: check.error, attemptsLeft: check.attemptsLeft }
  }
  if (user.status !== 'active') return { ok: false, error: new AccountStatusError('account_disabled'), attemptsLeft: 0 }

  const session = await createSession(deps, user.id, 'sms')
  await recordAudit(deps.db, { event: 'login_success', at: now, actorUserId: user.id, ip: input.ip, details: { method: 'sms' } })
  return { ok: true, sessionId: session.sessionId, expiresAt: session.expiresAt, userId: user.id }
}

/** Sends a new code for a login in progress (after the cool-down); returns the new challenge id. */
export async function resendLoginCode(
  deps: AppDeps,
  input: { challengeId: string; ip: string; lang: Lang },
): Promise<{ challengeId: string }> {
  const now = deps.clock.now()
  const challenge = await findChallenge(deps.db, input.challengeId)
  if (!challenge || challenge.consumed_at || now.getTime() - challenge.created_at.getTime() > LOGIN_FLOW_LIFETIME_MS) {
    throw new InvalidCredentialsError()
  }
  const user = await findUserById(deps.db, challenge.user_id)
  if (!user || user.status !== 'active' || !user.phone) throw new InvalidCredentialsError()
  await assertMayTry(deps.db, { accountKey: accountKeyOf(deps.config.sessionSecret, user.email), userId: user.id, ip: input.ip, now })
  const { challengeId } = await sendLoginCode(deps, { userId: user.id, phone: user.phone, lang: input.lang, ip: input.ip })
  return { challengeId }
}
