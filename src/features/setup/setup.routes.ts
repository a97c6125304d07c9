// The first-run set-up page: /setup?token=… creates the first national administrator while no
// active administrator exists, then sends the new administrator to the normal SMS login. Without
// the right secret, or once an administrator exists, it only explains why it creates nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NotFoundError } from '../../errors.js'
import { renderFormWithError } from '../../plugins/views.js'
import { regionChoices } from '../teams/region-choices.js'
import { createFirstAdmin, SetupClosedError, setupIsOpen, setupTokenMatches } from './setup.service.js'

const setupRateLimit = { max: 10, timeWindow: '1 minute' }

function selectedMunicipalities(body: Record<string, unknown>): string[] {
  const value = body.municipalities
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []
}

export async function setupRoutes(app: FastifyInstance): Promise<void> {
  const secret = app.config.setupToken
  // Once used, the address stays closed in this process even if every administrator is later disabled.
  let used = false

  /** Why the page creates nothing, or undefined when the form may be shown and posted. */
  const refusal = async (token: unknown): Promise<'closed' | 'invalid' | undefined> => {
    if (!secret) throw new NotFoundError()
    if (used || !(await setupIsOpen(app.deps))) return 'closed'
    return setupTokenMatches(secret, token) ? undefined : 'invalid'
  }

  const explain = (reply: FastifyReply, reason: 'closed' | 'invalid') =>
    reply.page('setup/closed', { titleKey: `setup.${reason}_title`, reason, closed: reason === 'closed' }, reason === 'closed' ? 410 : 403)

  const formData = (request: FastifyRequest, token: string, values: Record<string, unknown>) => ({
    titleKey: 'setup.title',
    token,
    values,
    returnPath: `/setup?token=${encodeURIComponent(token)}`,
    ...regionChoices(request.lang, selectedMunicipalities(values)),
  })

  app.get('/setup', { config: { public: true, rateLimit: setupRateLimit } }, async (request, reply) => {
    const { token } = request.query as { token?: unknown }
    const refused = await refusal(token)
    if (refused) return explain(reply, refused)
    return reply.page('setup/form', formData(request, String(token), {}))
  })

  app.post('/setup', { config: { public: true, rateLimit: setupRateLimit } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const refused = await refusal(body.token)
    if (refused) return explain(reply, refused)
    // Passwords are never sent back to the browser, even on an error.
    const { password: _password, passwordConfirm: _confirm, _csrf, token, ...kept } = body
    try {
      await createFirstAdmin(app.deps, body, request.ip)
    } catch (error) {
      if (error instanceof SetupClosedError) return explain(reply, 'closed')
      return renderFormWithError(reply, 'setup/form', formData(request, String(token), kept), error)
    }
    used = true
    request.log.info('first administrator created through the set-up page')
    return reply.redirect('/login?setup=1', 303)
  })
}
