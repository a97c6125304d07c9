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

/**
 * Free text stored about a user (a name, an organisation): printable, at least two characters, and
 * screened, since it could describe a young person as well: an identity code, phone or e-mail
 * address in it is refused.
 */
function screenedTextSchema(maxLength: number) {
  return z
    .string('required')
    .trim()
    .refine(noControlCharacters, 'invalid')
    .refine(noBidiControls, 'bidi_control')
    .min(1, 'required')
    .min(2, 'too_short')
    .max(maxLength, 'too_long')
    .refine((text) => text.length > maxLength || findPersonalData(text) === undefined, 'personal_data')
}

export const nameSchema = screenedTextSchema(120)

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

/** The organisation a researcher works for: stored free text, so screened like a name (users_organisation_text). */
export const organisationSchema = screenedTextSchema(160)

/** The roles a person may ask for when registering (an administrator is never self-registered). */
export const REGISTRATION_ROLES = ['expert', 'researcher'] as const
export type RegistrationRole = (typeof REGISTRATION_ROLES)[number]

/** What every registrant gives, whatever the role. */
export const registrationCommonSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  phone: mobileSchema,
  password: passwordSchema,
  passwordConfirm: z.string('required'),
})

/**
 * An expert of an Anchor team gives a team and a profession; a researcher gives an organisation.
 * Fields of the other group are dropped (the page without JavaScript shows both groups).
 */
export const registrationSchema = z.discriminatedUnion(
  'role',
  [
    registrationCommonSchema.extend({ role: z.enum(['expert']), teamId: teamIdSchema, profession: professionSchema }),
    registrationCommonSchema.extend({ role: z.enum(['researcher']), organisation: organisationSchema }),
  ],
  { error: 'choose_one' },
)
export type RegistrationInput = z.output<typeof registrationSchema>

const emptyToNull = (value: unknown) => (value === '' || value === undefined ? null : value)

export const roleChangeSchema = z.object({
  role: z.enum(USER_ROLES, 'invalid_choice'),
  teamId: z.preprocess(emptyToNull, z.uuid('invalid_choice').nullable()),
  // an expert always has a profession; for others it may be left empty
  profession: z.preprocess(emptyToNull, z.enum(PROFESSIONS, 'invalid_choice').nullable()),
})
