// CSV text for exports: UTF-8 with a byte-order mark (so Excel reads ä and ö right), quoted where
// needed, in two flavours: standard (comma, decimal point) for R, Python and Power BI, and Excel in
// a Finnish or Swedish locale (semicolon, decimal comma). A cell that a spreadsheet would run as a
// formula (starting with =, +, -, @, tab or carriage return) is neutralised with a leading quote.

export type CsvFlavour = 'standard' | 'excel'

export type CsvCell = string | number | null

const BOM = '\uFEFF'
const FORMULA_START = /^[=+\-@\t\r]/

/** A text cell as a spreadsheet will show it, never as a formula. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

function formatCell(cell: CsvCell, flavour: CsvFlavour): string {
  if (cell === null) return ''
  // numbers are ours and never a formula; only the decimal separator changes
  const text = typeof cell === 'number' ? (flavour === 'excel' ? String(cell).replace('.', ',') : String(cell)) : neutralise(cell)
  const separator = flavour === 'excel' ? ';' : ','
  return text.includes(separator) || text.includes('"') || text.includes('\n') || text.includes('\r') ? `"${text.replaceAll('"', '""')}"` : text
}

export function toCsv(rows: readonly (readonly CsvCell[])[], flavour: CsvFlavour): string {
  const separator = flavour === 'excel' ? ';' : ','
  return BOM + rows.map((row) => row.map((cell) => formatCell(cell, flavour)).join(separator)).join('\r\n') + '\r\n'
}
