// Moments written in Finnish time for files people read: 2025-07-15T14:03:09+03:00 (ISO 8601 with
// the offset of the day, so summer and winter time are both right) and the calendar day.
const helsinkiParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

function partsOf(date: Date): Record<string, string> {
  return Object.fromEntries(helsinkiParts.formatToParts(date).map((p) => [p.type, p.value]))
}

/** The day (YYYY-MM-DD) a moment falls on in Finland. */
export function helsinkiDate(date: Date): string {
  const p = partsOf(date)
  return `${p.year}-${p.month}-${p.day}`
}

/** A moment as ISO 8601 in Finnish time, to the second, with its UTC offset. */
export function helsinkiIsoTime(date: Date): string {
  const p = partsOf(date)
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second))
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`
}
