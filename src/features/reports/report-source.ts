// Where a report's numbers come from. A team's members see their own team exactly and live (they
// filed those forms); everything beyond one's own team comes from the latest release: exact volumes,
// and answer tables that were protected once, when their period closed, and never change.
import type { AppDeps } from '../../plugins/deps.js'
import { latestRelease, findAggregate, findAggregates, findTable, findTables, findTablesOf, type AggregateRow, type ReleaseRow } from '../publication/publication.repository.js'
import { aggregateKey, type GridArea, type GridPeriod } from '../publication/publication-grid.js'
import { ASKED } from '../publication/answer-counts.js'
import { tableKey } from '../publication/release.service.js'
import type { OneWayCells, TwoWayCells } from '../publication/release-tables.js'
import type { Dimension, SingleValuedDimension } from './report-dimensions.js'
import type { Area, Period, ReportFilters } from './report-filters.js'
import { monthRange } from './report-filters.js'
import { countTeamAnswers, type MonthScope } from './reports.repository.js'

export type Source = { readonly type: 'team'; readonly teamId: string } | { readonly type: 'release'; readonly release: ReleaseRow }

/** Why a published table cannot be shown for these filters. */
export type Notice =
  | { readonly code: 'no_release' }
  | { readonly code: 'not_released' }
  | { readonly code: 'withheld'; readonly reason: string; readonly forms: number }
  | { readonly code: 'by_month' | 'by_kind' | 'team_by_quarter' | 'split_beyond_country' | 'split_by_quarter' | 'by_municipality' }

export type AnswerData =
  | { readonly status: 'exact' | 'published'; readonly values: ReadonlyMap<string, number>; readonly base: number | null; readonly forms: number }
  | { readonly status: 'notice'; readonly notice: Notice }

export type SplitData =
  | {
      readonly status: 'exact' | 'published'
      readonly columns: ReadonlyMap<string, ReadonlyMap<string, number>>
      readonly columnTotals: ReadonlyMap<string, number>
      readonly withheld: readonly string[]
      readonly rowTotals: ReadonlyMap<string, number>
      readonly forms: number
      /** a multiple choice: the forms it was shown on */
      readonly base: number | null
    }
  | { readonly status: 'notice'; readonly notice: Notice }

/** The reader's own team, when the filters ask for it: exact and live. Otherwise the latest release. */
export async function sourceFor(deps: AppDeps, area: Area, ownTeamId: string | null): Promise<Source | null> {
  if (area.level === 'team' && area.code === ownTeamId) return { type: 'team', teamId: ownTeamId }
  const release = await latestRelease(deps.db)
  return release ? { type: 'release', release } : null
}

export function monthScope(filters: ReportFilters): MonthScope {
  const { from, to } = monthRange(filters.period)
  return { from, to, meetingKind: filters.kind === 'all' ? null : filters.kind }
}

/** The aggregate of a release for filters, or why there is none. */
export function gridOf(filters: ReportFilters): { period: GridPeriod; area: GridArea } | Notice {
  const period: Period = filters.period
  if (period.type === 'month') return { code: 'by_month' }
  if (filters.kind !== 'all') return { code: 'by_kind' }
  if (filters.area.level === 'municipality') return { code: 'by_municipality' }
  if (filters.area.level === 'team' && period.type === 'quarter') return { code: 'team_by_quarter' }
  return { period, area: filters.area }
}

const isNotice = (x: unknown): x is Notice => typeof x === 'object' && x !== null && 'code' in x

/** What a decided aggregate shows: its table, or why there is none. */
function releasedOf<T>(aggregate: AggregateRow | undefined, cells: T | undefined): { cells: T; forms: number } | Notice {
  if (!aggregate) return { code: 'not_released' }
  if (aggregate.status === 'withheld') return { code: 'withheld', reason: aggregate.reason ?? '', forms: aggregate.forms }
  // a published aggregate has every table; a missing one is a question added after its release
  if (!cells) return { code: 'not_released' }
  return { cells, forms: aggregate.forms }
}

async function releasedCells<T>(deps: AppDeps, filters: ReportFilters, table: string): Promise<{ cells: T; forms: number } | Notice> {
  const grid = gridOf(filters)
  if (isNotice(grid)) return grid
  const aggregate = await findAggregate(deps.db, aggregateKey(grid.period, grid.area))
  const cells = aggregate && aggregate.status === 'published' ? ((await findTable(deps.db, aggregate.key, table)) as T | undefined) : undefined
  return releasedOf(aggregate, cells)
}

function oneWayData(found: { cells: OneWayCells; forms: number } | Notice): AnswerData {
  if (isNotice(found)) return { status: 'notice', notice: found }
  return { status: 'published', values: new Map(Object.entries(found.cells.values)), base: found.cells.base ?? null, forms: found.forms }
}

/** The counts of several questions for the same filters: answerData for each, in two queries for a release. */
export async function answersOf(deps: AppDeps, source: Source, filters: ReportFilters, dimensions: readonly Dimension[]): Promise<Map<Dimension, AnswerData>> {
  const result = new Map<Dimension, AnswerData>()
  if (source.type === 'team') {
    for (const dimension of dimensions) result.set(dimension, await answerData(deps, source, filters, dimension))
    return result
  }
  const grid = gridOf(filters)
  if (isNotice(grid)) {
    for (const dimension of dimensions) result.set(dimension, { status: 'notice', notice: grid })
    return result
  }
  const aggregate = await findAggregate(deps.db, aggregateKey(grid.period, grid.area))
  const tables = aggregate && aggregate.status === 'published' ? await findTablesOf(deps.db, aggregate.key, dimensions.map((d) => tableKey(d.id))) : new Map<string, unknown>()
  for (const dimension of dimensions) result.set(dimension, oneWayData(releasedOf(aggregate, tables.get(tableKey(dimension.id)) as OneWayCells | undefined)))
  return result
}

/**
 * The released counts of one question for several areas of the same period at once (an area
 * comparison): the same as answerData for each, in two queries instead of two per area.
 */
export async function releasedAnswersByArea(deps: AppDeps, filters: ReportFilters, areas: readonly Area[], dimension: Dimension): Promise<Map<Area, AnswerData>> {
  const grids = new Map(areas.map((area) => [area, gridOf({ ...filters, area })] as const))
  const keys = [...grids.values()].flatMap((g) => (isNotice(g) ? [] : [aggregateKey(g.period, g.area)]))
  const aggregates = await findAggregates(deps.db, keys)
  const published = [...aggregates.values()].filter((a) => a.status === 'published').map((a) => a.key)
  const tables = await findTables(deps.db, published, tableKey(dimension.id))
  const result = new Map<Area, AnswerData>()
  for (const [area, grid] of grids) {
    if (isNotice(grid)) {
      result.set(area, { status: 'notice', notice: grid })
      continue
    }
    const key = aggregateKey(grid.period, grid.area)
    result.set(area, oneWayData(releasedOf(aggregates.get(key), tables.get(key) as OneWayCells | undefined)))
  }
  return result
}

/** The counts of one question's answers. */
export async function answerData(deps: AppDeps, source: Source, filters: ReportFilters, dimension: Dimension): Promise<AnswerData> {
  if (source.type === 'team') {
    const rows = await countTeamAnswers(deps.db, source.teamId, monthScope(filters), dimension, null)
    const values = new Map(rows.filter((r) => r.code !== ASKED).map((r) => [r.code, r.forms]))
    const asked = rows.find((r) => r.code === ASKED)?.forms ?? 0
    const forms = dimension.kind === 'multiple' ? asked : [...values.values()].reduce((s, n) => s + n, 0)
    return { status: 'exact', values, base: dimension.kind === 'multiple' ? asked : null, forms }
  }
  return oneWayData(await releasedCells<OneWayCells>(deps, filters, tableKey(dimension.id)))
}

/** The counts of one question split by another. Beyond one's own team: the country, whole years only. */
export async function splitData(deps: AppDeps, source: Source, filters: ReportFilters, dimension: Dimension, split: SingleValuedDimension): Promise<SplitData> {
  if (source.type === 'team') {
    const rows = await countTeamAnswers(deps.db, source.teamId, monthScope(filters), dimension, split)
    const columns = new Map<string, Map<string, number>>()
    const columnTotals = new Map<string, number>()
    const rowTotals = new Map<string, number>()
    for (const r of rows) {
      if (r.code === ASKED || dimension.kind === 'single') columnTotals.set(r.split, (columnTotals.get(r.split) ?? 0) + r.forms)
      if (r.code === ASKED) continue
      const column = columns.get(r.split) ?? new Map<string, number>()
      column.set(r.code, r.forms)
      columns.set(r.split, column)
      rowTotals.set(r.code, (rowTotals.get(r.code) ?? 0) + r.forms)
    }
    const total = [...columnTotals.values()].reduce((s, n) => s + n, 0)
    return { status: 'exact', columns, columnTotals, withheld: [], rowTotals, forms: total, base: dimension.kind === 'multiple' ? total : null }
  }
  if (filters.area.level !== 'country') return { status: 'notice', notice: { code: 'split_beyond_country' } }
  if (filters.period.type === 'quarter') return { status: 'notice', notice: { code: 'split_by_quarter' } }
  const found = await releasedCells<TwoWayCells>(deps, filters, tableKey(dimension.id, split.id))
  if (isNotice(found)) return { status: 'notice', notice: found }
  const oneWay = await releasedCells<OneWayCells>(deps, filters, tableKey(dimension.id))
  const rowTotals = isNotice(oneWay) ? new Map<string, number>() : new Map(Object.entries(oneWay.cells.values))
  return {
    status: 'published',
    columns: new Map(Object.entries(found.cells.columns).map(([code, values]) => [code, new Map(Object.entries(values))])),
    columnTotals: new Map(Object.entries(found.cells.columnTotals)),
    withheld: found.cells.withheld,
    rowTotals,
    forms: found.forms,
    base: isNotice(oneWay) ? null : (oneWay.cells.base ?? null),
  }
}
