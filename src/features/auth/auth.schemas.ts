// The login forms' fields.
import { z } from 'zod'

export const passwordStepSchema = z.object({
  // A NUL byte can never be stored or matched: refuse it here rather than fail in the database.
  email: z.string('required').trim().min(1, 'required').max(254, 'too_long').refine((v) => !v.includes('\u0000'), 'invalid_email'),
  password: z.string('required').min(1, 'required').max(200, 'too_long'),
  next: z.string().optional(),
})

export const codeStepSchema = z.object({
  code: z
    .string('required')
    .transform((value) => value.replace(/\s+/g, ''))
    .pipe(z.string().min(1, 'required').regex(/^\d{6}$/, 'code_format')),
})
