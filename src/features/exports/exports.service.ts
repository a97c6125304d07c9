// Exports of the report views: the same service calls as the pages, so the same filters and the
// same disclosure control, turned into export rows plus a description of what they are; and the
// audit entry every export leaves.
import { ValidationError } from '../../errors.js'
import { translate, type Lang } from '../../i18n/index.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { recordAudit } from '../audit/audit.repository.js'
import { formDefinition } from '../forms/definition.js'
import type { ProtectedCount } from '../reports/disclosure.js'
import { formatArea, formatPeriod, type ReportFilters, type ReportQuery } from '../reports/report-filters.js'
import type { ReportTable } from '../reports/report-table.js'
import {
  activityReport,
  activityYears,
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
  teamIdsInArea,
  type OverviewReport,
} from '../reports/reports.service.js'
import { COUNT, shownAs, tableRows, type ExportRow } from './export-rows.js'

export const EXPORT_VIEWS = ['overview', 'questions', 'areas', 'activity', 'annual'] as const
export type ExportView = (typeof EXPORT_VIEWS)[number]

export interface ExportBundle {
  readonly view: ExportView
  /** A safe file name without extension, e.g. anchor-report-questions-meetingTopics-2025. */
  readonly fileName: string
  readonly metadata: readonly (readonly [string, string])[]
  readonly rows: readonly ExportRow[]
}

function figureRows(overview: OverviewReport, threshold: number, lang: Lang): ExportRow[] {
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
    shown_as: shownAs(count, threshold),
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
  const threshold = deps.config.disclosureThreshold
  const teams = await loadTeams(deps)
  const totalLabel = translate(lang, 'reports.total')
  const rowsOf = (tables: readonly ReportTable[]) => tables.flatMap((table) => tableRows(table, threshold, totalLabel))
  const common: [string, string][] = [
    ['view', view],
    ['disclosure_threshold', String(threshold)],
    ['disclosure_rules', translate(lang, 'reports.rules.api', { k_minus: threshold - 1 })],
    ['definition_version', String(formDefinition.version)],
    ['language', lang],
    ['generated_at', deps.clock.now().toISOString()],
    ['generated_by', actor.role],
  ]
  switch (view) {
    case 'overview': {
      const filters = parseFilters(deps, query, teams)
      const report = await overviewReport(deps, filters, teams, lang)
      return {
        view,
        fileName: `anchor-overview-${formatPeriod(filters.period)}`,
        metadata: [...filterMetadata(filters, teams, lang), ['median_response_days', report.medianResponseDays === null ? '' : String(report.medianResponseDays)], ...common],
        rows: [...figureRows(report, threshold, lang), ...rowsOf([report.trend])],
      }
    }
    case 'questions': {
      const filters = parseFilters(deps, query, teams)
      const question = requireQuestion(questionId)
      const split = requireSplit(query.by)
      const table = await questionReport(deps, filters, teams, question, split, lang)
      return {
        view,
        fileName: safe(`anchor-${question.id}${split ? `-by-${split.id}` : ''}-${formatPeriod(filters.period)}`),
        metadata: [...filterMetadata(filters, teams, lang), ['question', question.id], ['split_by', split?.id ?? ''], ...common],
        rows: rowsOf([table]),
      }
    }
    case 'areas': {
      const filters = parseFilters(deps, query, teams)
      const level = requireLevel(query.level)
      const question = requireQuestion(query.question ?? 'meetingKind')
      const table = await areaReport(deps, filters, teams, level, question, lang)
      return {
        view,
        fileName: safe(`anchor-${question.id}-by-${level}-${formatPeriod(filters.period)}`),
        metadata: [...filterMetadata(filters, teams, lang), ['question', question.id], ['compare', level], ...common],
        rows: rowsOf([table]),
      }
    }
    case 'activity': {
      const filters = parseFilters(deps, query, teams)
      if (filters.area.level === 'municipality') throw new ValidationError([{ field: 'area', code: 'not_by_municipality' }])
      const report = await activityReport(deps, teamIdsInArea(filters.area, teams), activityYears(deps), lang)
      return {
        view,
        fileName: 'anchor-team-activity',
        metadata: [['area', formatArea(filters.area)], ['area_label', areaLabel(filters.area, teams, lang)], ...common],
        rows: rowsOf([report.meetings, report.participants, report.refusals]),
      }
    }
    case 'annual': {
      const { year, team } = chooseAnnualReport(deps, query, teams, actor.teamId ?? undefined)
      if (!team) throw new ValidationError([{ field: 'team', code: 'required' }])
      const report = await annualReport(deps, team, year, teams, lang)
      return {
        view,
        fileName: `anchor-annual-report-${year}`,
        metadata: [
          ['team', team.id],
          ['team_name', team.name],
          ['year', String(year)],
          ['median_response_days', report.overview.medianResponseDays === null ? '' : String(report.overview.medianResponseDays)],
          ...common,
        ],
        rows: [
          ...figureRows(report.overview, threshold, lang),
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
