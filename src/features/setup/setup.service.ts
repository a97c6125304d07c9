// First run: while no active administrator exists, the set-up address (its secret printed by the
// server at start, or SETUP_TOKEN) creates the first national administrator and, if given, the
// first team. The check and the creation take turns with every other change of administrators,
// so two submissions at once create one administrator.
import { createHash, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { ConflictError, ValidationError, type FieldError } from '../../errors.js'
import { hashPassword } from '../../lib/password.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { teamFieldsSchema } from '../teams/teams.schemas.js'
import { insertTeam } from '../teams/teams.repository.js'
import { adminSchema, insertNationalAdmin } from '../users/admin-bootstrap.service.js'
import { lockAdministrators } from '../users/admin-users.service.js'
import { hasActiveAdmin } from '../users/users.repository.js'

/** The set-up address was used already, or an administrator exists: it no longer creates one. */
export class SetupClosedError extends ConflictError {}

/** Compares the secret in constant time (hashes first, so different lengths take the same time). */
export function setupTokenMatches(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string' || given === '') return false
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(expected), digest(given))
}

export const setupIsOpen = async (deps: Pick<AppDeps, 'db'>): Promise<boolean> => !(await hasActiveAdmin(deps.db))

const TEAM_FIELDS = ['teamName', 'policeDepartment', 'wellbeingCounty', 'municipalities'] as const

/** The optional first team: nothing given means no team; anything given means a whole team. */
function parseTeam(raw: Record<string, unknown>): { team: z.output<typeof teamFieldsSchema> | undefined; fields: FieldError[] } {
  const given = TEAM_FIELDS.some((key) => {
    const value = raw[key]
    return Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value.trim() !== ''
  })
  if (!given) return { team: undefined, fields: [] }
  const parsed = teamFieldsSchema.safeParse({
    name: raw.teamName ?? '',
    policeDepartment: raw.policeDepartment ?? '',
    wellbeingCounty: raw.wellbeingCounty ?? '',
    municipalities: raw.municipalities ?? [],
  })
  if (parsed.success) return { team: parsed.data, fields: [] }
  const fields = fieldErrorsFromZod(parsed.error.issues).map((f) => (f.field === 'name' ? { ...f, field: 'teamName' } : f))
  return { team: undefined, fields }
}

export interface FirstAdminResult {
  adminId: string
  teamId: string | undefined
}

export async function createFirstAdmin(deps: AppDeps, input: unknown, ip: string): Promise<FirstAdminResult> {
  const raw = (input ?? {}) as Record<string, unknown>
  const admin = adminSchema.safeParse({ name: raw.name, email: raw.email, phone: raw.phone, password: raw.password })
  const fields: FieldError[] = admin.success ? [] : fieldErrorsFromZod(admin.error.issues)
  if (raw.password !== raw.passwordConfirm && !fields.some((f) => f.field === 'password')) {
    fields.push({ field: 'passwordConfirm', code: 'passwords_differ' })
  }
  const { team, fields: teamFields } = parseTeam(raw)
  fields.push(...teamFields)
  if (!admin.success || fields.length > 0) throw new ValidationError(fields)

  const passwordHash = await hashPassword(admin.data.password)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    await lockAdministrators(trx)
    if (await hasActiveAdmin(trx)) throw new SetupClosedError()
    const adminId = await insertNationalAdmin(trx, admin.data, passwordHash, now, { via: 'setup_page', ip })
    let teamId: string | undefined
    if (team) {
      teamId = await insertTeam(trx, team, now)
      await recordAudit(trx, { event: 'team_created', at: now, actorUserId: adminId, ip, details: { teamId, via: 'setup_page' } })
    }
    return { adminId, teamId }
  })
}
