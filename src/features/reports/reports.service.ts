// The reports: filters from the URL, then the overview, a question's table (optionally split by a
// second question), the area comparison, team activity and a team's annual report. A reader's own
// team is counted live and exactly; everything else is read from the latest release (report-source.ts),
// whose answer tables were protected when their period closed. Nothing here computes a protected number.
import { ValidationError, type FieldError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { translate } from '../../i18n/index.js'
import { monthOf } from '../../lib/months.js'
import { inSnapshot } from '../../db/snapshot.js'
import type { AppDeps } from '../../plugins/deps.js'
import { policeDepartments, wellbeingCounties } from '../../regions/index.js'
import { monthLabel } from '../forms/form-view.js'
import type { ReleaseRow } from '../publication/publication.repository.js'
import { publishedCount, publishedShare, WITHHELD, type ProtectedCount } from './protected-count.js'
import { findQuestionDimension, findSplitDimension, questionDimensions, type Dimension, type SingleValuedDimension } from './report-dimensions.js'
import { EARLIEST_YEAR, monthsOf, parseArea, parsePeriod, type Area, type MeetingKindFilter, type ReportFilters, type ReportQuery } from './report-filters.js'
import { areaName, categoriesOf, dimensionLabel } from './report-labels.js'
import { answerData, answersOf, monthScope, releasedAnswersByArea, sourceFor, splitData, type AnswerData, type Notice, type Source } from './report-source.js'
import { buildTable, type Category, type ReportTable } from './report-table.js'
import {
  countTeamActivity,
  countTeamVolumes,
  listAllTeams,
  releasedActivity,
  releasedVolumes,
  releasedVolumesByArea,
  type ActivityTotalsRow,
  type AnswerTally,
  type VolumeRow,
} from './reports.repository.js'

export interface TeamRef {
  readonly id: string
  readonly name: string
  readonly county: string
  readonly police: string
}

/** What a report was read from: the reader's own team (exact, live) or a release. */
export interface ReportOrigin {
  readonly source: 'team' | 'release' | 'none'
  readonly release: { readonly id: number; readonly throughMonth: string; readonly madeAt: Date; readonly method: unknown } | null
}

function originOf(source: Source | null): ReportOrigin {
  if (!source) return { source: 'none', release: null }
  if (source.type === 'team') return { source: 'team', release: null }
  const { id, throughMonth, madeAt, method } = source.release
  return { source: 'release', release: { id, throughMonth, madeAt, method } }
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

/** A team member's reports open on their own team; everybody else's on the whole country. */
export function defaultAreaFor(ownTeamId: string | null): Area {
  return ownTeamId ? { level: 'team', code: ownTeamId } : { level: 'country' }
}

export async function loadTeams(deps: AppDeps): Promise<TeamRef[]> {
  return listAllTeams(deps.db)
}

const teamNameMap = (teams: readonly TeamRef[]) => new Map(teams.map((t) => [t.id, t.name]))

function volumeArea(area: Area): Parameters<typeof releasedVolumes>[2] | null {
  return area.level === 'municipality' ? null : area
}

/** A release's exact volumes for the filters (one's own team counts its own: overviewCounts). */
async function releasedVolumesFor(deps: AppDeps, release: ReleaseRow, filters: ReportFilters): Promise<VolumeRow[]> {
  const area = volumeArea(filters.area)
  if (!area) throw new ValidationError([{ field: 'area', code: 'not_by_municipality' }])
  return releasedVolumes(deps.db, release.id, area, monthScope(filters))
}

// ---------------------------------------------------------------------------------------------
// Overview: the volumes (exact), and two published shares when the period's tables are out

export interface OverviewReport {
  readonly origin: ReportOrigin
  readonly forms: ProtectedCount
  readonly firstMeetings: ProtectedCount
  readonly followUps: ProtectedCount
  readonly under15: ProtectedCount
  readonly referred: ProtectedCount
  readonly firstMeetingsShare: number | null
  readonly under15Share: number | null
  readonly referredShare: number | null
  readonly trend: ReportTable
}

const UNDER_15_BANDS = ['under_12', '12_14']

/** Forms with one of `codes` as the answer to a question (null: a question the form does not have). */
interface OverviewTally {
  readonly dimension: SingleValuedDimension | null
  readonly codes: readonly string[]
}

function tallyOf(question: string, codes: readonly string[]): OverviewTally {
  const dimension = findQuestionDimension(question)
  return { dimension: dimension?.kind === 'single' ? dimension : null, codes }
}

/**
 * The volumes and, per tally, its count: for one's own team exact, in one pass over its forms;
 * otherwise the release's volumes and its protected tables.
 */
async function overviewCounts(
  deps: AppDeps,
  source: Source | null,
  filters: ReportFilters,
  tallies: readonly OverviewTally[],
): Promise<{ volumes: readonly VolumeRow[]; tallies: ProtectedCount[] }> {
  if (!source) return { volumes: [], tallies: tallies.map(() => WITHHELD) }
  const known = tallies.filter((t): t is AnswerTally => t.dimension !== null)
  if (source.type === 'team') {
    const rows = await countTeamVolumes(deps.db, source.teamId, monthScope(filters), known)
    const count = (t: OverviewTally) => {
      const i = known.indexOf(t as AnswerTally)
      return i < 0 ? WITHHELD : publishedCount(rows.reduce((s, r) => s + r.tallies[i]!, 0))
    }
    return { volumes: rows, tallies: tallies.map(count) }
  }
  const volumes = await releasedVolumesFor(deps, source.release, filters)
  const data = await answersOf(deps, source, filters, known.map((t) => t.dimension))
  const count = (t: OverviewTally) => {
    const found = t.dimension ? data.get(t.dimension) : undefined
    if (!found || found.status === 'notice') return WITHHELD
    return publishedCount(t.codes.reduce((s, c) => s + (found.values.get(c) ?? 0), 0))
  }
  return { volumes, tallies: tallies.map(count) }
}

export async function overviewReport(deps: AppDeps, filters: ReportFilters, teams: readonly TeamRef[], lang: Lang, ownTeamId: string | null): Promise<OverviewReport> {
  return inSnapshot(deps, async (deps) => {
    const source = await sourceFor(deps, filters.area, ownTeamId)
    const counts = await overviewCounts(deps, source, filters, [tallyOf('age', UNDER_15_BANDS), tallyOf('referredOnward', ['yes'])])
    const { volumes } = counts
    const [under15, referred] = counts.tallies as [ProtectedCount, ProtectedCount]
    const months = monthsOf(filters.period)
    const sum = (keep: (v: VolumeRow) => boolean) => volumes.filter(keep).reduce((s, v) => s + v.forms, 0)
    const forms = publishedCount(sum(() => true))
    const firstMeetings = publishedCount(sum((v) => v.kind === 'first'))
    const followUps = publishedCount(sum((v) => v.kind === 'follow_up'))
    const trend = buildTable(
      {
        id: 'trend',
        title: translate(lang, 'reports.overview.trend_title'),
        multipleChoice: false,
        rowHeading: translate(lang, 'reports.month'),
        rows: months.map((m) => ({ code: m, label: monthLabel(m, lang) })),
        totalLabel: translate(lang, 'reports.total'),
      },
      { cell: (row) => publishedCount(sum((v) => v.month === row)), columnTotal: () => forms },
    )
    return {
      origin: originOf(source),
      forms,
      firstMeetings,
      followUps,
      under15,
      referred,
      firstMeetingsShare: publishedShare(firstMeetings, forms),
      under15Share: publishedShare(under15, forms),
      referredShare: publishedShare(referred, forms),
      trend,
    }
  })
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

const valueOf = (values: ReadonlyMap<string, number>, code: string) => publishedCount(values.get(code) ?? 0)

/** The table of one question's counts, from exact or published values. */
function answerTable(question: Dimension, data: AnswerData & { status: 'exact' | 'published' }, teams: readonly TeamRef[], lang: Lang, id = question.id): ReportTable {
  const isMunicipality = question.kind === 'single' && question.source.type === 'question' && question.source.question.type === 'municipality'
  return buildTable(
    {
      id,
      title: dimensionLabel(question, lang),
      multipleChoice: question.kind === 'multiple',
      rowHeading: dimensionLabel(question, lang),
      rows: categoriesOf(question, question.codes, lang, teamNameMap(teams)),
      totalLabel: totalLabel(question, lang),
      dropEmptyRows: isMunicipality,
    },
    { cell: (row) => valueOf(data.values, row), columnTotal: () => publishedCount(data.base ?? data.forms) },
  )
}

export interface QuestionReport {
  readonly origin: ReportOrigin
  readonly table: ReportTable | null
  readonly notice: Notice | null
  /** split answers whose column is not published */
  readonly withheldColumns: readonly string[]
}

export async function questionReport(
  deps: AppDeps,
  filters: ReportFilters,
  teams: readonly TeamRef[],
  question: Dimension,
  split: SingleValuedDimension | null,
  lang: Lang,
  ownTeamId: string | null,
): Promise<QuestionReport> {
  return inSnapshot(deps, async (deps) => {
    const source = await sourceFor(deps, filters.area, ownTeamId)
    const origin = originOf(source)
    if (!source) return { origin, table: null, notice: { code: 'no_release' }, withheldColumns: [] }
    if (!split) {
      const data = await answerData(deps, source, filters, question)
      if (data.status === 'notice') return { origin, table: null, notice: data.notice, withheldColumns: [] }
      return { origin, table: answerTable(question, data, teams, lang), notice: null, withheldColumns: [] }
    }
    const data = await splitData(deps, source, filters, question, split)
    if (data.status === 'notice') return { origin, table: null, notice: data.notice, withheldColumns: [] }
    const names = teamNameMap(teams)
    const columns = categoriesOf(split, split.codes, lang, names)
    const shown = columns.filter((c) => !data.withheld.includes(c.code))
    const table = buildTable(
      {
        id: question.id,
        title: dimensionLabel(question, lang),
        multipleChoice: question.kind === 'multiple',
        rowHeading: dimensionLabel(question, lang),
        rows: categoriesOf(question, question.codes, lang, names),
        columnHeading: dimensionLabel(split, lang),
        columns: shown,
        totalLabel: totalLabel(question, lang),
        dropEmptyRows: question.kind === 'single' && question.source.type === 'question' && question.source.question.type === 'municipality',
      },
      {
        cell: (row, column) => publishedCount(data.columns.get(column)?.get(row) ?? 0),
        rowTotal: (row) => publishedCount(data.rowTotals.get(row) ?? 0),
        columnTotal: (column) => publishedCount(column === '' ? (data.base ?? data.forms) : (data.columnTotals.get(column) ?? 0)),
      },
    )
    return { origin, table, notice: null, withheldColumns: columns.filter((c) => data.withheld.includes(c.code)).map((c) => c.label) }
  })
}

// ---------------------------------------------------------------------------------------------
// Area comparison: areas as rows, a question's answers as columns, each row that area's own table

export const COMPARISON_LEVELS = ['team', 'county', 'police'] as const
export type ComparisonLevel = (typeof COMPARISON_LEVELS)[number]

export function requireLevel(level: string | undefined): ComparisonLevel {
  const found = COMPARISON_LEVELS.find((l) => l === (level ?? 'county'))
  if (!found) throw new ValidationError([{ field: 'level', code: 'invalid_choice' }])
  return found
}

function areaCodes(level: ComparisonLevel, teams: readonly TeamRef[]): Category[] {
  switch (level) {
    case 'team':
      return teams.map((t) => ({ code: t.id, label: t.name }))
    case 'county':
      return wellbeingCounties.map((c) => ({ code: c.code, label: '' }))
    case 'police':
      return policeDepartments.map((d) => ({ code: d.code, label: '' }))
  }
}

export interface AreaReport {
  readonly origin: ReportOrigin
  readonly table: ReportTable | null
  readonly notice: Notice | null
}

/**
 * One question for every area of a level in the latest release: each row is that area's own published
 * table, so a row reads the same here as on the area's own page. A team's own row is never exact here:
 * the comparison is of published figures.
 */
export async function areaReport(deps: AppDeps, filters: ReportFilters, teams: readonly TeamRef[], level: ComparisonLevel, question: Dimension, lang: Lang): Promise<AreaReport> {
  return inSnapshot(deps, async (deps) => {
    const source = await sourceFor(deps, { level: 'country' }, null)
    const origin = originOf(source)
    if (!source || source.type !== 'release') return { origin, table: null, notice: { code: 'no_release' } }
    if (filters.period.type === 'month') return { origin, table: null, notice: { code: 'by_month' } }
    if (filters.kind !== 'all') return { origin, table: null, notice: { code: 'by_kind' } }
    if (level === 'team' && filters.period.type === 'quarter') return { origin, table: null, notice: { code: 'team_by_quarter' } }
    const areas = areaCodes(level, teams)
      .map((a) => ({ code: a.code, label: level === 'team' ? a.label : areaName(level, a.code, lang) }))
      .sort((a, b) => a.label.localeCompare(b.label, lang === 'sv' ? 'sv' : 'fi'))
    const volumes = await releasedVolumesByArea(deps.db, source.release.id, level, monthScope(filters))
    const shown = areas.filter((area) => volumes.get(area.code)).map((area) => ({ code: area.code, area: { level, code: area.code } as Area }))
    const released = await releasedAnswersByArea(deps, filters, shown.map((s) => s.area), question)
    const rows = new Map(shown.map((s) => [s.code, released.get(s.area)!]))
    const country = await answerData(deps, source, { ...filters, area: { level: 'country' } }, question)
    // home municipality has over 300 answers: compared by area it shows only each area's total
    const isMunicipality = question.kind === 'single' && question.source.type === 'question' && question.source.question.type === 'municipality'
    const columns = isMunicipality ? [] : categoriesOf(question, question.codes, lang, teamNameMap(teams))
    const cellOf = (data: AnswerData | undefined, code: string): ProtectedCount => (!data || data.status === 'notice' ? WITHHELD : valueOf(data.values, code))
    const totalOf = (data: AnswerData | undefined): ProtectedCount => (!data || data.status === 'notice' ? WITHHELD : publishedCount(data.base ?? data.forms))
    const table = buildTable(
      {
        id: `${question.id}-by-${level}`,
        title: dimensionLabel(question, lang),
        multipleChoice: question.kind === 'multiple',
        rowHeading: translate(lang, `reports.levels.${level}`),
        rows: areas.filter((a) => rows.has(a.code)),
        columnHeading: dimensionLabel(question, lang),
        columns,
        totalLabel: translate(lang, 'reports.whole_country'),
      },
      {
        cell: (row, column) => cellOf(rows.get(row), column),
        rowTotal: (row) => totalOf(rows.get(row)),
        columnTotal: (column) => (column === '' ? totalOf(country) : cellOf(country, column)),
      },
    )
    return { origin, table, notice: null }
  })
}

// ---------------------------------------------------------------------------------------------
// Team activity per year: volumes, exact

export interface ActivityReport {
  readonly origin: ReportOrigin
  readonly meetings: ReportTable
  readonly participants: ReportTable
  readonly refusals: ReportTable
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

export async function activityReport(deps: AppDeps, area: Area, teams: readonly TeamRef[], years: readonly number[], lang: Lang, ownTeamId: string | null): Promise<ActivityReport> {
  return inSnapshot(deps, async (deps) => {
    const source = await sourceFor(deps, area, ownTeamId)
    const from = Math.min(...years)
    const to = Math.max(...years)
    const rows: ActivityTotalsRow[] = !source
      ? []
      : source.type === 'team'
        ? await countTeamActivity(deps.db, source.teamId, from, to)
        : await releasedActivity(deps.db, source.release.id, teamIdsInArea(area, teams), from, to)
    const value = (year: number, keep: (r: ActivityTotalsRow) => boolean, field: 'records' | 'participants') =>
      rows.filter((r) => r.year === year && keep(r)).reduce((s, r) => s + r[field], 0)
    // oldest first, and only years with something recorded (or the current one)
    const shownYears = [...years].sort((a, b) => a - b).filter((y, i, all) => i === all.length - 1 || rows.some((r) => r.year === y))
    const table = (id: string, columns: { code: string; keep: (r: ActivityTotalsRow) => boolean; field: 'records' | 'participants' }[]) =>
      buildTable(
        {
          id,
          title: translate(lang, `reports.activity.${id}_title`),
          multipleChoice: false,
          rowHeading: translate(lang, 'reports.year'),
          rows: shownYears.map((y) => ({ code: String(y), label: String(y) })),
          columnHeading: null,
          columns: columns.map((c) => ({ code: c.code, label: translate(lang, `reports.activity.columns.${c.code}`) })),
          totalLabel: translate(lang, 'reports.total'),
        },
        {
          cell: (row, column) => {
            const c = columns.find((x) => x.code === column)!
            return publishedCount(value(Number(row), c.keep, c.field))
          },
          rowTotal: (row) => publishedCount(columns.reduce((s, c) => s + value(Number(row), c.keep, c.field), 0)),
          columnTotal: (column) => {
            const chosen = column === '' ? columns : columns.filter((c) => c.code === column)
            return publishedCount(shownYears.reduce((s, y) => s + chosen.reduce((t, c) => t + value(y, c.keep, c.field), 0), 0))
          },
        },
      )
    return {
      origin: originOf(source),
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
  })
}

export function activityYears(deps: AppDeps): number[] {
  const current = Number(monthOf(deps.clock.now()).slice(0, 4))
  const years: number[] = []
  for (let y = current; y >= EARLIEST_YEAR; y--) years.push(y)
  return years
}

// ---------------------------------------------------------------------------------------------
// A team's annual report: exact for the reader's own team, the published team-year tables otherwise

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
  readonly origin: ReportOrigin
  readonly team: TeamRef
  readonly year: number
  readonly overview: OverviewReport
  readonly tables: readonly ReportTable[]
  readonly notice: Notice | null
  readonly activity: ActivityReport
}

export async function annualReport(deps: AppDeps, team: TeamRef, year: number, teams: readonly TeamRef[], lang: Lang, ownTeamId: string | null): Promise<AnnualReport> {
  return inSnapshot(deps, async (deps) => {
    const filters: ReportFilters = { period: { type: 'year', year }, area: { level: 'team', code: team.id }, kind: 'all' }
    const overview = await overviewReport(deps, filters, teams, lang, ownTeamId)
    const questions = ANNUAL_REPORT_QUESTIONS.map((id) => questionDimensions().find((d) => d.id === id)).filter((d): d is Dimension => d !== undefined)
    const source = await sourceFor(deps, filters.area, ownTeamId)
    const tables: ReportTable[] = []
    let notice: Notice | null = source ? null : { code: 'no_release' }
    const answers = source ? await answersOf(deps, source, filters, questions) : new Map<Dimension, AnswerData>()
    for (const question of questions) {
      if (!source || notice) break
      const data = answers.get(question)!
      if (data.status === 'notice') notice = data.notice
      else tables.push(answerTable(question, data, teams, lang))
    }
    const activity = await activityReport(deps, filters.area, teams, [year], lang, ownTeamId)
    return { origin: originOf(source), team, year, overview, tables: notice ? [] : tables, notice, activity }
  })
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

export type { ReleaseRow }
