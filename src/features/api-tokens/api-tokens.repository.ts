// api_tokens rows: create, list (one user's, or every live one for administrators), find by hash,
// note a use, revoke, and look up names by id.
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export interface TokenRow {
  id: string
  userId: string
  userName: string
  name: string
  createdAt: Date
  expiresAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

export async function insertToken(db: Db, token: { id: string; userId: string; name: string; hash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({ id: token.id, user_id: token.userId, name: token.name, token_hash: token.hash, created_at: token.createdAt, expires_at: token.expiresAt })
    .execute()
}

function listQuery(db: Db) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.user_id as userId',
      'users.name as userName',
      'api_tokens.name',
      'api_tokens.created_at as createdAt',
      'api_tokens.expires_at as expiresAt',
      'api_tokens.last_used_at as lastUsedAt',
      'api_tokens.revoked_at as revokedAt',
    ])
    .orderBy('api_tokens.created_at', 'desc')
}

export async function listTokensOf(db: Db, userId: string): Promise<TokenRow[]> {
  return listQuery(db).where('api_tokens.user_id', '=', userId).limit(100).execute()
}

export async function listLiveTokens(db: Db, now: Date): Promise<TokenRow[]> {
  return listQuery(db).where('api_tokens.revoked_at', 'is', null).where('api_tokens.expires_at', '>', now).limit(500).execute()
}

export async function findTokenByHash(db: Db, hash: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'user_id as userId', 'expires_at as expiresAt', 'revoked_at as revokedAt'])
    .where('token_hash', '=', hash)
    .executeTakeFirst()
}

export async function findToken(db: Db, id: string) {
  return db.selectFrom('api_tokens').select(['id', 'user_id as userId', 'revoked_at as revokedAt']).where('id', '=', id).executeTakeFirst()
}

export async function noteTokenUse(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute()
}

export async function revokeToken(db: Db, id: string, by: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: at, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Revokes every live token of a user (after a password reset); how many there were. */
export async function revokeLiveTokensOf(db: Db, userId: string, by: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at, revoked_by: by })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** The names of tokens by id (for the audit log, which records tokens by id only); unknown ids are left out. */
export async function tokenNamesByIds(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/.test(id))
  if (valid.length === 0) return new Map()
  const rows = await db.selectFrom('api_tokens').select(['id', 'name']).where('id', 'in', valid).execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}
