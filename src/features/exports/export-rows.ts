// Report tables as export rows: one row per number, in long ("tidy") form so that R, SPSS, Python
// and Power BI read it directly, with codes and labels side by side. A number that is not published
// has no value, the status "withheld", and the same mark the page shows.
import type { ProtectedCount } from '../reports/protected-count.js'
import type { ReportTable } from '../reports/report-table.js'
import { WITHHELD_MARK } from '../reports/report-view.js'

/** The code of a total row or column. */
export const TOTAL = '*total'
/** The column code of a one-way table's single column. */
export const COUNT = '*count'

export const EXPORT_COLUMNS = ['table', 'table_title', 'row_code', 'row_label', 'column_code', 'column_label', 'value', 'status', 'shown_as', 'share_percent'] as const

export interface ExportRow {
  readonly table: string
  readonly table_title: string
  readonly row_code: string
  readonly row_label: string
  readonly column_code: string
  readonly column_label: string
  readonly value: number | null
  readonly status: ProtectedCount['status']
  readonly shown_as: string
  readonly share_percent: number | null
}

export function shownAs(count: ProtectedCount): string {
  return count.status === 'published' ? String(count.value) : WITHHELD_MARK
}

export function tableRows(table: ReportTable, totalLabel: string): ExportRow[] {
  const rows: ExportRow[] = []
  const add = (rowCode: string, rowLabel: string, columnCode: string, columnLabel: string, count: ProtectedCount, share: number | null) =>
    rows.push({
      table: table.id,
      table_title: table.title,
      row_code: rowCode,
      row_label: rowLabel,
      column_code: columnCode,
      column_label: columnLabel,
      value: count.status === 'published' ? count.value : null,
      status: count.status,
      shown_as: shownAs(count),
      share_percent: share,
    })
  const oneWay = table.columns.length === 0
  for (const row of table.rows) {
    if (oneWay) add(row.code, row.label, COUNT, totalLabel, row.total, row.share)
    else {
      table.columns.forEach((column, j) => add(row.code, row.label, column.code, column.label, row.counts[j]!, null))
      add(row.code, row.label, TOTAL, totalLabel, row.total, row.share)
    }
  }
  if (oneWay) add(TOTAL, table.totals.label, COUNT, totalLabel, table.totals.total, null)
  else {
    table.columns.forEach((column, j) => add(TOTAL, table.totals.label, column.code, column.label, table.totals.counts[j]!, null))
    add(TOTAL, table.totals.label, TOTAL, totalLabel, table.totals.total, null)
  }
  return rows
}

export function asCells(row: ExportRow): (string | number | null)[] {
  return EXPORT_COLUMNS.map((column) => row[column])
}
