// Translates PostgreSQL errors into AppErrors, so a constraint or trigger the database enforces
// reaches the user as a clear 4xx (or a 503 while the database is away), never a 500.
import {
  AppError,
  ConflictError,
  ImmutableRowError,
  ServiceUnavailableError,
  ValidationError,
} from '../errors.js'

interface PgLikeError {
  code?: unknown
  constraint?: unknown
  column?: unknown
}

// Failures that pass: the client should try again shortly (503 with Retry-After).
const TRANSIENT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure: transient, worth the client's retry
  '40P01', // deadlock_detected: likewise
  '55P03', // lock_not_available: lock_timeout passed (e.g. waiting for a rebuild of the report totals)
  '57014', // query_canceled: statement_timeout passed
])

function isTransientFailure(error: Error, code: string | undefined): boolean {
  if (code && (TRANSIENT_ERROR_CODES.has(code) || code.startsWith('08'))) return true
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  )
}

/** The field a constraint is about: `users_email_unique` → `email`; unknown shapes give ''. */
function fieldOfConstraint(constraint: string | undefined, column: string | undefined): string {
  if (column) return column
  if (!constraint) return ''
  const parts = constraint.split('_')
  return parts.length >= 3 ? parts.slice(1, -1).join('_') : ''
}

/** Returns the AppError for a database error, or undefined when it is not one we know. */
/** The constraint (or the trigger's named rule) a unique violation broke; undefined for any other error. */
export function uniqueViolationOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as PgLikeError
  return e.code === '23505' && typeof e.constraint === 'string' ? e.constraint : undefined
}

export function translateDatabaseError(error: unknown): AppError | undefined {
  if (!(error instanceof Error)) return undefined
  const e = error as Error & PgLikeError
  const code = typeof e.code === 'string' ? e.code : undefined
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined
  const column = typeof e.column === 'string' ? e.column : undefined
  if (isTransientFailure(e, code)) return new ServiceUnavailableError()
  switch (code) {
    case '23505':
      return new ConflictError([{ field: fieldOfConstraint(constraint, column), code: 'already_exists' }])
    case '23514':
    case '23502':
    case '22P02': // invalid text representation (e.g. a malformed uuid)
    case '22001': // value too long
    case '22003': // numeric out of range
    case '22007': // invalid datetime
    case '22008':
    case '22021': // a character PostgreSQL cannot store (NUL)
    case '22P05': // untranslatable character
      return new ValidationError([{ field: fieldOfConstraint(constraint, column), code: 'invalid' }])
    case '23503':
      return new ValidationError([{ field: fieldOfConstraint(constraint, column), code: 'unknown_reference' }])
    case 'AN001': // raised by the append-only triggers
    case '42501': // insufficient privilege: the application role may not change those tables
      return new ImmutableRowError()
    default:
      return undefined
  }
}
