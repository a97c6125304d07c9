// Administration of accounts: pending registrations, the user list, a user's role, team and status.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { AUDIT_EVENTS, USER_STATUSES } from '../../db/schema.js'
import { translate, type Lang } from '../../i18n/index.js'
import { NotFoundError, ValidationError } from '../../errors.js'
import { parseInput } from '../../lib/parse-input.js'
import { renderFormWithError } from '../../plugins/views.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import { startOfFinnishDay } from '../../lib/months.js'
import { listAudit } from '../audit/audit.repository.js'
import { listTeams } from '../teams/teams.repository.js'
import {
  approveRegistration,
  changeRoleAndTeam,
  disableUser,
  enableUser,
  rejectRegistration,
} from './admin-users.service.js'
import { findUserById, listUsers } from './users.repository.js'
import { roleOptions, teamOptions } from './choice-options.js'

const adminOnly = { roles: ['admin'] as const }
const userIdParams = z.object({ id: z.uuid('not_found') })
const listQuery = z.object({ status: z.enum(USER_STATUSES).optional(), done: z.string().optional() })

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v)
const auditFilterSchema = z.object({
  event: z.preprocess(emptyToUndefined, z.enum(AUDIT_EVENTS, 'invalid_choice').optional()),
  user: z.preprocess(emptyToUndefined, z.uuid('invalid_choice').optional()),
  from: z.preprocess(emptyToUndefined, z.string().regex(DAY, 'invalid_date').optional()),
  to: z.preprocess(emptyToUndefined, z.string().regex(DAY, 'invalid_date').optional()),
})

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
        await decide(app.deps, request.actor!.userId, userIdOf(request.params))
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
      values: { role: user.role, teamId: user.team_id ?? '' },
      roleOptions: roleOptions(lang),
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
      return renderFormWithError(reply, 'admin/user', await userPage(request.lang, userId, { values: { role: body.role, teamId: body.teamId } }), error)
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

  app.get('/admin/audit', { config: adminOnly }, async (request, reply) => {
    const users = await listUsers(app.db)
    const query = (request.query ?? {}) as Record<string, unknown>
    const parsed = auditFilterSchema.safeParse(query)
    const values = { event: String(query.event ?? ''), user: String(query.user ?? ''), from: String(query.from ?? ''), to: String(query.to ?? '') }
    const page = (entries: Awaited<ReturnType<typeof listAudit>>) => ({
      titleKey: 'admin.audit_title',
      values,
      events: AUDIT_EVENTS.map((e) => ({ value: e, label: translate(request.lang, `audit_events.${e}`), selected: e === values.event })),
      users: users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})`, selected: u.id === values.user })),
      fieldLabels: Object.fromEntries(['event', 'user', 'from', 'to'].map((f) => [f, translate(request.lang, `admin.audit_filter_${f}`)])),
      entries: entries.map((e) => ({ ...e, detailText: Object.entries(e.details ?? {}).map(([k, v]) => `${k}: ${String(v)}`).join(' · ') })),
    })
    if (!parsed.success) {
      return renderFormWithError(reply, 'admin/audit', page([]), new ValidationError(fieldErrorsFromZod(parsed.error.issues)))
    }
    const f = parsed.data
    const filter = {
      ...(f.event ? { event: f.event } : {}),
      ...(f.user ? { userId: f.user } : {}),
      ...(f.from ? { from: startOfFinnishDay(f.from) } : {}),
      ...(f.to ? { to: new Date(startOfFinnishDay(f.to).getTime() + 24 * 60 * 60 * 1000) } : {}),
    }
    return reply.page('admin/audit', page(await listAudit(app.db, 500, filter)))
  })
}
