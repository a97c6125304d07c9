// A team activity record: a young person who refused to take part (month and age band only), or
// an Anchor coffee meeting or stakeholder meeting (month and number of participants).
import { z } from 'zod'
import { ACTIVITY_KINDS, REFUSAL_AGE_BANDS } from '../../db/schema.js'
import { EARLIEST_MONTH } from '../forms/submission-schema.js'

export const MAX_PARTICIPANTS = 10_000

export function activitySchema(currentMonth: () => string) {
  return z
    .strictObject(
      {
        kind: z.enum(ACTIVITY_KINDS, 'invalid_choice'),
        month: z
          .string('invalid_month')
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'invalid_month')
          .refine((v) => v >= EARLIEST_MONTH, 'month_too_early')
          .refine((v) => v <= currentMonth(), 'month_in_future'),
        ageBand: z.enum(REFUSAL_AGE_BANDS, 'invalid_choice').optional(),
        participants: z.number('invalid_number').int('invalid_number').min(1, 'too_small').max(MAX_PARTICIPANTS, 'too_big').optional(),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_body') },
    )
    .superRefine(
      (value, ctx) => {
        if (value.kind === undefined) return
        const refusal = value.kind === 'refusal'
        if (refusal && value.ageBand === undefined) ctx.addIssue({ code: 'custom', path: ['ageBand'], message: 'required' })
        if (!refusal && value.ageBand !== undefined) ctx.addIssue({ code: 'custom', path: ['ageBand'], message: 'not_applicable' })
        if (!refusal && value.participants === undefined) ctx.addIssue({ code: 'custom', path: ['participants'], message: 'required' })
        if (refusal && value.participants !== undefined) ctx.addIssue({ code: 'custom', path: ['participants'], message: 'not_applicable' })
      },
      { when: () => true },
    )
}

export type ActivityInput = z.output<ReturnType<typeof activitySchema>>
