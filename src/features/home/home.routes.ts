// The start page after login: who you are, and the way to the form, the reports and administration.
import type { FastifyInstance } from 'fastify'
import { findTeam } from '../teams/teams.repository.js'

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => {
    const actor = request.actor
    const team = actor?.teamId ? await findTeam(app.db, actor.teamId) : undefined
    return reply.page('home/index', { titleKey: 'home.title', teamName: team?.name, mayFile: actor?.role !== 'researcher' && Boolean(team), mayHoldTokens: actor?.role === 'researcher' || actor?.role === 'admin' })
  })
}
