// Report tables and filters shaped for the templates: numbers formatted for the reader's language,
// hidden counts as "<5" or "×" with a spoken explanation, and each published number also as a
// data-value attribute, which is all the chart script ever reads (hidden numbers have none).
import { translate, type Lang } from '../../i18n/index.js'
import { policeDepartments, regionName, wellbeingCounties } from '../../regions/index.js'
import { monthLabel } from '../forms/form-view.js'
import type { ProtectedCount } from './protected-count.js'
import { EARLIEST_YEAR, formatArea, formatPeriod, MEETING_KIND_FILTERS, type Period, type ReportFilters } from './report-filters.js'
import type { ReportTable } from './report-table.js'
import type { TeamRef } from './reports.service.js'

const LOCALES: Record<Lang, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }

// A formatter costs far more to make than to use: one per language, made on first use.
const countFormats = new Map<Lang, Intl.NumberFormat>()
const shareFormats = new Map<Lang, Intl.NumberFormat>()

function formatOf(cache: Map<Lang, Intl.NumberFormat>, lang: Lang, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = cache.get(lang)
  if (!format) cache.set(lang, (format = new Intl.NumberFormat(LOCALES[lang], options)))
  return format
}

export function formatCount(value: number, lang: Lang): string {
  return formatOf(countFormats, lang).format(value)
}

export function formatShare(share: number | null, lang: Lang): string {
  if (share === null) return ''
  return formatOf(shareFormats, lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share / 100)
}

export interface CellView {
  readonly text: string
  /** The number for the chart; absent when not published. */
  readonly value: number | null
  readonly hidden: boolean
  /** What a screen reader says for a number that is not published. */
  readonly spoken: string | null
}

/** The mark of a number that is not published (as in official statistics: ".." for "not available"). */
export const WITHHELD_MARK = '..'

export function cellView(count: ProtectedCount, lang: Lang): CellView {
  if (count.status === 'published') return { text: formatCount(count.value ?? 0, lang), value: count.value, hidden: false, spoken: null }
  return { text: WITHHELD_MARK, value: null, hidden: true, spoken: translate(lang, 'reports.withheld_cell') }
}

export interface TableView {
  readonly id: string
  readonly title: string
  readonly multipleChoice: boolean
  readonly rowHeading: string
  readonly columnHeading: string | null
  /** The table's name for assistive technology: the heading above it shows the title already. */
  readonly caption: string
  readonly twoWay: boolean
  readonly columns: readonly { code: string; label: string }[]
  readonly rows: readonly { code: string; label: string; cells: CellView[]; total: CellView; share: string }[]
  readonly totals: { label: string; cells: CellView[]; total: CellView }
  readonly hasHidden: boolean
  /** Charts of very long tables help nobody; the table is still there. */
  readonly chart: 'bar' | 'line' | null
  readonly totalColumnLabel: string
  /** Whether each row's share of the total is shown: not where rows are years of a running count. */
  readonly showShare: boolean
}

const MAX_CHART_ROWS = 40

/** "Title: rows × columns" for a two-way table, naming each heading once; the title alone otherwise. */
function captionOf(table: ReportTable): string {
  if (table.columns.length === 0) return table.title
  const parts = [table.rowHeading, table.columnHeading].filter((p): p is string => p !== null && p !== '' && p !== table.title)
  return parts.length > 0 ? `${table.title}: ${parts.join(' × ')}` : table.title
}

export function tableView(table: ReportTable, lang: Lang, chart: 'bar' | 'line' | null = 'bar', options: { share?: boolean } = {}): TableView {
  const cell = (c: ProtectedCount) => cellView(c, lang)
  const rows = table.rows.map((r) => ({ code: r.code, label: r.label, cells: r.counts.map(cell), total: cell(r.total), share: formatShare(r.share, lang) }))
  const totals = { label: table.totals.label, cells: table.totals.counts.map(cell), total: cell(table.totals.total) }
  const hasHidden = [...rows.flatMap((r) => [...r.cells, r.total]), ...totals.cells, totals.total].some((c) => c.hidden)
  return {
    id: table.id,
    title: table.title,
    multipleChoice: table.multipleChoice,
    rowHeading: table.rowHeading,
    columnHeading: table.columnHeading,
    caption: captionOf(table),
    twoWay: table.columns.length > 0,
    columns: table.columns,
    rows,
    totals,
    hasHidden,
    chart: rows.length > MAX_CHART_ROWS || rows.length === 0 ? null : chart,
    totalColumnLabel: translate(lang, table.columns.length > 0 ? 'reports.total' : 'reports.count'),
    showShare: options.share ?? true,
  }
}

// ---------------------------------------------------------------------------------------------
// The filter form: fixed grids only

interface Option {
  readonly value: string
  readonly label: string
  readonly selected: boolean
}
interface OptionGroup {
  readonly label: string
  readonly options: readonly Option[]
}

function periodGroups(selected: Period, currentYear: number, lang: Lang): OptionGroup[] {
  const chosen = formatPeriod(selected)
  const groups: OptionGroup[] = []
  for (let year = currentYear; year >= EARLIEST_YEAR; year--) {
    const values = [
      { value: String(year), label: translate(lang, 'reports.filters.whole_year', { year }) },
      ...[1, 2, 3, 4].map((q) => ({ value: `${year}-Q${q}`, label: translate(lang, 'reports.filters.quarter', { year, quarter: q }) })),
      ...Array.from({ length: 12 }, (_, i) => {
        const month = `${year}-${String(i + 1).padStart(2, '0')}`
        return { value: month, label: monthLabel(month, lang) }
      }),
    ]
    groups.push({ label: String(year), options: values.map((v) => ({ ...v, selected: v.value === chosen })) })
  }
  return groups
}

function areaGroups(filters: ReportFilters, teams: readonly TeamRef[], lang: Lang, ownTeamId: string | null): OptionGroup[] {
  const chosen = formatArea(filters.area)
  const locale = lang === 'sv' ? 'sv' : 'fi'
  const option = (value: string, label: string) => ({ value, label, selected: value === chosen })
  const sorted = <T extends { label: string }>(items: T[]) => items.sort((a, b) => a.label.localeCompare(b.label, locale))
  const own = teams.find((t) => t.id === ownTeamId)
  return [
    ...(own ? [{ label: translate(lang, 'reports.filters.own_team'), options: [option(`team:${own.id}`, `${own.name} – ${translate(lang, 'reports.filters.own_team')}`)] }] : []),
    { label: translate(lang, 'reports.levels.country'), options: [option('country', translate(lang, 'reports.whole_country'))] },
    { label: translate(lang, 'reports.levels.county'), options: sorted(wellbeingCounties.map((c) => option(`county:${c.code}`, regionName(c, lang)))) },
    { label: translate(lang, 'reports.levels.police'), options: sorted(policeDepartments.map((d) => option(`police:${d.code}`, regionName(d, lang)))) },
    { label: translate(lang, 'reports.levels.team'), options: teams.filter((t) => t.id !== ownTeamId).map((t) => option(`team:${t.id}`, t.name)) },
  ]
}

export function filterView(
  filters: ReportFilters,
  teams: readonly TeamRef[],
  currentYear: number,
  lang: Lang,
  ownTeamId: string | null,
  options: { kind?: boolean; period?: boolean; area?: boolean } = {},
) {
  return {
    periodGroups: options.period === false ? null : periodGroups(filters.period, currentYear, lang),
    areaGroups: options.area === false ? null : areaGroups(filters, teams, lang, ownTeamId),
    kinds:
      options.kind === false
        ? null
        : MEETING_KIND_FILTERS.map((k) => ({ value: k, label: translate(lang, `reports.filters.kinds.${k}`), selected: k === filters.kind })),
  }
}

export function periodLabel(period: Period, lang: Lang): string {
  switch (period.type) {
    case 'year':
      return String(period.year)
    case 'quarter':
      return translate(lang, 'reports.filters.quarter', { year: period.year, quarter: period.quarter })
    case 'month':
      return monthLabel(formatPeriod(period), lang)
  }
}
