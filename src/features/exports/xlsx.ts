// Excel workbooks for exports (exceljs): the report's numbers, a metadata sheet saying what they
// are (period, area, filters, threshold, when, definition version) and the codebook.
import ExcelJS from 'exceljs'

export interface Sheet {
  readonly name: string
  readonly columns: readonly string[]
  readonly rows: readonly (readonly (string | number | null)[])[]
}

export async function workbookOf(sheets: readonly Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Anchor statistics extranet'
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name)
    worksheet.addRow([...sheet.columns]).font = { bold: true }
    // exceljs stores strings as text, never as formulas, so no cell can run in Excel
    for (const row of sheet.rows) worksheet.addRow(row.map((cell) => cell ?? null))
    worksheet.views = [{ state: 'frozen', ySplit: 1 }]
    worksheet.columns.forEach((column, i) => {
      const longest = Math.max(sheet.columns[i]?.length ?? 0, ...sheet.rows.slice(0, 500).map((r) => String(r[i] ?? '').length))
      column.width = Math.min(60, Math.max(8, longest + 2))
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
