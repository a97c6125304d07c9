// report_counts: adding a batch of new forms to the running totals (inside the transaction that
// inserts them), rebuilding the totals from meeting_forms when their layout changes, and reading
// them for the report pages.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { formDefinition } from '../forms/definition.js'
import { columnsToAnswers } from '../forms/stored-form.js'
import { factsOf, REPORT_COUNTS_LAYOUT, splitsOf, type FactForm } from './report-facts.js'

type Db = Kysely<Database> | Transaction<Database>

export interface CountedForm extends FactForm {
  /** YYYY-MM */
  readonly month: string
  readonly meetingKind: string
}

interface CountRow {
  dimension: string
  split: string
  split_code: string
  meeting_month: string
  team_id: string
  meeting_kind: string
  code: string
  forms: number
}

/** Rows per statement: 8 parameters a row, well under the protocol's limit. */
const ROWS_PER_UPSERT = 2000

function aggregate(forms: readonly CountedForm[]): CountRow[] {
  const rows = new Map<string, CountRow>()
  for (const form of forms) {
    const facts = factsOf(form)
    for (const split of splitsOf(form)) {
      for (const fact of facts) {
        const key = [fact.dimension, split.split, form.month, form.teamId, form.meetingKind, split.code, fact.code].join('\u0000')
        const row = rows.get(key)
        if (row) row.forms += 1
        else
          rows.set(key, {
            dimension: fact.dimension,
            split: split.split,
            split_code: split.code,
            meeting_month: `${form.month}-01`,
            team_id: form.teamId,
            meeting_kind: form.meetingKind,
            code: fact.code,
            forms: 1,
          })
      }
    }
  }
  // one order for every writer, so that concurrent upserts never wait on each other in a cycle
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row)
}

/** Adds forms to the running totals; call it in the transaction that inserts the forms. */
export async function addToReportCounts(trx: Transaction<Database>, forms: readonly CountedForm[]): Promise<void> {
  const rows = aggregate(forms)
  for (let start = 0; start < rows.length; start += ROWS_PER_UPSERT) {
    await trx
      .insertInto('report_counts')
      .values(rows.slice(start, start + ROWS_PER_UPSERT))
      .onConflict((oc) =>
        oc
          .columns(['dimension', 'split', 'meeting_month', 'team_id', 'meeting_kind', 'split_code', 'code'])
          .doUpdateSet({ forms: sql`report_counts.forms + excluded.forms` }),
      )
      .execute()
  }
}

/** The lock every writer of meeting_forms takes (integrity chain): no form slips in during a rebuild. */
const CHAIN_LOCK = 7240002
const FORMS_PER_READ = 5000

/**
 * Builds the totals from every stored form unless the current layout is already built. Runs as the
 * database owner at start-up, after the migrations; returns whether it rebuilt.
 */
export async function ensureReportCounts(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(CHAIN_LOCK)})`.execute(trx)
    const built = await trx.selectFrom('report_counts_builds').select('layout').where('layout', '=', REPORT_COUNTS_LAYOUT).executeTakeFirst()
    if (built) return false
    await trx.deleteFrom('report_counts').execute()
    let after = ''
    for (;;) {
      const rows = await trx
        .selectFrom('meeting_forms')
        .selectAll()
        .select(sql<string>`to_char(meeting_month, 'YYYY-MM')`.as('month_text'))
        .where('id', '>', after === '' ? '00000000-0000-0000-0000-000000000000' : after)
        .orderBy('id')
        .limit(FORMS_PER_READ)
        .execute()
      if (rows.length === 0) break
      await addToReportCounts(
        trx,
        rows.map((row) => ({
          teamId: row.team_id,
          month: row.month_text,
          meetingKind: row.meeting_kind,
          under15: row.under_15,
          answers: columnsToAnswers(formDefinition, { ...(row as unknown as Record<string, unknown>), meeting_month: row.month_text }),
        })),
      )
      after = rows[rows.length - 1]!.id
    }
    await trx.deleteFrom('report_counts_builds').execute()
    await trx.insertInto('report_counts_builds').values({ layout: REPORT_COUNTS_LAYOUT, built_at: new Date() }).execute()
    return true
  })
}

// ---------------------------------------------------------------------------------------------
// Reading

/** How the totals are grouped besides the answer code. */
export type CountGroup =
  | { readonly by: 'none' }
  | { readonly by: 'kind' }
  | { readonly by: 'team' | 'county' | 'police' }
  | { readonly by: 'stored-split'; readonly split: string }
  | { readonly by: 'month' }

export interface CountScope {
  readonly from: string
  readonly to: string
  readonly teamIds: readonly string[] | null
  /** A home municipality: read from the totals split by home municipality. */
  readonly municipality: string | null
  readonly meetingKind: string | null
}

function groupSql(group: CountGroup): RawBuilder<string> {
  switch (group.by) {
    case 'none':
      return sql<string>`''`
    case 'kind':
      return sql<string>`c.meeting_kind`
    case 'team':
      return sql<string>`c.team_id::text`
    case 'county':
      return sql<string>`t.wellbeing_county`
    case 'police':
      return sql<string>`t.police_department`
    case 'stored-split':
      return sql<string>`c.split_code`
    case 'month':
      return sql<string>`to_char(c.meeting_month, 'YYYY-MM')`
  }
}

/** Totals of one dimension per code and group, for the forms in scope. */
export async function readReportCounts(
  db: Db,
  scope: CountScope,
  dimension: string,
  group: CountGroup,
): Promise<{ code: string; group: string; forms: number }[]> {
  if (scope.municipality !== null && group.by === 'stored-split') throw new Error('a municipality and a stored split cannot be read together')
  const split = group.by === 'stored-split' ? group.split : scope.municipality !== null ? 'homeMunicipality' : ''
  const conditions: RawBuilder<unknown>[] = [
    sql`c.dimension = ${dimension}`,
    sql`c.split = ${split}`,
    sql`c.meeting_month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date`,
  ]
  if (scope.municipality !== null) conditions.push(sql`c.split_code = ${scope.municipality}`)
  if (scope.teamIds !== null) {
    conditions.push(scope.teamIds.length === 0 ? sql`false` : sql`c.team_id IN (${sql.join(scope.teamIds.map((id) => sql`${id}::uuid`))})`)
  }
  if (scope.meetingKind !== null) conditions.push(sql`c.meeting_kind = ${scope.meetingKind}`)
  const join = group.by === 'county' || group.by === 'police' ? sql`JOIN teams t ON t.id = c.team_id` : sql``
  const result = await sql<{ code: string; group: string; forms: number }>`
    SELECT c.code AS code, ${groupSql(group)} AS "group", sum(c.forms)::int AS forms
    FROM report_counts c ${join}
    WHERE ${sql.join(conditions, sql` AND `)}
    GROUP BY 1, 2`.execute(db)
  return result.rows
}
