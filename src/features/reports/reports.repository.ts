// What report pages read: a team's own forms and activity counted live (its members see them exactly),
// and, for everything beyond one's own team, the latest release's exact volumes and activity (the
// protected answer tables are read through publication.repository.ts). Kysely only.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { ASKED } from '../publication/answer-counts.js'
import { singleCodeSql } from '../publication/publication.repository.js'
import type { Dimension, SingleValuedDimension } from './report-dimensions.js'

type Db = Kysely<Database> | Transaction<Database>

/** Months inclusive (YYYY-MM) and the kind of meeting ('first', 'follow_up' or null for both). */
export interface MonthScope {
  readonly from: string
  readonly to: string
  readonly meetingKind: string | null
}

export interface CountRow {
  readonly split: string
  readonly code: string
  readonly forms: number
}

function whereTeam(teamId: string, scope: MonthScope): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [
    sql`f.team_id = ${teamId}::uuid`,
    sql`f.meeting_month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date`,
    // a withdrawn form leaves the team's own figures as soon as the withdrawal is confirmed
    sql`NOT EXISTS (SELECT 1 FROM form_withdrawal_decisions w WHERE w.form_id = f.id AND w.decision = 'confirmed')`,
  ]
  if (scope.meetingKind !== null) conditions.push(sql`f.meeting_kind = ${scope.meetingKind}`)
  return sql.join(conditions, sql` AND `)
}

/**
 * A team's own forms per answer of `dimension` (and of `split`): exact. A multiple choice also gives
 * the forms it was shown on, under the code ASKED.
 */
export async function countTeamAnswers(db: Db, teamId: string, scope: MonthScope, dimension: Dimension, split: SingleValuedDimension | null): Promise<CountRow[]> {
  const splitSql = split ? singleCodeSql(split) : sql<string>`''`
  const column = dimension.kind === 'multiple' ? sql.ref(`f.${dimension.question.column}`) : null
  const from = column ? sql`CROSS JOIN LATERAL unnest(array_append(${column}, ${sql.lit(ASKED)}::text)) AS answer(code)` : sql``
  const code = dimension.kind === 'multiple' ? sql<string>`answer.code` : singleCodeSql(dimension)
  const shown = column ? sql`AND ${column} IS NOT NULL` : sql``
  const result = await sql<{ split: string; code: string; forms: number }>`
    SELECT ${splitSql} AS split, ${code} AS code, count(*)::int AS forms
      FROM meeting_forms f ${from}
     WHERE ${whereTeam(teamId, scope)} ${shown}
     GROUP BY 1, 2`.execute(db)
  return result.rows
}

export interface VolumeRow {
  readonly month: string
  readonly kind: string
  readonly forms: number
}

/** Forms whose answer to a single-valued question is one of `codes`, counted alongside the volumes. */
export interface AnswerTally {
  readonly dimension: SingleValuedDimension
  readonly codes: readonly string[]
}

export interface TalliedVolumeRow extends VolumeRow {
  /** per tally asked for, in its order: the forms of this month and kind that match it */
  readonly tallies: readonly number[]
}

/**
 * A team's own forms per month and kind of meeting, live, and among them the forms matching each
 * tally: one pass over the team's forms however many tallies are asked for.
 */
export async function countTeamVolumes(db: Db, teamId: string, scope: MonthScope, tallies: readonly AnswerTally[] = []): Promise<TalliedVolumeRow[]> {
  const talliesSql = tallies.map(
    (t, i) => sql`, count(*) FILTER (WHERE ${singleCodeSql(t.dimension)} IN (${sql.join(t.codes)}))::int AS ${sql.ref(`t${i}`)}`,
  )
  const result = await sql<VolumeRow & Record<string, number>>`
    SELECT to_char(f.meeting_month, 'YYYY-MM') AS month, f.meeting_kind AS kind, count(*)::int AS forms ${sql.join(talliesSql, sql``)}
      FROM meeting_forms f WHERE ${whereTeam(teamId, scope)} GROUP BY 1, 2`.execute(db)
  return result.rows.map((r) => ({ month: r.month, kind: r.kind, forms: r.forms, tallies: tallies.map((_, i) => r[`t${i}`] ?? 0) }))
}

/** Where the released volumes are counted: everywhere, or the forms recorded in one area or team. */
export type VolumeArea = { readonly level: 'country' } | { readonly level: 'county' | 'police' | 'team'; readonly code: string }

function areaCondition(area: VolumeArea): RawBuilder<unknown> {
  switch (area.level) {
    case 'country':
      return sql`true`
    case 'county':
      return sql`v.wellbeing_county = ${area.code}`
    case 'police':
      return sql`v.police_department = ${area.code}`
    case 'team':
      return sql`v.team_id = ${area.code}::uuid`
  }
}

/** Exact volumes of a release: forms per month and kind of meeting in an area. */
export async function releasedVolumes(db: Db, releaseId: number, area: VolumeArea, scope: MonthScope): Promise<VolumeRow[]> {
  const kind = scope.meetingKind === null ? sql`true` : sql`v.meeting_kind = ${scope.meetingKind}`
  const result = await sql<VolumeRow>`
    SELECT to_char(v.month, 'YYYY-MM') AS month, v.meeting_kind AS kind, sum(v.forms)::int AS forms
      FROM release_volumes v
     WHERE v.release_id = ${releaseId}::integer AND ${areaCondition(area)} AND ${kind}
       AND v.month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date
     GROUP BY 1, 2`.execute(db)
  return result.rows
}

/** Exact volumes of a release per area of one level (for comparisons). */
export async function releasedVolumesByArea(db: Db, releaseId: number, level: 'county' | 'police' | 'team', scope: MonthScope): Promise<Map<string, number>> {
  const column = level === 'county' ? sql`v.wellbeing_county` : level === 'police' ? sql`v.police_department` : sql`v.team_id::text`
  const result = await sql<{ area: string; forms: number }>`
    SELECT ${column} AS area, sum(v.forms)::int AS forms FROM release_volumes v
     WHERE v.release_id = ${releaseId}::integer AND v.month BETWEEN ${`${scope.from}-01`}::date AND ${`${scope.to}-01`}::date
     GROUP BY 1`.execute(db)
  return new Map(result.rows.map((r) => [r.area, r.forms]))
}

export interface ActivityTotalsRow {
  readonly year: number
  readonly kind: string
  readonly ageBand: string | null
  readonly records: number
  readonly participants: number
}

/** A team's own activity per year, live. */
export async function countTeamActivity(db: Db, teamId: string, fromYear: number, toYear: number): Promise<ActivityTotalsRow[]> {
  const result = await sql<ActivityTotalsRow>`
    SELECT extract(year FROM a.activity_month)::int AS year, a.kind, a.age_band AS "ageBand",
           count(*)::int AS records, coalesce(sum(a.participants), 0)::int AS participants
      FROM activity_records a
     WHERE a.team_id = ${teamId}::uuid AND a.activity_month BETWEEN ${`${fromYear}-01-01`}::date AND ${`${toYear}-12-01`}::date
     GROUP BY 1, 2, 3`.execute(db)
  return result.rows
}

/** A team's own activity records and their participants over months inclusive (YYYY-MM), live. */
export async function countTeamActivityRecords(db: Db, teamId: string, from: string, to: string): Promise<{ records: number; participants: number }> {
  const result = await sql<{ records: number; participants: number }>`
    SELECT count(*)::int AS records, coalesce(sum(a.participants), 0)::int AS participants
      FROM activity_records a
     WHERE a.team_id = ${teamId}::uuid AND a.activity_month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date`.execute(db)
  return result.rows[0] ?? { records: 0, participants: 0 }
}

/** Team activity per year as of a release, for the teams given (null: all). */
export async function releasedActivity(db: Db, releaseId: number, teamIds: readonly string[] | null, fromYear: number, toYear: number): Promise<ActivityTotalsRow[]> {
  const teams = teamIds === null ? sql`true` : teamIds.length === 0 ? sql`false` : sql`a.team_id IN (${sql.join(teamIds.map((id) => sql`${id}::uuid`))})`
  const result = await sql<ActivityTotalsRow>`
    SELECT extract(year FROM a.month)::int AS year, a.kind, nullif(a.age_band, '') AS "ageBand",
           sum(a.records)::int AS records, sum(a.participants)::int AS participants
      FROM release_activity a
     WHERE a.release_id = ${releaseId}::integer AND ${teams} AND a.month BETWEEN ${`${fromYear}-01-01`}::date AND ${`${toYear}-12-01`}::date
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
