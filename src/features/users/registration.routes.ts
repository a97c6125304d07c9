// The registration page: anyone may ask for an account; an administrator decides.
import type { FastifyInstance } from 'fastify'
import type { Lang } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { listTeams } from '../teams/teams.repository.js'
import { professionOptions, teamOptions } from './choice-options.js'
import { registerSmsUser } from './registration.service.js'

export async function registrationRoutes(app: FastifyInstance): Promise<void> {
  const formData = async (lang: Lang, values: Record<string, unknown>) => ({
    titleKey: 'register.title',
    values,
    teamOptions: teamOptions(await listTeams(app.db)),
    professionOptions: professionOptions(lang),
  })

  app.get('/register', { config: { public: true } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303)
    return reply.page('users/register', await formData(request.lang, {}))
  })

  app.post('/register', { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    // Passwords are never sent back to the browser, even on an error.
    const { password: _password, passwordConfirm: _confirm, _csrf, ...kept } = body
    try {
      await registerSmsUser(app.deps, body, request.ip)
      return await reply.page('users/registered', { titleKey: 'register.received_title' })
    } catch (error) {
      return renderFormWithError(reply, 'users/register', await formData(request.lang, kept), error)
    }
  })
}
