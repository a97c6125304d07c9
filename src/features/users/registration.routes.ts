// The registration page: anyone may ask for an account, as an expert of an Anchor team or as a
// researcher; an administrator decides.
import type { FastifyInstance } from 'fastify'
import { translate, type Lang } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { listTeams } from '../teams/teams.repository.js'
import { professionOptions, registrationRoleOptions, teamOptions } from './choice-options.js'
import { registerSmsUser } from './registration.service.js'

export async function registrationRoutes(app: FastifyInstance): Promise<void> {
  const formData = async (lang: Lang, values: Record<string, unknown>) => ({
    titleKey: 'register.title',
    values,
    roleOptions: registrationRoleOptions(lang, values.role),
    teamOptions: teamOptions(await listTeams(app.db)),
    professionOptions: professionOptions(lang),
    // the error summary names the role question as the page asks it
    fieldLabels: { role: translate(lang, 'registration.role_legend') },
    fieldMessages: { role: translate(lang, 'registration.role_required') },
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
      await registerSmsUser(app.deps, body, { ip: request.ip, lang: request.lang, log: request.log })
      return await reply.page('users/registered', { titleKey: 'register.received_title' })
    } catch (error) {
      return renderFormWithError(reply, 'users/register', await formData(request.lang, kept), error)
    }
  })
}
