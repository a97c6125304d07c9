// One-time codes by SMS: six digits from otplib, valid five minutes, five attempts, used once,
// stored only as a keyed hash, with a cool-down between sends.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { OTP } from 'otplib'
import { CodeError, InvalidCredentialsError, ServiceUnavailableError, TooManyAttemptsError } from '../../errors.js'
import { translate, type Lang } from '../../i18n/index.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import {
  consumeChallenge,
  insertChallenge,
  latestChallenge,
  lockUserForCodes,
  MAX_CODE_ATTEMPTS,
  recentChallenges,
  spendAttempt,
  withdrawChallenge,
} from './sms-challenge.repository.js'

export const CODE_LIFETIME_MS = 5 * 60 * 1000
export const RESEND_COOL_DOWN_MS = 60 * 1000
export const SEND_WINDOW_MS = 15 * 60 * 1000
export const MAX_SENDS_PER_WINDOW = 5

const hotp = new OTP({ strategy: 'hotp' })

/** A fresh code: HOTP over a random secret that is thrown away, so only the hash remains. */
async function newCode(): Promise<string> {
  return hotp.generate({ secret: hotp.generateSecret(), counter: 0 })
}

function hashCode(secret: string, challengeId: string, code: string): string {
  return createHmac('sha256', secret).update(`sms-code:${challengeId}:${code}`).digest('hex')
}

/**
 * A new code asked for within the cool-down of the latest one: says when that code was sent and
 * from when a new one can be asked for, so the code page can tell the user in plain words.
 */
export class ResendTooSoonError extends TooManyAttemptsError {
  constructor(
    retryAfterSeconds: number,
    public readonly sentAt: Date,
    public readonly nextAt: Date,
  ) {
    super(retryAfterSeconds, 'resend_too_soon')
  }
}

export interface SendCodeInput {
  userId: string
  phone: string
  lang: Lang
  ip: string
  /**
   * Within the cool-down, continue with the user's latest code instead of refusing, when that code
   * can still be used. Only for a password step that has just verified the password: the caller
   * learns the challenge id, never the code, and the code's expiry and attempts still apply.
   */
  reuseRecent?: boolean
  /** i18n key of the SMS text, with {code} and {minutes}: the login's own unless the code is for something else. */
  messageKey?: string
}

export interface SentCode {
  challengeId: string
  expiresAt: Date
  /** When the code was sent: now, or earlier when an existing code was reused. */
  sentAt: Date
  /** True when no SMS went out because the latest code, sent within the cool-down, is still usable. */
  reused: boolean
}

/**
 * Sends a new code to the user's phone, or with `reuseRecent` hands back the latest one when it is
 * still usable and was sent within the cool-down; returns the challenge the code belongs to. The
 * limits (cool-down, sends per window, one live code) are checked and the code stored under the
 * user's row lock in one transaction, so parallel requests on any instance send at most what they
 * allow. The cool-down is between codes still waiting to be used: after a successful login (the
 * latest code consumed) the next login gets its code at once, within the per-window limit.
 */
export async function sendLoginCode(deps: AppDeps, input: SendCodeInput): Promise<SentCode> {
  const now = deps.clock.now()
  const challengeId = randomUUID()
  const code = await newCode()
  const expiresAt = new Date(now.getTime() + CODE_LIFETIME_MS)
  const existing = await deps.db.transaction().execute(async (trx) => {
    if (!(await lockUserForCodes(trx, input.userId))) throw new InvalidCredentialsError()
    const latest = await latestChallenge(trx, input.userId)
    if (latest && !latest.consumed_at) {
      const sentAt = new Date(latest.created_at)
      const age = now.getTime() - sentAt.getTime()
      if (age < RESEND_COOL_DOWN_MS) {
        const usable =
          !latest.superseded_at && new Date(latest.expires_at).getTime() > now.getTime() && latest.attempts < MAX_CODE_ATTEMPTS
        if (input.reuseRecent && usable) {
          return { challengeId: latest.id, expiresAt: new Date(latest.expires_at), sentAt, reused: true }
        }
        const wait = Math.ceil((RESEND_COOL_DOWN_MS - age) / 1000)
        throw new ResendTooSoonError(wait, sentAt, new Date(sentAt.getTime() + RESEND_COOL_DOWN_MS))
      }
    }
    const recent = await recentChallenges(trx, input.userId, new Date(now.getTime() - SEND_WINDOW_MS))
    if (recent.count >= MAX_SENDS_PER_WINDOW) throw new TooManyAttemptsError(SEND_WINDOW_MS / 1000)
    await insertChallenge(trx, {
      id: challengeId,
      userId: input.userId,
      codeHash: hashCode(deps.config.sessionSecret, challengeId, code),
      now,
      expiresAt,
    })
    return undefined
  })
  if (existing) {
    // The password step passed and continues with the code already on the phone; no SMS is sent.
    await recordAudit(deps.db, { event: 'code_sent', at: now, subjectUserId: input.userId, ip: input.ip, details: { reused: true } })
    return existing
  }
  try {
    await deps.sms.send({ to: input.phone, body: translate(input.lang, input.messageKey ?? 'sms.code_message', { code, minutes: 5 }) })
  } catch {
    await withdrawChallenge(deps.db, challengeId, now)
    throw new ServiceUnavailableError(30)
  }
  await recordAudit(deps.db, { event: 'code_sent', at: now, subjectUserId: input.userId, ip: input.ip })
  return { challengeId, expiresAt, sentAt: now, reused: false }
}

export type CodeCheck =
  | { ok: true; userId: string }
  | { ok: false; userId: string | undefined; error: CodeError; attemptsLeft: number }

/** Checks a typed code against a challenge. A correct code works exactly once. */
export async function checkLoginCode(deps: AppDeps, challengeId: string, code: string): Promise<CodeCheck> {
  const now = deps.clock.now()
  const spent = await spendAttempt(deps.db, challengeId, now)
  if (!spent) return { ok: false, userId: undefined, error: new CodeError('code_expired'), attemptsLeft: 0 }
  const expected = Buffer.from(spent.codeHash, 'hex')
  const actual = Buffer.from(hashCode(deps.config.sessionSecret, challengeId, code.trim()), 'hex')
  const attemptsLeft = MAX_CODE_ATTEMPTS - spent.attempts
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    const error = new CodeError(attemptsLeft > 0 ? 'code_invalid' : 'code_expired')
    return { ok: false, userId: spent.userId, error, attemptsLeft }
  }
  if (!(await consumeChallenge(deps.db, challengeId, now))) {
    return { ok: false, userId: spent.userId, error: new CodeError('code_expired'), attemptsLeft: 0 }
  }
  return { ok: true, userId: spent.userId }
}
