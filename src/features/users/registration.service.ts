// Registration: a new expert asks for an account; it stays pending until an administrator
// approves it. An address already registered gets the same answer, so the form reveals nobody.
import { translateDatabaseError } from '../../db/pg-errors.js'
import { ConflictError, ValidationError, type FieldError } from '../../errors.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import { hashPassword } from '../../lib/password.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { findTeam } from '../teams/teams.repository.js'
import { registrationSchema } from './users.schemas.js'
import { findUserByEmail, insertUser } from './users.repository.js'

export type RegistrationOutcome = 'registered' | 'already_registered'

export async function registerSmsUser(deps: AppDeps, input: unknown, ip: string): Promise<RegistrationOutcome> {
  const parsed = registrationSchema.safeParse(input)
  const fields: FieldError[] = parsed.success ? [] : fieldErrorsFromZod(parsed.error.issues)
  const raw = (input ?? {}) as Record<string, unknown>
  if (raw.password !== raw.passwordConfirm && !fields.some((f) => f.field === 'passwordConfirm')) {
    fields.push({ field: 'passwordConfirm', code: 'passwords_differ' })
  }
  if (parsed.success && !(await findTeam(deps.db, parsed.data.teamId))) fields.push({ field: 'teamId', code: 'invalid_choice' })
  if (!parsed.success || fields.length > 0) throw new ValidationError(fields)

  const data = parsed.data
  // Hash first, so a known and an unknown address take the same time: the answer reveals nobody.
  const passwordHash = await hashPassword(data.password)
  if (await findUserByEmail(deps.db, data.email)) return 'already_registered'
  const now = deps.clock.now()
  try {
    await deps.db.transaction().execute(async (trx) => {
    const id = await insertUser(trx, {
      name: data.name,
      email: data.email,
      phone: data.phone,
      team_id: data.teamId,
      profession: data.profession,
      role: 'expert',
      login_method: 'sms',
      password_hash: passwordHash,
      status: 'pending',
      created_at: now,
      updated_at: now,
    })
    await recordAudit(trx, { event: 'registration', at: now, subjectUserId: id, ip, details: { method: 'sms' } })
    })
  } catch (error) {
    // Two registrations of one address at the same moment: the database's unique index decides.
    if (translateDatabaseError(error) instanceof ConflictError) return 'already_registered'
    throw error
  }
  return 'registered'
}
