// Administration of teams: list, create, edit (name, police department, county, municipalities).
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { NotFoundError } from '../../errors.js'
import { regionName, findMunicipality, findCounty, findPoliceDepartment } from '../../regions/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { regionChoices } from './region-choices.js'
import { createTeam, editTeam } from './teams.service.js'
import { findTeam, listTeams } from './teams.repository.js'

const adminOnly = { roles: ['admin'] as const }
const teamIdParams = z.object({ id: z.uuid() })

function selectedMunicipalities(body: Record<string, unknown>): string[] {
  const value = body.municipalities
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []
}

export async function teamsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/teams', { config: adminOnly }, async (request, reply) => {
    const teams = (await listTeams(app.db)).map((team) => {
      const county = findCounty(team.wellbeing_county)
      const department = findPoliceDepartment(team.police_department)
      return {
        ...team,
        countyName: county ? regionName(county, request.lang) : team.wellbeing_county,
        departmentName: department ? regionName(department, request.lang) : team.police_department,
        municipalityNames: team.municipalities.map((code) => { const m = findMunicipality(code); return m ? regionName(m, request.lang) : code }).join(', '),
      }
    })
    const { done } = request.query as { done?: string }
    return reply.page('teams/list', { titleKey: 'teams.title', teams, done })
  })

  app.get('/admin/teams/new', { config: adminOnly }, async (request, reply) =>
    reply.page('teams/form', { titleKey: 'teams.new_title', action: '/admin/teams', values: {}, ...regionChoices(request.lang, []) }),
  )

  app.post('/admin/teams', { config: adminOnly }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      await createTeam(app.deps, request.actor!.userId, body)
      return reply.redirect('/admin/teams?done=created', 303)
    } catch (error) {
      return renderFormWithError(
        reply,
        'teams/form',
        { titleKey: 'teams.new_title', action: '/admin/teams', values: body, ...regionChoices(request.lang, selectedMunicipalities(body)) },
        error,
      )
    }
  })

  app.get('/admin/teams/:id', { config: adminOnly }, async (request, reply) => {
    const parsed = teamIdParams.safeParse(request.params)
    const team = parsed.success ? await findTeam(app.db, parsed.data.id) : undefined
    if (!team) throw new NotFoundError()
    return reply.page('teams/form', {
      titleKey: 'teams.edit_title',
      action: `/admin/teams/${team.id}`,
      values: { name: team.name, policeDepartment: team.police_department, wellbeingCounty: team.wellbeing_county },
      ...regionChoices(request.lang, team.municipalities),
    })
  })

  app.post('/admin/teams/:id', { config: adminOnly }, async (request, reply) => {
    const parsed = teamIdParams.safeParse(request.params)
    if (!parsed.success) throw new NotFoundError()
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      await editTeam(app.deps, request.actor!.userId, parsed.data.id, body)
      return reply.redirect('/admin/teams?done=saved', 303)
    } catch (error) {
      return renderFormWithError(
        reply,
        'teams/form',
        { titleKey: 'teams.edit_title', action: `/admin/teams/${parsed.data.id}`, values: body, ...regionChoices(request.lang, selectedMunicipalities(body)) },
        error,
      )
    }
  })
}
