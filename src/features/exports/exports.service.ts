// Exports of the report views: the same service calls as the pages, so the same filters and the same
// numbers (a reader's own team exact, everything else from the latest release), turned into export
// rows plus a description of what they are and how they were protected; and the audit entry every
// export leaves.
import { ValidationError } from '../../errors.js'
import { translate, type Lang } from '../../i18n/index.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { recordAudit } from '../audit/audit.repository.js'
import { formDefinition } from '../forms/definition.js'
import type { ProtectedCount } from '../reports/protected-count.js'
import { formatArea, formatPeriod, type ReportFilters, type ReportQuery } from '../reports/report-filters.js'
import type { ReportTable } from '../reports/report-table.js'
import {
  activityReport,
  activityYears,
  defaultAreaFor,
  annualReport,
  areaLabel,
  chooseAnnualReport,
  areaReport,
  loadTeams,
  overviewReport,
  parseFilters,
  questionReport,
  requireLevel,
  requireQuestion,
  requireSplit,
  type OverviewReport,
  type ReportOrigin,
} from '../reports/reports.service.js'
import { COUNT, shownAs, tableRows, type ExportRow } from './export-rows.js'
import { noticeMessage, publicationOf } from '../reports/report-publication.js'
import type { Notice } from '../reports/report-source.js'

export const EXPORT_VIEWS = ['overview', 'questions', 'areas', 'activity', 'annual'] as const
export type ExportView = (typeof EXPORT_VIEWS)[number]

export interface ExportBundle {
  readonly view: ExportView
  /** A safe file name without extension, e.g. anchor-report-questions-meetingTopics-2025. */
  readonly fileName: string
  readonly metadata: readonly (readonly [string, string])[]
  readonly rows: readonly ExportRow[]
}

function figureRows(overview: OverviewReport, lang: Lang): ExportRow[] {
  const figures: [string, ProtectedCount, number | null][] = [
    ['forms', overview.forms, null],
    ['first_meetings', overview.firstMeetings, overview.firstMeetingsShare],
    ['follow_ups', overview.followUps, null],
    ['under_15', overview.under15, overview.under15Share],
    ['referred', overview.referred, overview.referredShare],
  ]
  const title = translate(lang, 'reports.overview.figures_title')
  return figures.map(([key, count, share]) => ({
    table: 'figures',
    table_title: title,
    row_code: key,
    row_label: translate(lang, `reports.overview.${key}`),
    column_code: COUNT,
    column_label: translate(lang, 'reports.count'),
    value: count.status === 'published' ? count.value : null,
    status: count.status,
    shown_as: shownAs(count),
    share_percent: share,
  }))
}

function filterMetadata(filters: ReportFilters, teams: Awaited<ReturnType<typeof loadTeams>>, lang: Lang): [string, string][] {
  return [
    ['period', formatPeriod(filters.period)],
    ['area', formatArea(filters.area)],
    ['area_label', areaLabel(filters.area, teams, lang)],
    ['meeting_kind', filters.kind],
  ]
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '-')

export async function buildExport(deps: AppDeps, view: ExportView, query: ReportQuery, questionId: string | undefined, actor: Actor, lang: Lang): Promise<ExportBundle> {
  const teams = await loadTeams(deps)
  const ownTeam = actor.teamId ?? null
  const totalLabel = translate(lang, 'reports.total')
  const rowsOf = (tables: readonly (ReportTable | null)[]) => tables.flatMap((table) => (table ? tableRows(table, totalLabel) : []))
  const common = (origin: ReportOrigin, notice: Notice | null = null): [string, string][] => {
    const publication = publicationOf(deps, origin, lang)
    return [
      ['view', view],
      ['source', publication.source],
      ['release', publication.release ? String(publication.release.id) : ''],
      ['release_through_month', publication.release?.throughMonth ?? ''],
      ['release_made_at', publication.release?.madeAt ?? ''],
      ['statement', publication.statement],
      ['notice', notice ? noticeMessage(notice, lang) : ''],
      ['method', publication.method.name],
      ['method_threshold_k', String(publication.method.threshold)],
      ['method_max_noise_d', String(publication.method.maxNoise)],
      ['method_noise_variance_v', String(publication.method.noiseVariance)],
      ['method_min_forms', String(publication.method.minForms)],
      ['definition_version', String(formDefinition.version)],
      ['language', lang],
      ['generated_at', deps.clock.now().toISOString()],
      ['generated_by', actor.role],
    ]
  }
  const filtersOf = () => parseFilters(deps, query, teams, defaultAreaFor(ownTeam))
  switch (view) {
    case 'overview': {
      const filters = filtersOf()
      const report = await overviewReport(deps, filters, teams, lang, ownTeam)
      return {
        view,
        fileName: `anchor-overview-${formatPeriod(filters.period)}`,
        metadata: [...filterMetadata(filters, teams, lang), ...common(report.origin)],
        rows: [...figureRows(report, lang), ...rowsOf([report.trend])],
      }
    }
    case 'questions': {
      const filters = filtersOf()
      const question = requireQuestion(questionId)
      const split = requireSplit(query.by)
      const report = await questionReport(deps, filters, teams, question, split, lang, ownTeam)
      return {
        view,
        fileName: safe(`anchor-${question.id}${split ? `-by-${split.id}` : ''}-${formatPeriod(filters.period)}`),
        metadata: [...filterMetadata(filters, teams, lang), ['question', question.id], ['split_by', split?.id ?? ''], ['withheld_columns', report.withheldColumns.join(', ')], ...common(report.origin, report.notice)],
        rows: rowsOf([report.table]),
      }
    }
    case 'areas': {
      const filters = filtersOf()
      const level = requireLevel(query.level)
      const question = requireQuestion(query.question ?? 'meetingKind')
      const report = await areaReport(deps, filters, teams, level, question, lang)
      return {
        view,
        fileName: safe(`anchor-${question.id}-by-${level}-${formatPeriod(filters.period)}`),
        metadata: [...filterMetadata(filters, teams, lang), ['question', question.id], ['compare', level], ...common(report.origin, report.notice)],
        rows: rowsOf([report.table]),
      }
    }
    case 'activity': {
      const filters = filtersOf()
      if (filters.area.level === 'municipality') throw new ValidationError([{ field: 'area', code: 'not_by_municipality' }])
      const report = await activityReport(deps, filters.area, teams, activityYears(deps), lang, ownTeam)
      return {
        view,
        fileName: 'anchor-team-activity',
        metadata: [['area', formatArea(filters.area)], ['area_label', areaLabel(filters.area, teams, lang)], ...common(report.origin)],
        rows: rowsOf([report.meetings, report.participants, report.refusals]),
      }
    }
    case 'annual': {
      const { year, team } = chooseAnnualReport(deps, query, teams, actor.teamId ?? undefined)
      if (!team) throw new ValidationError([{ field: 'team', code: 'required' }])
      const report = await annualReport(deps, team, year, teams, lang, ownTeam)
      return {
        view,
        fileName: `anchor-annual-report-${year}`,
        metadata: [['team', team.id], ['team_name', team.name], ['year', String(year)], ...common(report.origin, report.notice)],
        rows: [
          ...figureRows(report.overview, lang),
          ...rowsOf([report.overview.trend, ...report.tables, report.activity.meetings, report.activity.participants, report.activity.refusals]),
        ],
      }
    }
  }
}

/** Every export leaves who, which view with which filters, in which format and when. */
export async function auditExport(deps: AppDeps, actor: Actor, bundle: ExportBundle | 'codebook', format: string, ip: string): Promise<void> {
  const details: Record<string, string> = bundle === 'codebook' ? { view: 'codebook', format } : { view: bundle.view, format, ...Object.fromEntries(bundle.metadata.filter(([key]) => ['period', 'area', 'meeting_kind', 'question', 'split_by', 'compare', 'team', 'year'].includes(key))) }
  if (actor.tokenId) details.token = actor.tokenId
  await recordAudit(deps.db, { event: bundle === 'codebook' ? 'codebook_exported' : 'report_exported', at: deps.clock.now(), actorUserId: actor.userId, ip, details })
}
