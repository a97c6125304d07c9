// The reports: filters from the URL, then the overview, a question's table (optionally split by a
// second question), the area comparison, team activity and a team's annual report. Every number
// goes through report-table.ts or disclosure.ts on its way out.
import { ValidationError, type FieldError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { translate } from '../../i18n/index.js'
import { monthOf } from '../../lib/months.js'
import type { AppDeps } from '../../plugins/deps.js'
import { policeDepartments, wellbeingCounties } from '../../regions/index.js'
import { monthLabel } from '../forms/form-view.js'
import { protectOneWay, publishedShare, statisticVisible, type DisclosureRules, type ProtectedCount } from './disclosure.js'
import {
  areaDimension,
  findQuestionDimension,
  findSplitDimension,
  questionDimensions,
  type AreaLevel,
  type Dimension,
  type SingleValuedDimension,
} from './report-dimensions.js'
import {
  EARLIEST_YEAR,
  monthRange,
  monthsOf,
  parseArea,
  parsePeriod,
  type Area,
  type MeetingKindFilter,
  type ReportFilters,
  type ReportQuery,
} from './report-filters.js'
import { areaName, categoriesOf, dimensionLabel } from './report-labels.js'
import { buildTable, countLookup, type Category, type ReportTable } from './report-table.js'
import { countAsked, countForms, countOverview } from './report-counts.js'
import { countActivity, listAllTeams, type FormScope } from './reports.repository.js'

export function disclosureRules(deps: AppDeps): DisclosureRules {
  return { threshold: deps.config.disclosureThreshold }
}

export interface TeamRef {
  readonly id: string
  readonly name: string
  readonly county: string
  readonly police: string
}

/** Filters from the query; a missing one takes its default, a value off the grid is a 400. */
export function parseFilters(deps: AppDeps, query: ReportQuery, teams: readonly TeamRef[], defaultArea: Area = { level: 'country' }): ReportFilters {
  const currentYear = Number(monthOf(deps.clock.now()).slice(0, 4))
  const errors: FieldError[] = []
  const period = query.period === undefined ? { type: 'year' as const, year: currentYear } : parsePeriod(query.period, currentYear)
  if (!period) errors.push({ field: 'period', code: 'invalid_choice' })
  const area = query.area === undefined ? defaultArea : parseArea(query.area)
  if (!area || (area.level === 'team' && !teams.some((t) => t.id === area.code))) errors.push({ field: 'area', code: 'invalid_choice' })
  if (errors.length > 0) throw new ValidationError(errors)
  return { period: period!, area: area!, kind: (query.kind ?? 'all') as MeetingKindFilter }
}

export function teamIdsInArea(area: Area, teams: readonly TeamRef[]): string[] | null {
  switch (area.level) {
    case 'country':
    case 'municipality':
      return null
    case 'county':
      return teams.filter((t) => t.county === area.code).map((t) => t.id)
    case 'police':
      return teams.filter((t) => t.police === area.code).map((t) => t.id)
    case 'team':
      return [area.code]
  }
}

export function scopeOf(filters: ReportFilters, teams: readonly TeamRef[]): FormScope {
  const { from, to } = monthRange(filters.period)
  return {
    from,
    to,
    teamIds: teamIdsInArea(filters.area, teams),
    municipality: filters.area.level === 'municipality' ? filters.area.code : null,
    meetingKind: filters.kind === 'all' ? null : filters.kind,
  }
}

export async function loadTeams(deps: AppDeps): Promise<TeamRef[]> {
  return listAllTeams(deps.db)
}

const teamNameMap = (teams: readonly TeamRef[]) => new Map(teams.map((t) => [t.id, t.name]))

// ---------------------------------------------------------------------------------------------
// Overview

export interface OverviewReport {
  readonly forms: ProtectedCount
  readonly firstMeetings: ProtectedCount
  readonly followUps: ProtectedCount
  readonly under15: ProtectedCount
  readonly fifteenPlus: ProtectedCount
  readonly referred: ProtectedCount
  readonly notReferred: ProtectedCount
  readonly firstMeetingsShare: number | null
  readonly under15Share: number | null
  readonly referredShare: number | null
  /** Median working days from the notification to the first meeting; null when too few forms. */
  readonly medianResponseDays: number | null
  readonly trend: ReportTable
}

export function median(histogram: readonly { days: number; forms: number }[]): number | null {
  const sorted = [...histogram].sort((a, b) => a.days - b.days)
  const n = sorted.reduce((sum, h) => sum + h.forms, 0)
  if (n === 0) return null
  const valueAt = (rank: number) => {
    let seen = 0
    for (const h of sorted) {
      seen += h.forms
      if (seen > rank) return h.days
    }
    return sorted[sorted.length - 1]!.days
  }
  return n % 2 === 1 ? valueAt((n - 1) / 2) : (valueAt(n / 2 - 1) + valueAt(n / 2)) / 2
}

export async function overviewReport(
  deps: AppDeps,
  filters: ReportFilters,
  teams: readonly TeamRef[],
  lang: Lang,
  options: { hideForms?: boolean } = {},
): Promise<OverviewReport> {
  const rules = disclosureRules(deps)
  const scope = scopeOf(filters, teams)
  const counts = await countOverview(deps.db, scope)
  const months = monthsOf(filters.period)
  const get = (map: ReadonlyMap<string, number>, key: string) => map.get(key) ?? 0
  const trendCounts = countLookup(months.map((m) => ({ row: m, split: '', forms: get(counts.byMonth, m) })))
  // the number of forms is the total of all four tables: hidden in one, it is hidden in all, and
  // each is protected again around it, so that no table gives it away
  const protectAll = (hideTotal: boolean) => ({
    kinds: protectOneWay([get(counts.byKind, 'first'), get(counts.byKind, 'follow_up')], rules, { hideTotal }),
    ages: protectOneWay([get(counts.under15, 'yes'), get(counts.under15, 'no')], rules, { hideTotal }),
    referral: protectOneWay([get(counts.referred, 'yes'), get(counts.referred, 'no')], rules, { hideTotal }),
    trend: buildTable(
      {
        id: 'trend',
        title: translate(lang, 'reports.overview.trend_title'),
        multipleChoice: false,
        rowHeading: translate(lang, 'reports.month'),
        rows: months.map((m) => ({ code: m, label: monthLabel(m, lang) })),
        totalLabel: translate(lang, 'reports.total'),
        hideTotal,
      },
      trendCounts,
      rules,
    ),
  })
  const first = protectAll(options.hideForms ?? false)
  const totalHidden = [first.kinds.total, first.ages.total, first.referral.total, first.trend.totals.total].some((c) => c.status !== 'published')
  const { kinds, ages, referral, trend } = totalHidden && !options.hideForms ? protectAll(true) : first
  const forms = trend.totals.total
  const firstMeetings = kinds.cells[0]!
  const nResponse = counts.responseDays.reduce((sum, r) => sum + r.forms, 0)
  return {
    forms,
    firstMeetings,
    followUps: kinds.cells[1]!,
    under15: ages.cells[0]!,
    fifteenPlus: ages.cells[1]!,
    referred: referral.cells[0]!,
    notReferred: referral.cells[1]!,
    firstMeetingsShare: publishedShare(firstMeetings, forms),
    under15Share: publishedShare(ages.cells[0]!, forms),
    referredShare: publishedShare(referral.cells[0]!, forms),
    medianResponseDays: statisticVisible(nResponse, rules) ? median(counts.responseDays) : null,
    trend,
  }
}

// ---------------------------------------------------------------------------------------------
// One question, optionally split by another

export function requireQuestion(id: string | undefined): Dimension {
  const dimension = id === undefined ? undefined : findQuestionDimension(id)
  if (!dimension) throw new ValidationError([{ field: 'question', code: 'invalid_choice' }])
  return dimension
}

export function requireSplit(id: string | undefined): SingleValuedDimension | null {
  if (id === undefined || id === '' || id === 'none') return null
  const dimension = findSplitDimension(id)
  if (!dimension || dimension.source.type === 'area') throw new ValidationError([{ field: 'by', code: 'invalid_choice' }])
  return dimension
}

function totalLabel(question: Dimension, lang: Lang): string {
  if (question.kind === 'multiple') return translate(lang, question.question.showWhen ? 'reports.asked_total' : 'reports.forms_total')
  return translate(lang, 'reports.total')
}

async function questionTable(
  deps: AppDeps,
  scope: FormScope,
  question: Dimension,
  split: SingleValuedDimension | null,
  teams: readonly TeamRef[],
  lang: Lang,
  columnsOverride?: readonly Category[],
  hideTotal = false,
): Promise<ReportTable> {
  const names = teamNameMap(teams)
  const [counts, baseOf] = await Promise.all([
    countForms(deps.db, scope, question, split),
    question.kind === 'multiple' ? countAsked(deps.db, scope, question, split) : Promise.resolve(new Map<string, number>()),
  ])
  const columns = split ? (columnsOverride ?? categoriesOf(split, split.codes, lang, names)) : []
  return buildTable(
    {
      id: question.id,
      title: dimensionLabel(question, lang),
      multipleChoice: question.kind === 'multiple',
      rowHeading: dimensionLabel(question, lang),
      rows: categoriesOf(question, question.codes, lang, names),
      columnHeading: split ? dimensionLabel(split, lang) : null,
      columns,
      totalLabel: totalLabel(question, lang),
      dropEmptyRows: question.kind === 'single' && question.source.type === 'question' && question.source.question.type === 'municipality',
      hideTotal,
    },
    countLookup(counts),
    disclosureRules(deps),
    (column) => baseOf.get(column) ?? 0,
  )
}

export async function questionReport(
  deps: AppDeps,
  filters: ReportFilters,
  teams: readonly TeamRef[],
  question: Dimension,
  split: SingleValuedDimension | null,
  lang: Lang,
): Promise<ReportTable> {
  return questionTable(deps, scopeOf(filters, teams), question, split, teams, lang)
}

// ---------------------------------------------------------------------------------------------
// Area comparison: areas as rows, a question's answers as columns, the whole selection as the total

export const COMPARISON_LEVELS = ['team', 'county', 'police', 'municipality'] as const satisfies readonly AreaLevel[]

export function requireLevel(level: string | undefined): AreaLevel {
  const found = COMPARISON_LEVELS.find((l) => l === (level ?? 'county'))
  if (!found) throw new ValidationError([{ field: 'level', code: 'invalid_choice' }])
  return found
}

function areaCodes(level: AreaLevel, filters: ReportFilters, teams: readonly TeamRef[]): string[] {
  const teamIds = teamIdsInArea(filters.area, teams)
  const inScope = teamIds === null ? teams : teams.filter((t) => teamIds.includes(t.id))
  switch (level) {
    case 'team':
      return inScope.map((t) => t.id)
    case 'county':
      return filters.area.level === 'country' ? wellbeingCounties.map((c) => c.code) : [...new Set(inScope.map((t) => t.county))]
    case 'police':
      return filters.area.level === 'country' ? policeDepartments.map((d) => d.code) : [...new Set(inScope.map((t) => t.police))]
    case 'municipality':
      return areaDimension('municipality').codes.slice()
  }
}

/** Rows become columns and columns rows, totals with them. */
function transpose(table: ReportTable, rowHeading: string, columnHeading: string, totalLabel: string): ReportTable {
  const grand = table.totals.total
  return {
    ...table,
    rowHeading,
    columnHeading,
    columns: table.rows.map((r) => ({ code: r.code, label: r.label })),
    rows: table.columns.map((c, j) => ({
      code: c.code,
      label: c.label,
      counts: table.rows.map((r) => r.counts[j]!),
      total: table.totals.counts[j]!,
      share: publishedShare(table.totals.counts[j]!, grand),
    })),
    totals: { label: totalLabel, counts: table.rows.map((r) => r.total), total: grand },
  }
}

export async function areaReport(
  deps: AppDeps,
  filters: ReportFilters,
  teams: readonly TeamRef[],
  level: AreaLevel,
  question: Dimension,
  lang: Lang,
): Promise<ReportTable> {
  const scope = scopeOf(filters, teams)
  const area = areaDimension(level)
  const names = teamNameMap(teams)
  const areas = categoriesOf(area, areaCodes(level, filters, teams), lang, names)
  const areaHeading = translate(lang, `reports.levels.${level}`)
  const selectionLabel = translate(lang, filters.area.level === 'country' ? 'reports.whole_country' : 'reports.whole_selection')
  if (question.kind === 'multiple') {
    // options as rows and areas as columns is the shape disclosure control knows; then turn it round
    let table = await questionTable(deps, scope, question, area, teams, lang, areas)
    if (level === 'municipality') table = dropEmptyColumns(table)
    return transpose(table, areaHeading, dimensionLabel(question, lang), selectionLabel)
  }
  const counts = await countForms(deps.db, scope, area, question)
  return buildTable(
    {
      id: `${question.id}-by-${level}`,
      title: dimensionLabel(question, lang),
      multipleChoice: false,
      rowHeading: areaHeading,
      rows: areas,
      columnHeading: dimensionLabel(question, lang),
      columns: categoriesOf(question, question.codes, lang, names),
      totalLabel: selectionLabel,
      dropEmptyRows: level === 'municipality',
    },
    countLookup(counts),
    disclosureRules(deps),
  )
}

/** Municipalities without forms make a table hundreds of columns wide; their zeros say nothing. */
function dropEmptyColumns(table: ReportTable): ReportTable {
  const keep = table.columns.map((_, j) => table.totals.counts[j]!.value !== 0)
  return {
    ...table,
    columns: table.columns.filter((_, j) => keep[j]),
    rows: table.rows.map((r) => ({ ...r, counts: r.counts.filter((_, j) => keep[j]) })),
    totals: { ...table.totals, counts: table.totals.counts.filter((_, j) => keep[j]) },
  }
}

// ---------------------------------------------------------------------------------------------
// Team activity per year

export interface ActivityReport {
  readonly meetings: ReportTable
  readonly participants: ReportTable
  readonly refusals: ReportTable
}

export async function activityReport(
  deps: AppDeps,
  teamIds: readonly string[] | null,
  years: readonly number[],
  lang: Lang,
): Promise<ActivityReport> {
  const rules = disclosureRules(deps)
  const rows = await countActivity(deps.db, teamIds, Math.min(...years), Math.max(...years))
  const value = (year: number, keep: (r: (typeof rows)[number]) => boolean, field: 'records' | 'participants') =>
    rows.filter((r) => r.year === year && keep(r)).reduce((s, r) => s + r[field], 0)
  const yearRows = years.map((y) => ({ code: String(y), label: String(y) }))
  const table = (id: string, columns: { code: string; keep: (r: (typeof rows)[number]) => boolean; field: 'records' | 'participants' }[]) =>
    buildTable(
      {
        id,
        title: translate(lang, `reports.activity.${id}_title`),
        multipleChoice: false,
        rowHeading: translate(lang, 'reports.year'),
        rows: yearRows,
        columnHeading: null,
        columns: columns.map((c) => ({ code: c.code, label: translate(lang, `reports.activity.columns.${c.code}`) })),
        totalLabel: translate(lang, 'reports.total'),
      },
      (row, column) => {
        const c = columns.find((x) => x.code === column)!
        return value(Number(row), c.keep, c.field)
      },
      rules,
    )
  return {
    meetings: table('meetings', [
      { code: 'coffee_meetings', keep: (r) => r.kind === 'coffee_meeting', field: 'records' },
      { code: 'stakeholder_meetings', keep: (r) => r.kind === 'stakeholder_meeting', field: 'records' },
    ]),
    participants: table('participants', [
      { code: 'coffee_participants', keep: (r) => r.kind === 'coffee_meeting', field: 'participants' },
      { code: 'stakeholder_participants', keep: (r) => r.kind === 'stakeholder_meeting', field: 'participants' },
    ]),
    refusals: table('refusals', [
      { code: 'under_15', keep: (r) => r.kind === 'refusal' && r.ageBand === 'under_15', field: 'records' },
      { code: '15_plus', keep: (r) => r.kind === 'refusal' && r.ageBand === '15_plus', field: 'records' },
    ]),
  }
}

export function activityYears(deps: AppDeps): number[] {
  const current = Number(monthOf(deps.clock.now()).slice(0, 4))
  const years: number[] = []
  for (let y = current; y >= EARLIEST_YEAR; y--) years.push(y)
  return years
}

// ---------------------------------------------------------------------------------------------
// A team's annual report

export const ANNUAL_REPORT_QUESTIONS = [
  'gender',
  'age',
  'meetingTopics',
  'clientRole',
  'informationSources',
  'referralServices',
  'meetingParticipants',
  'workingMethods',
  'continuationPlan',
  'usefulness',
] as const

/**
 * The team and year of an annual report from the query: the year defaults to the current one, the
 * team to the reader's own (or, on the page, the first team). A year off the list or an unknown team is a 400.
 */
export function chooseAnnualReport(
  deps: AppDeps,
  query: { team?: string | undefined; year?: string | undefined },
  teams: readonly TeamRef[],
  defaultTeamId: string | undefined,
): { year: number; years: number[]; team: TeamRef | undefined } {
  const years = activityYears(deps)
  const year = query.year === undefined ? years[0]! : /^\d{4}$/.test(query.year) ? Number(query.year) : NaN
  if (!years.includes(year)) throw new ValidationError([{ field: 'year', code: 'invalid_choice' }])
  const team = teams.find((t) => t.id === (query.team ?? defaultTeamId))
  if (query.team !== undefined && !team) throw new ValidationError([{ field: 'team', code: 'invalid_choice' }])
  return { year, years, team }
}

export interface AnnualReport {
  readonly team: TeamRef
  readonly year: number
  readonly overview: OverviewReport
  readonly tables: readonly ReportTable[]
  readonly activity: ActivityReport
}

export async function annualReport(deps: AppDeps, team: TeamRef, year: number, teams: readonly TeamRef[], lang: Lang): Promise<AnnualReport> {
  const filters: ReportFilters = { period: { type: 'year', year }, area: { level: 'team', code: team.id }, kind: 'all' }
  const scope = scopeOf(filters, teams)
  const questions = ANNUAL_REPORT_QUESTIONS.map((id) => questionDimensions().find((d) => d.id === id)).filter((d): d is Dimension => d !== undefined)
  // One page, one number of forms: every table's total (or a multiple choice's base) is that number,
  // except a follow-up question's, which is the count of the answer that shows it. A number hidden in
  // one table is hidden in all of them, and each table is protected again around it.
  const build = async (hideForms: boolean) => {
    const overview = await overviewReport(deps, filters, teams, lang, { hideForms })
    const hidden = (count: ProtectedCount) => count.status !== 'published'
    const totalHidden = (q: Dimension) =>
      q.kind === 'multiple' && q.question.showWhen ? q.question.showWhen.question === 'referredOnward' && hidden(overview.referred) : hidden(overview.forms)
    const tables = await Promise.all(questions.map((q) => questionTable(deps, scope, q, null, teams, lang, undefined, totalHidden(q))))
    return { overview, tables }
  }
  const sharesForms = (q: Dimension) => !(q.kind === 'multiple' && q.question.showWhen)
  let built = await build(false)
  const hiddenByATable = built.tables.some((t, i) => sharesForms(questions[i]!) && t.totals.total.status !== 'published')
  if (hiddenByATable && built.overview.forms.status === 'published') built = await build(true)
  const { overview, tables } = built
  const activity = await activityReport(deps, [team.id], [year], lang)
  return { team, year, overview, tables, activity }
}

export function areaLabel(area: Area, teams: readonly TeamRef[], lang: Lang): string {
  switch (area.level) {
    case 'country':
      return translate(lang, 'reports.whole_country')
    case 'team':
      return teams.find((t) => t.id === area.code)?.name ?? area.code
    default:
      return areaName(area.level, area.code, lang)
  }
}
