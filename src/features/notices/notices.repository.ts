// What the notices need from the users table: a recipient's address and language, the active
// administrators, and the registrations the administrators' digest has not mentioned yet.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database, UserLanguage } from '../../db/schema.js'

export { countPendingRegistrations } from '../users/users.repository.js'

type Db = Kysely<Database> | Transaction<Database>

export interface NoticeRecipient {
  id: string
  email: string
  phone: string | null
  language: UserLanguage
}

export async function findNoticeRecipient(db: Db, userId: string): Promise<NoticeRecipient | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'phone', 'language']).where('id', '=', userId).executeTakeFirst()
}

export async function listActiveAdministrators(db: Db): Promise<NoticeRecipient[]> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'phone', 'language'])
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .orderBy('created_at')
    .execute()
}

/** Digests are decided one at a time in the whole service (every instance, every request). */
const DIGEST_LOCK_KEY = 7240018

export async function lockRegistrationsDigest(trx: Transaction<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(DIGEST_LOCK_KEY)})`.execute(trx)
}

/** When the latest digest went out (the latest moment a registration was first mentioned in one). */
export async function latestDigestAt(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.max('admins_notified_at').as('latest'))
    .executeTakeFirst()
  const latest: unknown = row?.latest
  return latest ? new Date(latest as string | Date) : null
}

/** Marks the pending registrations no digest has mentioned as mentioned now; how many there were. */
export async function markUnmentionedRegistrations(db: Db, now: Date): Promise<number> {
  const result = await db
    .updateTable('users')
    .set({ admins_notified_at: now })
    .where('status', '=', 'pending')
    .where('admins_notified_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
