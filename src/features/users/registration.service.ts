// Registration: a new expert of an Anchor team (team and profession) or a researcher (organisation,
// no team) asks for an account in the role that fits them; it stays pending until an administrator
// approves that role. An address already registered gets the same answer, so the form reveals
// nobody. A new registration starts the administrators' digest check.
import type { FastifyBaseLogger } from 'fastify'
import { translateDatabaseError } from '../../db/pg-errors.js'
import type { NewUser } from '../../db/schema.js'
import { ConflictError, ValidationError, type FieldError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import { hashPassword } from '../../lib/password.js'
import { startTimer, waitUntilElapsed } from '../../lib/steady-timing.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { runInBackground } from '../notices/background.js'
import { sendRegistrationsDigestIfDue } from '../notices/registrations-digest.js'
import { findTeam } from '../teams/teams.repository.js'
import { registrationCommonSchema, registrationSchema, type RegistrationInput } from './users.schemas.js'
import { findUserByEmail, insertUser } from './users.repository.js'

export type RegistrationOutcome = 'registered' | 'already_registered'

/** Who is registering: from the request, not from the form. */
export interface RegistrationContext {
  readonly ip: string
  /** the page's language, kept for the person's notices */
  readonly lang: Lang
  readonly log: FastifyBaseLogger
}

/** Every problem of the form at once: without a role, the fields every registrant fills in are checked too. */
async function validateRegistration(deps: Pick<AppDeps, 'db'>, input: unknown): Promise<RegistrationInput> {
  const parsed = registrationSchema.safeParse(input)
  const fields: FieldError[] = []
  if (!parsed.success) {
    fields.push(...fieldErrorsFromZod(parsed.error.issues))
    if (fields.some((f) => f.field === 'role')) {
      const common = registrationCommonSchema.safeParse(input)
      if (!common.success) fields.push(...fieldErrorsFromZod(common.error.issues))
    }
  }
  const raw = (input ?? {}) as Record<string, unknown>
  if (raw.password !== raw.passwordConfirm && !fields.some((f) => f.field === 'passwordConfirm')) {
    fields.push({ field: 'passwordConfirm', code: 'passwords_differ' })
  }
  if (parsed.success && parsed.data.role === 'expert' && !(await findTeam(deps.db, parsed.data.teamId))) {
    fields.push({ field: 'teamId', code: 'invalid_choice' })
  }
  if (!parsed.success || fields.length > 0) throw new ValidationError(fields)
  return parsed.data
}

/** The role's own columns: an expert's team and profession, or a researcher's organisation. */
function roleColumns(data: RegistrationInput): Pick<NewUser, 'role' | 'team_id' | 'profession' | 'organisation'> {
  return data.role === 'expert'
    ? { role: 'expert', team_id: data.teamId, profession: data.profession, organisation: null }
    : { role: 'researcher', team_id: null, profession: null, organisation: data.organisation }
}

/**
 * A valid registration is answered no sooner than this: storing a new one takes a little longer
 * than finding a known address, and the answer must not tell which it was.
 */
export const REGISTRATION_ANSWER_MIN_MS = 250

export async function registerSmsUser(deps: AppDeps, input: unknown, context: RegistrationContext): Promise<RegistrationOutcome> {
  const data = await validateRegistration(deps, input)
  const started = startTimer()
  try {
    return await storeRegistration(deps, data, context)
  } finally {
    await waitUntilElapsed(started, REGISTRATION_ANSWER_MIN_MS)
  }
}

async function storeRegistration(deps: AppDeps, data: RegistrationInput, context: RegistrationContext): Promise<RegistrationOutcome> {
  const passwordHash = await hashPassword(data.password)
  if (await findUserByEmail(deps.db, data.email)) return 'already_registered'
  const now = deps.clock.now()
  try {
    await deps.db.transaction().execute(async (trx) => {
      const id = await insertUser(trx, {
        name: data.name,
        email: data.email,
        phone: data.phone,
        ...roleColumns(data),
        language: context.lang,
        login_method: 'sms',
        password_hash: passwordHash,
        status: 'pending',
        created_at: now,
        updated_at: now,
      })
      await recordAudit(trx, { event: 'registration', at: now, subjectUserId: id, ip: context.ip, details: { method: 'sms', role: data.role } })
    })
  } catch (error) {
    // Two registrations of one address at the same moment: the database's unique index decides.
    if (translateDatabaseError(error) instanceof ConflictError) return 'already_registered'
    throw error
  }
  runInBackground(deps, context.log, 'registrations digest', () => sendRegistrationsDigestIfDue(deps, context.log))
  return 'registered'
}
