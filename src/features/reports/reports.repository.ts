// Counting forms straight from meeting_forms, for the one combination the running totals do not
// hold (a home municipality split by another answer) and to check the totals against; and the team
// activity totals. Counts leave only through the reports service, which applies disclosure control.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Dimension, SingleValuedDimension } from './report-dimensions.js'
import { NOT_ASKED } from './report-dimensions.js'

type Db = Kysely<Database> | Transaction<Database>

/** Which forms a report counts: months inclusive (YYYY-MM), and optional team, municipality and kind filters. */
export interface FormScope {
  readonly from: string
  readonly to: string
  /** null: every team; an empty list counts nothing (an area without teams). */
  readonly teamIds: readonly string[] | null
  readonly municipality: string | null
  readonly meetingKind: string | null
}

export interface CountRow {
  readonly row: string
  readonly split: string
  readonly forms: number
}

const ident = (column: string) => sql.ref(`f.${column}`)

/** The SQL value of a single-valued dimension for one form row `f` (teams joined as `t`). */
function singleValueSql(dimension: SingleValuedDimension): RawBuilder<string> {
  const source = dimension.source
  if (source.type === 'area') {
    switch (source.level) {
      case 'team':
        return sql<string>`f.team_id::text`
      case 'county':
        return sql<string>`t.wellbeing_county`
      case 'police':
        return sql<string>`t.police_department`
      case 'municipality':
        return sql<string>`f.home_municipality`
    }
  }
  const question = source.question
  if (question.type === 'integer') {
    const cases = (question.bands ?? []).map((b) => sql`WHEN ${ident(question.column)} BETWEEN ${sql.lit(b.from)} AND ${sql.lit(b.to)} THEN ${sql.lit(b.code)}`)
    return sql<string>`CASE ${sql.join(cases, sql` `)} ELSE ${sql.lit(NOT_ASKED)} END`
  }
  return sql<string>`coalesce(${ident(question.column)}, ${sql.lit(NOT_ASKED)})`
}

function whereScope(scope: FormScope): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`f.meeting_month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date`]
  if (scope.teamIds !== null) {
    conditions.push(scope.teamIds.length === 0 ? sql`false` : sql`f.team_id IN (${sql.join(scope.teamIds.map((id) => sql`${id}::uuid`))})`)
  }
  if (scope.municipality !== null) conditions.push(sql`f.home_municipality = ${scope.municipality}`)
  if (scope.meetingKind !== null) conditions.push(sql`f.meeting_kind = ${scope.meetingKind}`)
  return sql.join(conditions, sql` AND `)
}

function needsTeams(...dimensions: (Dimension | null)[]): boolean {
  return dimensions.some((d) => d?.kind === 'single' && d.source.type === 'area' && (d.source.level === 'county' || d.source.level === 'police'))
}

/**
 * Forms per answer of `row` (per option for a multiple choice), and per answer of `split` when
 * given (the split is always single-valued, so each form lands in exactly one column).
 */
export async function rawCountForms(db: Db, scope: FormScope, row: Dimension, split: SingleValuedDimension | null): Promise<CountRow[]> {
  const rowSql = row.kind === 'multiple' ? sql<string>`answer.code` : singleValueSql(row)
  const splitSql = split ? singleValueSql(split) : sql<string>`''`
  const join = needsTeams(row, split) ? sql`JOIN teams t ON t.id = f.team_id` : sql``
  const unnest = row.kind === 'multiple' ? sql`CROSS JOIN LATERAL unnest(${ident(row.question.column)}) AS answer(code)` : sql``
  const result = await sql<{ row: string; split: string; forms: number }>`
    SELECT ${rowSql} AS row, ${splitSql} AS split, count(*)::int AS forms
    FROM meeting_forms f ${join} ${unnest}
    WHERE ${whereScope(scope)}
    GROUP BY 1, 2`.execute(db)
  return result.rows
}

/** Per answer of `split`: all forms, and the forms a (possibly conditional) multiple-choice question was asked on. */
export async function rawCountBases(
  db: Db,
  scope: FormScope,
  question: Dimension & { kind: 'multiple' },
  split: SingleValuedDimension | null,
): Promise<{ split: string; forms: number; asked: number }[]> {
  const splitSql = split ? singleValueSql(split) : sql<string>`''`
  const join = needsTeams(split) ? sql`JOIN teams t ON t.id = f.team_id` : sql``
  const result = await sql<{ split: string; forms: number; asked: number }>`
    SELECT ${splitSql} AS split, count(*)::int AS forms, count(${ident(question.question.column)})::int AS asked
    FROM meeting_forms f ${join}
    WHERE ${whereScope(scope)}
    GROUP BY 1`.execute(db)
  return result.rows
}

export interface ActivityTotalsRow {
  readonly year: number
  readonly kind: string
  readonly ageBand: string | null
  readonly records: number
  readonly participants: number
}

/** Team activity per year: records and participants per kind, refusals per age band. */
export async function countActivity(db: Db, teamIds: readonly string[] | null, fromYear: number, toYear: number): Promise<ActivityTotalsRow[]> {
  const teamCondition =
    teamIds === null ? sql`true` : teamIds.length === 0 ? sql`false` : sql`a.team_id IN (${sql.join(teamIds.map((id) => sql`${id}::uuid`))})`
  const result = await sql<ActivityTotalsRow>`
    SELECT extract(year FROM a.activity_month)::int AS year, a.kind, a.age_band AS "ageBand",
           count(*)::int AS records, coalesce(sum(a.participants), 0)::int AS participants
    FROM activity_records a
    WHERE ${teamCondition} AND a.activity_month BETWEEN ${`${fromYear}-01-01`}::date AND ${`${toYear}-12-01`}::date
    GROUP BY 1, 2, 3`.execute(db)
  return result.rows
}

export async function listAllTeams(db: Db): Promise<{ id: string; name: string; county: string; police: string }[]> {
  return db
    .selectFrom('teams')
    .select(['id', 'name', 'wellbeing_county as county', 'police_department as police'])
    .orderBy('name')
    .execute()
}
