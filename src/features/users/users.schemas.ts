// Registration and administration inputs. The same rules as the users table's CHECKs, so that
// the database never has to reject what the edge let through.
import { z } from 'zod'
import { PROFESSIONS, USER_ROLES } from '../../db/schema.js'
import { isCommonPassword } from '../../lib/common-passwords.js'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../lib/password.js'
import { findPersonalData } from '../../lib/personal-data.js'
import { toE164Mobile } from '../../lib/phone.js'
import { noBidiControls, noControlCharacters } from '../../lib/text-rules.js'

export { noControlCharacters }

/** A name could describe a young person as well as the expert: an identity code, phone or e-mail address in it is refused. */
export const nameSchema = z
  .string('required')
  .trim()
  .refine(noControlCharacters, 'invalid')
  .refine(noBidiControls, 'bidi_control')
  .min(1, 'required')
  .min(2, 'too_short')
  .max(120, 'too_long')
  .refine((name) => name.length > 120 || findPersonalData(name) === undefined, 'personal_data')

export const emailSchema = z
  .string('required')
  .trim()
  .refine(noControlCharacters, 'invalid_email')
  .toLowerCase()
  .min(1, 'required')
  .max(254, 'too_long')
  .pipe(z.email('invalid_email'))

export const mobileSchema = z
  .string('required')
  .trim()
  .min(1, 'required')
  .transform((value, ctx) => {
    const e164 = toE164Mobile(value)
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'invalid_phone' })
      return z.NEVER
    }
    return e164
  })

export const professionSchema = z.enum(PROFESSIONS, 'required')
export const teamIdSchema = z.uuid('required')
export const passwordSchema = z
  .string('required')
  .min(1, 'required')
  .min(PASSWORD_MIN_LENGTH, 'password_too_short')
  .max(PASSWORD_MAX_LENGTH, 'too_long')
  .refine((password) => !isCommonPassword(password), 'password_common')

export const registrationSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  phone: mobileSchema,
  teamId: teamIdSchema,
  profession: professionSchema,
  password: passwordSchema,
  passwordConfirm: z.string('required'),
})

export const roleChangeSchema = z.object({
  role: z.enum(USER_ROLES, 'invalid_choice'),
  teamId: z.preprocess((value) => (value === '' ? null : value), z.uuid('invalid_choice').nullable()),
})
