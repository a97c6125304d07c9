// Sessions after strong identification: created only by a completed SMS or VIRTU login, checked on
// every request against the database so logout and disabling a user take effect at once.
import type { LoginMethod, UserRole } from '../../db/schema.js'
import type { AppDeps } from '../../plugins/deps.js'
import { batcher } from '../../lib/batcher.js'
import { endSession, findSessionsWithUsers, insertSession, touchSession, type SessionWithUser } from './session.repository.js'

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000
export const SESSION_ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000
/** last_seen_at is written at most this often, to keep page loads free of needless writes. */
const TOUCH_INTERVAL_MS = 60 * 1000

/** The logged-in person a request acts for. */
export interface Actor {
  readonly userId: string
  readonly sessionId: string
  readonly name: string
  readonly email: string
  readonly role: UserRole
  readonly teamId: string | null
  /**
   * The areas the team belongs to as the request began, read with the session so that filing a
   * form needs no query of its own. Absent where the actor was not made from a session.
   */
  readonly teamArea?: { readonly county: string; readonly police: string }
  readonly loginMethod: LoginMethod
  /** Set when the request came with a personal API token instead of a session. */
  readonly tokenId?: string
}

/**
 * Opens a session. Call only after the second factor (SMS code) or a verified SAML assertion:
 * this function is the single place sessions are born.
 */
export async function createSession(deps: AppDeps, userId: string, method: LoginMethod): Promise<{ sessionId: string; expiresAt: Date }> {
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_LIFETIME_MS)
  const sessionId = await insertSession(deps.db, { userId, method, now, expiresAt })
  return { sessionId, expiresAt }
}

const sessionFinders = new WeakMap<AppDeps['db'], (sessionId: string) => Promise<SessionWithUser | undefined>>()

/**
 * Reads a session and its user. Requests that arrive together are looked up in one query, so a
 * busy server asks the database once for many of them.
 */
function findSessionOf(deps: AppDeps): (sessionId: string) => Promise<SessionWithUser | undefined> {
  let find = sessionFinders.get(deps.db)
  if (!find) {
    const db = deps.db
    find = batcher<string, SessionWithUser | undefined>(
      async (ids) => {
        const rows = new Map((await findSessionsWithUsers(db, [...new Set(ids)])).map((row) => [row.sessionId, row]))
        return ids.map((id) => rows.get(id))
      },
      { maxBatch: 100, maxInFlight: 2 },
    )
    sessionFinders.set(db, find)
  }
  return find
}

/** The actor of a live session, or null (ending the session if it has timed out). */
export async function resolveSession(deps: AppDeps, sessionId: string): Promise<Actor | null> {
  const row = await findSessionOf(deps)(sessionId)
  if (!row || row.endedAt) return null
  const now = deps.clock.now()
  if (now.getTime() >= row.expiresAt.getTime()) {
    await endSession(deps.db, sessionId, now, 'expired')
    return null
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= SESSION_IDLE_TIMEOUT_MS) {
    await endSession(deps.db, sessionId, now, 'idle')
    return null
  }
  if (row.status !== 'active') {
    await endSession(deps.db, sessionId, now, 'user_disabled')
    return null
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) await touchSession(deps.db, sessionId, now)
  return {
    userId: row.userId,
    sessionId: row.sessionId,
    name: row.name,
    email: row.email,
    role: row.role,
    teamId: row.teamId,
    ...(row.teamCounty !== null && row.teamPolice !== null ? { teamArea: { county: row.teamCounty, police: row.teamPolice } } : {}),
    loginMethod: row.loginMethod,
  }
}

export async function logout(deps: AppDeps, sessionId: string): Promise<void> {
  await endSession(deps.db, sessionId, deps.clock.now(), 'logout')
}
