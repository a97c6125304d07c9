// JSON report API: exactly the published numbers of each report page, with the same filters as
// query parameters. Hidden counts come as { status: "primary" | "secondary", value: null }.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ValidationError } from '../../errors.js'
import { translate } from '../../i18n/index.js'
import { formatArea, formatPeriod, reportQuerySchema, type ReportFilters } from './report-filters.js'
import {
  activityResponseSchema,
  annualResponseSchema,
  overviewResponseSchema,
  tableResponseSchema,
} from './reports.schemas.js'
import {
  activityReport,
  activityYears,
  annualReport,
  chooseAnnualReport,
  areaReport,
  loadTeams,
  overviewReport,
  parseFilters,
  questionReport,
  requireLevel,
  requireQuestion,
  requireSplit,
  teamIdsInArea,
} from './reports.service.js'
import { z } from 'zod'
import { tokenAccess, tokenRouteDocs } from '../api-tokens/token-access.js'

const docs = (summary: string) => tokenRouteDocs('reports', summary)

const echo = (filters: ReportFilters) => ({ period: formatPeriod(filters.period), area: formatArea(filters.area), kind: filters.kind })

export async function reportsApiRoutes(app: FastifyInstance): Promise<void> {
  const disclosure = (request: FastifyRequest) => ({
    threshold: app.deps.config.disclosureThreshold,
    rules: translate(request.lang, 'reports.rules.api', { k_minus: app.deps.config.disclosureThreshold - 1 }),
  })

  /** The query, the teams and the filters every endpoint starts from (a filter off the grid is a 400). */
  const start = async (request: FastifyRequest) => {
    const query = request.query as z.output<typeof reportQuerySchema>
    const teams = await loadTeams(app.deps)
    return { query, teams, filters: parseFilters(app.deps, query, teams) }
  }

  app.get(
    '/api/v1/reports/overview',
    { schema: { ...docs('The overview: key figures and meetings by month'), querystring: reportQuerySchema, response: { 200: overviewResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { teams, filters } = await start(request)
      const report = await overviewReport(app.deps, filters, teams, request.lang)
      return { filters: echo(filters), disclosure: disclosure(request), ...report }
    },
  )

  app.get(
    '/api/v1/reports/questions/:questionId',
    { schema: { ...docs('One question of the form, optionally split by another (by=age, gender, …)'), querystring: reportQuerySchema, response: { 200: tableResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { query, teams, filters } = await start(request)
      const question = requireQuestion((request.params as { questionId: string }).questionId)
      const split = requireSplit(query.by)
      const table = await questionReport(app.deps, filters, teams, question, split, request.lang)
      return { filters: { ...echo(filters), by: split?.id ?? null }, disclosure: disclosure(request), table }
    },
  )

  app.get(
    '/api/v1/reports/areas',
    { schema: { ...docs('Area comparison: one question for every team, county, police department or home municipality (level=…)'), querystring: reportQuerySchema, response: { 200: tableResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { query, teams, filters } = await start(request)
      const level = requireLevel(query.level)
      const question = requireQuestion(query.question ?? 'meetingKind')
      const table = await areaReport(app.deps, filters, teams, level, question, request.lang)
      return { filters: { ...echo(filters), level, question: question.id }, disclosure: disclosure(request), table }
    },
  )

  app.get(
    '/api/v1/reports/activity',
    { schema: { ...docs('Team activity per year: coffee meetings, stakeholder meetings, participants, refusals'), querystring: reportQuerySchema, response: { 200: activityResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { teams, filters } = await start(request)
      if (filters.area.level === 'municipality') throw new ValidationError([{ field: 'area', code: 'not_by_municipality' }])
      const report = await activityReport(app.deps, teamIdsInArea(filters.area, teams), activityYears(app.deps), request.lang)
      return { filters: { area: formatArea(filters.area) }, disclosure: disclosure(request), tables: [report.meetings, report.participants, report.refusals] }
    },
  )

  app.get(
    '/api/v1/reports/annual',
    { schema: { ...docs('A team\'s annual report (team=…, year=…)'), querystring: reportQuerySchema, response: { 200: annualResponseSchema } }, config: tokenAccess },
    async (request) => {
      const query = request.query as z.output<typeof reportQuerySchema>
      const teams = await loadTeams(app.deps)
      const { year, team } = chooseAnnualReport(app.deps, query, teams, request.actor?.teamId ?? undefined)
      if (!team) throw new ValidationError([{ field: 'team', code: 'required' }])
      const report = await annualReport(app.deps, team, year, teams, request.lang)
      return {
        team: { id: team.id, name: team.name },
        year,
        disclosure: disclosure(request),
        overview: report.overview,
        tables: [...report.tables],
        activity: [report.activity.meetings, report.activity.participants, report.activity.refusals],
      }
    },
  )
}
