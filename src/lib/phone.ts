// Mobile numbers: accepts what people type (040 123 4567, +358 40 1234567) and stores E.164.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

/** The number in E.164 (+358401234567), or undefined when it is not a valid mobile number. */
export function toE164Mobile(input: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), 'FI')
  if (!parsed || !parsed.isValid()) return undefined
  const type = parsed.getType()
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return undefined
  return parsed.number
}
