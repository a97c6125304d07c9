// SMS challenge rows: a hashed one-time code with its expiry, attempt count and single use.
import type { Kysely, Transaction } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../../db/schema.js'

export const MAX_CODE_ATTEMPTS = 5

/**
 * Takes the user's row lock for the rest of the transaction: sends of a code for one user happen one
 * at a time on every instance, so the send limits and "one live code" cannot be raced.
 */
export async function lockUserForCodes(trx: Transaction<Database>, userId: string): Promise<boolean> {
  const row = await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst()
  return row !== undefined
}

/** Inserts a new code and supersedes the user's earlier open ones (call under lockUserForCodes). */
export async function insertChallenge(
  trx: Transaction<Database>,
  row: { id: string; userId: string; codeHash: string; now: Date; expiresAt: Date },
): Promise<void> {
  // A new code replaces the user's earlier open ones: only the latest SMS is worth typing.
  await trx
    .updateTable('sms_challenges')
    .set({ superseded_at: row.now })
    .where('user_id', '=', row.userId)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute()
  await trx
    .insertInto('sms_challenges')
    .values({ id: row.id, user_id: row.userId, code_hash: row.codeHash, created_at: row.now, expires_at: row.expiresAt })
    .execute()
}

export async function recentChallenges(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
  since: Date,
): Promise<{ count: number; latest: Date | null }> {
  const row = await db
    .selectFrom('sms_challenges')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('created_at').as('latest')])
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), latest: row.latest ? new Date(row.latest as Date) : null }
}

/** The user's newest challenge, whatever its state: what the cool-down and the reuse of a code go by. */
export async function latestChallenge(db: Kysely<Database> | Transaction<Database>, userId: string) {
  return db
    .selectFrom('sms_challenges')
    .select(['id', 'created_at', 'expires_at', 'consumed_at', 'superseded_at', 'attempts'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export async function findChallenge(db: Kysely<Database>, id: string) {
  return db.selectFrom('sms_challenges').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Spends one attempt on a challenge that is still usable, atomically, so parallel guesses cannot
 * exceed the limit. Returns the stored hash and the attempt number, or undefined when unusable.
 */
export async function spendAttempt(
  db: Kysely<Database>,
  id: string,
  now: Date,
): Promise<{ userId: string; codeHash: string; attempts: number } | undefined> {
  return db
    .updateTable('sms_challenges')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', now)
    .where('attempts', '<', MAX_CODE_ATTEMPTS)
    .returning(['user_id as userId', 'code_hash as codeHash', 'attempts'])
    .executeTakeFirst()
}

/**
 * Withdraws a code whose SMS could not be sent, so that a later password step never offers it as
 * the code already on the phone. It still counts for the cool-down and the sends per window.
 */
export async function withdrawChallenge(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db
    .updateTable('sms_challenges')
    .set({ superseded_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute()
}

/** Marks the challenge used; false when another request used it first. */
export async function consumeChallenge(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('sms_challenges')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
