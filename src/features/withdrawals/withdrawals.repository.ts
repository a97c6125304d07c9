// form_withdrawal_requests and form_withdrawal_decisions rows: insert, read back for the chain, a
// form's withdrawal history, the administrators' list, and whether a form's answers are already in
// a decided answer table. Kysely only.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database, WithdrawalDecision, WithdrawalReason } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export interface StoredWithdrawalRequest {
  readonly id: string
  readonly formId: string
  readonly reason: WithdrawalReason
  readonly requestedBy: string
  readonly requestedAt: Date
}

export interface StoredWithdrawalDecision {
  readonly id: string
  readonly requestId: string
  readonly formId: string
  readonly requestedBy: string
  readonly decision: WithdrawalDecision
  readonly decidedBy: string
  readonly decidedAt: Date
  readonly answersPublished: boolean | null
}

export async function insertWithdrawalRequest(trx: Transaction<Database>, request: StoredWithdrawalRequest): Promise<void> {
  await trx
    .insertInto('form_withdrawal_requests')
    .values({ id: request.id, form_id: request.formId, reason: request.reason, requested_by: request.requestedBy, requested_at: request.requestedAt })
    .execute()
}

export async function insertWithdrawalDecision(trx: Transaction<Database>, decision: StoredWithdrawalDecision): Promise<void> {
  await trx
    .insertInto('form_withdrawal_decisions')
    .values({
      id: decision.id,
      request_id: decision.requestId,
      form_id: decision.formId,
      requested_by: decision.requestedBy,
      decision: decision.decision,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt,
      answers_published: decision.answersPublished,
    })
    .execute()
}

const requestColumns = ['id', 'form_id as formId', 'reason', 'requested_by as requestedBy', 'requested_at as requestedAt'] as const
const decisionColumns = [
  'id',
  'request_id as requestId',
  'form_id as formId',
  'requested_by as requestedBy',
  'decision',
  'decided_by as decidedBy',
  'decided_at as decidedAt',
  'answers_published as answersPublished',
] as const

/** Requests by id, as the chain hashed them. */
export async function findStoredRequests(db: Db, ids: readonly string[]): Promise<StoredWithdrawalRequest[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('form_withdrawal_requests').select(requestColumns).where('id', 'in', ids).execute()
  return rows.map((r) => ({ ...r, requestedAt: new Date(r.requestedAt) }))
}

/** Decisions by id, as the chain hashed them. */
export async function findStoredDecisions(db: Db, ids: readonly string[]): Promise<StoredWithdrawalDecision[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('form_withdrawal_decisions').select(decisionColumns).where('id', 'in', ids).execute()
  return rows.map((r) => ({ ...r, decidedAt: new Date(r.decidedAt) }))
}

/** A request and its decision, if it has one. */
export interface WithdrawalRow {
  readonly requestId: string
  readonly formId: string
  readonly reason: WithdrawalReason
  readonly requestedBy: string
  readonly requesterName: string
  readonly requestedAt: Date
  readonly decision: WithdrawalDecision | null
  readonly decidedByName: string | null
  readonly decidedAt: Date | null
  /** of the form */
  readonly teamName: string
  /** YYYY-MM */
  readonly meetingMonth: string
  readonly filedAt: Date
}

function withdrawalsQuery(db: Db) {
  return db
    .selectFrom('form_withdrawal_requests as q')
    .innerJoin('users as requester', 'requester.id', 'q.requested_by')
    .innerJoin('meeting_forms as f', 'f.id', 'q.form_id')
    .innerJoin('teams as team', 'team.id', 'f.team_id')
    .leftJoin('form_withdrawal_decisions as d', 'd.request_id', 'q.id')
    .leftJoin('users as decider', 'decider.id', 'd.decided_by')
    .select([
      'q.id as requestId',
      'q.form_id as formId',
      'q.reason as reason',
      'q.requested_by as requestedBy',
      'requester.name as requesterName',
      'q.requested_at as requestedAt',
      'd.decision as decision',
      'decider.name as decidedByName',
      'd.decided_at as decidedAt',
      'team.name as teamName',
      sql<string>`to_char(f.meeting_month, 'YYYY-MM')`.as('meetingMonth'),
      'f.created_at as filedAt',
    ])
}

/** A form's requests, newest first (the first one is the current state). */
export async function listWithdrawalsOfForm(db: Db, formId: string): Promise<WithdrawalRow[]> {
  return withdrawalsQuery(db).where('q.form_id', '=', formId).orderBy('q.requested_at', 'desc').orderBy('q.id').execute()
}

export async function findWithdrawalRequest(db: Db, requestId: string): Promise<WithdrawalRow | undefined> {
  return withdrawalsQuery(db).where('q.id', '=', requestId).executeTakeFirst()
}

/** Requests waiting for a decision, oldest first. */
export async function listPendingWithdrawals(db: Db): Promise<WithdrawalRow[]> {
  return withdrawalsQuery(db).where('d.id', 'is', null).orderBy('q.requested_at').orderBy('q.id').execute()
}

/** Decided requests, most recently decided first. */
export async function listDecidedWithdrawals(db: Db, limit: number): Promise<WithdrawalRow[]> {
  return withdrawalsQuery(db).where('d.id', 'is not', null).orderBy('d.decided_at', 'desc').orderBy('q.id').limit(limit).execute()
}

export async function countPendingWithdrawals(db: Db): Promise<number> {
  const row = await db
    .selectFrom('form_withdrawal_requests as q')
    .leftJoin('form_withdrawal_decisions as d', 'd.request_id', 'q.id')
    .where('d.id', 'is', null)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Whether a form's answers are in a decided answer table: its quarter has been decided (every area of
 * a period is decided in one release; the country's row names that release) and the form entered a
 * release no later than that one. A form that entered later (a late form) is in no answer table of
 * its quarter or year. Read under the release lock, so no release decides the quarter meanwhile.
 */
export async function formAnswersPublished(trx: Transaction<Database>, formId: string): Promise<boolean> {
  const result = await sql<{ published: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM meeting_forms f
        JOIN release_forms r ON r.form_id = f.id
        JOIN release_aggregates a
          ON a.aggregate_key = to_char(f.meeting_month, 'YYYY') || '-Q' || extract(quarter FROM f.meeting_month)::int || '|country'
       WHERE f.id = ${formId}::uuid AND r.release_id <= a.cutoff_release
    ) AS published`.execute(trx)
  return result.rows[0]?.published === true
}
