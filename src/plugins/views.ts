// Server-rendered pages: Handlebars through @fastify/view, with the layout, the partials, the
// translation helper, and reply.page(), which adds what every page needs (language, the logged-in
// actor, the CSRF token, the language switch links).
import { SESSION_IDLE_TIMEOUT_MS } from '../features/auth/session.service.js'
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import view from '@fastify/view'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Handlebars from 'handlebars'
import { DEFAULT_LANG, isLang, LANG_COOKIE, LANGUAGES, pickLanguage, translate, type Lang } from '../i18n/index.js'
import { viewsDir } from '../lib/paths.js'
import { AppError, ServiceUnavailableError, TooManyAttemptsError, type FieldError } from '../errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang
  }
  interface FastifyReply {
    /** Renders views/pages/<name>.hbs inside the layout with the common page context. */
    page(name: string, data?: PageData, statusCode?: number): Promise<void>
  }
}

export interface PageData {
  /** i18n key of the page title (the <title> and the h1 unless the page has its own). */
  titleKey?: string
  /** For pages drawn in answer to a POST: where the language switch returns to. */
  returnPath?: string
  errors?: readonly FieldError[]
  [key: string]: unknown
}

const LANGUAGE_NAMES: Record<Lang, string> = { fi: 'Suomeksi', sv: 'På svenska', en: 'In English' }

function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create()
  const langOf = (options: Handlebars.HelperOptions): Lang => {
    const lang: unknown = options.data?.root?.lang
    return isLang(lang) ? lang : DEFAULT_LANG
  }
  hbs.registerHelper('t', function (key: unknown, options: Handlebars.HelperOptions) {
    const vars = Object.fromEntries(Object.entries(options.hash ?? {}).map(([k, v]) => [k, String(v)]))
    return translate(langOf(options), String(key), vars)
  })
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('startsWith', (text: unknown, prefix: unknown) => typeof text === 'string' && typeof prefix === 'string' && text.startsWith(prefix))
  hbs.registerHelper('isNumber', (value: unknown) => typeof value === 'number' && Number.isFinite(value))
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean))
  hbs.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item))
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''))
  /** The error code for a field, from the page's error list. */
  hbs.registerHelper('fieldError', (errors: unknown, field: unknown) =>
    Array.isArray(errors) ? (errors as FieldError[]).find((e) => e.field === field)?.code : undefined,
  )
  hbs.registerHelper('formatDateTime', function (value: unknown, options: Handlebars.HelperOptions) {
    const date = value instanceof Date ? value : new Date(String(value))
    if (Number.isNaN(date.getTime())) return ''
    const locale = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }[langOf(options)]
    return date.toLocaleString(locale, { timeZone: 'Europe/Helsinki', dateStyle: 'medium', timeStyle: 'short' })
  })
  /** To the second, with the offset from UTC: for the audit log, where the hour repeated in October must be told apart. */
  hbs.registerHelper('formatPreciseTime', function (value: unknown, options: Handlebars.HelperOptions) {
    const date = value instanceof Date ? value : new Date(String(value))
    if (Number.isNaN(date.getTime())) return ''
    const locale = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }[langOf(options)]
    return date.toLocaleString(locale, {
      timeZone: 'Europe/Helsinki',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'shortOffset',
    })
  })
  const partialsDir = join(viewsDir, 'partials')
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'))
  }
  return hbs
}

/**
 * Links that switch language and come back to the same page. A page drawn in answer to a POST
 * (a form with errors, a review) cannot be fetched again: the link then goes to the page's
 * `returnPath`, the GET address of the same form, or the start page.
 */
function languageLinks(app: FastifyInstance, request: FastifyRequest, returnPath: string | undefined) {
  const pattern = request.routeOptions.url
  const samePageByGet = request.method === 'GET' || (pattern !== undefined && app.hasRoute({ method: 'GET', url: pattern }))
  const back = request.method === 'GET' ? request.url : (returnPath ?? (samePageByGet ? request.url : '/'))
  return LANGUAGES.map((code) => ({
    code,
    name: LANGUAGE_NAMES[code],
    href: `/language/${code}?next=${encodeURIComponent(back)}`,
    current: code === request.lang,
  }))
}

/**
 * Typed values drawn back into a form, as text or lists of text: a JSON body may hold any shape,
 * and a value the template cannot turn into text would break the page.
 */
function asTextValues(values: unknown): unknown {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return values
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined)
  return Object.fromEntries(Object.entries(values).map(([key, v]) => [key, Array.isArray(v) ? v.map(text).filter((t) => t !== undefined) : text(v)]))
}

export const viewsPlugin = fp(
  async (app) => {
    await app.register(view, {
      engine: { handlebars: createHandlebars() },
      root: viewsDir,
      layout: 'layouts/main.hbs',
      viewExt: 'hbs',
      // Templates are read once in production; in development edits show on reload.
      production: app.config.env === 'production',
    })

    app.decorateRequest('lang', DEFAULT_LANG)
    app.addHook('onRequest', async (request) => {
      request.lang = pickLanguage(request.cookies[LANG_COOKIE], request.headers['accept-language'])
    })

    app.decorateReply('page', async function (this: FastifyReply, name: string, data: PageData = {}, statusCode = 200) {
      const request = this.request
      const errors = data.errors ?? []
      const context = {
        ...data,
        values: asTextValues(data.values),
        lang: request.lang,
        actor: request.actor,
        isAdmin: request.actor?.role === 'admin',
        sessionIdleSeconds: SESSION_IDLE_TIMEOUT_MS / 1000,
        csrfToken: this.generateCsrf(),
        languages: languageLinks(app, request, typeof data.returnPath === 'string' ? data.returnPath : undefined),
        errors,
        hasErrors: errors.length > 0,
        titleKey: data.titleKey ?? 'app.name',
      }
      const html = await this.viewAsync(`pages/${name}`, context)
      this.code(statusCode).type('text/html; charset=utf-8').send(html)
    })
  },
  { name: 'views', dependencies: ['security'] },
)

/**
 * Re-renders a form page after a failed submission: the typed values stay, the error summary
 * names each problem. Anything that is not an AppError is a fault and goes to the error handler.
 */
const CORRECTABLE_ERRORS: ReadonlySet<string> = new Set(['validation_failed', 'invalid_credentials', 'code_invalid'])

export async function renderFormWithError(
  reply: FastifyReply,
  name: string,
  data: PageData,
  error: unknown,
): Promise<void> {
  if (!(error instanceof AppError)) throw error
  if (error instanceof TooManyAttemptsError || error instanceof ServiceUnavailableError) {
    reply.header('retry-after', String(error.retryAfterSeconds))
  }
  // Only these leave something on the page to correct; the others (an account not yet approved, a
  // pause before a new code, an expired code) are headed as not done, not as a mistake.
  const cannotBeCorrected = !CORRECTABLE_ERRORS.has(error.code)
  const minutes = error instanceof TooManyAttemptsError ? Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) : undefined
  const seconds = error instanceof TooManyAttemptsError ? error.retryAfterSeconds : undefined
  await reply.page(
    name,
    { ...data, errors: error.fields, errorCannotBeCorrected: cannotBeCorrected, formError: error.fields.length === 0 || error.code !== 'validation_failed' ? error.code : undefined, retryMinutes: minutes, retrySeconds: seconds },
    error.statusCode,
  )
}
