// Who is asking: reads the session cookie (a JWT naming a session row), checks the row on every
// request, and refuses every route that is not marked public to anyone without a live session, and
// routes marked with roles to anyone without one of them.
import jwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { UserRole } from '../db/schema.js'
import { AuthenticationRequiredError, ForbiddenError } from '../errors.js'
import { auditTokenUse, resolveApiToken } from '../features/api-tokens/api-tokens.service.js'
import { resolveSession, SESSION_ABSOLUTE_LIFETIME_MS, type Actor } from '../features/auth/session.service.js'

export const SESSION_COOKIE = 'anchor_session'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyReply {
    startSession(sessionId: string): FastifyReply
    clearSession(): FastifyReply
  }
  interface FastifyContextConfig {
    /** Reachable without a session (login, registration, health, static files). */
    public?: boolean
    /** Only these roles may use the route. */
    roles?: readonly UserRole[]
    /** A personal API token may reach it (read-only report and export endpoints only). */
    token?: boolean
    /**
     * Without a session the handler still runs (request.actor is null) and sends to the login page
     * itself: a step of the statistics form sent after the session ended keeps its answers.
     */
    loggedOutHandler?: boolean
  }
}

interface SessionClaims {
  sid: string
}

/** JSON clients get 401; people in a browser are sent to the login page and back afterwards. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true
  const accept = request.headers.accept ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

export const authPlugin = fp(
  async (app) => {
    await app.register(jwt, {
      secret: app.config.sessionSecret,
      sign: { expiresIn: Math.floor(SESSION_ABSOLUTE_LIFETIME_MS / 1000) },
    })
    const cookieOptions = {
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const, // lax: the SAML POST back from the IdP must be followed by a logged-in redirect
      secure: app.config.secureCookies,
    }

    app.decorateRequest('actor', null)
    app.decorateReply('startSession', function (this: FastifyReply, sessionId: string) {
      const token = app.jwt.sign({ sid: sessionId } satisfies SessionClaims)
      return this.setCookie(SESSION_COOKIE, token, cookieOptions)
    })
    app.decorateReply('clearSession', function (this: FastifyReply) {
      return this.clearCookie(SESSION_COOKIE, cookieOptions)
    })

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      // A personal API token stands instead of a session, and only on the routes marked for it.
      const authorization = request.headers.authorization
      if (authorization !== undefined && /^Bearer /i.test(authorization)) {
        request.actor = await resolveApiToken(app.deps, authorization.slice(7).trim())
        if (!request.actor) throw new AuthenticationRequiredError()
        const { token: tokenRoute, roles } = request.routeOptions.config
        if (!tokenRoute || (roles && !roles.includes(request.actor.role))) throw new ForbiddenError()
        return
      }
      const token = request.cookies[SESSION_COOKIE]
      if (token) {
        let claims: SessionClaims | undefined
        try {
          claims = app.jwt.verify<SessionClaims>(token)
        } catch {
          claims = undefined
        }
        request.actor = claims && typeof claims.sid === 'string' ? await resolveSession(app.deps, claims.sid) : null
        if (!request.actor) reply.clearSession()
      }

      const config = request.routeOptions.config
      if (config.public || request.url.startsWith('/static/') || request.url.startsWith('/vendor/')) return
      if (!request.actor) {
        if (config.loggedOutHandler) return
        if (wantsJson(request) || request.method !== 'GET') throw new AuthenticationRequiredError()
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
      }
      if (config.roles && !config.roles.includes(request.actor.role)) throw new ForbiddenError()
    })

    // After the route's rate limit (an onRequest hook of its own): a refused request is not a use.
    app.addHook('preHandler', async (request: FastifyRequest) => {
      if (request.actor?.tokenId) await auditTokenUse(app.deps, request.actor, request.routeOptions.url ?? '', request.ip)
    })
  },
  { name: 'auth', dependencies: ['deps', 'security'] },
)
