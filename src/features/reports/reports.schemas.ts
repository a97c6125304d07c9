// Response schemas of the report API. A count is either published with its value or withheld with
// none; every answer says where its numbers come from (the reader's own team, exactly, or a release,
// protected) and carries the method and its parameters. The serializer checks every answer against
// these, so a withheld value cannot leave the server even by mistake.
import { z } from 'zod'

export const protectedCountSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.enum(['published']), value: z.number().int().nonnegative() }),
  z.strictObject({ status: z.enum(['withheld']), value: z.null() }),
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

/** Where the numbers come from, and how those beyond one's own team are protected. */
export const publicationSchema = z.strictObject({
  source: z.enum(['team', 'release', 'none']),
  release: z.strictObject({ id: z.number().int(), throughMonth: z.string(), madeAt: z.string() }).nullable(),
  statement: z.string(),
  method: z.strictObject({
    name: z.string(),
    threshold: z.number().int(),
    maxNoise: z.number().int(),
    noiseVariance: z.number(),
    minForms: z.number().int(),
  }),
})

export const noticeSchema = z
  .strictObject({ code: z.string(), message: z.string() })
  .nullable()

export const overviewResponseSchema = z.strictObject({
  filters: filtersEchoSchema,
  publication: publicationSchema,
  forms: protectedCountSchema,
  firstMeetings: protectedCountSchema,
  followUps: protectedCountSchema,
  under15: protectedCountSchema,
  referred: protectedCountSchema,
  firstMeetingsShare: z.number().nullable(),
  under15Share: z.number().nullable(),
  referredShare: z.number().nullable(),
  trend: reportTableSchema,
})

export const tableResponseSchema = z.strictObject({
  filters: filtersEchoSchema.extend({ by: z.string().nullable().optional(), level: z.string().optional(), question: z.string().optional() }),
  publication: publicationSchema,
  notice: noticeSchema,
  table: reportTableSchema.nullable(),
  withheldColumns: z.array(z.string()),
})

export const activityResponseSchema = z.strictObject({
  filters: z.strictObject({ area: z.string() }),
  publication: publicationSchema,
  tables: z.array(reportTableSchema),
})

export const annualResponseSchema = z.strictObject({
  team: z.strictObject({ id: z.string(), name: z.string() }),
  year: z.number().int(),
  publication: publicationSchema,
  notice: noticeSchema,
  overview: overviewResponseSchema.omit({ filters: true, publication: true }),
  tables: z.array(reportTableSchema),
  activity: z.array(reportTableSchema),
})
