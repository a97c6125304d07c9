// Administration of accounts: pending registrations, the user list, a user's role, team and status.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { USER_STATUSES } from '../../db/schema.js'
import type { Lang } from '../../i18n/index.js'
import { NotFoundError } from '../../errors.js'
import { parseInput } from '../../lib/parse-input.js'
import { renderFormWithError } from '../../plugins/views.js'
import { listTeams } from '../teams/teams.repository.js'
import {
  approveRegistration,
  changeRoleAndTeam,
  disableUser,
  enableUser,
  rejectRegistration,
} from './admin-users.service.js'
import { findUserById, listUsers } from './users.repository.js'
import { professionOptions, roleOptions, teamOptions } from './choice-options.js'

const adminOnly = { roles: ['admin'] as const }
const userIdParams = z.object({ id: z.uuid('not_found') })
const listQuery = z.object({ status: z.enum(USER_STATUSES).optional(), done: z.string().optional() })

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const userIdOf = (params: unknown): string => {
    const parsed = userIdParams.safeParse(params)
    if (!parsed.success) throw new NotFoundError()
    return parsed.data.id
  }

  app.get('/admin', { config: adminOnly }, async (_request, reply) => {
    const pending = await listUsers(app.db, { status: 'pending' })
    return reply.page('admin/index', { titleKey: 'admin.title', pendingCount: pending.length })
  })

  app.get('/admin/registrations', { config: adminOnly }, async (request, reply) => {
    const { done } = parseInput(listQuery, request.query)
    const pending = await listUsers(app.db, { status: 'pending' })
    return reply.page('admin/registrations', { titleKey: 'admin.registrations_title', pending, done })
  })

  const registrationDecisions = { approve: approveRegistration, reject: rejectRegistration } as const
  for (const [action, decide] of Object.entries(registrationDecisions)) {
    app.post(`/admin/users/:id/${action}`, { config: adminOnly }, async (request, reply) => {
      try {
        await decide(app.deps, request.log, request.actor!.userId, userIdOf(request.params))
        return reply.redirect(`/admin/registrations?done=${action === 'approve' ? 'approved' : 'rejected'}`, 303)
      } catch (error) {
        const pending = await listUsers(app.db, { status: 'pending' })
        return renderFormWithError(reply, 'admin/registrations', { titleKey: 'admin.registrations_title', returnPath: '/admin/registrations', pending }, error)
      }
    })
  }

  app.get('/admin/users', { config: adminOnly }, async (request, reply) => {
    const { status } = parseInput(listQuery, request.query)
    const users = await listUsers(app.db, status ? { status } : {})
    return reply.page('admin/users', { titleKey: 'admin.users_title', users, statuses: USER_STATUSES.filter((s) => s !== 'rejected'), status })
  })

  const userPage = async (lang: Lang, userId: string, extra: Record<string, unknown> = {}) => {
    const user = await findUserById(app.db, userId)
    if (!user || user.status === 'rejected') throw new NotFoundError()
    return {
      titleKey: 'admin.user_title',
      returnPath: `/admin/users/${userId}`,
      user,
      values: { role: user.role, teamId: user.team_id ?? '', profession: user.profession ?? '' },
      roleOptions: roleOptions(lang),
      professionOptions: professionOptions(lang),
      teamOptions: teamOptions(await listTeams(app.db)),
      ...extra,
    }
  }

  app.get('/admin/users/:id', { config: adminOnly }, async (request, reply) => {
    const { done } = parseInput(listQuery, request.query)
    return reply.page('admin/user', await userPage(request.lang, userIdOf(request.params), { done }))
  })

  app.post('/admin/users/:id/role', { config: adminOnly }, async (request, reply) => {
    const userId = userIdOf(request.params)
    try {
      await changeRoleAndTeam(app.deps, request.actor!.userId, userId, request.body)
      return reply.redirect(`/admin/users/${userId}?done=saved`, 303)
    } catch (error) {
      const body = (request.body ?? {}) as Record<string, unknown>
      return renderFormWithError(reply, 'admin/user', await userPage(request.lang, userId, { values: { role: body.role, teamId: body.teamId, profession: body.profession } }), error)
    }
  })

  const statusChanges = { disable: disableUser, enable: enableUser } as const
  for (const [action, change] of Object.entries(statusChanges)) {
    app.post(`/admin/users/:id/${action}`, { config: adminOnly }, async (request, reply) => {
      const userId = userIdOf(request.params)
      try {
        await change(app.deps, request.actor!.userId, userId)
        return reply.redirect(`/admin/users/${userId}?done=${action}d`, 303)
      } catch (error) {
        return renderFormWithError(reply, 'admin/user', await userPage(request.lang, userId), error)
      }
    })
  }
}
