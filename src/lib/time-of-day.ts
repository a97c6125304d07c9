// The time of day of a moment in Finnish time, written the way each language writes it (16.42 in
// Finnish and Swedish, 16:42 in English), with the same locales as the dates on the pages.
import type { Lang } from '../i18n/index.js'

const LOCALES: Record<Lang, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }
const MINUTE_MS = 60_000

const formats = new Map<Lang, Intl.DateTimeFormat>()

/** Hours and minutes of `date` in Finnish time; the seconds are dropped. */
export function formatTimeOfDay(date: Date, lang: Lang): string {
  let format = formats.get(lang)
  if (!format) formats.set(lang, (format = new Intl.DateTimeFormat(LOCALES[lang], { timeZone: 'Europe/Helsinki', timeStyle: 'short' })))
  return format.format(date)
}

/**
 * Hours and minutes of the first whole minute at or after `date`: for "from 16.43 on", which must
 * not name a minute in which the thing is still refused.
 */
export function formatTimeOfDayFrom(date: Date, lang: Lang): string {
  return formatTimeOfDay(new Date(Math.ceil(date.getTime() / MINUTE_MS) * MINUTE_MS), lang)
}
