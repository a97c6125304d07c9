// JSON report API: exactly the numbers of each report page, with the same filters as query
// parameters. Every answer names its source (the reader's own team, exact, or a release, protected)
// and the method; a count that is not published comes as { status: "withheld", value: null }.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ValidationError } from '../../errors.js'
import { formatArea, formatPeriod, reportQuerySchema, type ReportFilters } from './report-filters.js'
import {
  activityResponseSchema,
  annualResponseSchema,
  overviewResponseSchema,
  tableResponseSchema,
} from './reports.schemas.js'
import { noticeOf, publicationOf } from './report-publication.js'
import {
  activityReport,
  defaultAreaFor,
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
} from './reports.service.js'
import { z } from 'zod'
import { tokenAccess, tokenRouteDocs } from '../api-tokens/token-access.js'

const docs = (summary: string) => tokenRouteDocs('reports', summary)

const echo = (filters: ReportFilters) => ({ period: formatPeriod(filters.period), area: formatArea(filters.area), kind: filters.kind })

export async function reportsApiRoutes(app: FastifyInstance): Promise<void> {
  const ownTeam = (request: FastifyRequest) => request.actor?.teamId ?? null

  /** The query, the teams and the filters every endpoint starts from (a filter off the grid is a 400). */
  const start = async (request: FastifyRequest) => {
    const query = request.query as z.output<typeof reportQuerySchema>
    const teams = await loadTeams(app.deps)
    return { query, teams, filters: parseFilters(app.deps, query, teams, defaultAreaFor(ownTeam(request))) }
  }

  app.get(
    '/api/v1/reports/overview',
    { schema: { ...docs('The overview: key figures and meetings by month'), querystring: reportQuerySchema, response: { 200: overviewResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { teams, filters } = await start(request)
      const { origin, ...report } = await overviewReport(app.deps, filters, teams, request.lang, ownTeam(request))
      return { filters: echo(filters), publication: publicationOf(app.deps, origin, request.lang), ...report }
    },
  )

  app.get(
    '/api/v1/reports/questions/:questionId',
    { schema: { ...docs('One question of the form, optionally split by another (by=age, gender, …)'), querystring: reportQuerySchema, response: { 200: tableResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { query, teams, filters } = await start(request)
      const question = requireQuestion((request.params as { questionId: string }).questionId)
      const split = requireSplit(query.by)
      const report = await questionReport(app.deps, filters, teams, question, split, request.lang, ownTeam(request))
      return {
        filters: { ...echo(filters), by: split?.id ?? null },
        publication: publicationOf(app.deps, report.origin, request.lang),
        notice: noticeOf(report.notice, request.lang),
        table: report.table,
        withheldColumns: [...report.withheldColumns],
      }
    },
  )

  app.get(
    '/api/v1/reports/areas',
    { schema: { ...docs('Area comparison of published figures: one question for every team, county or police department (level=…)'), querystring: reportQuerySchema, response: { 200: tableResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { query, teams, filters } = await start(request)
      const level = requireLevel(query.level)
      const question = requireQuestion(query.question ?? 'meetingKind')
      const report = await areaReport(app.deps, filters, teams, level, question, request.lang)
      return {
        filters: { ...echo(filters), level, question: question.id },
        publication: publicationOf(app.deps, report.origin, request.lang),
        notice: noticeOf(report.notice, request.lang),
        table: report.table,
        withheldColumns: [],
      }
    },
  )

  app.get(
    '/api/v1/reports/activity',
    { schema: { ...docs('Team activity per year: coffee meetings, stakeholder meetings, participants, refusals'), querystring: reportQuerySchema, response: { 200: activityResponseSchema } }, config: tokenAccess },
    async (request) => {
      const { teams, filters } = await start(request)
      if (filters.area.level === 'municipality') throw new ValidationError([{ field: 'area', code: 'not_by_municipality' }])
      const report = await activityReport(app.deps, filters.area, teams, activityYears(app.deps), request.lang, ownTeam(request))
      return { filters: { area: formatArea(filters.area) }, publication: publicationOf(app.deps, report.origin, request.lang), tables: [report.meetings, report.participants, report.refusals] }
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
      const report = await annualReport(app.deps, team, year, teams, request.lang, ownTeam(request))
      const { origin: _origin, ...overview } = report.overview
      return {
        team: { id: team.id, name: team.name },
        year,
        publication: publicationOf(app.deps, report.origin, request.lang),
        notice: noticeOf(report.notice, request.lang),
        overview,
        tables: [...report.tables],
        activity: [report.activity.meetings, report.activity.participants, report.activity.refusals],
      }
    },
  )
}
