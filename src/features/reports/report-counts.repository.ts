// report_counts: adding a batch of new forms to the running totals (inside the transaction that
// inserts them), rebuilding the totals from meeting_forms when their layout changes, and reading
// them for the report pages.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database, ReportCountsTable, ReportSplitCountsTable } from '../../db/schema.js'
import { formDefinition } from '../forms/definition.js'
import { columnsToAnswers } from '../forms/stored-form.js'
import { factsOf, REPORT_COUNTS_LAYOUT, splitsOf, type FactForm } from './report-facts.js'

type Db = Kysely<Database> | Transaction<Database>

export interface CountedForm extends FactForm {
  /** YYYY-MM */
  readonly month: string
  readonly meetingKind: string
}

type TeamCountRow = ReportCountsTable
type SplitCountRow = ReportSplitCountsTable

/** Rows per statement: at most 7 parameters a row, well under the protocol's limit. */
const ROWS_PER_UPSERT = 3000

/** Adds one to a row of `rows` by key, creating it at 1. */
function bump<T extends { forms: number }>(rows: Map<string, T>, key: string, create: () => Omit<T, 'forms'>): void {
  const row = rows.get(key)
  if (row) row.forms += 1
  else rows.set(key, { ...create(), forms: 1 } as T)
}

// one order for every writer, so that concurrent upserts never wait on each other in a cycle
const inKeyOrder = <T>(rows: Map<string, T>): T[] => [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row)

function aggregate(forms: readonly CountedForm[]): { team: TeamCountRow[]; split: SplitCountRow[] } {
  const team = new Map<string, TeamCountRow>()
  const split = new Map<string, SplitCountRow>()
  for (const form of forms) {
    const month = `${form.month}-01`
    const facts = factsOf(form)
    const splits = splitsOf(form)
    for (const fact of facts) {
      bump(team, [fact.dimension, month, form.teamId, form.meetingKind, fact.code].join('\u0000'), () => ({
        dimension: fact.dimension,
        meeting_month: month,
        team_id: form.teamId,
        meeting_kind: form.meetingKind,
        code: fact.code,
      }))
      for (const s of splits) {
        bump(split, [fact.dimension, s.split, month, form.meetingKind, s.code, fact.code].join('\u0000'), () => ({
          dimension: fact.dimension,
          split: s.split,
          split_code: s.code,
          meeting_month: month,
          meeting_kind: form.meetingKind,
          code: fact.code,
        }))
      }
    }
  }
  return { team: inKeyOrder(team), split: inKeyOrder(split) }
}

/**
 * Writers of the totals hold this lock shared, a rebuild holds it alone: a rebuild waits for forms
 * being added and then counts them from meeting_forms, and a form added after it starts waits.
 */
const TOTALS_LOCK = 7240004

/** Adds forms to the running totals; call it in the transaction that inserts the forms. */
export async function addToReportCounts(trx: Transaction<Database>, forms: readonly CountedForm[]): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${sql.lit(TOTALS_LOCK)})`.execute(trx)
  const rows = aggregate(forms)
  for (let start = 0; start < rows.team.length; start += ROWS_PER_UPSERT) {
    await trx
      .insertInto('report_counts')
      .values(rows.team.slice(start, start + ROWS_PER_UPSERT))
      .onConflict((oc) =>
        oc.columns(['dimension', 'meeting_month', 'team_id', 'meeting_kind', 'code']).doUpdateSet({ forms: sql`report_counts.forms + excluded.forms` }),
      )
      .execute()
  }
  for (let start = 0; start < rows.split.length; start += ROWS_PER_UPSERT) {
    await trx
      .insertInto('report_split_counts')
      .values(rows.split.slice(start, start + ROWS_PER_UPSERT))
      .onConflict((oc) =>
        oc
          .columns(['dimension', 'split', 'meeting_month', 'meeting_kind', 'split_code', 'code'])
          .doUpdateSet({ forms: sql`report_split_counts.forms + excluded.forms` }),
      )
      .execute()
  }
}

/**
 * Builds the totals from every stored form unless the current layout is already built. Runs as the
 * database owner at start-up, after the migrations; returns whether it rebuilt.
 */
export async function ensureReportCounts(db: Kysely<Database>): Promise<boolean> {
  // READ COMMITTED: after waiting for the lock, the forms its holders committed must be seen.
  return db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(TOTALS_LOCK)})`.execute(trx)
    const built = await trx.selectFrom('report_counts_builds').select('layout').where('layout', '=', REPORT_COUNTS_LAYOUT).executeTakeFirst()
    if (built) return false
    await trx.deleteFrom('report_counts').execute()
    await trx.deleteFrom('report_split_counts').execute()
    // month by month: a month's forms share most of their totals, so each month is a few upserts
    const months = await trx.selectFrom('meeting_forms').select(sql<string>`to_char(meeting_month, 'YYYY-MM')`.as('month')).distinct().orderBy('month').execute()
    for (const { month } of months) {
      const rows = await trx
        .selectFrom('meeting_forms')
        .selectAll()
        .where('meeting_month', '=', `${month}-01`)
        .execute()
      await addToReportCounts(
        trx,
        rows.map((row) => ({
          teamId: row.team_id,
          month,
          meetingKind: row.meeting_kind,
          under15: row.under_15,
          answers: columnsToAnswers(formDefinition, { ...(row as unknown as Record<string, unknown>), meeting_month: month }),
        })),
      )
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
  | { readonly by: 'month' }
  | { readonly by: 'team' | 'county' | 'police' }
  | { readonly by: 'stored-split'; readonly split: string }

export interface CountScope {
  readonly from: string
  readonly to: string
  readonly teamIds: readonly string[] | null
  /** A home municipality: read from the national totals split by home municipality. */
  readonly municipality: string | null
  readonly meetingKind: string | null
}

function groupSql(group: CountGroup): RawBuilder<string> {
  switch (group.by) {
    case 'none':
      return sql<string>`''`
    case 'kind':
      return sql<string>`c.meeting_kind`
    case 'month':
      return sql<string>`to_char(c.meeting_month, 'YYYY-MM')`
    case 'team':
      return sql<string>`c.team_id::text`
    case 'county':
      return sql<string>`t.wellbeing_county`
    case 'police':
      return sql<string>`t.police_department`
    case 'stored-split':
      return sql<string>`c.split_code`
  }
}

const byArea = (group: CountGroup) => group.by === 'team' || group.by === 'county' || group.by === 'police'

/**
 * Totals of one dimension per code and group, for the forms in scope; null when the totals do not
 * hold that combination (a team's or region's forms split by an answer, or a home municipality
 * with areas or splits): the caller then counts the forms themselves.
 */
export async function readReportCounts(
  db: Db,
  scope: CountScope,
  dimension: string,
  group: CountGroup,
): Promise<{ code: string; group: string; forms: number }[] | null> {
  const common: RawBuilder<unknown>[] = [
    sql`c.dimension = ${dimension}`,
    sql`c.meeting_month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date`,
  ]
  if (scope.meetingKind !== null) common.push(sql`c.meeting_kind = ${scope.meetingKind}`)
  let from: RawBuilder<unknown>
  if (group.by === 'stored-split') {
    if (scope.teamIds !== null || scope.municipality !== null) return null
    common.push(sql`c.split = ${group.split}`)
    from = sql`report_split_counts c`
  } else if (scope.municipality !== null) {
    // a home municipality: the national totals split by home municipality, that one code
    if (scope.teamIds !== null || byArea(group)) return null
    common.push(sql`c.split = 'homeMunicipality'`, sql`c.split_code = ${scope.municipality}`)
    from = sql`report_split_counts c`
  } else {
    if (scope.teamIds !== null) {
      common.push(scope.teamIds.length === 0 ? sql`false` : sql`c.team_id IN (${sql.join(scope.teamIds.map((id) => sql`${id}::uuid`))})`)
    }
    from = group.by === 'county' || group.by === 'police' ? sql`report_counts c JOIN teams t ON t.id = c.team_id` : sql`report_counts c`
  }
  const result = await sql<{ code: string; group: string; forms: number }>`
    SELECT c.code AS code, ${groupSql(group)} AS "group", sum(c.forms)::int AS forms
    FROM ${from}
    WHERE ${sql.join(common, sql` AND `)}
    GROUP BY 1, 2`.execute(db)
  return result.rows
}
