// The one catalogue of application errors. Each has a stable code (clients and tests rely on it)
// and an HTTP status; the human message is looked up in the i18n files as `errors.<code>`.

export interface FieldError {
  /** The form field or JSON property the message is about (dotted path for nested values). */
  readonly field: string
  /** A stable reason code; its text is `validation.<code>` in the i18n files. */
  readonly code: string
}

export const ERROR_CODES = [
  'validation_failed',
  'authentication_required',
  'invalid_credentials',
  'account_pending',
  'account_disabled',
  'code_invalid',
  'code_expired',
  'too_many_attempts',
  'resend_too_soon',
  'login_in_progress',
  'exports_busy',
  'forbidden',
  'csrf_invalid',
  'not_found',
  'conflict',
  'immutable',
  'saml_invalid',
  'service_unavailable',
  'internal_error',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly statusCode: number,
    message?: string,
    public readonly fields: readonly FieldError[] = [],
  ) {
    super(message ?? code)
    this.name = new.target.name
  }
}

export class ValidationError extends AppError {
  constructor(fields: readonly FieldError[], message?: string) {
    super('validation_failed', 400, message, fields)
  }
}

export class AuthenticationRequiredError extends AppError {
  constructor() {
    super('authentication_required', 401)
  }
}

/** Wrong e-mail or password: deliberately the same error for both. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 401)
  }
}

export class AccountStatusError extends AppError {
  constructor(code: 'account_pending' | 'account_disabled') {
    super(code, 403)
  }
}

export class CodeError extends AppError {
  constructor(code: 'code_invalid' | 'code_expired') {
    super(code, 401)
  }
}

export class TooManyAttemptsError extends AppError {
  constructor(
    public readonly retryAfterSeconds: number,
    code: 'too_many_attempts' | 'resend_too_soon' | 'login_in_progress' | 'exports_busy' = 'too_many_attempts',
  ) {
    super(code, 429)
  }
}

export class ForbiddenError extends AppError {
  constructor() {
    super('forbidden', 403)
  }
}

export class CsrfError extends AppError {
  constructor() {
    super('csrf_invalid', 403)
  }
}

export class NotFoundError extends AppError {
  constructor() {
    super('not_found', 404)
  }
}

export class ConflictError extends AppError {
  constructor(fields: readonly FieldError[] = [], message?: string) {
    super('conflict', 409, message, fields)
  }
}

/** A trigger refused to change a row that may never change (submitted forms, the audit log). */
export class ImmutableRowError extends AppError {
  constructor() {
    super('immutable', 409)
  }
}

export class SamlError extends AppError {
  constructor(message: string) {
    super('saml_invalid', 401, message)
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(public readonly retryAfterSeconds = 5) {
    super('service_unavailable', 503)
  }
}
