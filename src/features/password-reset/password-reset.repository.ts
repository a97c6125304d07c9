// Password reset rows (a hashed link secret, its SMS code, wrong codes, single use) and the few
// user and audit queries the reset needs.
import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

/** Wrong codes a reset link survives; the fifth kills it, however many codes were sent. */
export const MAX_RESET_CODE_FAILURES = 5

export interface ResetRow {
  id: string
  userId: string
  createdAt: Date
  expiresAt: Date
  smsChallengeId: string | null
  codeFailures: number
  codeVerifiedAt: Date | null
  usedAt: Date | null
  supersededAt: Date | null
}

const RESET_COLUMNS = [
  'id',
  'user_id as userId',
  'created_at as createdAt',
  'expires_at as expiresAt',
  'sms_challenge_id as smsChallengeId',
  'code_failures as codeFailures',
  'code_verified_at as codeVerifiedAt',
  'used_at as usedAt',
  'superseded_at as supersededAt',
] as const

/**
 * Takes the user's row lock for the rest of the transaction, so that the links-per-hour limit and
 * "one open link" hold when requests for one account arrive together.
 */
export async function lockUserForResets(trx: Transaction<Database>, userId: string): Promise<void> {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute()
}

/** How many reset e-mails (links or VIRTU notices) went to the account since a moment, from the audit log. */
export async function countResetEmailsSince(db: Db, userId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('event', '=', 'password_reset_requested')
    .where('subject_user_id', '=', userId)
    .where('occurred_at', '>', since)
    .where(sql<string>`details->>'outcome'`, 'in', ['link_sent', 'virtu_notice'])
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Marks the user's open links superseded: only the newest link works. */
export async function supersedeOpenResets(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('password_resets')
    .set({ superseded_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute()
}

export async function insertReset(db: Db, row: { userId: string; tokenHash: string; now: Date; expiresAt: Date }): Promise<string> {
  const inserted = await db
    .insertInto('password_resets')
    .values({ user_id: row.userId, token_hash: row.tokenHash, created_at: row.now, expires_at: row.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

export async function findResetByTokenHash(db: Db, tokenHash: string): Promise<ResetRow | undefined> {
  return db.selectFrom('password_resets').select(RESET_COLUMNS).where('token_hash', '=', tokenHash).executeTakeFirst()
}

export async function findResetById(db: Db, id: string): Promise<ResetRow | undefined> {
  return db.selectFrom('password_resets').select(RESET_COLUMNS).where('id', '=', id).executeTakeFirst()
}

/** The same row under its lock, for the last step. */
export async function lockResetById(trx: Transaction<Database>, id: string): Promise<ResetRow | undefined> {
  return trx.selectFrom('password_resets').select(RESET_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Binds the SMS code sent for a reset to it: only that code passes the reset's code step. */
export async function attachChallenge(db: Db, resetId: string, challengeId: string): Promise<void> {
  await db
    .updateTable('password_resets')
    .set({ sms_challenge_id: challengeId })
    .where('id', '=', resetId)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute()
}

/** Counts one wrong code atomically; returns the count after it (the maximum when it was already reached). */
export async function countResetCodeFailure(db: Db, resetId: string): Promise<number> {
  const row = await db
    .updateTable('password_resets')
    .set({ code_failures: sql`code_failures + 1` })
    .where('id', '=', resetId)
    .where('code_failures', '<', MAX_RESET_CODE_FAILURES)
    .returning('code_failures')
    .executeTakeFirst()
  return row?.code_failures ?? MAX_RESET_CODE_FAILURES
}

/** Notes that the reset's code was right; false when the link died in the meantime. */
export async function markCodeVerified(db: Db, resetId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ code_verified_at: now })
    .where('id', '=', resetId)
    .where('sms_challenge_id', 'is not', null)
    .where('code_verified_at', 'is', null)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', now)
    .where('code_failures', '<', MAX_RESET_CODE_FAILURES)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Uses the link up; false when another request used it first. */
export async function markResetUsed(db: Db, resetId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', resetId)
    .where('code_verified_at', 'is not', null)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function updatePasswordHash(db: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', userId).execute()
}
