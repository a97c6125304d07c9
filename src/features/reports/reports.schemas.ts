// Response schemas of the report API. A count is either published with its value or hidden with
// none: the serializer checks every answer against these, so a hidden value cannot leave the server
// even by mistake.
import { z } from 'zod'

export const protectedCountSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.enum(['published']), value: z.number().int().nonnegative() }),
  z.strictObject({ status: z.enum(['primary', 'secondary']), value: z.null() }),
])

const categorySchema = z.strictObject({ code: z.string(), label: z.string() })

export const reportTableSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  multipleChoice: z.boolean(),
  rowHeading: z.string(),
  columnHeading: z.string().nullable(),
  columns: z.array(categorySchema),
  rows: z.array(
    z.strictObject({
      code: z.string(),
      label: z.string(),
      counts: z.array(protectedCountSchema),
      total: protectedCountSchema,
      share: z.number().nullable(),
    }),
  ),
  totals: z.strictObject({ label: z.string(), counts: z.array(protectedCountSchema), total: protectedCountSchema }),
})

export const filtersEchoSchema = z.strictObject({
  period: z.string(),
  area: z.string(),
  kind: z.string(),
})

const disclosureSchema = z.strictObject({
  threshold: z.number().int(),
  rules: z.string(),
})

export const overviewResponseSchema = z.strictObject({
  filters: filtersEchoSchema,
  disclosure: disclosureSchema,
  forms: protectedCountSchema,
  firstMeetings: protectedCountSchema,
  followUps: protectedCountSchema,
  under15: protectedCountSchema,
  fifteenPlus: protectedCountSchema,
  referred: protectedCountSchema,
  notReferred: protectedCountSchema,
  firstMeetingsShare: z.number().nullable(),
  under15Share: z.number().nullable(),
  referredShare: z.number().nullable(),
  medianResponseDays: z.number().nullable(),
  trend: reportTableSchema,
})

export const tableResponseSchema = z.strictObject({
  filters: filtersEchoSchema.extend({ by: z.string().nullable().optional(), level: z.string().optional(), question: z.string().optional() }),
  disclosure: disclosureSchema,
  table: reportTableSchema,
})

export const activityResponseSchema = z.strictObject({
  filters: z.strictObject({ area: z.string() }),
  disclosure: disclosureSchema,
  tables: z.array(reportTableSchema),
})

export const annualResponseSchema = z.strictObject({
  team: z.strictObject({ id: z.string(), name: z.string() }),
  year: z.number().int(),
  disclosure: disclosureSchema,
  overview: overviewResponseSchema.omit({ filters: true, disclosure: true }),
  tables: z.array(reportTableSchema),
  activity: z.array(reportTableSchema),
})
