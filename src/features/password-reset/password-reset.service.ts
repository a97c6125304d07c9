// Password reset with the login's own strength: a link by e-mail (single use, short-lived, stored
// hashed), then the login's SMS code under the login's throttle, then the new password, which ends
// every session of the account. A request for a link answers the same, in the same time, whether
// or not the address belongs to an account.
import type { Lang } from '../../i18n/index.js'
import { AppError, CodeError, ValidationError, type FieldError } from '../../errors.js'
import { hashPassword } from '../../lib/password.js'
import { startTimer, waitUntilElapsed } from '../../lib/steady-timing.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { User } from '../../db/schema.js'
import { revokeLiveTokensOf } from '../api-tokens/api-tokens.repository.js'
import { accountKeyOf, recordAudit } from '../audit/audit.repository.js'
import { assertMayTry, recordLoginFailure, type Attempt } from '../auth/login-throttle.js'
import { endSessionsOfUser } from '../auth/session.repository.js'
import { checkLoginCode, sendLoginCode } from '../sms-otp/sms-otp.service.js'
import { findUserByEmail, findUserById } from '../users/users.repository.js'
import { passwordChangedEmail, resetLinkEmail, virtuAccountEmail } from './password-reset.emails.js'
import {
  attachChallenge,
  countResetCodeFailure,
  countResetEmailsSince,
  findResetById,
  findResetByTokenHash,
  insertReset,
  lockResetById,
  lockUserForResets,
  markCodeVerified,
  markResetUsed,
  MAX_RESET_CODE_FAILURES,
  supersedeOpenResets,
  updatePasswordHash,
  type ResetRow,
} from './password-reset.repository.js'
import { newPasswordSchema, resetTokenSchema } from './password-reset.schemas.js'
import { hashResetToken, newResetToken } from './reset-token.js'

/** Reset e-mails (links or VIRTU notes) an account gets in an hour; more requests get the same answer and nothing. */
export const RESET_EMAILS_PER_HOUR = 3
const HOUR_MS = 60 * 60 * 1000
/**
 * The answer to a request for a link is never given sooner than this, so the little extra database
 * work for an account that gets a link does not tell which addresses have one.
 */
export const FORGOT_ANSWER_MIN_MS = 250
/** Counted against for an address without an account, so that both cases run the same query. */
const NO_USER_ID = '00000000-0000-0000-0000-000000000000'
const SMS_MESSAGE_KEY = 'reset.sms_message'

/**
 * A link that is unknown, expired, used, superseded, dead after wrong codes or of an account that
 * can no longer use it: one answer for all, with no hint which.
 */
export class ResetLinkDeadError extends AppError {
  constructor() {
    super('not_found', 410)
  }
}

/** What became of a request for a link; written to the audit log (never the address). */
export type ResetRequestOutcome = 'link_sent' | 'virtu_notice' | 'limit_reached' | 'not_active' | 'no_account'

function outcomeFor(user: User | undefined, emailsThisHour: number, smsLoginEnabled: boolean): ResetRequestOutcome {
  if (!user) return 'no_account'
  if (user.status !== 'active') return 'not_active'
  // with SMS login off, a password opens nothing: no link is sent
  const reachable = user.login_method === 'virtu' || (smsLoginEnabled && user.login_method === 'sms' && user.phone !== null)
  if (!reachable) return 'not_active'
  if (emailsThisHour >= RESET_EMAILS_PER_HOUR) return 'limit_reached'
  return user.login_method === 'virtu' ? 'virtu_notice' : 'link_sent'
}

/** Whether a reset may still go on: SMS login is on, the link is alive and its account can still log in by SMS. */
function isUsable(reset: ResetRow | undefined, user: User | undefined, now: Date, smsLoginEnabled: boolean): reset is ResetRow {
  return (
    smsLoginEnabled &&
    reset !== undefined &&
    reset.usedAt === null &&
    reset.supersededAt === null &&
    reset.expiresAt.getTime() > now.getTime() &&
    reset.codeFailures < MAX_RESET_CODE_FAILURES &&
    user !== undefined &&
    user.status === 'active' &&
    user.login_method === 'sms' &&
    user.phone !== null
  )
}

function attemptOf(deps: AppDeps, user: User, ip: string, now: Date): Attempt {
  return { accountKey: accountKeyOf(deps.config.sessionSecret, user.email), userId: user.id, ip, now }
}

/** Sends an e-mail without making the answer wait for the mail server. */
function sendInBackground(deps: AppDeps, message: Parameters<AppDeps['email']['send']>[0], onFailure: (error: unknown) => void): void {
  deps.email.send(message).catch(onFailure)
}

export interface ResetRequestInput {
  email: string
  ip: string
  lang: Lang
  /** Called when the e-mail could not be sent (the answer has been given by then). */
  onEmailFailure: (error: unknown) => void
}

/**
 * A request for a link: an active SMS account gets one (superseding its older links), an active
 * VIRTU account gets a note that it has no password here, and nobody else gets anything. At most
 * RESET_EMAILS_PER_HOUR e-mails an hour per account, counted under the account's row lock.
 */
export async function requestPasswordReset(deps: AppDeps, input: ResetRequestInput): Promise<void> {
  const started = startTimer()
  const now = deps.clock.now()
  const token = newResetToken()
  const expiresAt = new Date(now.getTime() + deps.config.passwordResetLifetimeMs)
  const { user, outcome } = await deps.db.transaction().execute(async (trx) => {
    const found = await findUserByEmail(trx, input.email)
    if (found) await lockUserForResets(trx, found.id)
    const emailsThisHour = await countResetEmailsSince(trx, found?.id ?? NO_USER_ID, new Date(now.getTime() - HOUR_MS))
    const outcome = outcomeFor(found, emailsThisHour, deps.config.sms.enabled)
    if (found && outcome === 'link_sent') {
      await supersedeOpenResets(trx, found.id, now)
      await insertReset(trx, { userId: found.id, tokenHash: hashResetToken(token), now, expiresAt })
    }
    await recordAudit(trx, {
      event: 'password_reset_requested',
      at: now,
      subjectUserId: found?.id ?? null,
      accountKey: accountKeyOf(deps.config.sessionSecret, input.email),
      ip: input.ip,
      details: { outcome },
    })
    return { user: found, outcome }
  })
  if (user && outcome === 'link_sent') {
    const link = `${deps.config.publicUrl}/password/reset?token=${token}`
    const minutes = Math.round(deps.config.passwordResetLifetimeMs / 60_000)
    sendInBackground(deps, resetLinkEmail(input.lang, user.email, link, expiresAt, minutes), input.onEmailFailure)
  } else if (user && outcome === 'virtu_notice') {
    sendInBackground(deps, virtuAccountEmail(input.lang, user.email, `${deps.config.publicUrl}/login`), input.onEmailFailure)
  }
  await waitUntilElapsed(started, FORGOT_ANSWER_MIN_MS)
}

async function usableReset(deps: AppDeps, reset: ResetRow | undefined): Promise<{ reset: ResetRow; user: User }> {
  const user = reset ? await findUserById(deps.db, reset.userId) : undefined
  if (!isUsable(reset, user, deps.clock.now(), deps.config.sms.enabled) || !user) throw new ResetLinkDeadError()
  return { reset, user }
}

/** Checks a link's secret without using anything up (mail scanners open links too). */
export async function checkResetLink(deps: AppDeps, token: unknown): Promise<void> {
  const parsed = resetTokenSchema.safeParse(token)
  if (!parsed.success) throw new ResetLinkDeadError()
  await usableReset(deps, await findResetByTokenHash(deps.db, hashResetToken(parsed.data)))
}

export interface ResetCodeSent {
  resetId: string
  sentAt: Date
  /** True when the code sent moments ago is still usable and no new SMS went out. */
  reused: boolean
}

/**
 * The button on the link's page: sends the SMS code through the login's own machinery (cool-down,
 * sends per window, one live code) and binds it to the reset. A code sent moments ago that can
 * still be used is kept, so a second click sends no second SMS.
 */
export async function sendResetCode(deps: AppDeps, input: { token: unknown; ip: string; lang: Lang }): Promise<ResetCodeSent> {
  const parsed = resetTokenSchema.safeParse(input.token)
  if (!parsed.success) throw new ResetLinkDeadError()
  const { reset, user } = await usableReset(deps, await findResetByTokenHash(deps.db, hashResetToken(parsed.data)))
  await assertMayTry(deps.db, attemptOf(deps, user, input.ip, deps.clock.now()))
  const sent = await sendLoginCode(deps, { userId: user.id, phone: user.phone ?? '', lang: input.lang, ip: input.ip, reuseRecent: true, messageKey: SMS_MESSAGE_KEY })
  await attachChallenge(deps.db, reset.id, sent.challengeId)
  return { resetId: reset.id, sentAt: sent.sentAt, reused: sent.reused }
}

/** A new code for a reset whose code step is open (after the login's cool-down). */
export async function resendResetCode(deps: AppDeps, input: { resetId: string; ip: string; lang: Lang }): Promise<void> {
  const { reset, user } = await resetAtCodeStep(deps, input.resetId)
  await assertMayTry(deps.db, attemptOf(deps, user, input.ip, deps.clock.now()))
  const sent = await sendLoginCode(deps, { userId: user.id, phone: user.phone ?? '', lang: input.lang, ip: input.ip, messageKey: SMS_MESSAGE_KEY })
  await attachChallenge(deps.db, reset.id, sent.challengeId)
}

/** Where a reset in progress stands; throws ResetLinkDeadError when it can no longer go on. */
export async function resetStep(deps: AppDeps, resetId: string): Promise<'code' | 'new_password'> {
  const { reset } = await usableReset(deps, await findResetById(deps.db, resetId))
  if (reset.smsChallengeId === null) throw new ResetLinkDeadError()
  return reset.codeVerifiedAt ? 'new_password' : 'code'
}

async function resetAtCodeStep(deps: AppDeps, resetId: string): Promise<{ reset: ResetRow & { smsChallengeId: string }; user: User }> {
  const { reset, user } = await usableReset(deps, await findResetById(deps.db, resetId))
  const challengeId = reset.smsChallengeId
  if (challengeId === null) throw new ResetLinkDeadError()
  return { reset: { ...reset, smsChallengeId: challengeId }, user }
}

export type ResetCodeResult =
  | { ok: true }
  | { ok: false; error: CodeError; attemptsLeft: number; codeExpired: boolean }

/**
 * Checks the SMS code of a reset. Under the login's throttle: a wrong code counts as a failed code
 * step of the login (code_failure), and a delay the login would impose applies here too. The fifth
 * wrong code kills the link (ResetLinkDeadError).
 */
export async function checkResetCode(deps: AppDeps, input: { resetId: string; code: string; ip: string }): Promise<ResetCodeResult> {
  const { reset, user } = await resetAtCodeStep(deps, input.resetId)
  const now = deps.clock.now()
  const attempt = attemptOf(deps, user, input.ip, now)
  await assertMayTry(deps.db, attempt)
  const check = await checkLoginCode(deps, reset.smsChallengeId, input.code)
  if (check.ok) {
    if (!(await markCodeVerified(deps.db, reset.id, now))) throw new ResetLinkDeadError()
    return { ok: true }
  }
  await recordLoginFailure(deps.db, 'code_failure', attempt)
  const failures = await countResetCodeFailure(deps.db, reset.id)
  if (failures >= MAX_RESET_CODE_FAILURES) throw new ResetLinkDeadError()
  // No attempt was spent on the code itself: it had expired or a newer one had replaced it.
  const codeExpired = check.userId === undefined || check.error.code === 'code_expired'
  return { ok: false, error: check.error, attemptsLeft: MAX_RESET_CODE_FAILURES - failures, codeExpired }
}

function newPasswordErrors(input: Record<string, unknown>): FieldError[] {
  const parsed = newPasswordSchema.safeParse(input)
  const fields: FieldError[] = parsed.success ? [] : fieldErrorsFromZod(parsed.error.issues)
  if (input.password !== input.passwordConfirm && !fields.some((f) => f.field === 'passwordConfirm')) {
    fields.push({ field: 'passwordConfirm', code: 'passwords_differ' })
  }
  return fields
}

export interface NewPasswordInput {
  resetId: string
  body: unknown
  ip: string
  lang: Lang
  onEmailFailure: (error: unknown) => void
}

/**
 * The last step: in one transaction the new password is set, the link used up, the account's other
 * links superseded, every session of the account ended and its API keys revoked; then the user is
 * told by e-mail.
 */
export async function completePasswordReset(deps: AppDeps, input: NewPasswordInput): Promise<void> {
  const body = (input.body ?? {}) as Record<string, unknown>
  const fields = newPasswordErrors(body)
  if (fields.length > 0) throw new ValidationError(fields)
  const passwordHash = await hashPassword(String(body.password))
  const now = deps.clock.now()
  const user = await deps.db.transaction().execute(async (trx) => {
    const reset = await lockResetById(trx, input.resetId)
    const owner = reset ? await findUserById(trx, reset.userId) : undefined
    if (!isUsable(reset, owner, now, deps.config.sms.enabled) || !owner || reset.codeVerifiedAt === null) throw new ResetLinkDeadError()
    if (!(await markResetUsed(trx, reset.id, now))) throw new ResetLinkDeadError()
    await updatePasswordHash(trx, owner.id, passwordHash, now)
    await supersedeOpenResets(trx, owner.id, now)
    const sessionsEnded = await endSessionsOfUser(trx, owner.id, now, 'password_reset')
    // A reset is how an account taken over is taken back: API keys made meanwhile stop working too.
    const tokensRevoked = await revokeLiveTokensOf(trx, owner.id, owner.id, now)
    await recordAudit(trx, { event: 'password_reset', at: now, actorUserId: owner.id, subjectUserId: owner.id, ip: input.ip, details: { sessionsEnded, tokensRevoked } })
    return owner
  })
  sendInBackground(deps, passwordChangedEmail(input.lang, user.email, deps.config.operator.email, now), input.onEmailFailure)
}
