// One place that turns every failure into an answer: JSON `{ error: { code, message, fields } }`
// for API clients, a friendly page for people; database errors become AppErrors (never a 500 for
// bad input), and unexpected ones are logged without request bodies.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { translateDatabaseError } from '../db/pg-errors.js'
import {
  AppError,
  CsrfError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyAttemptsError,
  ValidationError,
  type FieldError,
} from '../errors.js'
import { translate, type Lang } from '../i18n/index.js'
import { wantsJson } from './auth.js'

interface ValidationItem {
  instancePath?: string
  message?: string
  params?: { issue?: { path?: PropertyKey[]; message?: string } }
}

function fieldsOfValidation(items: readonly ValidationItem[]): FieldError[] {
  return items.map((item) => {
    const path = item.params?.issue?.path?.map(String).join('.') ?? (item.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    const message = item.params?.issue?.message ?? item.message ?? ''
    return { field: path, code: /^[a-z][a-z0-9_]*$/.test(message) ? message : 'invalid' }
  })
}

/** The AppError an error stands for, or undefined when it is a genuine fault. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error
  const fe = error as Partial<FastifyError> & { validation?: ValidationItem[] }
  if (Array.isArray(fe.validation)) return new ValidationError(fieldsOfValidation(fe.validation))
  if (fe.code === 'FST_CSRF_INVALID_TOKEN' || fe.code === 'FST_CSRF_MISSING_SECRET') return new CsrfError()
  if (fe.statusCode === 429) return new TooManyAttemptsError(60)
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new ValidationError([{ field: '', code: 'invalid_body' }])
  }
  if (fe.statusCode === 400) return new ValidationError([{ field: '', code: 'invalid_body' }])
  // e.g. @fastify/static refusing a path with a backslash (FST_STATIC_FORBIDDEN_PATH)
  if (fe.statusCode === 403) return new ForbiddenError()
  if (fe.statusCode === 413) return new ValidationError([{ field: '', code: 'too_big' }])
  if (fe.statusCode === 404) return new NotFoundError()
  return translateDatabaseError(error)
}

/** The words for the waiting time a message may name ("Try again in {minutes} minutes"). */
export function waitOf(error: AppError): { minutes: number; seconds: number } | Record<string, never> {
  if (!(error instanceof TooManyAttemptsError)) return {}
  return { minutes: Math.max(1, Math.ceil(error.retryAfterSeconds / 60)), seconds: error.retryAfterSeconds }
}

function messageOf(lang: Lang, error: AppError): string {
  return translate(lang, `errors.${error.code}`, waitOf(error))
}

export function errorBody(lang: Lang, error: AppError) {
  return {
    error: {
      code: error.code,
      message: messageOf(lang, error),
      fields: error.fields.map((f) => ({ field: f.field, code: f.code, message: translate(lang, `validation.${f.code}`) })),
    },
  }
}

async function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): Promise<void> {
  if (error instanceof TooManyAttemptsError || error instanceof ServiceUnavailableError) {
    reply.header('retry-after', String(error.retryAfterSeconds))
  }
  if (wantsJson(request)) {
    reply.code(error.statusCode).send(errorBody(request.lang, error))
    return
  }
  const wait = waitOf(error)
  await reply.page('errors/error', { titleText: messageOf(request.lang, error), error, errorCode: error.code, retryMinutes: wait.minutes, retrySeconds: wait.seconds }, error.statusCode)
}

export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler(async (error, request, reply) => {
      const appError = toAppError(error)
      if (appError) {
        if (appError.statusCode >= 500) {
          // the database's own code tells a stopped server from a deadlock or a timeout
          const cause = (error as { code?: unknown }).code
          request.log.warn({ code: appError.code, cause: typeof cause === 'string' ? cause : undefined }, 'service unavailable')
        }
        return sendError(request, reply, appError)
      }
      // Log the fault, never the request body (it may hold passwords or codes).
      request.log.error({ err: error }, 'unexpected error')
      const internal = new AppError('internal_error', 500)
      return sendError(request, reply, internal)
    })
    app.setNotFoundHandler(async (request, reply) => sendError(request, reply, new NotFoundError()))
  },
  { name: 'errors', dependencies: ['views'] },
)
