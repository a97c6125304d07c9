// Login pages: e-mail and password, then the SMS code; resend; logout.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, InvalidCredentialsError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { parseInput } from '../../lib/parse-input.js'
import { safeLocalPath } from '../../lib/safe-redirect.js'
import { formatTimeOfDay, formatTimeOfDayFrom } from '../../lib/time-of-day.js'
import { renderFormWithError } from '../../plugins/views.js'
import { recordAudit } from '../audit/audit.repository.js'
import { RESEND_COOL_DOWN_MS, ResendTooSoonError } from '../sms-otp/sms-otp.service.js'
import { codeStepSchema, passwordStepSchema } from './auth.schemas.js'
import { completeSmsLogin, LOGIN_FLOW_LIFETIME_MS, resendLoginCode, startSmsLogin } from './login.service.js'
import { logout } from './session.service.js'

const LOGIN_FLOW_COOKIE = 'anchor_login'
const loginRateLimit = { max: 30, timeWindow: '1 minute' }

interface LoginFlow {
  challengeId: string
  next: string
  /** Set when the password step continued with a code sent moments earlier: when it was sent (ISO). */
  sentAt?: string
}

function readLoginFlow(request: FastifyRequest): LoginFlow | undefined {
  const raw = request.cookies[LOGIN_FLOW_COOKIE]
  if (!raw) return undefined
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return undefined
  try {
    const flow = JSON.parse(unsigned.value) as Partial<LoginFlow>
    if (typeof flow.challengeId !== 'string') return undefined
    const sentAt = typeof flow.sentAt === 'string' && !Number.isNaN(Date.parse(flow.sentAt)) ? flow.sentAt : undefined
    return { challengeId: flow.challengeId, next: safeLocalPath(flow.next), ...(sentAt ? { sentAt } : {}) }
  } catch {
    return undefined
  }
}

function writeLoginFlow(app: FastifyInstance, reply: FastifyReply, flow: LoginFlow): void {
  reply.setCookie(LOGIN_FLOW_COOKIE, JSON.stringify(flow), {
    path: '/login',
    httpOnly: true,
    sameSite: 'strict',
    secure: app.config.secureCookies,
    signed: true,
    maxAge: LOGIN_FLOW_LIFETIME_MS / 1000,
  })
}

function clearLoginFlow(app: FastifyInstance, reply: FastifyReply): void {
  reply.clearCookie(LOGIN_FLOW_COOKIE, { path: '/login', httpOnly: true, sameSite: 'strict', secure: app.config.secureCookies, signed: true })
}

/**
 * The notice on the code page that says when the code to type was sent and from when a new one can
 * be asked for: after a password step that continued with that code, or a new code asked for too soon.
 */
function codeNotice(key: 'code.sent_earlier' | 'code.resend_wait', sentAt: Date, nextAt: Date, lang: Lang) {
  return { key, sent: formatTimeOfDay(sentAt, lang), next: formatTimeOfDayFrom(nextAt, lang) }
}

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const virtuEnabled = Boolean(app.config.virtu)
  const smsEnabled = app.config.sms.enabled

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303)
    const query = request.query as { next?: string; loggedOut?: string; registered?: string; setup?: string; answersKept?: string; passwordChanged?: string }
    return reply.page('auth/login', {
      titleKey: 'login.title',
      values: { next: safeLocalPath(query.next) },
      loggedOut: query.loggedOut === '1',
      setupDone: query.setup === '1',
      // a step of the statistics form was sent after the session ended: its answers wait for this login
      answersKept: query.answersKept === '1',
      // a password reset has just finished (src/features/password-reset)
      passwordChanged: query.passwordChanged === '1',
      virtuEnabled,
      smsEnabled,
    })
  })

  app.post('/login', { config: { public: true, rateLimit: loginRateLimit } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const values = { email: typeof body.email === 'string' ? body.email : '', next: safeLocalPath(body.next) }
    try {
      if (!smsEnabled) throw new InvalidCredentialsError()
      const input = parseInput(passwordStepSchema, body)
      const { challengeId, sentAt, reused } = await startSmsLogin(app.deps, { email: input.email, password: input.password, ip: request.ip, lang: request.lang })
      writeLoginFlow(app, reply, { challengeId, next: values.next, ...(reused ? { sentAt: sentAt.toISOString() } : {}) })
      return reply.redirect('/login/code', 303)
    } catch (error) {
      return renderFormWithError(reply, 'auth/login', { titleKey: 'login.title', values, virtuEnabled, smsEnabled }, error)
    }
  })

  app.get('/login/code', { config: { public: true } }, async (request, reply) => {
    const flow = readLoginFlow(request)
    if (!flow) return reply.redirect('/login', 303)
    const sentAt = flow.sentAt ? new Date(flow.sentAt) : undefined
    const notice = sentAt ? codeNotice('code.sent_earlier', sentAt, new Date(sentAt.getTime() + RESEND_COOL_DOWN_MS), request.lang) : undefined
    return reply.page('auth/code', { titleKey: 'code.title', notice })
  })

  app.post('/login/code', { config: { public: true, rateLimit: loginRateLimit } }, async (request, reply) => {
    const flow = readLoginFlow(request)
    if (!flow) return reply.redirect('/login', 303)
    try {
      const { code } = parseInput(codeStepSchema, request.body)
      const result = await completeSmsLogin(app.deps, { challengeId: flow.challengeId, code, ip: request.ip })
      if (!result.ok) {
        const expired = result.error instanceof AppError && result.error.code === 'code_expired'
        if (expired) clearLoginFlow(app, reply)
        return await renderFormWithError(
          reply,
          'auth/code',
          { titleKey: 'code.title', attemptsLeft: result.attemptsLeft, startOver: expired },
          result.error,
        )
      }
      clearLoginFlow(app, reply)
      reply.startSession(result.sessionId)
      return reply.redirect(flow.next, 303)
    } catch (error) {
      return renderFormWithError(reply, 'auth/code', { titleKey: 'code.title' }, error)
    }
  })

  app.post('/login/code/resend', { config: { public: true, rateLimit: loginRateLimit } }, async (request, reply) => {
    const flow = readLoginFlow(request)
    if (!flow) return reply.redirect('/login', 303)
    try {
      const { challengeId } = await resendLoginCode(app.deps, { challengeId: flow.challengeId, ip: request.ip, lang: request.lang })
      writeLoginFlow(app, reply, { challengeId, next: flow.next })
      return await reply.page('auth/code', { titleKey: 'code.title', resent: true })
    } catch (error) {
      // Too soon for a new code: the one sent is still the one to type. Refused (429, with
      // Retry-After), but told as information on the code page rather than as an error.
      if (error instanceof ResendTooSoonError) {
        reply.header('retry-after', String(error.retryAfterSeconds))
        const notice = codeNotice('code.resend_wait', error.sentAt, error.nextAt, request.lang)
        return reply.page('auth/code', { titleKey: 'code.title', notice }, error.statusCode)
      }
      return renderFormWithError(reply, 'auth/code', { titleKey: 'code.title' }, error)
    }
  })

  app.post('/logout', async (request, reply) => {
    const actor = request.actor
    if (actor) {
      await logout(app.deps, actor.sessionId)
      await recordAudit(app.db, { event: 'logout', at: app.deps.clock.now(), actorUserId: actor.userId, ip: request.ip })
    }
    reply.clearSession()
    return reply.redirect('/login?loggedOut=1', 303)
  })
}
