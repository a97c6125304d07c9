// Login pages: e-mail and password, then the SMS code; resend; logout.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, InvalidCredentialsError } from '../../errors.js'
import { parseInput } from '../../lib/parse-input.js'
import { safeLocalPath } from '../../lib/safe-redirect.js'
import { renderFormWithError } from '../../plugins/views.js'
import { recordAudit } from '../audit/audit.repository.js'
import { codeStepSchema, passwordStepSchema } from './auth.schemas.js'
import { completeSmsLogin, LOGIN_FLOW_LIFETIME_MS, resendLoginCode, startSmsLogin } from './login.service.js'
import { logout } from './session.service.js'

const LOGIN_FLOW_COOKIE = 'anchor_login'
const loginRateLimit = { max: 30, timeWindow: '1 minute' }

interface LoginFlow {
  challengeId: string
  next: string
}

function readLoginFlow(request: FastifyRequest): LoginFlow | undefined {
  const raw = request.cookies[LOGIN_FLOW_COOKIE]
  if (!raw) return undefined
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return undefined
  try {
    const flow = JSON.parse(unsigned.value) as Partial<LoginFlow>
    return typeof flow.challengeId === 'string' ? { challengeId: flow.challengeId, next: safeLocalPath(flow.next) } : undefined
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

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const virtuEnabled = Boolean(app.config.virtu)
  const smsEnabled = app.config.sms.enabled

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303)
    const query = request.query as { next?: string; loggedOut?: string; registered?: string; setup?: string }
    return reply.page('auth/login', {
      titleKey: 'login.title',
      values: { next: safeLocalPath(query.next) },
      loggedOut: query.loggedOut === '1',
      setupDone: query.setup === '1',
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
      const { challengeId } = await startSmsLogin(app.deps, { email: input.email, password: input.password, ip: request.ip, lang: request.lang })
      writeLoginFlow(app, reply, { challengeId, next: values.next })
      return reply.redirect('/login/code', 303)
    } catch (error) {
      return renderFormWithError(reply, 'auth/login', { titleKey: 'login.title', values, virtuEnabled, smsEnabled }, error)
    }
  })

  app.get('/login/code', { config: { public: true } }, async (request, reply) => {
    if (!readLoginFlow(request)) return reply.redirect('/login', 303)
    return reply.page('auth/code', { titleKey: 'code.title' })
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
