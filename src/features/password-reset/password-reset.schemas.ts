// The password reset forms' fields: the work e-mail address, the link's secret, and the new
// password twice (the same rules as registration).
import { z } from 'zod'
import { emailSchema, passwordSchema } from '../users/users.schemas.js'

export const forgotPasswordSchema = z.object({
  email: emailSchema,
})

/** The secret of a reset link: 32 random bytes in base64url, 43 characters. */
export const resetTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/)

export const newPasswordSchema = z.object({
  password: passwordSchema,
  passwordConfirm: z.string('required'),
})
