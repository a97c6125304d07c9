// Password reset pages: ask for a link, open the link, the SMS code, the new password. The reset
// in progress is named by a short-lived signed cookie; its state lives in its database row.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Lang } from '../../i18n/index.js'
import { parseInput } from '../../lib/parse-input.js'
import { formatTimeOfDay, formatTimeOfDayFrom } from '../../lib/time-of-day.js'
import { renderFormWithError } from '../../plugins/views.js'
import { codeStepSchema } from '../auth/auth.schemas.js'
import { RESEND_COOL_DOWN_MS, ResendTooSoonError } from '../sms-otp/sms-otp.service.js'
import { forgotPasswordSchema } from './password-reset.schemas.js'
import {
  checkResetCode,
  checkResetLink,
  completePasswordReset,
  requestPasswordReset,
  resendResetCode,
  ResetLinkDeadError,
  resetStep,
  sendResetCode,
} from './password-reset.service.js'

const RESET_FLOW_COOKIE = 'anchor_reset'
const RESET_FLOW_PATH = '/password/reset'
const forgotRateLimit = { max: 10, timeWindow: '1 minute' }
const resetRateLimit = { max: 30, timeWindow: '1 minute' }

interface ResetFlow {
  resetId: string
  /** Set when the link's button continued with a code sent moments earlier: when it was sent (ISO). */
  sentAt?: string
}

function readResetFlow(request: FastifyRequest): ResetFlow | undefined {
  const raw = request.cookies[RESET_FLOW_COOKIE]
  if (!raw) return undefined
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return undefined
  try {
    const flow = JSON.parse(unsigned.value) as Partial<ResetFlow>
    if (typeof flow.resetId !== 'string' || !/^[0-9a-f-]{36}$/.test(flow.resetId)) return undefined
    const sentAt = typeof flow.sentAt === 'string' && !Number.isNaN(Date.parse(flow.sentAt)) ? flow.sentAt : undefined
    return { resetId: flow.resetId, ...(sentAt ? { sentAt } : {}) }
  } catch {
    return undefined
  }
}

function writeResetFlow(app: FastifyInstance, reply: FastifyReply, flow: ResetFlow): void {
  reply.setCookie(RESET_FLOW_COOKIE, JSON.stringify(flow), {
    path: RESET_FLOW_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: app.config.secureCookies,
    signed: true,
    maxAge: Math.ceil(app.config.passwordResetLifetimeMs / 1000),
  })
}

function clearResetFlow(app: FastifyInstance, reply: FastifyReply): void {
  reply.clearCookie(RESET_FLOW_COOKIE, { path: RESET_FLOW_PATH, httpOnly: true, sameSite: 'strict', secure: app.config.secureCookies, signed: true })
}

function codeNotice(key: 'code.sent_earlier' | 'code.resend_wait', sentAt: Date, nextAt: Date, lang: Lang) {
  return { key, sent: formatTimeOfDay(sentAt, lang), next: formatTimeOfDayFrom(nextAt, lang) }
}

export async function passwordResetRoutes(app: FastifyInstance): Promise<void> {
  const minutes = Math.round(app.config.passwordResetLifetimeMs / 60_000)
  const onEmailFailure = (request: FastifyRequest) => (error: unknown) => {
    // The kind of failure only: a mail server's message can name the recipient.
    request.log.warn({ errorType: error instanceof Error ? error.name : typeof error }, 'password reset e-mail could not be sent')
  }

  /** The one answer to a link that no longer works, whatever the reason. */
  const deadLink = async (reply: FastifyReply) => {
    clearResetFlow(app, reply)
    return reply.page('password-reset/link-dead', { titleKey: 'reset.dead_title', minutes }, 410)
  }

  app.get('/password/forgot', { config: { public: true } }, async (_request, reply) => {
    return reply.page('password-reset/forgot', { titleKey: 'reset.forgot_title', minutes })
  })

  app.post('/password/forgot', { config: { public: true, rateLimit: forgotRateLimit } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const values = { email: typeof body.email === 'string' ? body.email : '' }
    try {
      const { email } = parseInput(forgotPasswordSchema, body)
      await requestPasswordReset(app.deps, { email, ip: request.ip, lang: request.lang, onEmailFailure: onEmailFailure(request) })
      return await reply.page('password-reset/sent', { titleKey: 'reset.sent_title', minutes })
    } catch (error) {
      return renderFormWithError(reply, 'password-reset/forgot', { titleKey: 'reset.forgot_title', minutes, values }, error)
    }
  })

  // Opening the link uses nothing up: mail scanners fetch links before people do.
  app.get(RESET_FLOW_PATH, { config: { public: true, rateLimit: resetRateLimit } }, async (request, reply) => {
    // The secret is in this page's address: no Referer may carry it anywhere, not even to our own files.
    reply.header('referrer-policy', 'no-referrer')
    const token = (request.query as { token?: unknown }).token
    try {
      await checkResetLink(app.deps, token)
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      throw error
    }
    return reply.page('password-reset/link', { titleKey: 'reset.link_title', token, returnPath: '/password/forgot' })
  })

  app.post(RESET_FLOW_PATH, { config: { public: true, rateLimit: resetRateLimit } }, async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token
    try {
      const sent = await sendResetCode(app.deps, { token, ip: request.ip, lang: request.lang })
      writeResetFlow(app, reply, { resetId: sent.resetId, ...(sent.reused ? { sentAt: sent.sentAt.toISOString() } : {}) })
      return reply.redirect(`${RESET_FLOW_PATH}/code`, 303)
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      const data = { titleKey: 'reset.link_title', token: typeof token === 'string' ? token : '', returnPath: '/password/forgot' }
      if (error instanceof ResendTooSoonError) {
        reply.header('retry-after', String(error.retryAfterSeconds))
        const notice = codeNotice('code.resend_wait', error.sentAt, error.nextAt, request.lang)
        return reply.page('password-reset/link', { ...data, notice }, error.statusCode)
      }
      return renderFormWithError(reply, 'password-reset/link', data, error)
    }
  })

  app.get(`${RESET_FLOW_PATH}/code`, { config: { public: true } }, async (request, reply) => {
    const flow = readResetFlow(request)
    if (!flow) return reply.redirect('/password/forgot', 303)
    try {
      if ((await resetStep(app.deps, flow.resetId)) === 'new_password') return reply.redirect(`${RESET_FLOW_PATH}/new`, 303)
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      throw error
    }
    const sentAt = flow.sentAt ? new Date(flow.sentAt) : undefined
    const notice = sentAt ? codeNotice('code.sent_earlier', sentAt, new Date(sentAt.getTime() + RESEND_COOL_DOWN_MS), request.lang) : undefined
    return reply.page('password-reset/code', { titleKey: 'reset.code_title', notice })
  })

  app.post(`${RESET_FLOW_PATH}/code`, { config: { public: true, rateLimit: resetRateLimit } }, async (request, reply) => {
    const flow = readResetFlow(request)
    if (!flow) return reply.redirect('/password/forgot', 303)
    const data = { titleKey: 'reset.code_title' }
    try {
      const { code } = parseInput(codeStepSchema, request.body)
      const result = await checkResetCode(app.deps, { resetId: flow.resetId, code, ip: request.ip })
      if (result.ok) return reply.redirect(`${RESET_FLOW_PATH}/new`, 303)
      if (result.codeExpired) return await reply.page('password-reset/code', { ...data, codeExpired: true, attemptsLeft: result.attemptsLeft }, 401)
      return await renderFormWithError(reply, 'password-reset/code', { ...data, attemptsLeft: result.attemptsLeft }, result.error)
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      return renderFormWithError(reply, 'password-reset/code', data, error)
    }
  })

  app.post(`${RESET_FLOW_PATH}/code/resend`, { config: { public: true, rateLimit: resetRateLimit } }, async (request, reply) => {
    const flow = readResetFlow(request)
    if (!flow) return reply.redirect('/password/forgot', 303)
    const data = { titleKey: 'reset.code_title', returnPath: `${RESET_FLOW_PATH}/code` }
    try {
      await resendResetCode(app.deps, { resetId: flow.resetId, ip: request.ip, lang: request.lang })
      writeResetFlow(app, reply, { resetId: flow.resetId })
      return await reply.page('password-reset/code', { ...data, resent: true })
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      if (error instanceof ResendTooSoonError) {
        reply.header('retry-after', String(error.retryAfterSeconds))
        const notice = codeNotice('code.resend_wait', error.sentAt, error.nextAt, request.lang)
        return reply.page('password-reset/code', { ...data, notice }, error.statusCode)
      }
      return renderFormWithError(reply, 'password-reset/code', data, error)
    }
  })

  app.get(`${RESET_FLOW_PATH}/new`, { config: { public: true } }, async (request, reply) => {
    const flow = readResetFlow(request)
    if (!flow) return reply.redirect('/password/forgot', 303)
    try {
      if ((await resetStep(app.deps, flow.resetId)) === 'code') return reply.redirect(`${RESET_FLOW_PATH}/code`, 303)
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      throw error
    }
    return reply.page('password-reset/new-password', { titleKey: 'reset.new_title' })
  })

  app.post(`${RESET_FLOW_PATH}/new`, { config: { public: true, rateLimit: resetRateLimit } }, async (request, reply) => {
    const flow = readResetFlow(request)
    if (!flow) return reply.redirect('/password/forgot', 303)
    try {
      if ((await resetStep(app.deps, flow.resetId)) === 'code') return reply.redirect(`${RESET_FLOW_PATH}/code`, 303)
      await completePasswordReset(app.deps, { resetId: flow.resetId, body: request.body, ip: request.ip, lang: request.lang, onEmailFailure: onEmailFailure(request) })
      clearResetFlow(app, reply)
      return reply.redirect('/login?passwordChanged=1', 303)
    } catch (error) {
      if (error instanceof ResetLinkDeadError) return deadLink(reply)
      // Nothing typed is drawn back: a password never goes back to the browser.
      return renderFormWithError(reply, 'password-reset/new-password', { titleKey: 'reset.new_title' }, error)
    }
  })
}
