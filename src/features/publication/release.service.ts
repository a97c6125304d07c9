// Making a release: the forms of closed months enter it (each form once), every period that has
// closed since the last release is decided area by area (published or withheld, for ever), the
// published aggregates get their protected tables, and the exact volumes are snapshotted. One
// transaction under the release lock: a release is made whole or not at all.
import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { Database, ReleaseMaker } from '../../db/schema.js'
import { monthOf } from '../../lib/months.js'
import type { AppDeps } from '../../plugins/deps.js'
import { policeDepartments, wellbeingCounties } from '../../regions/index.js'
import { questionDimensions, splitDimensions, type SingleValuedDimension } from '../reports/report-dimensions.js'
import { buildPtable, type Ptable } from './ptable.js'
import {
  aggregateKey,
  atomFinder,
  areaKey,
  decideAggregates,
  lastMonthOf,
  periodKey,
  type Aggregate,
  type Atom,
  type GridArea,
  type GridPeriod,
} from './publication-grid.js'
import { AnswerCounts, AnswerLayout, ASKED, type AnswerVector } from './answer-counts.js'
import {
  allowReleaseWork,
  assignForms,
  insertAggregates,
  insertRelease,
  insertTables,
  latestRelease,
  listAggregates,
  loadAtoms,
  lockReleases,
  releasedAnswers,
  snapshotVolumes,
  type AggregateRow,
} from './publication.repository.js'
import { atomKeyOf, oneWayCells, twoWayCells } from './release-tables.js'
import type { PublicationConfig } from '../../config.js'
import { recordAudit } from '../audit/audit.repository.js'

type Db = Kysely<Database> | Transaction<Database>

export const METHOD_NAME = "cell-key perturbation of each team's part of a cell (maximum-entropy perturbation table), exact volumes"

export interface ReleaseMethod {
  readonly name: string
  readonly threshold: number
  readonly maxNoise: number
  readonly noiseVariance: number
  readonly minForms: number
}

export function methodOf(config: PublicationConfig): ReleaseMethod {
  return { name: METHOD_NAME, threshold: config.threshold, maxNoise: config.maxNoise, noiseVariance: config.noiseVariance, minForms: config.minForms }
}

const storedMethodSchema = z.object({
  name: z.string(),
  threshold: z.number().int(),
  maxNoise: z.number().int(),
  noiseVariance: z.number(),
  minForms: z.number().int(),
})

/**
 * The method a release was made with, as stored with it. Published tables keep the values they got
 * when they were decided, so a reader is told the release's parameters, not today's settings; the
 * settings are the answer only for a row that does not hold a readable method.
 */
export function methodOfRelease(release: { readonly method: unknown }, config: PublicationConfig): ReleaseMethod {
  const stored = storedMethodSchema.safeParse(release.method)
  return stored.success ? stored.data : methodOf(config)
}

const ptables = new Map<string, Ptable>()
export function ptableOf(method: ReleaseMethod): Ptable {
  const key = `${method.threshold}/${method.maxNoise}/${method.noiseVariance}`
  let ptable = ptables.get(key)
  if (!ptable) {
    ptable = buildPtable({ threshold: method.threshold, maxNoise: method.maxNoise, variance: method.noiseVariance })
    ptables.set(key, ptable)
  }
  return ptable
}

/** The month before the one a moment falls in (Finnish time): the last closed month. */
export function lastClosedMonth(now: Date): string {
  const [year, month] = monthOf(now).split('-').map(Number) as [number, number]
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
}

/** Which split questions country-level tables are split by (the definition's `reportSplit` questions). */
export const SPLITS = splitDimensions().filter((d) => d.source.type === 'question')

/** Questions whose counts are volumes (they measure the teams' work): published exactly. */
export const EXACT_QUESTIONS: ReadonlySet<string> = new Set(['meetingKind'])

/** Tables of a published aggregate: one per question; at the country level per year also per split. */
export function tableKey(question: string, split?: string): string {
  return split ? `${question}|by:${split}` : question
}

const AREA_ORDER = ['country', 'county', 'police', 'team'] as const

/** The order decisions are made in: whole years before quarters, larger areas before smaller ones. */
function candidateOrder(a: Aggregate, b: Aggregate): number {
  const rank = (x: Aggregate) => {
    const level = AREA_ORDER.indexOf(x.area.level)
    if (level === 0) return x.period.type === 'year' ? 0 : 1
    return (x.period.type === 'year' ? 2 : 4) + Math.min(level - 1, 1)
  }
  return rank(a) - rank(b) || a.key.localeCompare(b.key)
}

/** Periods (years and quarters) that have closed by `through` and whose aggregates are not decided yet. */
function newPeriods(atoms: readonly Atom[], decided: ReadonlySet<string>, through: string): GridPeriod[] {
  const years = [...new Set(atoms.map((a) => Number(a.month.slice(0, 4))))].sort()
  const periods: GridPeriod[] = []
  for (const year of years) {
    const all: GridPeriod[] = [{ type: 'year', year }, ...[1, 2, 3, 4].map((quarter) => ({ type: 'quarter' as const, year, quarter }))]
    for (const period of all) if (lastMonthOf(period) <= through && !decided.has(periodKey(period))) periods.push(period)
  }
  return periods
}

function areasFor(period: GridPeriod, atoms: readonly Atom[]): GridArea[] {
  const inPeriod = atoms.filter((a) => a.month.startsWith(String(period.year)))
  const areas: GridArea[] = [{ level: 'country' }]
  for (const c of wellbeingCounties) if (inPeriod.some((a) => a.county === c.code)) areas.push({ level: 'county', code: c.code })
  for (const d of policeDepartments) if (inPeriod.some((a) => a.police === d.code)) areas.push({ level: 'police', code: d.code })
  // teams get yearly tables only: fewer overlapping views leave less to combine
  if (period.type === 'year') for (const team of [...new Set(inPeriod.map((a) => a.teamId))].sort()) areas.push({ level: 'team', code: team })
  return areas
}

export function parsePeriodKey(text: string): GridPeriod {
  const [year, quarter] = text.split('-Q')
  return quarter ? { type: 'quarter', year: Number(year), quarter: Number(quarter) } : { type: 'year', year: Number(year) }
}

export function parseAreaKey(text: string): GridArea {
  if (text === 'country') return { level: 'country' }
  const [level, code] = text.split(':') as ['county' | 'police' | 'team', string]
  return { level, code }
}

export interface MadeRelease {
  readonly id: number
  readonly throughMonth: string
  readonly formsEntered: number
  readonly published: number
  readonly withheld: number
}

type TableRow = { aggregateKey: string; tableKey: string; cells: unknown }

/** Split tallies are by month, release and team (the forms a country-wide year is made of) and split answer. */
const splitGroupOf = (forms: { month: string; release: number; teamId: string }, answer: string) => `${forms.month}|${forms.release}|${forms.teamId}|${answer}`

/** The atoms' forms team by team: one vector per team, each the sum of that team's atoms. */
function teamVectors(counts: AnswerCounts, atoms: readonly Atom[]): AnswerVector[] {
  const byTeam = new Map<string, string[]>()
  for (const atom of atoms) {
    const keys = byTeam.get(atom.teamId) ?? []
    keys.push(atomKeyOf(atom))
    byTeam.set(atom.teamId, keys)
  }
  return [...byTeam.values()].map((keys) => counts.sum(keys))
}

/** The released forms' answers counted per atom, and per month, team and answer of each split question. */
export interface ReleasedCounts {
  readonly layout: AnswerLayout
  readonly atoms: AnswerCounts
  /** by split question id */
  readonly splits: ReadonlyMap<string, AnswerCounts>
}

/** Reads the released forms of the given atoms' months once and counts their answers. */
export async function countReleasedAnswers(db: Db, atoms: readonly Atom[], splits: readonly SingleValuedDimension[]): Promise<ReleasedCounts> {
  const layout = new AnswerLayout(questionDimensions())
  const counts: ReleasedCounts = { layout, atoms: new AnswerCounts(layout), splits: new Map(splits.map((s) => [s.id, new AnswerCounts(layout)])) }
  const months = [...new Set(atoms.map((a) => a.month))].sort()
  for await (const forms of releasedAnswers(db, layout.dimensions, splits, months)) {
    for (const form of forms) {
      const slots = layout.slotsOf(form.answers)
      counts.atoms.add(atomKeyOf(form), slots, form.recordKey)
      splits.forEach((split, i) => counts.splits.get(split.id)!.add(splitGroupOf(form, form.splits[i]!), slots, form.recordKey))
    }
  }
  return counts
}

/**
 * Builds the protected tables of the newly published aggregates, from one reading of the released
 * forms of their years.
 */
async function buildTables(
  trx: Transaction<Database>,
  ptable: Ptable,
  method: ReleaseMethod,
  aggregates: readonly { aggregate: Aggregate; forms: number }[],
  atomsIn: (aggregate: Aggregate) => readonly Atom[],
): Promise<TableRow[]> {
  if (aggregates.length === 0) return []
  const countryYears = aggregates.filter(({ aggregate }) => aggregate.area.level === 'country' && aggregate.period.type === 'year')
  const atoms = [...new Set(aggregates.flatMap(({ aggregate }) => atomsIn(aggregate)))]
  // split tables are made for the country's whole years only
  const counts = await countReleasedAnswers(trx, atoms, countryYears.length > 0 ? SPLITS : [])
  const { layout } = counts
  const rows: TableRow[] = []
  for (const { aggregate, forms } of aggregates) {
    const vectors = teamVectors(counts.atoms, atomsIn(aggregate))
    layout.dimensions.forEach((dimension, question) => {
      const options = {
        multiple: dimension.kind === 'multiple',
        conditional: dimension.kind === 'multiple' && dimension.question.showWhen !== undefined,
        asked: ASKED,
        exact: EXACT_QUESTIONS.has(dimension.id),
      }
      rows.push({ aggregateKey: aggregate.key, tableKey: tableKey(dimension.id), cells: oneWayCells(ptable, layout.teamTalliesOf(vectors, question), { ...options, forms }) })
    })
  }
  for (const { aggregate } of countryYears) rows.push(...splitTables(ptable, method, counts, atomsIn(aggregate), aggregate.key))
  return rows
}

/** A country-wide year's tables of every question split by each split question. */
function splitTables(ptable: Ptable, method: ReleaseMethod, counts: ReleasedCounts, mine: readonly Atom[], aggregateKey: string): TableRow[] {
  const { layout } = counts
  const rows: TableRow[] = []
  const teams = new Map<string, number>()
  for (const atom of mine) teams.set(atom.teamId, (teams.get(atom.teamId) ?? 0) + atom.forms)
  // the country's forms of the year: its atoms' months and releases, team by team, whatever their area
  const groups = new Map<string, { month: string; release: number; teamId: string }[]>()
  for (const atom of mine) {
    const ofTeam = groups.get(atom.teamId) ?? []
    if (!ofTeam.some((g) => g.month === atom.month && g.release === atom.release)) ofTeam.push(atom)
    groups.set(atom.teamId, ofTeam)
  }
  const vectors = teamVectors(counts.atoms, mine)
  for (const split of SPLITS) {
    const splitQuestion = layout.dimensions.findIndex((d) => d.id === split.id)
    // the split question's own answers: each column's size, and per team (from the atoms)
    const sizes = layout.teamTalliesOf(vectors, splitQuestion)
    const columnTeams = new Map<string, Map<string, number>>()
    for (const atom of mine) {
      for (const [code, tally] of layout.tallyOf(counts.atoms.sum([atomKeyOf(atom)]), splitQuestion)) {
        const byTeam = columnTeams.get(code) ?? new Map<string, number>()
        byTeam.set(atom.teamId, (byTeam.get(atom.teamId) ?? 0) + tally.forms)
        columnTeams.set(code, byTeam)
      }
    }
    const splitCounts = counts.splits.get(split.id)!
    const columnVectors = new Map(
      [...sizes.keys()].map((code) => [code, [...groups.values()].map((ofTeam) => splitCounts.sum(ofTeam.map((g) => splitGroupOf(g, code))))]),
    )
    layout.dimensions.forEach((dimension, question) => {
      if (question === splitQuestion) return
      const answers = new Map([...columnVectors].map(([code, ofTeams]) => [code, layout.teamTalliesOf(ofTeams, question)]))
      const cells = twoWayCells(ptable, { sizes, teams: columnTeams, answers }, teams, {
        asked: ASKED,
        minForms: method.minForms,
        exactColumns: EXACT_QUESTIONS.has(split.id),
        multiple: dimension.kind === 'multiple',
      })
      rows.push({ aggregateKey, tableKey: tableKey(dimension.id, split.id), cells })
    })
  }
  return rows
}

/**
 * Makes a release holding every month closed at `now`. An administrator's release is always made (a
 * release with no new month still brings late forms into the volumes); the schedule's (`onlyIfDue`)
 * only when the last closed month is not released yet, checked under the lock so that two
 * instances never make the same release.
 */
export async function makeRelease(deps: Pick<AppDeps, 'db' | 'config'>, options: { now: Date; madeBy: string | null; madeHow?: ReleaseMaker; onlyIfDue?: boolean }): Promise<MadeRelease | null> {
  // a release with a maker is an administrator's; without one, the schedule's unless said otherwise
  const madeHow: ReleaseMaker = options.madeBy ? 'administrator' : (options.madeHow ?? 'schedule')
  const method = methodOf(deps.config.publication)
  const ptable = ptableOf(method)
  const through = lastClosedMonth(options.now)
  return deps.db.transaction().execute(async (trx) => {
    await lockReleases(trx)
    await allowReleaseWork(trx)
    const previous = await latestRelease(trx)
    if (options.onlyIfDue && previous && previous.throughMonth >= through) return null
    const id = (previous?.id ?? 0) + 1
    const throughMonth = previous && previous.throughMonth > through ? previous.throughMonth : through
    await insertRelease(trx, { id, throughMonth, madeAt: options.now, madeBy: options.madeBy, madeHow, method })
    const formsEntered = await assignForms(trx, id, throughMonth, options.now)
    const atoms = await loadAtoms(trx)

    const earlier = await listAggregates(trx)
    const decidedPeriods = new Set(earlier.filter((a) => a.area === 'country').map((a) => a.period))
    const periods = newPeriods(atoms, decidedPeriods, throughMonth)
    // every area of a period is decided in the same release: a period's cutoff is that release
    const periodCutoff = new Map(earlier.filter((a) => a.area === 'country').map((a) => [a.period, a.cutoff]))
    for (const period of periods) periodCutoff.set(periodKey(period), id)
    const aggregateOf = (period: GridPeriod, area: GridArea, cutoff: number): Aggregate => ({
      key: aggregateKey(period, area),
      period,
      area,
      cutoff,
      quarterCutoffs:
        period.type === 'year'
          ? [1, 2, 3, 4].map((quarter) => Math.min(cutoff, periodCutoff.get(periodKey({ type: 'quarter', year: period.year, quarter })) ?? cutoff))
          : undefined,
    })
    const published: Aggregate[] = earlier
      .filter((a) => a.status === 'published')
      .map((a) => aggregateOf(parsePeriodKey(a.period), parseAreaKey(a.area), a.cutoff))
    const candidates: Aggregate[] = periods.flatMap((period) => areasFor(period, atoms).map((area) => aggregateOf(period, area, id))).sort(candidateOrder)
    const decisions = decideAggregates(candidates, published, atoms, method.minForms)

    const atomsIn = atomFinder(atoms)
    const formsIn = (aggregate: Aggregate) => atomsIn(aggregate).reduce((sum, atom) => sum + atom.forms, 0)
    const rows: AggregateRow[] = candidates.map((aggregate) => {
      const decision = decisions.get(aggregate.key)!
      return {
        key: aggregate.key,
        releaseId: id,
        period: periodKey(aggregate.period),
        area: areaKey(aggregate.area),
        forms: formsIn(aggregate),
        status: decision.status,
        reason: decision.status === 'withheld' ? decision.reason : null,
        cutoff: id,
      }
    })
    await insertAggregates(trx, rows)
    const toPublish = candidates.filter((a) => decisions.get(a.key)!.status === 'published').map((aggregate) => ({ aggregate, forms: formsIn(aggregate) }))
    await insertTables(trx, await buildTables(trx, ptable, method, toPublish, atomsIn))
    await snapshotVolumes(trx, id, throughMonth, options.now)
    await recordAudit(trx, { event: 'release_made', at: options.now, actorUserId: options.madeBy, ip: null, details: { release: String(id), through: throughMonth, made_how: madeHow } })
    return { id, throughMonth, formsEntered, published: toPublish.length, withheld: rows.length - toPublish.length }
  })
}
