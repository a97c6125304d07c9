// Releases in the database: the release rows, which forms entered which release, the forms grouped
// into atoms (month, team, recorded areas, release) with their answer tallies (count and sum of
// record keys), and the stored decisions, tables and exact volumes. Kysely only.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database, ReleaseMaker } from '../../db/schema.js'
import { NOT_ASKED, type Dimension, type SingleValuedDimension } from '../reports/report-dimensions.js'
import type { Atom } from './publication-grid.js'

type Db = Kysely<Database> | Transaction<Database>

const RELEASE_LOCK_KEY = 7_240_013 // one release is made at a time, across instances

export async function lockReleases(trx: Transaction<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(RELEASE_LOCK_KEY)})`.execute(trx)
}

/**
 * A release works over every released form (the first release of a large database: a million
 * forms, entered, read and snapshotted): it gets memory for its joins and grouping instead of
 * spilling to disk, and more time than a page's query is allowed.
 */
export async function allowReleaseWork(trx: Transaction<Database>): Promise<void> {
  await sql`SET LOCAL work_mem = '256MB'`.execute(trx)
  await sql`SET LOCAL statement_timeout = '15min'`.execute(trx)
}

export interface ReleaseRow {
  readonly id: number
  /** YYYY-MM */
  readonly throughMonth: string
  readonly madeAt: Date
  readonly madeBy: string | null
  readonly madeHow: ReleaseMaker
  readonly method: unknown
}

function releaseQuery(db: Db) {
  return db
    .selectFrom('releases')
    .select(['id', sql<string>`to_char(through_month, 'YYYY-MM')`.as('throughMonth'), 'made_at as madeAt', 'made_by as madeBy', 'made_how as madeHow', 'method'])
}

export async function latestRelease(db: Db): Promise<ReleaseRow | undefined> {
  return releaseQuery(db).orderBy('id', 'desc').limit(1).executeTakeFirst()
}

export async function listReleases(db: Db): Promise<ReleaseRow[]> {
  return releaseQuery(db).orderBy('id', 'desc').execute()
}

export async function insertRelease(
  trx: Transaction<Database>,
  release: { id: number; throughMonth: string; madeAt: Date; madeBy: string | null; madeHow: ReleaseMaker; method: unknown },
): Promise<void> {
  await trx
    .insertInto('releases')
    .values({ id: release.id, through_month: `${release.throughMonth}-01`, made_at: release.madeAt, made_by: release.madeBy, made_how: release.madeHow, method: JSON.stringify(release.method) })
    .execute()
}

/**
 * Withdrawn forms (docs/disclosure.md, "Withdrawn forms"). A confirmed withdrawal leaves the form out
 * of the exact volumes of every later release. Its answers stay only in the answer tables that
 * were already decided when it was confirmed (answers_published): a form withdrawn before that enters
 * no answer table, so it is left out of the atoms and answers that later decisions are made from.
 */
const isWithdrawn = sql`EXISTS (SELECT 1 FROM form_withdrawal_decisions w WHERE w.form_id = f.id AND w.decision = 'confirmed')`
const answersWithdrawn = sql`EXISTS (SELECT 1 FROM form_withdrawal_decisions w WHERE w.form_id = f.id AND w.decision = 'confirmed' AND NOT w.answers_published)`

/**
 * Forms of closed months, filed by the release's moment, that are in no release yet and not
 * withdrawn, enter this one.
 */
export async function assignForms(trx: Transaction<Database>, releaseId: number, throughMonth: string, madeAt: Date): Promise<number> {
  const result = await sql`
    INSERT INTO release_forms (form_id, release_id)
    SELECT f.id, ${releaseId}::integer FROM meeting_forms f
     WHERE f.meeting_month <= ${`${throughMonth}-01`}::date AND f.created_at <= ${madeAt}
       AND NOT EXISTS (SELECT 1 FROM release_forms r WHERE r.form_id = f.id) AND NOT ${isWithdrawn}`.execute(trx)
  return Number(result.numAffectedRows ?? 0)
}

/** The forms in releases, grouped into atoms (without forms withdrawn before their answers were published). */
export async function loadAtoms(db: Db): Promise<Atom[]> {
  const rows = await sql<{ month: string; team_id: string; county: string; police: string; release_id: number; forms: string }>`
    SELECT to_char(f.meeting_month, 'YYYY-MM') AS month, f.team_id, f.wellbeing_county AS county, f.police_department AS police,
           r.release_id, count(*) AS forms
      FROM meeting_forms f JOIN release_forms r ON r.form_id = f.id
     WHERE NOT ${answersWithdrawn}
     GROUP BY 1, 2, 3, 4, 5`.execute(db)
  return rows.rows.map((r) => ({ month: r.month, teamId: r.team_id, county: r.county, police: r.police, release: Number(r.release_id), forms: Number(r.forms) }))
}

const column = (name: string) => sql.ref(`f.${name}`)

/** The code of a single-valued dimension for a form row `f`: a band for a number, "not asked" when not shown. */
export function singleCodeSql(dimension: SingleValuedDimension): RawBuilder<string> {
  const source = dimension.source
  if (source.type === 'area') throw new Error('areas are not answers')
  const question = source.question
  if (question.type === 'integer') {
    const cases = (question.bands ?? []).map((b) => sql`WHEN ${column(question.column)} BETWEEN ${sql.lit(b.from)} AND ${sql.lit(b.to)} THEN ${sql.lit(b.code)}`)
    return sql<string>`CASE ${sql.join(cases, sql` `)} ELSE ${sql.lit(NOT_ASKED)} END`
  }
  return sql<string>`coalesce(${column(question.column)}::text, ${sql.lit(NOT_ASKED)})`
}

/**
 * One released form's answers as the release counts them: dimension i's code (a band for a number,
 * "not asked" when not shown), or for a multiple choice the chosen codes (null when not shown); and
 * the code of each split question.
 */
export interface ReleasedAnswers {
  readonly month: string
  readonly teamId: string
  readonly county: string
  readonly police: string
  readonly release: number
  readonly recordKey: number
  readonly answers: (string | string[] | null)[]
  readonly splits: string[]
}

/**
 * The released forms of the given months with their answers, a month at a time (so that a release
 * of a million forms never holds them all at once). Multiple choices come as comma-separated codes:
 * answer codes are identifiers, never holding a comma.
 */
export async function* releasedAnswers(db: Db, dimensions: readonly Dimension[], splits: readonly SingleValuedDimension[], months: readonly string[]): AsyncGenerator<ReleasedAnswers[]> {
  const answerColumns = dimensions.map((d, i) => {
    const value = d.kind === 'single' ? singleCodeSql(d) : sql`array_to_string(${column(d.question.column)}, ',')`
    return sql`${value} AS ${sql.ref(`a_${i}`)}`
  })
  const splitColumns = splits.map((split, i) => sql`${singleCodeSql(split)} AS ${sql.ref(`s_${i}`)}`)
  for (const month of months) {
    const rows = await sql<{ team_id: string; county: string; police: string; release_id: number; record_key: string } & Record<string, string | null>>`
      SELECT f.team_id, f.wellbeing_county AS county, f.police_department AS police, r.release_id, f.record_key,
             ${sql.join([...answerColumns, ...splitColumns])}
        FROM meeting_forms f JOIN release_forms r ON r.form_id = f.id
       WHERE f.meeting_month = ${`${month}-01`}::date AND NOT ${answersWithdrawn}`.execute(db)
    yield rows.rows.map((r) => ({
      month,
      teamId: r.team_id,
      county: r.county,
      police: r.police,
      release: Number(r.release_id),
      recordKey: Number(r.record_key),
      answers: dimensions.map((d, i) => {
        const value = r[`a_${i}`] ?? null
        if (d.kind === 'single' || value === null) return value
        return value === '' ? [] : value.split(',')
      }),
      splits: splits.map((_, i) => r[`s_${i}`]!),
    }))
  }
}

export interface AggregateRow {
  readonly key: string
  readonly releaseId: number
  readonly period: string
  readonly area: string
  readonly forms: number
  readonly status: 'published' | 'withheld'
  readonly reason: string | null
  readonly cutoff: number
}

export async function listAggregates(db: Db): Promise<AggregateRow[]> {
  return db
    .selectFrom('release_aggregates')
    .select(['aggregate_key as key', 'release_id as releaseId', 'period', 'area', 'forms', 'status', 'reason', 'cutoff_release as cutoff'])
    .execute()
}

export async function insertAggregates(trx: Transaction<Database>, rows: readonly AggregateRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    await trx
      .insertInto('release_aggregates')
      .values(
        rows.slice(start, start + 500).map((r) => ({
          aggregate_key: r.key,
          release_id: r.releaseId,
          period: r.period,
          area: r.area,
          forms: r.forms,
          status: r.status,
          reason: r.reason,
          cutoff_release: r.cutoff,
        })),
      )
      .execute()
  }
}

export async function insertTables(trx: Transaction<Database>, rows: readonly { aggregateKey: string; tableKey: string; cells: unknown }[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    await trx
      .insertInto('release_tables')
      .values(rows.slice(start, start + 500).map((r) => ({ aggregate_key: r.aggregateKey, table_key: r.tableKey, cells: JSON.stringify(r.cells) })))
      .execute()
  }
}

/** Snapshots the exact volumes (forms and team activity) as of a release; withdrawn forms are left out. */
export async function snapshotVolumes(trx: Transaction<Database>, releaseId: number, throughMonth: string, madeAt: Date): Promise<void> {
  await sql`
    INSERT INTO release_volumes (release_id, month, team_id, wellbeing_county, police_department, meeting_kind, forms)
    SELECT ${releaseId}::integer, f.meeting_month, f.team_id, f.wellbeing_county, f.police_department, f.meeting_kind, count(*)
      FROM meeting_forms f JOIN release_forms r ON r.form_id = f.id
     WHERE NOT ${isWithdrawn}
     GROUP BY 2, 3, 4, 5, 6`.execute(trx)
  await sql`
    INSERT INTO release_activity (release_id, month, team_id, kind, age_band, records, participants)
    SELECT ${releaseId}::integer, a.activity_month, a.team_id, a.kind, coalesce(a.age_band, ''), count(*), coalesce(sum(a.participants), 0)
      FROM activity_records a
     WHERE a.activity_month <= ${`${throughMonth}-01`}::date AND a.created_at <= ${madeAt}
     GROUP BY 2, 3, 4, 5`.execute(trx)
}

export async function findTable(db: Db, aggregateKey: string, tableKey: string): Promise<unknown> {
  const row = await db.selectFrom('release_tables').select('cells').where('aggregate_key', '=', aggregateKey).where('table_key', '=', tableKey).executeTakeFirst()
  return row?.cells
}

/** Several tables of one aggregate at once (the annual report reads one per question). */
export async function findTablesOf(db: Db, aggregateKey: string, tableKeys: readonly string[]): Promise<Map<string, unknown>> {
  if (tableKeys.length === 0) return new Map()
  const rows = await db.selectFrom('release_tables').select(['table_key', 'cells']).where('aggregate_key', '=', aggregateKey).where('table_key', 'in', tableKeys).execute()
  return new Map(rows.map((r) => [r.table_key, r.cells]))
}

/** Tables of one kind for several aggregates at once (an area comparison reads one per area). */
export async function findTables(db: Db, aggregateKeys: readonly string[], tableKey: string): Promise<Map<string, unknown>> {
  if (aggregateKeys.length === 0) return new Map()
  const rows = await db.selectFrom('release_tables').select(['aggregate_key', 'cells']).where('aggregate_key', 'in', aggregateKeys).where('table_key', '=', tableKey).execute()
  return new Map(rows.map((r) => [r.aggregate_key, r.cells]))
}

export async function findAggregates(db: Db, keys: readonly string[]): Promise<Map<string, AggregateRow>> {
  if (keys.length === 0) return new Map()
  const rows = await db
    .selectFrom('release_aggregates')
    .select(['aggregate_key as key', 'release_id as releaseId', 'period', 'area', 'forms', 'status', 'reason', 'cutoff_release as cutoff'])
    .where('aggregate_key', 'in', keys)
    .execute()
  return new Map(rows.map((r) => [r.key, r]))
}

export async function findAggregate(db: Db, key: string): Promise<AggregateRow | undefined> {
  return db
    .selectFrom('release_aggregates')
    .select(['aggregate_key as key', 'release_id as releaseId', 'period', 'area', 'forms', 'status', 'reason', 'cutoff_release as cutoff'])
    .where('aggregate_key', '=', key)
    .executeTakeFirst()
}
