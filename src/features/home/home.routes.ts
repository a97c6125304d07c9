// The start page after login: who you are, your team's own figures this month and this year
// (exact and live), and the way to the form (for those who may file: an expert, or an
// administrator in a team), the reports and administration, where an administrator also sees how
// many registrations wait for approval.
import type { FastifyInstance } from 'fastify'
import { monthLabel } from '../forms/form-view.js'
import { findTeam } from '../teams/teams.repository.js'
import { countPendingRegistrations } from '../users/users.repository.js'
import { teamSummary } from './team-summary.service.js'

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => {
    const actor = request.actor
    const team = actor?.teamId ? await findTeam(app.db, actor.teamId) : undefined
    const summary = team ? await teamSummary(app.deps, team.id) : undefined
    return reply.page('home/index', {
      titleKey: 'home.title',
      teamName: team?.name,
      teamId: team?.id,
      summary: summary && { ...summary, monthLabel: monthLabel(summary.month, request.lang) },
      mayFile: actor?.role !== 'researcher' && Boolean(team),
      mayHoldTokens: actor?.role === 'researcher' || actor?.role === 'admin',
      pendingRegistrations: actor?.role === 'admin' ? await countPendingRegistrations(app.db) : 0,
    })
  })
}
