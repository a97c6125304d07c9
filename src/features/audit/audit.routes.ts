// The audit log for administrators: GET /admin/audit shows it in words, 50 entries a page, newest
// first, filtered by event, person and dates; GET /admin/audit.csv downloads the same entries.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AUDIT_EVENTS } from '../../db/schema.js'
import { ValidationError } from '../../errors.js'
import { translate } from '../../i18n/index.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import { renderFormWithError } from '../../plugins/views.js'
import { AUDIT_FILTER_FIELDS, auditFilterSchema, auditPageSchema } from './audit.schemas.js'
import {
  AUDIT_CSV_MAX_ROWS,
  AUDIT_PAGE_SIZE,
  auditFilterOf,
  auditFilterPeople,
  auditLogPage,
  exportAuditCsv,
  type AuditCursor,
  type AuditLogPage,
} from './audit-log.service.js'

const adminOnly = { roles: ['admin'] as const }
const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' } as const
/** The page position is not a form field: its errors are shown without a link. */
const POSITION_FIELDS = new Set(['older', 'newer'])

type FilterValues = Record<(typeof AUDIT_FILTER_FIELDS)[number], string>

/** The audit page's address with the given filters (only those set) and page position. */
function auditHref(path: string, filters: Partial<FilterValues>, position: Record<string, string> = {}): string {
  const query = new URLSearchParams(Object.entries({ ...filters, ...position }).filter(([, v]) => typeof v === 'string' && v !== '') as [string, string][])
  const text = query.toString()
  return text ? `${path}?${text}` : path
}

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  const filterValuesOf = (query: Record<string, unknown>): FilterValues =>
    Object.fromEntries(AUDIT_FILTER_FIELDS.map((f) => [f, typeof query[f] === 'string' ? query[f] : ''])) as FilterValues

  const pageData = async (request: FastifyRequest, values: FilterValues, log?: AuditLogPage) => {
    const people = await auditFilterPeople(app.deps)
    const filters = log ? values : {}
    const number = new Intl.NumberFormat(LOCALES[request.lang]).format
    return {
      titleKey: 'admin.audit_title',
      values,
      events: AUDIT_EVENTS.map((e) => ({ value: e, label: translate(request.lang, `audit_events.${e}`), selected: e === values.event })),
      users: people.map((u) => ({ value: u.id, label: `${u.name} (${u.email})`, selected: u.id === values.user })),
      fieldLabels: Object.fromEntries(AUDIT_FILTER_FIELDS.map((f) => [f, translate(request.lang, `admin.audit_filter_${f}`)])),
      pageSize: AUDIT_PAGE_SIZE,
      csvMaxRows: number(AUDIT_CSV_MAX_ROWS),
      entries: log?.entries ?? [],
      range: log && log.total > 0 ? { first: number(log.first), last: number(log.last), total: number(log.total) } : undefined,
      newerHref: log?.newerThan ? auditHref('/admin/audit', filters, { newer: log.newerThan }) : undefined,
      olderHref: log?.olderThan ? auditHref('/admin/audit', filters, { older: log.olderThan }) : undefined,
      csvHref: log ? auditHref('/admin/audit.csv', filters) : undefined,
    }
  }

  const refuse = async (request: FastifyRequest, reply: FastifyReply, values: FilterValues, issues: Parameters<typeof fieldErrorsFromZod>[0]) => {
    const fields = fieldErrorsFromZod(issues).map((e) => (POSITION_FIELDS.has(e.field) ? { field: '', code: e.code } : e))
    return renderFormWithError(reply, 'admin/audit', await pageData(request, values), new ValidationError(fields))
  }

  app.get('/admin/audit', { config: adminOnly }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>
    const values = filterValuesOf(query)
    const parsed = auditPageSchema.safeParse(query)
    if (!parsed.success) return refuse(request, reply, values, parsed.error.issues)
    const { older, newer, ...filter } = parsed.data
    const cursor: AuditCursor = newer ? { newerThan: newer } : older ? { olderThan: older } : {}
    const log = await auditLogPage(app.deps, request.lang, auditFilterOf(filter), cursor)
    return reply.page('admin/audit', await pageData(request, values, log))
  })

  app.get('/admin/audit.csv', { config: adminOnly }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>
    const values = filterValuesOf(query)
    const parsed = auditFilterSchema.safeParse(query)
    if (!parsed.success) return refuse(request, reply, values, parsed.error.issues)
    const file = await exportAuditCsv(app.deps, request.actor!, request.lang, parsed.data, request.ip)
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(file.csv)
  })
}
