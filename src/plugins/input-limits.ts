// Bounds every request's parsed body and query before any handler or validator sees it: no text
// longer than any field of the service takes, no list longer than any choice list, no deep or
// wide nesting. One linear walk, so later checks (personal data, zod) work on small input only.
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ValidationError, type FieldError } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A longer text limit for this route's body (the SAML assertion consumer service). */
    maxTextLength?: number
  }
}

/** Longer than any text field the service takes (the longest are e-mail 254 and a return path 500). */
export const MAX_TEXT_LENGTH = 1000
/** More than any choice list (Finland has about 300 municipalities). */
export const MAX_LIST_ITEMS = 500
export const MAX_FIELDS = 200
export const MAX_NESTING = 8

/** The first value over a limit, as a field error naming where it is; undefined when all is well. */
export function inputLimitProblem(value: unknown, maxTextLength = MAX_TEXT_LENGTH): FieldError | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }]
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!
    if (typeof current === 'string') {
      if (current.length > maxTextLength) return { field: path, code: 'too_long' }
      continue
    }
    if (current === null || typeof current !== 'object') continue
    if (depth >= MAX_NESTING) return { field: path, code: 'invalid_body' }
    const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current)
    if (Array.isArray(current) ? entries.length > MAX_LIST_ITEMS : entries.length > MAX_FIELDS) {
      return { field: path, code: 'too_many_items' }
    }
    // A list's items share the list's field name in error messages (forms name fields, not items).
    for (const [key, child] of entries) pending.push({ value: child, path: Array.isArray(current) ? path : path === '' ? key : `${path}.${key}`, depth: depth + 1 })
  }
  return undefined
}

export const inputLimitsPlugin = fp(
  async (app) => {
    app.addHook('preValidation', async (request: FastifyRequest) => {
      const problem =
        inputLimitProblem(request.query) ?? inputLimitProblem(request.body, request.routeOptions.config.maxTextLength ?? MAX_TEXT_LENGTH)
      if (problem) throw new ValidationError([problem])
    })
  },
  { name: 'input-limits' },
)
