// A report table as every page, chart and JSON answer shows it: raw counts in, only published numbers
// out. This is the one place where counts from the database meet disclosure control, so no table can
// skip it: one-way and two-way, single-valued and multiple-choice, each with its totals.
import {
  protectMultipleChoice,
  protectMultipleChoiceTwoWay,
  protectOneWay,
  protectTwoWay,
  publishedShare,
  type DisclosureRules,
  type ProtectedCount,
} from './disclosure.js'

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
  /** Drop rows whose total is zero (long lists such as municipalities); zeros stay visible elsewhere. */
  readonly dropEmptyRows?: boolean
  /** One-way tables: the total (a multiple choice's base) is hidden elsewhere on the page, so hide it here and protect around it. */
  readonly hideTotal?: boolean
}

/** Raw counts keyed by row code and column code ('' for a one-way table). */
export type CountLookup = (row: string, column: string) => number

const key = (row: string, column: string) => `${row}\u0000${column}`

export function countLookup(rows: readonly { row: string; split: string; forms: number }[]): CountLookup {
  const map = new Map(rows.map((r) => [key(r.row, r.split), r.forms]))
  return (row, column) => map.get(key(row, column)) ?? 0
}

/**
 * Builds a protected table. `bases` (per column code, '' for one-way) is needed for multiple-choice
 * questions only: the forms the question was asked on, which the overlapping option counts are shares of.
 */
export function buildTable(spec: TableSpec, counts: CountLookup, rules: DisclosureRules, bases?: (column: string) => number): ReportTable {
  const columns = spec.columns ?? []
  const oneWay = columns.length === 0
  const rowsIn = spec.dropEmptyRows ? spec.rows.filter((r) => (oneWay ? counts(r.code, '') : columns.reduce((sum, c) => sum + counts(r.code, c.code), 0)) > 0) : spec.rows

  let rowTotals: ProtectedCount[]
  let cells: ProtectedCount[][]
  let columnTotals: ProtectedCount[]
  let grand: ProtectedCount

  if (oneWay && !spec.multipleChoice) {
    const out = protectOneWay(rowsIn.map((r) => counts(r.code, '')), rules, { hideTotal: spec.hideTotal ?? false })
    rowTotals = out.cells
    cells = rowsIn.map(() => [])
    columnTotals = []
    grand = out.total
  } else if (oneWay) {
    const out = protectMultipleChoice(rowsIn.map((r) => counts(r.code, '')), requireBases(bases)(''), rules, { hideBase: spec.hideTotal ?? false })
    rowTotals = out.cells
    cells = rowsIn.map(() => [])
    columnTotals = []
    grand = out.base
  } else if (!spec.multipleChoice) {
    const out = protectTwoWay(rowsIn.map((r) => columns.map((c) => counts(r.code, c.code))), rules)
    rowTotals = out.rowTotals
    cells = out.cells
    columnTotals = out.columnTotals
    grand = out.grandTotal
  } else {
    const base = requireBases(bases)
    const out = protectMultipleChoiceTwoWay(
      rowsIn.map((r) => columns.map((c) => counts(r.code, c.code))),
      columns.map((c) => base(c.code)),
      rules,
    )
    rowTotals = out.rowTotals
    cells = out.cells
    columnTotals = out.columnBases
    grand = out.grandBase
  }

  return {
    id: spec.id,
    title: spec.title,
    multipleChoice: spec.multipleChoice,
    rowHeading: spec.rowHeading,
    columnHeading: spec.columnHeading ?? null,
    columns,
    rows: rowsIn.map((r, i) => ({ code: r.code, label: r.label, counts: cells[i]!, total: rowTotals[i]!, share: publishedShare(rowTotals[i]!, grand) })),
    totals: { label: spec.totalLabel, counts: columnTotals, total: grand },
  }
}

function requireBases(bases: ((column: string) => number) | undefined): (column: string) => number {
  if (!bases) throw new Error('a multiple-choice table needs the number of forms each column was asked on')
  return bases
}
