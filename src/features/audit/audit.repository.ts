// The append-only audit log: who did what and when. Never passwords, codes, tokens or form answers;
// the table's triggers refuse UPDATE, DELETE and TRUNCATE.
import { createHmac } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { AuditEvent, Database } from '../../db/schema.js'

export interface AuditEntry {
  event: AuditEvent
  at: Date
  actorUserId?: string | null
  subjectUserId?: string | null
  accountKey?: string | null
  ip?: string | null
  /** Codes and ids only (role names, team ids, reasons): never personal data or secrets. */
  details?: Record<string, string | number | boolean | null>
}

export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      occurred_at: entry.at,
      event: entry.event,
      actor_user_id: entry.actorUserId ?? null,
      subject_user_id: entry.subjectUserId ?? null,
      account_key: entry.accountKey ?? null,
      ip: entry.ip ? entry.ip.slice(0, 64) : null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute()
}

/**
 * A keyed hash of an e-mail address: counts failed logins per account, known or not, without
 * writing the address itself into the log.
 */
export function accountKeyOf(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`account:${email.trim().toLowerCase()}`).digest('hex')
}

/** Failed password and code steps: what the login throttle counts (never refused VIRTU answers). */
const LOGIN_FAILURES = ['login_failure', 'code_failure'] as const

type FailureScope = { accountKey: string; ip?: string } | { ip: string }

function failuresQuery(db: Kysely<Database> | Transaction<Database>, by: FailureScope, since: Date) {
  let query = db.selectFrom('audit_log').where('event', 'in', LOGIN_FAILURES).where('occurred_at', '>', since)
  if ('accountKey' in by) query = query.where('account_key', '=', by.accountKey)
  if (by.ip !== undefined) query = query.where('ip', '=', by.ip.slice(0, 64))
  return query
}

/** How many login failures of an account, an address, or an account from an address since a moment, and the newest. */
export async function countRecentFailures(
  db: Kysely<Database> | Transaction<Database>,
  by: FailureScope,
  since: Date,
): Promise<{ count: number; newest: Date | null }> {
  const row = await failuresQuery(db, by, since)
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('occurred_at').as('newest')])
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), newest: row.newest ? new Date(row.newest as Date) : null }
}

/** When the n-th newest login failure since a moment happened; null when there are fewer than n. */
export async function nthNewestFailure(
  db: Kysely<Database> | Transaction<Database>,
  by: FailureScope,
  since: Date,
  n: number,
): Promise<Date | null> {
  const row = await failuresQuery(db, by, since)
    .select('occurred_at')
    .orderBy('occurred_at', 'desc')
    .offset(n - 1)
    .limit(1)
    .executeTakeFirst()
  return row ? new Date(row.occurred_at) : null
}

/** The user's latest successful login from an address since a moment, if any. */
export async function latestLoginFrom(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
  ip: string,
  since: Date,
): Promise<Date | null> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('occurred_at').as('latest'))
    .where('event', '=', 'login_success')
    .where('actor_user_id', '=', userId)
    .where('ip', '=', ip.slice(0, 64))
    .where('occurred_at', '>', since)
    .executeTakeFirstOrThrow()
  return row.latest ? new Date(row.latest as Date) : null
}

export interface AuditRow {
  id: string
  occurredAt: Date
  event: AuditEvent
  actorUserId: string | null
  actorName: string | null
  subjectUserId: string | null
  subjectName: string | null
  ip: string | null
  details: Record<string, unknown>
}

export interface AuditFilter {
  readonly event?: AuditEvent
  /** Entries where this user acted or was acted on. */
  readonly userId?: string
  /** From this moment (inclusive) to that one (exclusive). */
  readonly from?: Date
  readonly to?: Date
}

/** Where a page of the log starts: entries older than an id (newest first) or newer than one. */
export type AuditCursor = { readonly olderThan: string } | { readonly newerThan: string } | Record<string, never>

function filteredAudit(db: Kysely<Database>, filter: AuditFilter) {
  let query = db.selectFrom('audit_log as a')
  if (filter.event) query = query.where('a.event', '=', filter.event)
  if (filter.userId) {
    const userId = filter.userId
    query = query.where((eb) => eb.or([eb('a.actor_user_id', '=', userId), eb('a.subject_user_id', '=', userId)]))
  }
  if (filter.from) query = query.where('a.occurred_at', '>=', filter.from)
  if (filter.to) query = query.where('a.occurred_at', '<', filter.to)
  return query
}

/**
 * One page of matching entries, newest first, found by id (keyset paging: a page is as quick to
 * find at the end of the log as at its start, and new entries never shift one).
 */
export async function listAudit(db: Kysely<Database>, limit: number, filter: AuditFilter = {}, cursor: AuditCursor = {}): Promise<AuditRow[]> {
  let query = filteredAudit(db, filter)
    .leftJoin('users as actor', 'actor.id', 'a.actor_user_id')
    .leftJoin('users as subject', 'subject.id', 'a.subject_user_id')
    .select([
      'a.id as id',
      'a.occurred_at as occurredAt',
      'a.event as event',
      'a.actor_user_id as actorUserId',
      'actor.name as actorName',
      'a.subject_user_id as subjectUserId',
      'subject.name as subjectName',
      'a.ip as ip',
      'a.details as details',
    ])
  // bigint ids come back as text from pg and as numbers from PGlite: always text here
  const withTextIds = (rows: AuditRow[]) => rows.map((row) => ({ ...row, id: String(row.id) }))
  if ('newerThan' in cursor) {
    // the entries just above the cursor: read upwards, then turned to newest first
    const rows = await query.where('a.id', '>', cursor.newerThan).orderBy('a.id', 'asc').limit(limit).execute()
    return withTextIds(rows.reverse())
  }
  if ('olderThan' in cursor) query = query.where('a.id', '<', cursor.olderThan)
  return withTextIds(await query.orderBy('a.id', 'desc').limit(limit).execute())
}

/** How many matching entries there are in all, and how many of them are newer than an id. */
export async function countAudit(db: Kysely<Database>, filter: AuditFilter, newerThan?: string): Promise<{ total: number; newer: number }> {
  const row = await filteredAudit(db, filter)
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      (newerThan === undefined ? eb.lit(0) : eb.fn.count<string>('a.id').filterWhere('a.id', '>', newerThan)).as('newer'),
    ])
    .executeTakeFirstOrThrow()
  return { total: Number(row.total), newer: Number(row.newer) }
}

/** Names of people by id, for ids that appear inside an entry's details. */
export async function userNamesByIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/.test(id))
  if (valid.length === 0) return new Map()
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', valid).execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}
