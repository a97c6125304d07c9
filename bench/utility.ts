// Utility of the published figures: how close a release's protected tables come to the forms
// themselves, on demo data at the service's real scale.
//
//   npm run bench:utility -- [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--years 2]
//                            [--forms-per-year 7000] [--seed 2026] [--out bench/RESULTS.md] [--strict]
//
// Creates a scratch database `anchor_bench_utility` on that server (dropped and made again) with 45
// teams in 45 mainland municipalities (every wellbeing services county and police department has at
// least one), skewed in size as Anchor teams are (a few large city teams, many small ones), and
// about 7,000 forms a year for each of the last `years` whole calendar years, with answers from the
// demo answer generator. One release is made in the January after the last year, when every month
// of those years has closed. Every table of every published aggregate is then read as the report
// pages read it (answerData) and compared with counts of the forms themselves:
//
//   (a) the national yearly share of each answer (published count ÷ published base, as the pages
//       compute it) within ±1 percentage point of the true share, for 95 % of the answers;
//   (b) county and police department yearly counts whose true value is 20 or more within ±15 %, for
//       95 % of them (a count of a withheld aggregate is not published at all, so it counts as a miss);
//   (c) volumes exact: the released forms per team, county, police department and country, month and
//       kind of meeting, and every aggregate's number of forms, equal to the forms.
//
// Targets (a) and (b) measure the protected (perturbed) counts only; counts published exactly by
// design (the kind of meeting, the base of a multiple choice shown on every form) are checked for
// exactness instead. The summary is always printed and the section written; with --strict the
// script exits with 1 when a target is missed.
//
// Same seed, same forms and the same record keys (drawn here from the seeded generator; the service
// draws them from the operating system), so the same published values.
import { randomUUID } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { buildApp } from '../src/app.js'
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.js'
import { migrate } from '../src/db/migrate.js'
import { demoAnswers } from '../src/features/demo/demo-answers.js'
import { SeededRandom } from '../src/features/demo/random.js'
import { formDefinition } from '../src/features/forms/definition.js'
import { insertMeetingForms, type NewMeetingForm } from '../src/features/forms/forms.repository.js'
import { validateSubmission } from '../src/features/forms/forms.service.js'
import type { FiledArea } from '../src/features/forms/stored-form.js'
import { ASKED } from '../src/features/publication/answer-counts.js'
import { latestRelease, listAggregates, loadAtoms, singleCodeSql, type AggregateRow } from '../src/features/publication/publication.repository.js'
import { aggregateKey, decideAggregates, periodContains, type Aggregate, type GridArea, type GridPeriod } from '../src/features/publication/publication-grid.js'
import { countReleasedAnswers, EXACT_QUESTIONS, makeRelease, methodOf, parseAreaKey, parsePeriodKey, SPLITS } from '../src/features/publication/release.service.js'
import { atomKeyOf, type TwoWayCells } from '../src/features/publication/release-tables.js'
import { publishedCount, publishedShare } from '../src/features/reports/protected-count.js'
import { questionDimensions, type Dimension, type SingleValuedDimension } from '../src/features/reports/report-dimensions.js'
import type { ReportFilters } from '../src/features/reports/report-filters.js'
import { answerData, splitData, type Source } from '../src/features/reports/report-source.js'
import { releasedVolumes, releasedVolumesByArea, type VolumeArea } from '../src/features/reports/reports.repository.js'
import {
  countyOfMunicipality,
  findMunicipality,
  municipalitiesOfCounty,
  policeDepartmentOfMunicipality,
  policeDepartments,
  wellbeingCounties,
} from '../src/regions/index.js'
import { testConfig } from '../test/fixtures/app.js'
import { createUser } from '../test/fixtures/factories.js'
import { FakeEmailSender } from '../test/fixtures/fake-email.js'
import { FakeSmsSender } from '../test/fixtures/fake-sms.js'
import { percentile, writeResultsSection } from './results-file.js'
import { scratchDatabase } from './scratch-database.js'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    years: { type: 'string', default: '2' },
    'forms-per-year': { type: 'string', default: '7000' },
    seed: { type: 'string', default: '2026' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
    strict: { type: 'boolean', default: false },
  },
})
const yearCount = Number(values.years)
const formsPerYear = Number(values['forms-per-year'])
const seed = Number(values.seed)
if (!Number.isInteger(yearCount) || yearCount < 1 || yearCount > 5) throw new Error('--years: a whole number from 1 to 5')
if (!Number.isInteger(formsPerYear) || formsPerYear < 100) throw new Error('--forms-per-year: a whole number of at least 100')
if (!Number.isInteger(seed)) throw new Error('--seed: a whole number')

const BENCH_DB = 'anchor_bench_utility'
const BATCH = 1000

// The targets of the issue.
const SHARE_TOLERANCE_PP = 1
const COUNT_TOLERANCE = 0.15
const COUNT_FLOOR = 20
const TARGET_RATE = 95

/**
 * Team homes, largest first (roughly by population), 45 in all: the 12 largest cities, then the
 * seat or a large town of every other mainland wellbeing services county, then more towns of the
 * larger counties. The team at rank r files 1/r as many forms as the largest (Zipf), so the
 * largest (Helsinki) files about 23 % of all forms and the smallest about 0.5 %.
 */
const TEAM_MUNICIPALITIES = [
  '091', '049', '837', '092', '564', '853', '179', '297', '398', '609', '286', '167', '405', '109', '905',
  '743', '698', '491', '638', '734', '285', '106', '444', '186', '543', '684', '257', '858', '272', '205',
  '245', '740', '536', '211', '980', '927', '694', '710', '153', '678', '790', '851', '140', '915', '240',
] as const

/** Relative number of meetings in each calendar month: fewer in the summer holidays. */
const SEASON = [1.05, 1.05, 1.1, 1.05, 1.0, 0.8, 0.55, 0.8, 1.1, 1.15, 1.15, 1.0] as const

interface BenchTeam {
  id: string
  userId: string
  rank: number
  municipality: string
  nearby: string[]
  weight: number
  area: FiledArea
}

/** A version 4 UUID from the seeded generator, so that a run's team ids (and decision order) repeat. */
function seededUuid(random: SeededRandom): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16))
  hex[12] = '4'
  hex[16] = (8 + random.int(0, 3)).toString(16)
  const s = hex.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}

async function createTeams(handle: DatabaseHandle, random: SeededRandom): Promise<BenchTeam[]> {
  const teams: BenchTeam[] = []
  const now = new Date()
  for (const [i, code] of TEAM_MUNICIPALITIES.entries()) {
    const municipality = findMunicipality(code)
    const county = countyOfMunicipality(code)
    const police = policeDepartmentOfMunicipality(code)
    if (!municipality || !county || !police) throw new Error(`no mainland municipality ${code}`)
    const team = await handle.db
      .insertInto('teams')
      .values({
        id: seededUuid(random),
        name: `Bench ${String(i + 1).padStart(2, '0')} ${municipality.nameFi}`,
        police_department: police.code,
        wellbeing_county: county.code,
        municipalities: [code],
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const user = await createUser(handle.db, { teamId: team.id, email: `bench-utility-${i}@bench.invalid` })
    teams.push({
      id: team.id,
      userId: user.id,
      rank: i + 1,
      municipality: code,
      nearby: municipalitiesOfCounty(county.code).map((m) => m.code),
      weight: 1 / (i + 1),
      area: { county: county.code, police: police.code, recordedAtFiling: true },
    })
  }
  return teams
}

/** `formsPerYear` forms for each year: team by its weight, month by the season, answers from the demo generator. */
async function addForms(app: Awaited<ReturnType<typeof buildApp>>, handle: DatabaseHandle, teams: readonly BenchTeam[], years: readonly number[]): Promise<Map<string, number>> {
  const random = new SeededRandom(seed)
  const keys = new SeededRandom(seed ^ 0x5eed5eed)
  const teamWeights = Object.fromEntries(teams.map((t, i) => [String(i), t.weight])) as Record<string, number>
  const monthWeights = Object.fromEntries(SEASON.map((w, i) => [String(i + 1).padStart(2, '0'), w])) as Record<string, number>
  const perTeam = new Map<string, number>()
  for (const year of years) {
    let pending: NewMeetingForm[] = []
    const flush = async () => {
      if (pending.length === 0) return
      const batch = pending
      pending = []
      await handle.db.transaction().execute((trx) => insertMeetingForms(trx, formDefinition, batch))
    }
    for (let i = 0; i < formsPerYear; i++) {
      const team = teams[Number(random.weighted(teamWeights))]!
      const month = `${year}-${random.weighted(monthWeights)}`
      const home = random.chance(0.03) ? 'unknown' : random.chance(0.8) ? team.municipality : team.nearby[random.int(0, team.nearby.length - 1)]!
      const submission = validateSubmission(app.deps, demoAnswers(random, month, home))
      pending.push({
        id: randomUUID(),
        teamId: team.id,
        submittedBy: team.userId,
        definitionVersion: formDefinition.version,
        // filed during the month of the meeting, so before the release
        createdAt: new Date(Date.parse(`${month}-01T08:00:00Z`) + random.int(0, 27 * 24 * 3600) * 1000),
        answers: submission.answers,
        under15: submission.under15,
        adultClient: submission.adultClient,
        area: team.area,
        idempotencyKey: randomUUID(),
        requestHash: '0'.repeat(64),
        recordKey: keys.int(0, 2 ** 32 - 1),
      })
      perTeam.set(team.id, (perTeam.get(team.id) ?? 0) + 1)
      if (pending.length >= BATCH) await flush()
    }
    await flush()
    console.log(`  ${year}: ${formsPerYear} forms added`)
  }
  return perTeam
}

// ---------------------------------------------------------------------------------------------
// The truth, counted from meeting_forms

interface TruthRow {
  month: string
  teamId: string
  county: string
  police: string
  code: string
  forms: number
}

/**
 * The forms' answers to one question per month, team and recorded area, with the release's own code
 * mapping (singleCodeSql; a multiple choice one row per chosen code plus ASKED for the forms it was
 * shown on), straight from meeting_forms: no release table is read.
 */
async function trueAnswers(handle: DatabaseHandle, dimension: Dimension, years: readonly number[]): Promise<TruthRow[]> {
  const multiple = dimension.kind === 'multiple' ? sql.ref(`f.${dimension.question.column}`) : null
  const from = multiple ? sql`CROSS JOIN LATERAL unnest(array_append(${multiple}, ${sql.lit(ASKED)}::text)) AS answer(code)` : sql``
  const code = dimension.kind === 'single' ? singleCodeSql(dimension) : sql<string>`answer.code`
  const shown = multiple ? sql`AND ${multiple} IS NOT NULL` : sql``
  const result = await sql<TruthRow>`
    SELECT to_char(f.meeting_month, 'YYYY-MM') AS month, f.team_id::text AS "teamId", f.wellbeing_county AS county,
           f.police_department AS police, ${code} AS code, count(*)::int AS forms
      FROM meeting_forms f ${from}
     WHERE extract(year FROM f.meeting_month) IN (${sql.join(years.map((y) => sql.lit(y)))}) ${shown}
     GROUP BY 1, 2, 3, 4, 5`.execute(handle.db)
  return result.rows
}

interface VolumeTruthRow {
  month: string
  teamId: string
  county: string
  police: string
  kind: string
  forms: number
}

async function trueVolumes(handle: DatabaseHandle): Promise<VolumeTruthRow[]> {
  const result = await sql<VolumeTruthRow>`
    SELECT to_char(f.meeting_month, 'YYYY-MM') AS month, f.team_id::text AS "teamId", f.wellbeing_county AS county,
           f.police_department AS police, f.meeting_kind AS kind, count(*)::int AS forms
      FROM meeting_forms f GROUP BY 1, 2, 3, 4, 5`.execute(handle.db)
  return result.rows
}

/** The forms' answers to one question per year and answer of a split question (country level). */
async function trueSplitAnswers(handle: DatabaseHandle, dimension: Dimension, split: SingleValuedDimension, years: readonly number[]): Promise<{ year: number; split: string; code: string; forms: number }[]> {
  const multiple = dimension.kind === 'multiple' ? sql.ref(`f.${dimension.question.column}`) : null
  const from = multiple ? sql`CROSS JOIN LATERAL unnest(array_append(${multiple}, ${sql.lit(ASKED)}::text)) AS answer(code)` : sql``
  const code = dimension.kind === 'single' ? singleCodeSql(dimension) : sql<string>`answer.code`
  const shown = multiple ? sql`AND ${multiple} IS NOT NULL` : sql``
  const result = await sql<{ year: number; split: string; code: string; forms: number }>`
    SELECT extract(year FROM f.meeting_month)::int AS year, ${singleCodeSql(split)} AS split, ${code} AS code, count(*)::int AS forms
      FROM meeting_forms f ${from}
     WHERE extract(year FROM f.meeting_month) IN (${sql.join(years.map((y) => sql.lit(y)))}) ${shown}
     GROUP BY 1, 2, 3`.execute(handle.db)
  return result.rows
}

/**
 * The order the release decides candidates in (release.service.ts: whole years before quarters,
 * the country, then counties, then police departments and teams), to replay its decisions and
 * learn which published aggregate each withheld one was too close to (the release stores only the
 * reason). The replay is checked against the stored decisions.
 */
function decisionRank(a: Aggregate): number {
  const level = ['country', 'county', 'police', 'team'].indexOf(a.area.level)
  if (level === 0) return a.period.type === 'year' ? 0 : 1
  return (a.period.type === 'year' ? 2 : 4) + Math.min(level - 1, 1)
}

const QUARTERS = [1, 2, 3, 4] as const

/** The keys of every aggregate a month and area belong to (year and quarter × country, county, police, team). */
function aggregateKeysOf(row: { month: string; teamId: string; county: string; police: string }): string[] {
  const year = Number(row.month.slice(0, 4))
  const all: GridPeriod[] = [{ type: 'year', year }, ...QUARTERS.map((quarter) => ({ type: 'quarter' as const, year, quarter }))]
  const periods = all.filter((p) => periodContains(p, row.month))
  const areas: GridArea[] = [{ level: 'country' }, { level: 'county', code: row.county }, { level: 'police', code: row.police }, { level: 'team', code: row.teamId }]
  return periods.flatMap((period) => areas.map((area) => aggregateKey(period, area)))
}

function add<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n)
}

// ---------------------------------------------------------------------------------------------
// Comparison

type Level = 'country' | 'county' | 'police' | 'team'
type PeriodType = 'year' | 'quarter'

/** One published cell next to its true value. */
interface Cell {
  level: Level
  periodType: PeriodType
  question: string
  code: string
  truth: number
  published: number
  exact: boolean
}

interface ShareResult {
  question: string
  code: string
  trueShare: number
  publishedShare: number
  error: number
}

interface Stats {
  n: number
  mean: number
  p95: number
  max: number
}

function stats(xs: readonly number[]): Stats {
  const sorted = [...xs].sort((a, b) => a - b)
  return { n: xs.length, mean: xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? Number.NaN }
}

const pct = (part: number, whole: number) => (whole === 0 ? Number.NaN : (100 * part) / whole)
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–')
const int = (n: number) => n.toLocaleString('en')

async function main(): Promise<void> {
  const currentYear = new Date().getUTCFullYear()
  const years = Array.from({ length: yearCount }, (_, i) => currentYear - yearCount + i)
  const lastYear = years[years.length - 1]!
  // mid-January after the last year (Finnish time too): December has closed, so every month has
  const releaseAt = new Date(Date.UTC(lastYear + 1, 0, 15, 10))

  const url = await scratchDatabase(values['database-url'], BENCH_DB)
  const handle = await connectDatabase({ databaseUrl: url })
  await migrate(handle)
  await handle.enterAppRole()
  const app = await buildApp(testConfig({ RELEASE_SCHEDULE_ENABLED: 'false' }), { database: handle, sms: new FakeSmsSender(), email: new FakeEmailSender(), logger: false })
  await app.ready()
  const deps = app.deps
  const method = methodOf(deps.config.publication)
  const { server_version: postgres } = (await sql<{ server_version: string }>`SHOW server_version`.execute(handle.db)).rows[0]!

  console.log(`Scratch database ${BENCH_DB}: ${TEAM_MUNICIPALITIES.length} teams, ${int(formsPerYear)} forms a year for ${years.join(', ')} (seed ${seed})`)
  const teams = await createTeams(handle, new SeededRandom(seed + 1))
  const seedStarted = Date.now()
  const perTeam = await addForms(app, handle, teams, years)
  const seedSeconds = (Date.now() - seedStarted) / 1000
  await handle.withConnection(async (run) => {
    await run('VACUUM ANALYZE meeting_forms')
  })

  const releaseStarted = Date.now()
  const made = await makeRelease({ db: deps.db, config: deps.config }, { now: releaseAt, madeBy: null })
  const releaseSeconds = (Date.now() - releaseStarted) / 1000
  if (!made) throw new Error('no release was made')
  console.log(`Release ${made.id} through ${made.throughMonth}: ${int(made.formsEntered)} forms, ${made.published} aggregates published, ${made.withheld} withheld (${fmt(releaseSeconds)} s)`)

  const compareStarted = Date.now()
  const release = (await latestRelease(deps.db))!
  const source: Source = { type: 'release', release }
  const aggregates = (await listAggregates(deps.db)).filter((a) => years.includes(Number(a.period.slice(0, 4))))
  const dimensions = questionDimensions()

  // The truth: answers per aggregate and question, and forms per aggregate.
  const truth = new Map<string, Map<string, Map<string, number>>>()
  let tallyDifferences = 0
  // what the release counted from the forms (its input), per atom
  const atoms = await loadAtoms(deps.db)
  const releaseCounts = await countReleasedAnswers(deps.db, atoms, [])
  for (const dimension of dimensions) {
    const rows = await trueAnswers(handle, dimension, years)
    for (const row of rows) {
      for (const key of aggregateKeysOf(row)) {
        let byQuestion = truth.get(key)
        if (!byQuestion) truth.set(key, (byQuestion = new Map()))
        let byCode = byQuestion.get(dimension.id)
        if (!byCode) byQuestion.set(dimension.id, (byCode = new Map()))
        add(byCode, row.code, row.forms)
      }
    }
    // the release's own tallies (its input) must be these same answers
    const tallied = new Map<string, number>()
    const question = releaseCounts.layout.dimensions.findIndex((d) => d.id === dimension.id)
    for (const atom of atoms) {
      if (!years.includes(Number(atom.month.slice(0, 4)))) continue
      const vector = releaseCounts.atoms.sum([atomKeyOf(atom)])
      for (const [code, tally] of releaseCounts.layout.tallyOf(vector, question)) add(tallied, `${atom.month}|${atom.teamId}|${atom.county}|${atom.police}|${code}`, tally.forms)
    }
    const counted = new Map(rows.map((r) => [`${r.month}|${r.teamId}|${r.county}|${r.police}|${r.code}`, r.forms]))
    for (const key of new Set([...tallied.keys(), ...counted.keys()])) if (tallied.get(key) !== counted.get(key)) tallyDifferences++
  }
  const volumeRows = await trueVolumes(handle)
  const formsOf = new Map<string, number>()
  for (const row of volumeRows) if (years.includes(Number(row.month.slice(0, 4)))) for (const key of aggregateKeysOf(row)) add(formsOf, key, row.forms)

  // (c) volumes, as the pages read them
  let volumeCells = 0
  let volumeMismatches = 0
  const volumeProblems: string[] = []
  const volumeAreas: VolumeArea[] = [
    { level: 'country' },
    ...wellbeingCounties.map((c) => ({ level: 'county' as const, code: c.code })),
    ...policeDepartments.map((d) => ({ level: 'police' as const, code: d.code })),
    ...teams.map((t) => ({ level: 'team' as const, code: t.id })),
  ]
  const inArea = (area: VolumeArea, row: VolumeTruthRow) =>
    area.level === 'country' || (area.level === 'county' ? row.county === area.code : area.level === 'police' ? row.police === area.code : row.teamId === area.code)
  for (const year of years) {
    const scope = { from: `${year}-01`, to: `${year}-12`, meetingKind: null }
    for (const area of volumeAreas) {
      const expected = new Map<string, number>()
      for (const row of volumeRows) if (row.month.startsWith(`${year}-`) && inArea(area, row)) add(expected, `${row.month}|${row.kind}`, row.forms)
      const released = new Map((await releasedVolumes(deps.db, release.id, area, scope)).map((r) => [`${r.month}|${r.kind}`, r.forms]))
      for (const key of new Set([...expected.keys(), ...released.keys()])) {
        volumeCells++
        if ((expected.get(key) ?? 0) !== (released.get(key) ?? 0)) {
          volumeMismatches++
          volumeProblems.push(`${area.level}${'code' in area ? `:${area.code}` : ''} ${key}: forms ${expected.get(key) ?? 0}, released ${released.get(key) ?? 0}`)
        }
      }
    }
    for (const level of ['county', 'police', 'team'] as const) {
      const expected = new Map<string, number>()
      for (const row of volumeRows) if (row.month.startsWith(`${year}-`)) add(expected, level === 'county' ? row.county : level === 'police' ? row.police : row.teamId, row.forms)
      const released = await releasedVolumesByArea(deps.db, release.id, level, scope)
      for (const key of new Set([...expected.keys(), ...released.keys()])) {
        volumeCells++
        if ((expected.get(key) ?? 0) !== (released.get(key) ?? 0)) {
          volumeMismatches++
          volumeProblems.push(`${year} ${level}:${key}: forms ${expected.get(key) ?? 0}, released by area ${released.get(key) ?? 0}`)
        }
      }
    }
  }
  for (const aggregate of aggregates) {
    volumeCells++
    if (aggregate.forms !== (formsOf.get(aggregate.key) ?? 0)) {
      volumeMismatches++
      volumeProblems.push(`${aggregate.key}: forms ${formsOf.get(aggregate.key) ?? 0}, aggregate says ${aggregate.forms}`)
    }
  }

  // Every table of every published aggregate, read as the pages read it.
  const cells: Cell[] = []
  const shares: ShareResult[] = []
  const missingTables: string[] = []
  const withheldCounts: { aggregate: AggregateRow; question: string; code: string; truth: number }[] = []
  for (const aggregate of aggregates) {
    const period = parsePeriodKey(aggregate.period)
    const area = parseAreaKey(aggregate.area)
    const level = area.level
    const periodType = period.type
    const filters: ReportFilters = { period, area, kind: 'all' }
    for (const dimension of dimensions) {
      const trueCodes = truth.get(aggregate.key)?.get(dimension.id) ?? new Map<string, number>()
      if (aggregate.status === 'withheld') {
        for (const [code, n] of trueCodes) if (code !== ASKED) withheldCounts.push({ aggregate, question: dimension.id, code, truth: n })
        if (dimension.kind === 'multiple' && dimension.question.showWhen) withheldCounts.push({ aggregate, question: dimension.id, code: ASKED, truth: trueCodes.get(ASKED) ?? 0 })
        continue
      }
      const data = await answerData(deps, source, filters, dimension)
      if (data.status === 'notice') {
        missingTables.push(`${aggregate.key} ${dimension.id}: ${data.notice.code}`)
        continue
      }
      const exact = EXACT_QUESTIONS.has(dimension.id)
      const codes = new Set([...dimension.codes, ...trueCodes.keys(), ...data.values.keys()])
      codes.delete(ASKED)
      const trueForms = formsOf.get(aggregate.key) ?? 0
      const trueBase = dimension.kind === 'multiple' ? (trueCodes.get(ASKED) ?? 0) : trueForms
      const publishedBase = data.base ?? data.forms
      for (const code of codes) {
        const t = trueCodes.get(code) ?? 0
        const p = data.values.get(code) ?? 0
        cells.push({ level, periodType, question: dimension.id, code, truth: t, published: p, exact })
        if (level === 'country' && periodType === 'year' && !exact && (t > 0 || p > 0)) {
          // the page's share: publishedShare(row, the table's total), as buildTable computes it
          const share = publishedShare(publishedCount(p), publishedCount(publishedBase)) ?? 0
          const trueShare = trueBase === 0 ? 0 : (100 * t) / trueBase
          shares.push({ question: dimension.id, code, trueShare, publishedShare: share, error: Math.abs(share - trueShare) })
        }
      }
      if (dimension.kind === 'multiple') {
        // the base: exact when the question is on every form, protected when it is conditional
        cells.push({ level, periodType, question: dimension.id, code: ASKED, truth: trueBase, published: publishedBase, exact: !dimension.question.showWhen })
      }
    }
  }

  // (a) national yearly shares
  const sharesWithin = shares.filter((s) => s.error <= SHARE_TOLERANCE_PP + 1e-9).length
  const shareRate = pct(sharesWithin, shares.length)
  const shareErrors = stats(shares.map((s) => s.error))
  const worstShares = [...shares].sort((a, b) => b.error - a.error).slice(0, 5)

  // (b) county and police department yearly counts of 20 or more (protected ones)
  const regional = (c: { level: string; periodType?: string }) => c.level === 'county' || c.level === 'police'
  const regionalCells = cells.filter((c) => regional(c) && c.periodType === 'year' && !c.exact && c.truth >= COUNT_FLOOR)
  const relError = (c: Cell) => Math.abs(c.published - c.truth) / c.truth
  const regionalWithin = regionalCells.filter((c) => relError(c) <= COUNT_TOLERANCE + 1e-9).length
  const regionalWithheld = withheldCounts.filter(
    (w) => (w.aggregate.area.startsWith('county:') || w.aggregate.area.startsWith('police:')) && !w.aggregate.period.includes('Q') && w.truth >= COUNT_FLOOR && !EXACT_QUESTIONS.has(w.question),
  ).length
  const regionalTotal = regionalCells.length + regionalWithheld
  const regionalRate = pct(regionalWithin, regionalTotal)
  const regionalRelErrors = stats(regionalCells.map((c) => 100 * relError(c)))
  const regionalAbsErrors = stats(regionalCells.map((c) => Math.abs(c.published - c.truth)))
  const regionalOutside = regionalCells.filter((c) => relError(c) > COUNT_TOLERANCE + 1e-9)

  // exact cells must be exact
  const exactCells = cells.filter((c) => c.exact)
  const exactMismatches = exactCells.filter((c) => c.published !== c.truth).length

  // noise of every protected cell of every published aggregate
  const protectedCells = cells.filter((c) => !c.exact)
  const nonZero = protectedCells.filter((c) => c.truth > 0)
  const zeroPublishedNonZero = protectedCells.filter((c) => c.truth === 0 && c.published !== 0).length
  const large = nonZero.filter((c) => c.truth >= method.threshold + method.maxNoise)
  const noiseHistogram = new Map<number, number>()
  for (const c of large) add(noiseHistogram, c.published - c.truth, 1)
  const bias = large.reduce((s, c) => s + (c.published - c.truth), 0) / Math.max(1, large.length)
  const noiseVariance = large.reduce((s, c) => s + (c.published - c.truth - bias) ** 2, 0) / Math.max(1, large.length)
  const small = nonZero.filter((c) => c.truth < method.threshold)
  const smallToZero = small.filter((c) => c.published === 0).length
  const absNoise = stats(nonZero.map((c) => Math.abs(c.published - c.truth)))

  // decisions
  const reasonCounts = new Map<string, number>()
  for (const a of aggregates) if (a.status === 'withheld') add(reasonCounts, a.reason ?? '?', 1)
  const levelOf = (a: AggregateRow) => (a.area === 'country' ? 'country' : a.area.split(':')[0]!)
  const periodTypeOf = (a: AggregateRow) => (a.period.includes('Q') ? 'quarter' : 'year')
  const groups: { level: Level; periodType: PeriodType }[] = [
    { level: 'country', periodType: 'year' },
    { level: 'country', periodType: 'quarter' },
    { level: 'county', periodType: 'year' },
    { level: 'county', periodType: 'quarter' },
    { level: 'police', periodType: 'year' },
    { level: 'police', periodType: 'quarter' },
    { level: 'team', periodType: 'year' },
  ]
  const groupRows = groups.map((g) => {
    const mine = aggregates.filter((a) => levelOf(a) === g.level && periodTypeOf(a) === g.periodType)
    const withheld = mine.filter((a) => a.status === 'withheld')
    const reasons = new Map<string, number>()
    for (const a of withheld) add(reasons, a.reason ?? '?', 1)
    const emptyPublished = mine.filter((a) => a.status === 'published' && a.forms === 0).length
    const counted = cells.filter((c) => c.level === g.level && c.periodType === g.periodType && !c.exact && c.truth >= COUNT_FLOOR)
    const within = counted.filter((c) => relError(c) <= COUNT_TOLERANCE + 1e-9).length
    const withheldForms = withheld.reduce((s, a) => s + a.forms, 0)
    return {
      ...g,
      aggregates: mine.length,
      published: mine.length - withheld.length,
      emptyPublished,
      withheld: withheld.length,
      withheldForms,
      reasons: [...reasons].map(([r, n]) => `${r} ${n}`).join(', '),
      counted: counted.length,
      withinRate: pct(within, counted.length),
      meanRelError: stats(counted.map((c) => 100 * relError(c))).mean,
    }
  })
  const withheldRegionalYears = aggregates.filter((a) => (levelOf(a) === 'county' || levelOf(a) === 'police') && periodTypeOf(a) === 'year' && a.status === 'withheld')

  // country-year tables split by another question: columns shown and withheld
  const splitRows = await deps.db
    .selectFrom('release_tables')
    .select(['aggregate_key', 'table_key', 'cells'])
    .where('table_key', 'like', '%|by:%')
    .where('aggregate_key', 'in', years.map((y) => `${y}|country`))
    .execute()
  let splitColumnsShown = 0
  let splitColumnsWithheld = 0
  for (const row of splitRows) {
    const cellsOf = row.cells as TwoWayCells
    splitColumnsShown += Object.keys(cellsOf.columns).length
    splitColumnsWithheld += cellsOf.withheld.length
  }

  // Country-year tables split by another question, read as the pages read them (splitData).
  const splitCells: Cell[] = []
  let splitColumnTotals = 0
  const splitTotalsOff: { question: string; split: string; column: string; base: number; published: number }[] = []
  for (const year of years) {
    const aggregate = aggregates.find((a) => a.key === `${year}|country`)
    if (aggregate?.status !== 'published') continue
    const filters: ReportFilters = { period: { type: 'year', year }, area: { level: 'country' }, kind: 'all' }
    for (const split of SPLITS) {
      for (const dimension of dimensions) {
        if (dimension.id === split.id) continue
        const data = await splitData(deps, source, filters, dimension, split)
        if (data.status === 'notice') {
          missingTables.push(`${aggregate.key} ${dimension.id} by ${split.id}: ${data.notice.code}`)
          continue
        }
        const rows = (await trueSplitAnswers(handle, dimension, split, [year])).filter((r) => r.year === year)
        for (const [column, values] of data.columns) {
          const mine = rows.filter((r) => r.split === column)
          // a column's base: its forms, or for a multiple choice the forms of it the question was shown on
          const base = mine.filter((r) => (dimension.kind === 'multiple' ? r.code === ASKED : true)).reduce((s, r) => s + r.forms, 0)
          const published = data.columnTotals.get(column) ?? 0
          splitColumnTotals++
          // a volume's column is exact, but not the forms a conditional question was shown on (a fact about young people)
          const exactColumn = EXACT_QUESTIONS.has(split.id) && !(dimension.kind === 'multiple' && dimension.question.showWhen !== undefined)
          if (exactColumn ? published !== base : Math.abs(published - base) > method.maxNoise) splitTotalsOff.push({ question: dimension.id, split: split.id, column, base, published })
          const codes = new Set([...dimension.codes, ...mine.map((r) => r.code), ...values.keys()])
          codes.delete(ASKED)
          for (const code of codes) {
            const t = mine.find((r) => r.code === code)?.forms ?? 0
            splitCells.push({ level: 'country', periodType: 'year', question: `${dimension.id}|by:${split.id}`, code: `${column}/${code}`, truth: t, published: values.get(code) ?? 0, exact: false })
          }
        }
      }
    }
  }
  const splitCounted = splitCells.filter((c) => c.truth >= COUNT_FLOOR)
  const splitWithin = splitCounted.filter((c) => relError(c) <= COUNT_TOLERANCE + 1e-9).length
  const splitAbs = stats(splitCells.filter((c) => c.truth > 0).map((c) => Math.abs(c.published - c.truth)))
  const splitTotalsByTable = new Map<string, number>()
  for (const o of splitTotalsOff) add(splitTotalsByTable, `${o.question} by ${o.split}`, 1)

  // Which published aggregate each withheld one was too close to: the release's decisions replayed.
  const candidates: Aggregate[] = (await listAggregates(deps.db))
    .map((a) => ({ key: a.key, period: parsePeriodKey(a.period), area: parseAreaKey(a.area), cutoff: a.cutoff }))
    .sort((a, b) => decisionRank(a) - decisionRank(b) || a.key.localeCompare(b.key))
  const replayed = decideAggregates(candidates, [], atoms, method.minForms)
  const replayAgrees = aggregates.filter((a) => replayed.get(a.key)?.status === a.status).length
  const closeTo = new Map<string, number>()
  const describe = (key: string) => {
    const [period, area] = key.split('|') as [string, string]
    return `${area === 'country' ? 'country' : area.split(':')[0]} ${period.includes('Q') ? 'quarter' : 'year'}`
  }
  for (const a of aggregates) {
    const decision = replayed.get(a.key)
    if (a.status === 'withheld' && decision?.status === 'withheld' && decision.reason === 'close_to_other' && decision.other) add(closeTo, `${describe(a.key)} close to a published ${describe(decision.other)}`, 1)
  }

  const compareSeconds = (Date.now() - compareStarted) / 1000

  const targets = [
    {
      name: `(a) National yearly share of each answer within ±${SHARE_TOLERANCE_PP} percentage point of the true share`,
      goal: `${TARGET_RATE} % of answers`,
      measured: `${fmt(shareRate, 2)} % (${int(sharesWithin)} of ${int(shares.length)})`,
      met: shareRate >= TARGET_RATE,
    },
    {
      name: `(b) County and police department yearly counts of ${COUNT_FLOOR} or more within ±${COUNT_TOLERANCE * 100} %`,
      goal: `${TARGET_RATE} % of counts`,
      measured: `${fmt(regionalRate, 2)} % (${int(regionalWithin)} of ${int(regionalTotal)}; ${int(regionalWithheld)} not published)`,
      met: regionalRate >= TARGET_RATE,
    },
    {
      name: '(c) Volumes exact (forms per team, county, police department and country, month and kind of meeting; forms per aggregate)',
      goal: '0 mismatches',
      measured: `${int(volumeMismatches)} mismatches of ${int(volumeCells)} compared`,
      met: volumeMismatches === 0,
    },
  ]

  const totalForms = formsPerYear * years.length
  const sizes = teams.map((t) => (perTeam.get(t.id) ?? 0) / years.length).sort((a, b) => b - a)
  const formsInTop = (n: number) => sizes.slice(0, n).reduce((s, x) => s + x, 0)
  const sizeBands = [
    { label: 'over 500', keep: (x: number) => x > 500 },
    { label: '200–500', keep: (x: number) => x > 200 && x <= 500 },
    { label: '100–199', keep: (x: number) => x >= 100 && x <= 200 },
    { label: '50–99', keep: (x: number) => x >= 50 && x < 100 },
    { label: 'under 50', keep: (x: number) => x < 50 },
  ].map((b) => ({ label: b.label, teams: sizes.filter(b.keep).length, forms: sizes.filter(b.keep).reduce((s, x) => s + x, 0) }))

  // ---- console summary
  console.log('')
  for (const t of targets) console.log(`${t.met ? 'MET    ' : 'MISSED '} ${t.name}: ${t.measured} (target ${t.goal})`)
  console.log(`  (a) absolute error of shares, percentage points: mean ${fmt(shareErrors.mean, 3)}, 95th percentile ${fmt(shareErrors.p95, 3)}, max ${fmt(shareErrors.max, 3)}`)
  console.log(`  (b) relative error of published counts ≥ ${COUNT_FLOOR}: mean ${fmt(regionalRelErrors.mean, 2)} %, 95th percentile ${fmt(regionalRelErrors.p95, 2)} %, max ${fmt(regionalRelErrors.max, 2)} %; absolute: mean ${fmt(regionalAbsErrors.mean, 2)}, max ${regionalAbsErrors.max}`)
  for (const c of regionalOutside.slice(0, 10)) console.log(`      outside ±15 %: ${c.level} ${c.question}=${c.code}: true ${c.truth}, published ${c.published}`)
  console.log(`  withheld aggregates: ${[...reasonCounts].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`)
  for (const g of groupRows)
    console.log(`    ${`${g.level} ${g.periodType}`.padEnd(16)} ${String(g.published).padStart(4)} published (${g.emptyPublished} with no forms), ${String(g.withheld).padStart(3)} withheld ${g.reasons ? `(${g.reasons}; ${g.withheldForms} forms)` : ''}; counts ≥ ${COUNT_FLOOR} within ±15 %: ${fmt(g.withinRate)} % of ${g.counted}`)
  for (const a of withheldRegionalYears) console.log(`    withheld yearly: ${a.key} (${a.forms} forms): ${a.reason}`)
  console.log(`  protected cells with a true count ≥ ${method.threshold + method.maxNoise}: ${int(large.length)}, mean noise ${fmt(bias, 3)}, variance ${fmt(noiseVariance, 3)} (set ${method.noiseVariance} for each team's part)`)
  console.log(`  noise: ${[...noiseHistogram].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d > 0 ? '+' : ''}${d}: ${n}`).join(', ')}`)
  console.log(`  true counts 1–${method.threshold - 1} published as 0: ${smallToZero} of ${small.length}; true zeros published as non-zero: ${zeroPublishedNonZero}`)
  console.log(`  exact cells differing: ${exactMismatches} of ${exactCells.length}; published tables missing: ${missingTables.length}; release tallies differing from the forms: ${tallyDifferences}`)
  for (const p of [...volumeProblems, ...missingTables].slice(0, 20)) console.log(`    ${p}`)
  console.log(`  split tables (country, year): ${splitRows.length}, columns shown ${splitColumnsShown}, withheld ${splitColumnsWithheld}`)
  console.log(`    cells with a true count ≥ ${COUNT_FLOOR} within ±15 %: ${fmt(pct(splitWithin, splitCounted.length), 2)} % of ${int(splitCounted.length)}; absolute error (true ≥ 1) mean ${fmt(splitAbs.mean, 2)}, max ${splitAbs.max}`)
  console.log(`    column totals further than D = ${method.maxNoise} from their column's base: ${splitTotalsOff.length} of ${splitColumnTotals}`)
  for (const o of splitTotalsOff.slice(0, 8)) console.log(`      ${o.question} by ${o.split}, ${o.column}: base ${o.base}, published total ${o.published}`)
  console.log(`  replayed decisions agree with the release: ${replayAgrees} of ${aggregates.length}; close_to_other: ${[...closeTo].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  console.log(`  forms added in ${fmt(seedSeconds)} s, release ${fmt(releaseSeconds)} s, comparison ${fmt(compareSeconds)} s`)

  // ---- Markdown
  const command = `npm run bench:utility -- --years ${yearCount} --forms-per-year ${formsPerYear} --seed ${seed}${values.strict ? ' --strict' : ''}`
  const markdown = [
    '## Utility (`npm run bench:utility`)',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${postgres} on the same machine.`,
    `Command: \`${command}\`.`,
    '',
    `Data: ${TEAM_MUNICIPALITIES.length} teams, one in each of 45 mainland municipalities, covering all ${new Set(teams.map((t) => t.area.county)).size} mainland wellbeing services counties and all ${new Set(teams.map((t) => t.area.police)).size} police departments; ${int(formsPerYear)} forms in each of ${years.join(' and ')} (${int(totalForms)} in all).`,
    `Team sizes are skewed, a few large city teams and many small ones: teams are ranked by the size of their municipality and the team at rank r files 1/r as many forms as the largest. Per year the largest team (Helsinki) filed ${int(Math.round(sizes[0]!))} forms, the largest 5 together ${fmt(pct(formsInTop(5), formsPerYear), 0)} % of all, the median team ${int(Math.round(sizes[Math.floor(sizes.length / 2)]!))} and the smallest ${int(Math.round(sizes[sizes.length - 1]!))}:`,
    '',
    '| Forms a year per team | Teams | Share of forms |',
    '|---|---:|---:|',
    ...sizeBands.map((b) => `| ${b.label} | ${b.teams} | ${fmt(pct(b.forms, formsPerYear), 0)} % |`),
    '',
    'Meetings are fewer in the summer (July about half of an autumn month). Answers come from the demo answer generator (`src/features/demo/demo-answers.ts`: mostly 13–17-year-olds, two thirds boys, shoplifting and intoxicants the most common topics, a conditional question only when its condition holds); the home municipality is the team\'s own for 80 %, another of its county otherwise, unknown for 3 %. Every form passed the service\'s validation. Record keys came from the seeded generator.',
    '',
    `Release: one release made as of ${releaseAt.toISOString().slice(0, 10)}, so every month of ${years.join(' and ')} had closed: ${int(made.formsEntered)} forms, ${int(made.published)} aggregates published and ${int(made.withheld)} withheld, made in ${fmt(releaseSeconds)} s. Method: ${method.name}; threshold k = ${method.threshold}, largest change D = ${method.maxNoise}, noise variance V = ${method.noiseVariance}, at least ${method.minForms} forms in every published group (the service's defaults).`,
    'Published values were read as the report pages read them (`answerData` on the latest release); shares as the pages compute them (`publishedShare` of the row and the table\'s total: the number of forms, or for a multiple choice its published base). True values were counted from `meeting_forms` with the release\'s own code mapping (`singleCodeSql`, and the ASKED base of a multiple choice).',
    'Targets (a) and (b) count the protected (perturbed) figures only: the kind of meeting and the base of a multiple choice shown on every form are published exactly by design and are checked for exactness instead. Answers with no forms (true and published 0) are left out of (a). In (b), a count in a withheld aggregate is not published, so it counts as a miss.',
    '',
    '| Target | Goal | Measured | Result |',
    '|---|---|---|---|',
    ...targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`),
    '',
    'Errors:',
    '',
    `- (a) national yearly shares, absolute error in percentage points over ${int(shareErrors.n)} answers of ${new Set(shares.map((x) => x.question)).size} questions in ${years.length === 1 ? years[0] : `${years.join(' and ')} (each year on its own)`}: mean ${fmt(shareErrors.mean, 3)}, 95th percentile ${fmt(shareErrors.p95, 3)}, max ${fmt(shareErrors.max, 3)} (${worstShares[0] ? `${worstShares[0].question} = ${worstShares[0].code}: true ${fmt(worstShares[0].trueShare, 2)} %, published ${fmt(worstShares[0].publishedShare, 2)} %` : 'none'}).`,
    `- (b) county and police department yearly counts of ${COUNT_FLOOR} or more that were published (${int(regionalRelErrors.n)}): relative error mean ${fmt(regionalRelErrors.mean, 2)} %, 95th percentile ${fmt(regionalRelErrors.p95, 2)} %, max ${fmt(regionalRelErrors.max, 2)} %; absolute error mean ${fmt(regionalAbsErrors.mean, 2)}, max ${regionalAbsErrors.max}. ${regionalOutside.length} fell outside ±15 %${regionalOutside.length > 0 ? ` (true ${[...new Set(regionalOutside.map((c) => c.truth))].sort((a, b) => a - b).join(', ')})` : ''}; ${int(regionalWithheld)} were in withheld aggregates.`,
    `- Every protected cell of every published aggregate with a true count of at least ${method.threshold + method.maxNoise} (${int(large.length)} cells; below that the allowed values are cut at 0 and k): mean change ${fmt(bias, 3)}, variance ${fmt(noiseVariance, 2)} (V = ${method.noiseVariance} for each team's part of a cell: a cell's change is the sum of its teams' changes, and a team's part from 1 to k - 1, published as 0 or at least k, has a variance of 4 to 6 at the defaults); changes ${[...noiseHistogram].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d > 0 ? '+' : ''}${d}: ${fmt(pct(n, large.length))} %`).join(', ')}.`,
    `- All ${int(nonZero.length)} protected cells with a true count of 1 or more: absolute error mean ${fmt(absNoise.mean, 2)}, max ${absNoise.max}. True counts of 1–${method.threshold - 1}: ${fmt(pct(smallToZero, small.length), 0)} % of ${int(small.length)} published as 0, the rest as ${method.threshold} or more. True zeros published as anything else: ${zeroPublishedNonZero}.`,
    `- Exactness: ${exactMismatches} of ${int(exactCells.length)} exact cells differ from the forms; ${missingTables.length} tables of published aggregates are missing; the answer tallies the release was built from differ from the forms in ${tallyDifferences} places.`,
    '',
    'Decisions, per level and period:',
    '',
    `| Aggregates | Published | of them with no forms | Withheld | Why withheld | Forms in withheld | Protected counts ≥ ${COUNT_FLOOR} (published) | within ±15 % | mean relative error |`,
    '|---|---:|---:|---:|---|---:|---:|---:|---:|',
    ...groupRows.map(
      (g) =>
        `| ${g.level}, ${g.periodType} | ${g.published} | ${g.emptyPublished} | ${g.withheld} | ${g.reasons || '–'} | ${int(g.withheldForms)} | ${int(g.counted)} | ${fmt(g.withinRate, 1)} % | ${fmt(g.meanRelError, 2)} % |`,
    ),
    '',
    withheldRegionalYears.length > 0
      ? `Withheld county and police department years: ${withheldRegionalYears.map((a) => `${a.key} (${a.forms} forms, ${a.reason})`).join('; ')}.`
      : 'No county or police department year was withheld.',
    closeTo.size > 0
      ? `Withheld as too close to another published aggregate (found by replaying the release's decisions, which agree with the stored ones for ${replayAgrees} of ${aggregates.length} aggregates): ${[...closeTo].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join('; ')}.`
      : '',
    '',
    `Country-year tables split by another question (read with \`splitData\`): ${splitRows.length} tables, ${int(splitColumnsShown)} columns shown and ${int(splitColumnsWithheld)} withheld. Cells with a true count of ${COUNT_FLOOR} or more within ±15 %: ${fmt(pct(splitWithin, splitCounted.length), 2)} % of ${int(splitCounted.length)}; absolute error of cells with a true count of 1 or more: mean ${fmt(splitAbs.mean, 2)}, max ${splitAbs.max}.`,
    splitTotalsOff.length > 0
      ? `Column totals further than D = ${method.maxNoise} from their column's base (its forms; for a multiple choice the forms of it the question was shown on): ${splitTotalsOff.length} of ${int(splitColumnTotals)}, in ${[...splitTotalsByTable].map(([k, n]) => `${k} (${n})`).join(', ')}${splitTotalsOff[0] ? ` (e.g. ${splitTotalsOff[0].question} by ${splitTotalsOff[0].split}, ${splitTotalsOff[0].column}: base ${int(splitTotalsOff[0].base)}, published total ${int(splitTotalsOff[0].published)})` : ''}.`
      : `Every column total is within D = ${method.maxNoise} of its column's base.`,
    '',
  ].join('\n')

  await app.close()
  await handle.close()
  writeResultsSection(values.out, 'utility', markdown)
  console.log(`Wrote ${values.out}`)
  if (values.strict && targets.some((t) => !t.met)) process.exitCode = 1
}

await main()
process.exit(process.exitCode ?? 0)
