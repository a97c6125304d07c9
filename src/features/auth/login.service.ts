// SMS login: e-mail and password first, then the code sent by SMS; only the code step opens a
// session. Failed attempts are counted per account and per IP in the audit log (shared by every
// instance), and too many lock the account or address out for a while.
import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../../db/schema.js'
import { AccountStatusError, InvalidCredentialsError, TooManyAttemptsError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { verifyPassword } from '../../lib/password.js'
import type { AppDeps } from '../../plugins/deps.js'
import { accountKeyOf, countRecentFailures, recordAudit } from '../audit/audit.repository.js'
import { checkLoginCode, sendLoginCode } from '../sms-otp/sms-otp.service.js'
import { findChallenge } from '../sms-otp/sms-challenge.repository.js'
import { findUserByEmail, findUserById } from '../users/users.repository.js'
import { createSession } from './session.service.js'

export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000
export const MAX_FAILURES_PER_ACCOUNT = 5
export const MAX_FAILURES_PER_IP = 20
/** A login that has not finished its code step within this time starts over. */
export const LOGIN_FLOW_LIFETIME_MS = 15 * 60 * 1000

type Db = Kysely<Database> | Transaction<Database>

async function assertNotLockedOut(db: Db, accountKey: string, ip: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - LOCKOUT_WINDOW_MS)
  const checks = [
    { result: await countRecentFailures(db, { accountKey }, since), max: MAX_FAILURES_PER_ACCOUNT },
    { result: await countRecentFailures(db, { ip }, since), max: MAX_FAILURES_PER_IP },
  ]
  for (const { result, max } of checks) {
    if (result.count >= max && result.oldest) {
      const retryAfterMs = result.oldest.getTime() + LOCKOUT_WINDOW_MS - now.getTime()
      throw new TooManyAttemptsError(Math.max(1, Math.ceil(retryAfterMs / 1000)))
    }
  }
}

async function recordFailure(
  db: Db,
  event: 'login_failure' | 'code_failure',
  failure: { accountKey: string; ip: string; userId?: string | undefined; now: Date },
): Promise<void> {
  await recordAudit(db, {
    event,
    at: failure.now,
    subjectUserId: failure.userId ?? null,
    accountKey: failure.accountKey,
    ip: failure.ip,
  })
  const since = new Date(failure.now.getTime() - LOCKOUT_WINDOW_MS)
  const { count } = await countRecentFailures(db, { accountKey: failure.accountKey }, since)
  if (count === MAX_FAILURES_PER_ACCOUNT) {
    await recordAudit(db, {
      event: 'lockout',
      at: failure.now,
      subjectUserId: failure.userId ?? null,
      accountKey: failure.accountKey,
      ip: failure.ip,
      details: { minutes: LOCKOUT_WINDOW_MS / 60_000 },
    })
  }
}

export interface PasswordStepInput {
  email: string
  password: string
  ip: string
  lang: Lang
}

/** Checks e-mail and password and sends a code; returns the challenge the code step continues. */
export async function startSmsLogin(deps: AppDeps, input: PasswordStepInput): Promise<{ challengeId: string }> {
  const now = deps.clock.now()
  const accountKey = accountKeyOf(deps.config.sessionSecret, input.email)
  // One attempt per account at a time: check, try and count under the account's lock, so parallel
  // guesses cannot all slip in before the first failure is counted.
  const user = await deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`login:${accountKey}`}))`.execute(trx)
    await assertNotLockedOut(trx, accountKey, input.ip, now)
    const found = await findUserByEmail(trx, input.email)
    // verifyPassword does the full scrypt work even without a user: same answer, same time. A
    // pending or disabled account takes the wrong password's path too (same answer, same work),
    // so the answer never confirms that a password is right.
    const passwordOk = await verifyPassword(input.password, found?.password_hash)
    if (found && passwordOk && found.login_method === 'sms' && found.phone && found.status === 'active') return found
    await recordFailure(trx, 'login_failure', { accountKey, ip: input.ip, userId: found?.id, now })
    return undefined
  })
  if (!user?.phone) throw new InvalidCredentialsError()

  const { challengeId } = await sendLoginCode(deps, { userId: user.id, phone: user.phone, lang: input.lang, ip: input.ip })
  return { challengeId }
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
  const accountKey = accountKeyOf(deps.config.sessionSecret, user.email)
  await assertNotLockedOut(deps.db, accountKey, input.ip, now)

  // Parallel guesses are bounded by the challenge itself: each spends one of its five attempts atomically.
  const check = await checkLoginCode(deps, input.challengeId, input.code)
  if (!check.ok) {
    await recordFailure(deps.db, 'code_failure', { accountKey, ip: input.ip, userId: user.id, now })
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
  await assertNotLockedOut(deps.db, accountKeyOf(deps.config.sessionSecret, user.email), input.ip, now)
  return sendLoginCode(deps, { userId: user.id, phone: user.phone, lang: input.lang, ip: input.ip })
}
