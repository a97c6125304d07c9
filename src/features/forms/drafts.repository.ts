// Forms in progress (form_drafts): one draft per user, kept step by step until the form is sent or
// the draft expires; and drafts without an owner, the answers of a step sent after the session had
// ended, taken over by the next login in that browser.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'

export interface Draft {
  readonly id: string
  readonly answers: Record<string, unknown>
  readonly idempotencyKey: string
  readonly updatedAt: Date
}

type Db = Kysely<Database>

/** The user's draft, unless it has expired. */
export async function findDraft(db: Db, userId: string, now: Date): Promise<Draft | undefined> {
  const row = await db
    .selectFrom('form_drafts')
    .select(['id', 'answers', 'idempotency_key', 'updated_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return row ? { id: row.id, answers: row.answers, idempotencyKey: row.idempotency_key, updatedAt: row.updated_at } : undefined
}

/**
 * Stores the user's answers so far: a new draft (with `newKey` as its idempotency key), or the
 * existing one updated, its key kept (an expired one starts again with the new key). Expired
 * drafts of anyone are removed on the way.
 */
export async function saveDraft(
  db: Db,
  draft: { id: string; userId: string; answers: Record<string, unknown>; newKey: string; now: Date; expiresAt: Date },
): Promise<Draft> {
  await deleteExpiredDrafts(db, draft.now)
  const row = await db
    .insertInto('form_drafts')
    .values({
      id: draft.id,
      user_id: draft.userId,
      answers: JSON.stringify(draft.answers),
      idempotency_key: draft.newKey,
      created_at: draft.now,
      updated_at: draft.now,
      expires_at: draft.expiresAt,
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        answers: eb.ref('excluded.answers'),
        updated_at: eb.ref('excluded.updated_at'),
        expires_at: eb.ref('excluded.expires_at'),
      })),
    )
    .returning(['id', 'answers', 'idempotency_key', 'updated_at'])
    .executeTakeFirstOrThrow()
  return { id: row.id, answers: row.answers, idempotencyKey: row.idempotency_key, updatedAt: row.updated_at }
}

export async function deleteDraft(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('form_drafts').where('user_id', '=', userId).execute()
}

export async function deleteExpiredDrafts(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('form_drafts').where('expires_at', '<=', now).execute()
}

/** Keeps answers sent without a session, for the next login in the same browser to take over. */
export async function saveOwnerlessDraft(
  db: Db,
  draft: { id: string; answers: Record<string, unknown>; idempotencyKey: string; now: Date; expiresAt: Date },
): Promise<void> {
  await deleteExpiredDrafts(db, draft.now)
  await db
    .insertInto('form_drafts')
    .values({
      id: draft.id,
      user_id: null,
      answers: JSON.stringify(draft.answers),
      idempotency_key: draft.idempotencyKey,
      created_at: draft.now,
      updated_at: draft.now,
      expires_at: draft.expiresAt,
    })
    .execute()
}

/** Removes and returns an ownerless draft (once: a second call finds nothing). */
export async function takeOwnerlessDraft(db: Db, id: string, now: Date): Promise<Draft | undefined> {
  const row = await db
    .deleteFrom('form_drafts')
    .where('id', '=', id)
    .where('user_id', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'answers', 'idempotency_key', 'updated_at'])
    .executeTakeFirst()
  return row ? { id: row.id, answers: row.answers, idempotencyKey: row.idempotency_key, updatedAt: row.updated_at } : undefined
}
