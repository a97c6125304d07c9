// Report pages for every logged-in user: overview, one question (optionally split), area comparison,
// team activity, a team's printable annual report, and the page that explains how figures are
// protected. A team member's own team is exact and live; everything else comes from the latest
// release, and every page says which. Filters come from the URL; a filter off the grid re-draws the
// page's filter form with an error summary instead of numbers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ValidationError } from '../../errors.js'
import { translate } from '../../i18n/index.js'
import { monthOf } from '../../lib/months.js'
import { EXPORT_FORMATS } from '../exports/exports.routes.js'
import { questionDimensions, splitDimensions } from './report-dimensions.js'
import { filtersQuery, reportQuerySchema, type ReportFilters, type ReportQuery } from './report-filters.js'
import { dimensionLabel } from './report-labels.js'
import { filterView, formatShare, periodLabel, tableView, cellView } from './report-view.js'
import { noticeOf, publicationOf } from './report-publication.js'
import { latestRelease } from '../publication/publication.repository.js'
import { methodOf, methodOfRelease } from '../publication/release.service.js'
import {
  activityReport,
  activityYears,
  annualReport,
  areaLabel,
  chooseAnnualReport,
  areaReport,
  COMPARISON_LEVELS,
  defaultAreaFor,
  type ReportOrigin,
  loadTeams,
  overviewReport,
  parseFilters,
  questionReport,
  requireLevel,
  requireQuestion,
  requireSplit,
  type TeamRef,
} from './reports.service.js'

const REPORT_PAGES = ['overview', 'questions', 'areas', 'activity', 'annual', 'releases', 'about'] as const
type ReportPage = (typeof REPORT_PAGES)[number]
/** chart.js from node_modules, then our set-up that draws each chart from its table. */
const CHART_SCRIPTS = ['/vendor/chart.js/chart.umd.min.js', '/static/reports.js']

function parseQuery(query: unknown): ReportQuery {
  const parsed = reportQuerySchema.safeParse(query ?? {})
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), code: i.message })))
  return parsed.data
}

/** Download links of a page: its report API address, as an export in each format. */
function exportLinks(request: FastifyRequest, apiHref: unknown) {
  if (typeof apiHref !== 'string') return []
  const href = apiHref.replace('/api/v1/reports/', '/api/v1/exports/')
  const separator = href.includes('?') ? '&' : '?'
  return EXPORT_FORMATS.map((format) => ({ href: `${href}${separator}format=${format}`, label: translate(request.lang, `reports.download.${format}`) }))
}

export async function reportsRoutes(app: FastifyInstance): Promise<void> {
  const currentYear = () => Number(monthOf(app.deps.clock.now()).slice(0, 4))
  const ownTeam = (request: FastifyRequest) => request.actor?.teamId ?? null
  const filtersOf = (request: FastifyRequest, query: ReportQuery, teams: readonly TeamRef[]) => parseFilters(app.deps, query, teams, defaultAreaFor(ownTeam(request)))
  const filterForm = (request: FastifyRequest, filters: ReportFilters, teams: readonly TeamRef[], options?: Parameters<typeof filterView>[5]) =>
    filterView(filters, teams, currentYear(), request.lang, ownTeam(request), options)

  const common = (request: FastifyRequest, page: ReportPage, filters: ReportFilters | null, teams: readonly TeamRef[], origin?: ReportOrigin) => ({
    titleKey: `reports.pages.${page}`,
    reportNav: REPORT_PAGES.map((p) => ({ href: p === 'overview' ? '/reports' : p === 'questions' ? '/reports/questions' : `/reports/${p}`, label: translate(request.lang, `reports.pages.${p}`), current: p === page })),
    publication: origin ? publicationOf(app.deps, origin, request.lang) : null,
    filterSummary: filters
      ? translate(request.lang, 'reports.filter_summary', {
          period: periodLabel(filters.period, request.lang),
          area: areaLabel(filters.area, teams, request.lang),
          kind: translate(request.lang, `reports.filters.kinds.${filters.kind}`),
        })
      : null,
  })

  /** Runs a page; a filter off the grid gives the page's filter form with the errors (400). */
  const reportPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    page: ReportPage,
    render: (query: ReportQuery, teams: TeamRef[]) => Promise<Record<string, unknown>>,
    template: string = page,
  ) => {
    const teams = await loadTeams(app.deps)
    try {
      const query = parseQuery(request.query)
      const data = await render(query, teams)
      return reply.page(`reports/${template}`, { pageScripts: CHART_SCRIPTS, ...data, exportLinks: exportLinks(request, data.apiHref) })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const fallback = filtersOf(request, {}, teams)
      const start = page === 'overview' ? '/reports' : `/reports/${page}`
      return reply.page(
        'reports/invalid',
        {
          ...common(request, page, null, teams),
          formError: error.code,
          errors: error.fields,
          fieldLabels: Object.fromEntries(['period', 'area', 'kind', 'by', 'level', 'question', 'team', 'year'].map((f) => [f, translate(request.lang, `reports.filters.${f}`)])),
          filters: filterForm(request, fallback, teams),
          // the same page again, unless the page itself (the question) is what is wrong
          action: error.fields.some((f) => f.field === 'question') ? start : request.url.split('?')[0],
          startHref: start,
        },
        400,
      )
    }
  }

  const questionLinks = (request: FastifyRequest, filters: ReportFilters, currentId?: string) =>
    questionDimensions().map((d) => ({
      id: d.id,
      label: dimensionLabel(d, request.lang),
      href: `/reports/questions/${d.id}?${filtersQuery(filters)}`,
      current: d.id === currentId,
    }))

  app.get('/reports', async (request, reply) =>
    reportPage(request, reply, 'overview', async (query, teams) => {
      const filters = filtersOf(request, query, teams)
      const report = await overviewReport(app.deps, filters, teams, request.lang, ownTeam(request))
      const cell = (c: Parameters<typeof cellView>[0]) => cellView(c, request.lang)
      return {
        ...common(request, 'overview', filters, teams, report.origin),
        filters: filterForm(request, filters, teams),
        action: '/reports',
        figures: [
          { key: 'forms', cell: cell(report.forms), share: '' },
          { key: 'first_meetings', cell: cell(report.firstMeetings), share: formatShare(report.firstMeetingsShare, request.lang) },
          { key: 'under_15', cell: cell(report.under15), share: formatShare(report.under15Share, request.lang) },
          { key: 'referred', cell: cell(report.referred), share: formatShare(report.referredShare, request.lang) },
        ],
        trend: tableView(report.trend, request.lang, 'line'),
        questions: questionLinks(request, filters),
        apiHref: `/api/v1/reports/overview?${filtersQuery(filters)}`,
      }
    }),
  )

  app.get('/reports/questions', async (request, reply) =>
    reportPage(request, reply, 'questions', async (query, teams) => {
      const filters = filtersOf(request, query, teams)
      return { ...common(request, 'questions', filters, teams), questions: questionLinks(request, filters) }
    }),
  )

  app.get('/reports/questions/:questionId', async (request, reply) =>
    reportPage(request, reply, 'questions', async (query, teams) => {
      const filters = filtersOf(request, query, teams)
      const question = requireQuestion((request.params as { questionId: string }).questionId)
      const split = requireSplit(query.by)
      const report = await questionReport(app.deps, filters, teams, question, split, request.lang, ownTeam(request))
      return {
        ...common(request, 'questions', filters, teams, report.origin),
        titleText: dimensionLabel(question, request.lang),
        filters: filterForm(request, filters, teams),
        action: `/reports/questions/${question.id}`,
        splits: [
          { value: '', label: translate(request.lang, 'reports.filters.no_split'), selected: split === null },
          ...splitDimensions()
            .filter((d) => d.source.type === 'question' && d.id !== question.id)
            .map((d) => ({ value: d.id, label: dimensionLabel(d, request.lang), selected: d.id === split?.id })),
        ],
        table: report.table ? tableView(report.table, request.lang) : null,
        notice: noticeOf(report.notice, request.lang),
        withheldColumns: report.withheldColumns.length ? translate(request.lang, 'reports.withheld_columns', { columns: report.withheldColumns.join(', ') }) : null,
        questions: questionLinks(request, filters, question.id),
        apiHref: `/api/v1/reports/questions/${question.id}?${filtersQuery(filters, { by: split?.id })}`,
      }
    }, 'question'),
  )

  app.get('/reports/areas', async (request, reply) =>
    reportPage(request, reply, 'areas', async (query, teams) => {
      const filters = filtersOf(request, { ...query, area: query.area ?? 'country' }, teams)
      const level = requireLevel(query.level)
      const question = requireQuestion(query.question ?? 'meetingKind')
      const report = await areaReport(app.deps, filters, teams, level, question, request.lang)
      return {
        ...common(request, 'areas', filters, teams, report.origin),
        filters: filterForm(request, filters, teams, { area: false }),
        action: '/reports/areas',
        levels: COMPARISON_LEVELS.map((l) => ({ value: l, label: translate(request.lang, `reports.levels.${l}`), selected: l === level })),
        questionOptions: questionDimensions()
          .filter((d) => !(d.kind === 'single' && d.source.type === 'question' && d.source.question.type === 'municipality'))
          .map((d) => ({ value: d.id, label: dimensionLabel(d, request.lang), selected: d.id === question.id })),
        table: report.table ? tableView(report.table, request.lang) : null,
        notice: noticeOf(report.notice, request.lang),
        apiHref: `/api/v1/reports/areas?${filtersQuery(filters, { level, question: question.id })}`,
      }
    }),
  )

  app.get('/reports/activity', async (request, reply) =>
    reportPage(request, reply, 'activity', async (query, teams) => {
      const filters = filtersOf(request, query, teams)
      if (filters.area.level === 'municipality') throw new ValidationError([{ field: 'area', code: 'not_by_municipality' }])
      const years = activityYears(app.deps)
      const report = await activityReport(app.deps, filters.area, teams, years, request.lang, ownTeam(request))
      return {
        ...common(request, 'activity', filters, teams, report.origin),
        filterSummary: areaLabel(filters.area, teams, request.lang),
        filters: filterForm(request, filters, teams, { kind: false, period: false }),
        action: '/reports/activity',
        // a year's share of all years says nothing: the activity tables have none
        tables: [report.meetings, report.participants, report.refusals].map((t) => tableView(t, request.lang, 'bar', { share: false })),
        apiHref: `/api/v1/reports/activity?${filtersQuery(filters).replace(/^period=[^&]*&?/, '')}`,
      }
    }),
  )

  app.get('/reports/annual', async (request, reply) =>
    reportPage(request, reply, 'annual', async (query, teams) => {
      const { year, years, team } = chooseAnnualReport(app.deps, query, teams, request.actor?.teamId ?? teams[0]?.id)
      const teamOptions = teams.map((t) => ({ value: t.id, label: t.name, selected: t.id === team?.id }))
      const yearOptions = years.map((y) => ({ value: String(y), label: String(y), selected: y === year }))
      const base = { ...common(request, 'annual', null, teams), teamOptions, yearOptions, action: '/reports/annual' }
      if (!team) return { ...base, noTeams: true }
      const report = await annualReport(app.deps, team, year, teams, request.lang, ownTeam(request))
      const cell = (c: Parameters<typeof cellView>[0]) => cellView(c, request.lang)
      return {
        ...base,
        publication: publicationOf(app.deps, report.origin, request.lang),
        notice: noticeOf(report.notice, request.lang),
        teamName: team.name,
        year,
        figures: [
          { key: 'forms', cell: cell(report.overview.forms), share: '' },
          { key: 'first_meetings', cell: cell(report.overview.firstMeetings), share: formatShare(report.overview.firstMeetingsShare, request.lang) },
          { key: 'follow_ups', cell: cell(report.overview.followUps), share: '' },
          { key: 'under_15', cell: cell(report.overview.under15), share: formatShare(report.overview.under15Share, request.lang) },
          { key: 'referred', cell: cell(report.overview.referred), share: formatShare(report.overview.referredShare, request.lang) },
        ],
        trend: tableView(report.overview.trend, request.lang, null),
        tables: report.tables.map((t) => tableView(t, request.lang, null)),
        activityTables: [report.activity.meetings, report.activity.participants, report.activity.refusals].map((t) => tableView(t, request.lang, null, { share: false })),
        apiHref: `/api/v1/reports/annual?team=${team.id}&year=${year}`,
      }
    }),
  )

  app.get('/reports/about', async (request, reply) => {
    const latest = await latestRelease(app.deps.db)
    const method = latest ? methodOfRelease(latest, app.deps.config.publication) : methodOf(app.deps.config.publication)
    return reply.page('reports/about', {
      titleKey: 'reports.about.title',
      reportNav: REPORT_PAGES.map((p) => ({ href: p === 'overview' ? '/reports' : p === 'questions' ? '/reports/questions' : `/reports/${p}`, label: translate(request.lang, `reports.pages.${p}`), current: p === 'about' })),
      k: method.threshold,
      kMinus: method.threshold - 1,
      d: method.maxNoise,
      // a decimal as the reader writes it: 1,5 in Finnish and Swedish
      v: new Intl.NumberFormat({ fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }[request.lang]).format(method.noiseVariance),
      min: method.minForms,
    })
  })
}
