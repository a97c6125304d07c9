// What the withdrawal pages accept: a form's id, a reason from the fixed list, a request's id.
import { z } from 'zod'
import { WITHDRAWAL_REASONS } from '../../db/schema.js'

export const formIdParams = z.object({ id: z.uuid() })
export const requestIdParams = z.object({ id: z.uuid() })

/** The request form: one reason from the list, required (`required` when none or an unknown one is sent). */
export const withdrawalRequestSchema = z.object({
  reason: z.enum(WITHDRAWAL_REASONS, 'required'),
})
export type WithdrawalRequestInput = z.infer<typeof withdrawalRequestSchema>

export const decisionActions = { confirm: 'confirmed', decline: 'declined' } as const
export type DecisionAction = keyof typeof decisionActions
