// meeting_forms rows: insert, look up by idempotency key, read back for receipts, lists and checks.
import type { Insertable, Kysely, Transaction } from 'kysely'
import { CompiledQuery, sql } from 'kysely'
import type { Database, MeetingFormsTable } from '../../db/schema.js'
import type { PendingRecord } from '../integrity/chain.repository.js'
import { newRecordKey } from '../publication/cell-key.js'
import type { FormDefinition } from './definition-types.js'
import { answersToColumns, columnsToAnswers, type StoredMeetingForm } from './stored-form.js'

type Db = Kysely<Database> | Transaction<Database>
type MetadataColumn = 'id' | 'team_id' | 'submitted_by' | 'definition_version' | 'idempotency_key' | 'request_hash' | 'created_at' | 'under_15' | 'adult_client'
type AnswerColumnValues = Omit<Insertable<MeetingFormsTable>, MetadataColumn>

/** A form to insert: its secret record key for the cell-key method is drawn here unless given (tests). */
export type NewMeetingForm = StoredMeetingForm & { idempotencyKey: string; requestHash: string; recordKey?: number }

/** The row of a form: metadata columns and one column per answered question. */
export function meetingFormRow(definition: FormDefinition, form: NewMeetingForm): Insertable<MeetingFormsTable> {
  // The answer columns are named by the definition, so TypeScript cannot see them; the table's own
  // CHECK constraints and the storage test make sure they are right.
  const answerValues = answersToColumns(definition, form.answers) as unknown as AnswerColumnValues
  return {
    ...answerValues,
    id: form.id,
    team_id: form.teamId,
    submitted_by: form.submittedBy,
    definition_version: form.definitionVersion,
    idempotency_key: form.idempotencyKey,
    request_hash: form.requestHash,
    created_at: form.createdAt,
    under_15: form.under15,
    adult_client: form.adultClient,
    wellbeing_county: form.area.county,
    police_department: form.area.police,
    area_recorded_at_filing: form.area.recordedAtFiling,
    record_key: form.recordKey ?? newRecordKey(),
  }
}

/** Rows per INSERT: keeps the bound parameters (about 40 a row) well under the protocol's limit. */
const ROWS_PER_INSERT = 400

export async function insertMeetingForms(trx: Transaction<Database>, definition: FormDefinition, forms: readonly NewMeetingForm[]): Promise<void> {
  for (let start = 0; start < forms.length; start += ROWS_PER_INSERT) {
    const chunk = forms.slice(start, start + ROWS_PER_INSERT)
    await trx.insertInto('meeting_forms').values(chunk.map((form) => meetingFormRow(definition, form))).execute()
  }
}

/** A form to store with its entry in the queue for the next seal. */
export interface FormToStore {
  form: NewMeetingForm
  sealEntry: Omit<PendingRecord, 'id'>
}

/** The statement for `count` forms, made once for each count (the columns come from the definition). */
const storeStatements = new Map<string, string>()

function storeStatement(columns: readonly string[], count: number): string {
  const cacheKey = `${count}:${columns.join(',')}`
  let text = storeStatements.get(cacheKey)
  if (text) return text
  let n = 0
  const placeholders = (width: number, casts: readonly string[] = []) =>
    `(${Array.from({ length: width }, (_, i) => `$${++n}${casts[i] ?? ''}`).join(', ')})`
  const formRows = Array.from({ length: count }, () => placeholders(columns.length)).join(',\n')
  const queueRows = Array.from({ length: count }, () => placeholders(4, ['::uuid', '::text', '::text', '::timestamptz'])).join(',\n')
  text = `WITH filed AS (
  INSERT INTO meeting_forms (${columns.map((column) => `"${column.replaceAll('"', '""')}"`).join(', ')}) VALUES
${formRows}
  ON CONFLICT (submitted_by, idempotency_key) DO NOTHING
  RETURNING id
)
INSERT INTO integrity_pending (record_id, record_kind, content_hash, filed_at)
SELECT q.record_id, q.record_kind, q.content_hash, q.filed_at
  FROM (VALUES
${queueRows}) AS q (record_id, record_kind, content_hash, filed_at)
  JOIN filed ON filed.id = q.record_id
RETURNING record_id`
  if (storeStatements.size < 1000) storeStatements.set(cacheKey, text)
  return text
}

/**
 * Stores forms, each with its entry in the queue for the next seal, in one statement: all of them
 * or none. A form whose filer already used its idempotency key (earlier, or in this same batch) is
 * left out. Returns the ids of the forms stored. A concurrent insert of the same key is waited for
 * (the unique index), so the caller can then read the form that won.
 */
export async function insertMeetingFormsOnce(db: Db, definition: FormDefinition, batch: readonly FormToStore[]): Promise<Set<string>> {
  if (batch.length === 0) return new Set()
  const rows = batch.map(({ form }) => meetingFormRow(definition, form) as Record<string, unknown>)
  const columns = Object.keys(rows[0]!)
  const parameters: unknown[] = []
  for (const row of rows) for (const column of columns) parameters.push(row[column])
  for (const { form, sealEntry } of batch) parameters.push(form.id, sealEntry.kind, sealEntry.contentHash, sealEntry.filedAt)
  const result = await db.executeQuery<{ record_id: string }>(CompiledQuery.raw(storeStatement(columns, batch.length), parameters))
  return new Set(result.rows.map((row) => row.record_id))
}

export async function findByIdempotencyKey(db: Db, submittedBy: string, key: string) {
  return db
    .selectFrom('meeting_forms')
    .select(['id', 'request_hash as requestHash', 'created_at as createdAt'])
    .where('submitted_by', '=', submittedBy)
    .where('idempotency_key', '=', key)
    .executeTakeFirst()
}

function storedFormsQuery(db: Db) {
  return db.selectFrom('meeting_forms').selectAll().select(sql<string>`to_char(meeting_month, 'YYYY-MM')`.as('month_text'))
}

function toStored(definition: FormDefinition, row: Record<string, unknown>): StoredMeetingForm {
  return {
    id: String(row.id),
    teamId: String(row.team_id),
    submittedBy: String(row.submitted_by),
    definitionVersion: Number(row.definition_version),
    createdAt: new Date(row.created_at as Date),
    answers: columnsToAnswers(definition, { ...row, meeting_month: row.month_text }),
    under15: Boolean(row.under_15),
    adultClient: Boolean(row.adult_client),
    area: { county: String(row.wellbeing_county), police: String(row.police_department), recordedAtFiling: Boolean(row.area_recorded_at_filing) },
  }
}

export async function findStoredForms(db: Db, definition: FormDefinition, ids: readonly string[]): Promise<StoredMeetingForm[]> {
  if (ids.length === 0) return []
  const rows = await storedFormsQuery(db).where('id', 'in', ids).execute()
  return rows.map((row) => toStored(definition, row as unknown as Record<string, unknown>))
}

export interface OwnFormRow {
  id: string
  createdAt: Date
  meetingMonth: string
  meetingKind: string
  age: number
  /** where a withdrawal of the form stands (src/features/withdrawals/): null when none was asked */
  withdrawal: 'pending' | 'confirmed' | 'declined' | null
}

export async function listOwnForms(db: Db, submittedBy: string, limit: number, offset: number): Promise<OwnFormRow[]> {
  return db
    .selectFrom('meeting_forms')
    .select([
      'id',
      'created_at as createdAt',
      sql<string>`to_char(meeting_month, 'YYYY-MM')`.as('meetingMonth'),
      'meeting_kind as meetingKind',
      'age',
      sql<OwnFormRow['withdrawal']>`(
        SELECT coalesce(d.decision, 'pending') FROM form_withdrawal_requests q
          LEFT JOIN form_withdrawal_decisions d ON d.request_id = q.id
         WHERE q.form_id = meeting_forms.id
         ORDER BY coalesce(d.decision = 'confirmed', false) DESC, q.requested_at DESC LIMIT 1)`.as('withdrawal'),
    ])
    .where('submitted_by', '=', submittedBy)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute()
}

export async function countOwnForms(db: Db, submittedBy: string): Promise<number> {
  const row = await db
    .selectFrom('meeting_forms')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('submitted_by', '=', submittedBy)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
