// Session rows: one per login, ended on logout, timeout or when the user is disabled.
import type { Kysely } from 'kysely'
import type { Database, LoginMethod, SessionEndReason, UserRole, UserStatus } from '../../db/schema.js'

export interface SessionWithUser {
  sessionId: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  endedAt: Date | null
  userId: string
  name: string
  email: string
  role: UserRole
  status: UserStatus
  teamId: string | null
  /** the team's wellbeing services county and police department now (null without a team) */
  teamCounty: string | null
  teamPolice: string | null
  loginMethod: LoginMethod
}

export async function insertSession(
  db: Kysely<Database>,
  row: { userId: string; method: LoginMethod; now: Date; expiresAt: Date },
): Promise<string> {
  const inserted = await db
    .insertInto('sessions')
    .values({
      user_id: row.userId,
      method: row.method,
      created_at: row.now,
      last_seen_at: row.now,
      expires_at: row.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

/** The sessions with these ids and their users (those that exist, in no particular order). */
export async function findSessionsWithUsers(db: Kysely<Database>, sessionIds: readonly string[]): Promise<SessionWithUser[]> {
  if (sessionIds.length === 0) return []
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('teams as t', 't.id', 'u.team_id')
    .select([
      's.id as sessionId',
      's.created_at as createdAt',
      's.last_seen_at as lastSeenAt',
      's.expires_at as expiresAt',
      's.ended_at as endedAt',
      'u.id as userId',
      'u.name as name',
      'u.email as email',
      'u.role as role',
      'u.status as status',
      'u.team_id as teamId',
      't.wellbeing_county as teamCounty',
      't.police_department as teamPolice',
      'u.login_method as loginMethod',
    ])
    .where('s.id', 'in', sessionIds)
    .execute()
}

export async function touchSession(db: Kysely<Database>, sessionId: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', sessionId).where('ended_at', 'is', null).execute()
}

export async function endSession(db: Kysely<Database>, sessionId: string, now: Date, reason: SessionEndReason): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('id', '=', sessionId)
    .where('ended_at', 'is', null)
    .execute()
}

export async function endSessionsOfUser(db: Kysely<Database>, userId: string, now: Date, reason: SessionEndReason): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
