// VIRTU registration inputs: what the person types (name, work e-mail, team, profession) and the
// identity carried between the ACS and the registration form in a signed cookie.
import { z } from 'zod'
import { emailSchema, nameSchema, professionSchema, teamIdSchema } from '../users/users.schemas.js'

/** The registration form. The VIRTU identity never comes from the form, only from the assertion. */
export const virtuRegistrationSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  teamId: teamIdSchema,
  profession: professionSchema,
})
export type VirtuRegistrationInput = z.output<typeof virtuRegistrationSchema>

const identityPart = z.string().min(1).max(256)

/** A verified VIRTU identity (same limits as the users table's columns). */
export const virtuIdentitySchema = z.object({
  localId: identityPart,
  homeOrganization: identityPart,
  name: z.string().max(200).optional(),
  email: z.string().max(254).optional(),
})
export type VirtuIdentity = z.output<typeof virtuIdentitySchema>

/** The content of the pending-registration cookie: the identity and when it stops being usable. */
export const pendingRegistrationSchema = z.object({
  identity: virtuIdentitySchema,
  /** Milliseconds since the epoch, by the app's clock. */
  expiresAt: z.number().int(),
})
export type PendingRegistration = z.output<typeof pendingRegistrationSchema>
