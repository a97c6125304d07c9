// Token pages: a researcher or administrator makes, sees and revokes their own personal API tokens
// (/account/tokens); an administrator sees and revokes anyone's live token (/admin/tokens).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ValidationError } from '../../errors.js'
import { translate } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { listLiveTokens } from './api-tokens.repository.js'
import { createApiToken, listOwnTokens, MAX_TOKEN_DAYS, revokeApiToken, TOKEN_ROLES } from './api-tokens.service.js'

const holders = { roles: TOKEN_ROLES }
const adminOnly = { roles: ['admin'] as const }

export async function apiTokensRoutes(app: FastifyInstance): Promise<void> {
  const listPage = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const now = app.deps.clock.now()
    const tokens = await listOwnTokens(app.deps, request.actor!)
    return {
      titleKey: 'tokens.title',
      maxDays: MAX_TOKEN_DAYS,
      values: { name: '', days: '30' },
      fieldLabels: { name: translate(request.lang, 'tokens.name'), days: translate(request.lang, 'tokens.days') },
      tokens: tokens.map((t) => ({ ...t, live: !t.revokedAt && t.expiresAt.getTime() > now.getTime(), expired: t.expiresAt.getTime() <= now.getTime() })),
      ...extra,
    }
  }

  app.get('/account/tokens', { config: holders }, async (request, reply) => {
    const { done } = request.query as { done?: string }
    return reply.page('tokens/index', await listPage(request, { revoked: done === 'revoked' }))
  })

  app.post('/account/tokens', { config: { ...holders, rateLimit: { max: 10, timeWindow: '15 minutes' } } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const input = { name: body.name, days: body.days }
    try {
      const created = await createApiToken(app.deps, request.actor!, input, request.ip)
      // shown once, on this page only: never stored in the clear, never in a URL
      reply.header('cache-control', 'no-store')
      return reply.page('tokens/created', { titleKey: 'tokens.created_title', created, publicUrl: app.config.publicUrl, returnPath: '/account/tokens' })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const page = await listPage(request, { values: input, returnPath: '/account/tokens' })
      return renderFormWithError(reply, 'tokens/index', page, error)
    }
  })

  app.post('/account/tokens/:id/revoke', { config: holders }, async (request, reply) => {
    await revokeApiToken(app.deps, request.actor!, (request.params as { id: string }).id, request.ip)
    return reply.redirect('/account/tokens?done=revoked', 303)
  })

  app.get('/admin/tokens', { config: adminOnly }, async (request, reply) => {
    const { done } = request.query as { done?: string }
    return reply.page('admin/tokens', { titleKey: 'tokens.admin_title', tokens: await listLiveTokens(app.deps.db, app.deps.clock.now()), revoked: done === 'revoked' })
  })

  app.post('/admin/tokens/:id/revoke', { config: adminOnly }, async (request, reply) => {
    await revokeApiToken(app.deps, request.actor!, (request.params as { id: string }).id, request.ip)
    return reply.redirect('/admin/tokens?done=revoked', 303)
  })
}
