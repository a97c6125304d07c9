// Recognises text that looks like personal data about a person: a Finnish personal identity code
// with a valid check character, a phone number, or an e-mail address. Used to refuse such text
// wherever free text could reach the statistics (the form itself takes none).
//
// Every check is a single pass over the text (tokens first, then fixed-size looks at each token),
// so its time is linear in the input whatever the text holds: no pattern with nested or
// overlapping repetition ever runs over text of unbounded length.

const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY'
const CENTURY: Record<string, number> = { '+': 1800, '-': 1900, U: 1900, V: 1900, W: 1900, X: 1900, Y: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 }
/** Fixed length, anchored where it is tried (sticky): constant work per position. */
const HETU_AT = /(\d{2})(\d{2})(\d{2})([-+ABCDEFUVWXY])(\d{3})([0-9A-FHJ-NPR-Y])/iy
const HETU_LENGTH = 11
/** Characters that end an e-mail address's parts (as in the usual "local@domain.tld" shape). */
const EMAIL_DELIMITERS = new Set([...'@<>()[],;:"'])
const PHONE_MIN_DIGITS = 7
const PHONE_MAX_DIGITS = 15

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
const isAsciiLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
const isAlphanumeric = (c: string | undefined) => isDigit(c) || isAsciiLetter(c)
const isWordCharacter = (c: string | undefined) => isAlphanumeric(c) || c === '_'
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c)

export function isValidPersonalIdentityCode(day: string, month: string, year: string, century: string, individual: string, check: string): boolean {
  const base = CENTURY[century.toUpperCase()]
  if (base === undefined) return false
  const date = new Date(Date.UTC(base + Number(year), Number(month) - 1, Number(day)))
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1) return false
  if (Number(individual) < 2) return false
  return CHECK_CHARACTERS[Number(`${day}${month}${year}${individual}`) % 31] === check.toUpperCase()
}

/** An identity code standing as a word of its own (not inside a longer word or number). */
function hasPersonalIdentityCode(text: string): boolean {
  for (let at = 0; at + HETU_LENGTH <= text.length; at++) {
    if (!isDigit(text[at]) || isWordCharacter(text[at - 1]) || isWordCharacter(text[at + HETU_LENGTH])) continue
    HETU_AT.lastIndex = at
    const m = HETU_AT.exec(text)
    if (m && isValidPersonalIdentityCode(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!)) return true
  }
  return false
}

/** A domain part: somewhere after its first character, a dot followed by two letters. */
function looksLikeDomain(part: string): boolean {
  for (let dot = part.indexOf('.', 1); dot !== -1; dot = part.indexOf('.', dot + 1)) {
    if (isAsciiLetter(part[dot + 1]) && isAsciiLetter(part[dot + 2])) return true
  }
  return false
}

/**
 * "something@something.tld": the text is cut into runs between delimiters (white space and the
 * characters an address cannot hold), and two neighbouring runs joined by one @ are checked.
 */
function hasEmailAddress(text: string): boolean {
  let previous = '' // the run just before the current one, if an @ (and nothing else) separates them
  let current = ''
  const close = (delimiter: string): boolean => {
    if (previous !== '' && current !== '' && looksLikeDomain(current)) return true
    previous = delimiter === '@' ? current : ''
    current = ''
    return false
  }
  for (const c of text) {
    if (EMAIL_DELIMITERS.has(c) || isSpace(c)) {
      if (close(c)) return true
    } else {
      current += c
    }
  }
  return close('')
}

/**
 * Seven to fifteen digits, optionally after a +, in groups joined by single spaces or hyphens,
 * not glued to letters or other digits. The text is cut into such runs of groups; inside a run
 * any group may start or end a number, so a run holds a phone number when some stretch of whole
 * groups, starting and ending where a number may, has 7-15 digits (two pointers, linear).
 */
function hasPhoneNumber(text: string): boolean {
  let i = 0
  while (i < text.length) {
    if (!isDigit(text[i])) {
      i++
      continue
    }
    // A run of digit groups from i.
    const groups: number[] = []
    const runStart = i
    let end = i
    for (;;) {
      let j = end
      while (isDigit(text[j])) j++
      groups.push(j - end)
      end = j
      if ((text[j] === ' ' || text[j] === '-') && isDigit(text[j + 1])) end = j + 1
      else break
    }
    // The first group may start a number unless glued to a letter (a + in front is allowed).
    const firstStarts = !isAlphanumeric(text[runStart - 1])
    // The last group may end one unless a letter follows it.
    const lastEnds = !isAlphanumeric(text[end])
    let sum = 0
    let last = -1 // the last group in the window
    for (let first = firstStarts ? 0 : 1; first < groups.length; first++) {
      if (last < first) {
        last = first - 1
        sum = 0
      }
      while (sum < PHONE_MIN_DIGITS && last + 1 < groups.length) sum += groups[++last]!
      if (sum >= PHONE_MIN_DIGITS && sum <= PHONE_MAX_DIGITS && (last < groups.length - 1 || lastEnds)) return true
      sum -= groups[first]!
    }
    i = end + 1
  }
  return false
}

export type PersonalDataKind = 'personal_identity_code' | 'email' | 'phone'

/** What kind of personal data the text seems to contain, if any. Linear in the text's length. */
export function findPersonalData(text: string): PersonalDataKind | undefined {
  if (hasPersonalIdentityCode(text)) return 'personal_identity_code'
  if (hasEmailAddress(text)) return 'email'
  if (hasPhoneNumber(text)) return 'phone'
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
