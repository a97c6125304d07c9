// Idempotency keys are opaque: only a UUID (any version, either case) is accepted, so a key can
// never carry a name, an identity code or a phone number into the append-only tables.
import { ValidationError } from '../errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

/** The key in its stored form (lower case), or a 400 naming `field` (the header or the form field). */
export function parseIdempotencyKey(value: unknown, field: string): string {
  if (value === undefined || value === '') throw new ValidationError([{ field, code: 'required' }])
  if (!isIdempotencyKey(value)) throw new ValidationError([{ field, code: 'not_uuid' }])
  return value.toLowerCase()
}
