// Creates a national administrator from the command line: the way the first admin comes to be,
// since no default account or password exists anywhere.
import { z } from 'zod'
import { ValidationError } from '../../errors.js'
import { hashPassword } from '../../lib/password.js'
import { parseInput } from '../../lib/parse-input.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { emailSchema, mobileSchema, nameSchema, passwordSchema } from './users.schemas.js'
import { findUserByEmail, insertUser } from './users.repository.js'

export const adminSchema = z.object({ email: emailSchema, phone: mobileSchema, name: nameSchema, password: passwordSchema })

export async function createNationalAdmin(deps: Pick<AppDeps, 'db' | 'clock'>, input: unknown): Promise<string> {
  const admin = parseInput(adminSchema, input)
  if (await findUserByEmail(deps.db, admin.email)) throw new ValidationError([{ field: 'email', code: 'already_exists' }])
  const now = deps.clock.now()
  const passwordHash = await hashPassword(admin.password)
  return deps.db.transaction().execute(async (trx) => {
    const id = await insertUser(trx, {
      name: admin.name,
      email: admin.email,
      phone: admin.phone,
      team_id: null,
      profession: 'other',
      role: 'admin',
      login_method: 'sms',
      password_hash: passwordHash,
      status: 'active',
      created_at: now,
      updated_at: now,
      decided_at: now,
    })
    await recordAudit(trx, { event: 'admin_created', at: now, subjectUserId: id, details: { via: 'command_line' } })
    return id
  })
}
