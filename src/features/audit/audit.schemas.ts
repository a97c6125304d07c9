// The audit log's filters (event, person, from, to) and its page position, as they come in a URL.
// The page and the CSV download read the same filters.
import { z } from 'zod'
import { AUDIT_EVENTS } from '../../db/schema.js'

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
/** An audit_log id (bigint): digits only, so it reaches the database as a number. */
const ENTRY_ID = /^[1-9]\d{0,17}$/
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v)

export const auditFilterSchema = z.object({
  event: z.preprocess(emptyToUndefined, z.enum(AUDIT_EVENTS, 'invalid_choice').optional()),
  user: z.preprocess(emptyToUndefined, z.uuid('invalid_choice').optional()),
  from: z.preprocess(emptyToUndefined, z.string().regex(DAY, 'invalid_date').optional()),
  to: z.preprocess(emptyToUndefined, z.string().regex(DAY, 'invalid_date').optional()),
})

export const auditPageSchema = auditFilterSchema.extend({
  older: z.preprocess(emptyToUndefined, z.string().regex(ENTRY_ID, 'invalid').optional()),
  newer: z.preprocess(emptyToUndefined, z.string().regex(ENTRY_ID, 'invalid').optional()),
})

export type AuditFilterInput = z.output<typeof auditFilterSchema>

/** The filter fields, in the order of the form. */
export const AUDIT_FILTER_FIELDS = ['event', 'user', 'from', 'to'] as const
