// A report table as every page, chart, export and JSON answer shows it: rows (and columns) of counts
// that are either exact (a team's own forms, volumes) or published values of a release. Built from a
// lookup of the counts; nothing here computes or protects a number.
import { publishedShare, type ProtectedCount } from './protected-count.js'

export interface Category {
  readonly code: string
  readonly label: string
}

export interface TableRow extends Category {
  /** One count per column; empty for a one-way table. */
  readonly counts: readonly ProtectedCount[]
  /** The row's count (one-way) or row total (two-way). */
  readonly total: ProtectedCount
  /** The row's share of the table's total, in percent, from published numbers only. */
  readonly share: number | null
}

export interface ReportTable {
  readonly id: string
  readonly title: string
  /** Options overlap: rows do not add up to the total, which counts the forms the question was asked on. */
  readonly multipleChoice: boolean
  readonly rowHeading: string
  readonly columnHeading: string | null
  readonly columns: readonly Category[]
  readonly rows: readonly TableRow[]
  readonly totals: { readonly label: string; readonly counts: readonly ProtectedCount[]; readonly total: ProtectedCount }
}

export interface TableSpec {
  readonly id: string
  readonly title: string
  readonly multipleChoice: boolean
  readonly rowHeading: string
  readonly rows: readonly Category[]
  readonly columnHeading?: string | null
  readonly columns?: readonly Category[]
  readonly totalLabel: string
  /** Drop rows whose every count is zero (long lists such as municipalities). */
  readonly dropEmptyRows?: boolean
}

export interface TableCounts {
  /** a cell: (row, column) for a two-way table, (row, '') for a one-way one */
  readonly cell: (row: string, column: string) => ProtectedCount
  /** a two-way table's row total (the one-way table's count of that row) */
  readonly rowTotal?: (row: string) => ProtectedCount
  /** a two-way table's column total; '' is the grand total (or a multiple choice's base) */
  readonly columnTotal: (column: string) => ProtectedCount
}

export function buildTable(spec: TableSpec, counts: TableCounts): ReportTable {
  const columns = spec.columns ?? []
  const oneWay = columns.length === 0
  const rowTotal = (code: string) => (oneWay ? counts.cell(code, '') : (counts.rowTotal?.(code) ?? counts.cell(code, '')))
  const isZero = (c: ProtectedCount) => c.status === 'published' && c.value === 0
  const rows = spec.rows.filter((r) => !spec.dropEmptyRows || !(isZero(rowTotal(r.code)) && columns.every((c) => isZero(counts.cell(r.code, c.code)))))
  const grand = counts.columnTotal('')
  return {
    id: spec.id,
    title: spec.title,
    multipleChoice: spec.multipleChoice,
    rowHeading: spec.rowHeading,
    columnHeading: spec.columnHeading ?? null,
    columns,
    rows: rows.map((r) => {
      const total = rowTotal(r.code)
      return { code: r.code, label: r.label, counts: columns.map((c) => counts.cell(r.code, c.code)), total, share: publishedShare(total, grand) }
    }),
    totals: { label: spec.totalLabel, counts: columns.map((c) => counts.columnTotal(c.code)), total: grand },
  }
}
