// VIRTU login pages: the SP metadata, the redirect to the IdP, the assertion consumer service the
// IdP posts back to, and the registration form for a VIRTU identity the service does not know yet.
// Nothing is registered when VIRTU is off, so these addresses then answer 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Lang } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { SamlError } from '../../errors.js'
import { SAML_RESPONSE_MAX_LENGTH } from '../../integrations/saml-envelope.js'
import { listTeams } from '../teams/teams.repository.js'
import { professionOptions, teamOptions } from '../users/choice-options.js'
import { runInBackground } from '../notices/background.js'
import { sendRegistrationsDigestIfDue } from '../notices/registrations-digest.js'
import { pendingRegistrationSchema, type VirtuIdentity } from './virtu.schemas.js'
import { completeVirtuLogin, registerVirtuUser, startVirtuLogin, VIRTU_ACS_PATH, virtuServiceProvider } from './virtu.service.js'

export const VIRTU_REGISTRATION_COOKIE = 'anchor_virtu_registration'
/** Which AuthnRequest this browser started; the ACS accepts only the answer to it. */
export const VIRTU_REQUEST_COOKIE = 'anchor_virtu_request'
const REGISTRATION_PATH = '/register/virtu'
/** How long a verified identity may wait for its registration form. */
export const VIRTU_REGISTRATION_LIFETIME_MS = 15 * 60 * 1000
// Generous: many VIRTU users reach us through a few shared government network addresses.
const virtuRateLimit = { max: 120, timeWindow: '1 minute' }

export async function virtuRoutes(app: FastifyInstance): Promise<void> {
  if (!app.config.virtu) return
  // Build the service provider now, so a bad certificate or key stops the start, not a login.
  virtuServiceProvider(app.deps)

  const cookieOptions = {
    path: REGISTRATION_PATH,
    httpOnly: true,
    // lax: the cookie is set in answer to the IdP's cross-site POST and read on the redirect after it
    sameSite: 'lax' as const,
    secure: app.config.secureCookies,
    signed: true,
  }

  function writePendingRegistration(reply: FastifyReply, identity: VirtuIdentity): void {
    const expiresAt = app.deps.clock.now().getTime() + VIRTU_REGISTRATION_LIFETIME_MS
    reply.setCookie(VIRTU_REGISTRATION_COOKIE, JSON.stringify({ identity, expiresAt }), {
      ...cookieOptions,
      maxAge: VIRTU_REGISTRATION_LIFETIME_MS / 1000,
    })
  }

  /** The verified identity waiting for registration, if its signed cookie is genuine and fresh. */
  function readPendingRegistration(request: FastifyRequest): VirtuIdentity | undefined {
    const raw = request.cookies[VIRTU_REGISTRATION_COOKIE]
    if (!raw) return undefined
    const unsigned = request.unsignCookie(raw)
    if (!unsigned.valid || !unsigned.value) return undefined
    let content: unknown
    try {
      content = JSON.parse(unsigned.value)
    } catch {
      return undefined
    }
    const parsed = pendingRegistrationSchema.safeParse(content)
    if (!parsed.success || parsed.data.expiresAt <= app.deps.clock.now().getTime()) return undefined
    return parsed.data.identity
  }

  const formData = async (lang: Lang, values: Record<string, unknown>) => ({
    titleKey: 'virtu.register_title',
    values,
    teamOptions: teamOptions(await listTeams(app.db)),
    professionOptions: professionOptions(lang),
  })

  app.get('/auth/virtu/metadata', { config: { public: true } }, async (_request, reply) => {
    return reply.type('application/samlmetadata+xml; charset=utf-8').send(virtuServiceProvider(app.deps).metadataXml())
  })

  // The IdP posts back from another site: only SameSite=None cookies come along, and browsers take
  // those only with Secure (so over plain http in development the check needs a same-site IdP).
  const requestCookieOptions = {
    path: VIRTU_ACS_PATH,
    httpOnly: true,
    sameSite: app.config.secureCookies ? ('none' as const) : ('lax' as const),
    secure: app.config.secureCookies,
    signed: true,
    maxAge: VIRTU_REGISTRATION_LIFETIME_MS / 1000,
  }

  app.get('/auth/virtu/login', { config: { public: true, rateLimit: virtuRateLimit } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303)
    const { url, requestId } = await startVirtuLogin(app.deps)
    reply.setCookie(VIRTU_REQUEST_COOKIE, requestId, requestCookieOptions)
    return reply.redirect(url, 303)
  })

  // The body is bounded here and the XML inside it before any parser runs (see saml-envelope.ts).
  const acsLimits = { bodyLimit: SAML_RESPONSE_MAX_LENGTH * 2, config: { public: true, csrf: false, rateLimit: virtuRateLimit, maxTextLength: SAML_RESPONSE_MAX_LENGTH } }
  app.post(VIRTU_ACS_PATH, acsLimits, async (request, reply) => {
    let outcome
    try {
      const raw = request.cookies[VIRTU_REQUEST_COOKIE]
      const started = raw ? request.unsignCookie(raw) : undefined
      reply.clearCookie(VIRTU_REQUEST_COOKIE, requestCookieOptions)
      outcome = await completeVirtuLogin(app.deps, request.body, request.ip, started?.valid ? (started.value ?? undefined) : undefined)
    } catch (error) {
      if (!(error instanceof SamlError)) throw error
      request.log.warn({ reason: error.message }, 'VIRTU login refused')
      return reply.page('virtu/failed', { titleKey: 'virtu.failed_title' }, error.statusCode)
    }
    switch (outcome.kind) {
      case 'session':
        reply.startSession(outcome.sessionId)
        return reply.redirect('/', 303)
      case 'register':
        writePendingRegistration(reply, outcome.identity)
        return reply.redirect(REGISTRATION_PATH, 303)
      case 'pending':
        return reply.page('virtu/pending', { titleKey: outcome.status === 'pending' ? 'virtu.pending_title' : 'virtu.disabled_title', disabled: outcome.status === 'disabled' }, 403)
    }
  })

  app.get(REGISTRATION_PATH, { config: { public: true } }, async (request, reply) => {
    const identity = readPendingRegistration(request)
    if (!identity) return reply.page('virtu/expired', { titleKey: 'virtu.expired_title' }, 400)
    return reply.page('virtu/register', await formData(request.lang, { name: identity.name, email: identity.email }))
  })

  app.post(REGISTRATION_PATH, { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const identity = readPendingRegistration(request)
    if (!identity) return reply.page('virtu/expired', { titleKey: 'virtu.expired_title' }, 400)
    const { _csrf, ...values } = (request.body ?? {}) as Record<string, unknown>
    try {
      await registerVirtuUser(app.deps, identity, values, request.ip, request.lang)
      runInBackground(app.deps, request.log, 'registrations digest', () => sendRegistrationsDigestIfDue(app.deps, request.log))
    } catch (error) {
      return renderFormWithError(reply, 'virtu/register', await formData(request.lang, values), error)
    }
    reply.clearCookie(VIRTU_REGISTRATION_COOKIE, cookieOptions)
    return reply.page('virtu/registered', { titleKey: 'virtu.registered_title' })
  })
}
