// Cookies, form bodies, security headers with a strict Content-Security-Policy (no inline
// script), CSRF tokens on every state-changing request, and the rate limiter used by login routes.
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { databaseRateLimitStore } from './rate-limit-store.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for the few POST endpoints another site posts to by design (SAML ACS). */
    csrf?: boolean
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function csrfTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token']
  if (typeof header === 'string') return header
  const body = request.body as { _csrf?: unknown } | undefined
  return typeof body?._csrf === 'string' ? body._csrf : undefined
}

export const securityPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    await app.register(cookie, { secret: config.sessionSecret })
    await app.register(formbody, { bodyLimit: 64 * 1024 })

    const idpOrigin = config.virtu ? new URL(config.virtu.idpSsoUrl).origin : undefined
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: idpOrigin ? ["'self'", idpOrigin] : ["'self'"],
          ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      hsts: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    })

    await app.register(csrf, {
      cookieKey: '_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: config.secureCookies, signed: true },
      getToken: csrfTokenOf,
    })
    app.addHook('preValidation', (request, reply, done) => {
      if (!STATE_CHANGING.has(request.method) || request.routeOptions.config.csrf === false) return done()
      app.csrfProtection(request, reply, done)
    })

    // Counted in the database, so that every instance behind a load balancer counts together.
    await app.register(rateLimit, { global: false, store: databaseRateLimitStore(app.db) })

    // Pages may show personal data of experts: never let a shared cache or the back button keep them.
    app.addHook('onSend', async (request, reply, payload) => {
      if (!request.url.startsWith('/static/') && !request.url.startsWith('/vendor/')) {
        reply.header('cache-control', 'no-store')
      }
      return payload
    })
  },
  { name: 'security' },
)
