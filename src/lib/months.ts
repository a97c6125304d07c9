// Calendar months as YYYY-MM text: the month of a moment in Finnish time, and lists of months.

/** The month (YYYY-MM) a moment falls in, in Finnish time. */
const helsinkiMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' })

export function monthOf(date: Date): string {
  const parts = helsinkiMonth.formatToParts(date)
  const year = parts.find((p) => p.type === 'year')?.value
  const month = parts.find((p) => p.type === 'month')?.value
  return `${year}-${month}`
}

/** Up to `count` months from `current` backwards, newest first, none before `earliest`. */
export function monthsBack(current: string, count: number, earliest = '0000-01'): string[] {
  const months: string[] = []
  let [year, month] = current.split('-').map(Number) as [number, number]
  while (months.length < count) {
    const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
    if (text < earliest) break
    months.push(text)
    month -= 1
    if (month === 0) [year, month] = [year - 1, 12]
  }
  return months
}

/** The moment a calendar day (YYYY-MM-DD) begins in Finnish time. */
export function startOfFinnishDay(day: string): Date {
  const utc = new Date(`${day}T00:00:00Z`)
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(utc)
      .map((p) => [p.type, p.value]),
  )
  const wallAsUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute))
  return new Date(utc.getTime() - (wallAsUtc - utc.getTime()))
}
