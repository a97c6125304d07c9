// Creates a national administrator: from the command line (`npm run admin:create`) or the first-run
// set-up page. No default account or password exists anywhere, so these are the only ways the
// first administrator comes to be.
import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { Database } from '../../db/schema.js'
import { ValidationError } from '../../errors.js'
import { hashPassword } from '../../lib/password.js'
import { parseInput } from '../../lib/parse-input.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { emailSchema, mobileSchema, nameSchema, passwordSchema } from './users.schemas.js'
import { findUserByEmail, insertUser } from './users.repository.js'

export const adminSchema = z.object({ email: emailSchema, phone: mobileSchema, name: nameSchema, password: passwordSchema })
export type AdminInput = z.output<typeof adminSchema>

/** How the administrator was created, for the audit log. */
export interface AdminOrigin {
  via: 'command_line' | 'setup_page'
  ip?: string
}

/** Inserts an active national administrator and its audit entry in the caller's transaction. */
export async function insertNationalAdmin(
  trx: Transaction<Database> | Kysely<Database>,
  admin: AdminInput,
  passwordHash: string,
  now: Date,
  origin: AdminOrigin,
): Promise<string> {
  if (await findUserByEmail(trx, admin.email)) throw new ValidationError([{ field: 'email', code: 'already_exists' }])
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
  await recordAudit(trx, { event: 'admin_created', at: now, subjectUserId: id, ip: origin.ip ?? null, details: { via: origin.via } })
  return id
}

export async function createNationalAdmin(deps: Pick<AppDeps, 'db' | 'clock'>, input: unknown): Promise<string> {
  const admin = parseInput(adminSchema, input)
  if (await findUserByEmail(deps.db, admin.email)) throw new ValidationError([{ field: 'email', code: 'already_exists' }])
  const now = deps.clock.now()
  const passwordHash = await hashPassword(admin.password)
  return deps.db.transaction().execute((trx) => insertNationalAdmin(trx, admin, passwordHash, now, { via: 'command_line' }))
}
