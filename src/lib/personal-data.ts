// Recognises text that looks like personal data about a person: a Finnish personal identity code
// with a valid check character, a phone number, or an e-mail address. Used to refuse such text
// wherever free text could reach the statistics (the form itself takes none).

const HETU = /\b(\d{2})(\d{2})(\d{2})([-+ABCDEFUVWXY])(\d{3})([0-9A-FHJ-NPR-Y])\b/gi
const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY'
const CENTURY: Record<string, number> = { '+': 1800, '-': 1900, U: 1900, V: 1900, W: 1900, X: 1900, Y: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 }
const EMAIL = /[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z]{2,}/i
// Seven or more digits, optionally with a leading + and single spaces or hyphens between groups.
const PHONE = /(?:^|[^\dA-Za-z])(\+?\d(?:[ -]?\d){6,14})(?![\dA-Za-z])/

export function isValidPersonalIdentityCode(day: string, month: string, year: string, century: string, individual: string, check: string): boolean {
  const base = CENTURY[century.toUpperCase()]
  if (base === undefined) return false
  const date = new Date(Date.UTC(base + Number(year), Number(month) - 1, Number(day)))
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1) return false
  if (Number(individual) < 2) return false
  return CHECK_CHARACTERS[Number(`${day}${month}${year}${individual}`) % 31] === check.toUpperCase()
}

export type PersonalDataKind = 'personal_identity_code' | 'email' | 'phone'

/** What kind of personal data the text seems to contain, if any. */
export function findPersonalData(text: string): PersonalDataKind | undefined {
  for (const m of text.matchAll(HETU)) {
    if (isValidPersonalIdentityCode(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!)) return 'personal_identity_code'
  }
  if (EMAIL.test(text)) return 'email'
  if (PHONE.test(text)) return 'phone'
  return undefined
}

/**
 * Field errors for every top-level value of an input object (strings, or lists of strings) that
 * looks like personal data: such text must never be stored, and the person is told why.
 */
export function personalDataFieldErrors(input: unknown): { field: string; code: 'personal_data' }[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return []
  return Object.entries(input as Record<string, unknown>).flatMap(([field, value]) => {
    const texts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')
    return texts.some((text) => findPersonalData(text) !== undefined) ? [{ field, code: 'personal_data' as const }] : []
  })
}

/** Puts personal-data errors first and drops other errors of the same fields. */
export function withPersonalDataErrors<E extends { field: string; code: string }>(input: unknown, errors: readonly E[]): (E | { field: string; code: 'personal_data' })[] {
  const personal = personalDataFieldErrors(input)
  const flagged = new Set(personal.map((p) => p.field))
  return [...personal, ...errors.filter((e) => !flagged.has(e.field))]
}
