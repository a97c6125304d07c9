// Planted forms: an expert files forms of their own into a county where one other team works, with
// every answer of every question, so that each cell there holds enough of their forms to take it
// out of the small-count rows of the perturbation table. Perturbing a whole cell at once, the cell
// minus their known forms would then give the other team's small counts with only the small noise
// of a large count (measured before cells were perturbed team by team: right for 41 % of them,
// against 28 % for always answering 1). Here they subtract their forms from every published
// number of the release, combined with every table total and every exact nesting of areas and
// periods, and from their own team's published year table. The test checks that no count from 1
// to k-1 of other teams' forms is determined and that the best rounded estimate is right no more
// often than always answering 1; it also measures the same attacker without planted forms.
import t, { type Test } from 'tap'
import { seedDemoData } from '../../src/features/demo/demo-seed.service.js'
import { formDefinition } from '../../src/features/forms/definition.js'
import { makeRelease, EXACT_QUESTIONS, methodOf, ptableOf } from '../../src/features/publication/release.service.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, type TestUser } from '../fixtures/factories.js'
import { fileForms } from '../fixtures/reports.js'
import { estimates, propagateBounds, readReleaseView, type AttackCell } from '../fixtures/release-attack.js'

/** The county and police department of the demo team in Rovaniemi: a team of its own there. */
const LAPLAND = { county: '21', police: 'lappi', municipality: '698' }
const PLANTED_MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
/** Forms planted a month: each answer of each question gets at least k + D of them a quarter. */
const PLANTED_PER_MONTH = 20

/** The i-th planted form: every single-choice question cycles through its answers. */
function plantedAnswers(i: number, month: string): Record<string, unknown> {
  const answers: Record<string, unknown> = { meetingMonth: month, meetingKind: 'first', homeMunicipality: LAPLAND.municipality }
  for (const q of formDefinition.questions) {
    if (q.id === 'meetingKind' || q.id === 'meetingMonth' || q.id === 'homeMunicipality') continue
    if (q.type === 'single') answers[q.id] = q.options[i % q.options.length]!.code
    if (q.type === 'integer' && q.bands) answers[q.id] = q.bands[i % q.bands.length]!.from
  }
  if (answers.hasHobby !== 'yes') answers.guidedHobby = undefined
  if (answers.firstTimeInAnchor !== 'no') answers.timesInAnchor = undefined
  if (answers.referredOnward === 'yes') answers.referralServices = ['hobby_leisure']
  else answers.referralServices = undefined
  return answers
}

interface Outcome {
  /** the cells of the attacker's areas (the country, Lapland's county and police department) in the months planted */
  readonly cells: Map<string, { readonly cell: AttackCell; readonly bounds: readonly [number, number]; readonly averaged: number }>
  readonly k: number
  /** the attacker's own team's published year tables: "year question=code" → value */
  readonly ownYear: ReadonlyMap<string, number>
}

const identity = (cell: AttackCell) => `${cell.aggregate} ${cell.question}=${cell.code}`

/** A world of demo forms, the attacker's team in Lapland with `planted` forms a month, one release; what the attacker reads. */
async function attack(t: Test, planted: number): Promise<Outcome> {
  const { deps, clock, app } = await buildTestApp(t)
  clock.advance(-clock.now().getTime() + Date.parse('2026-07-10T09:00:00Z'))
  await seedDemoData(deps, { forms: 2400, months: 7, seed: 31 })
  const team = await createTeam(app.db, { name: 'Ankkuri Lappi 2', wellbeingCounty: LAPLAND.county, policeDepartment: LAPLAND.police, municipalities: [LAPLAND.municipality] })
  const attacker: TestUser = await createUser(app.db, { teamId: team })
  for (const month of PLANTED_MONTHS) for (let i = 0; i < planted; i++) await fileForms(deps, attacker, 1, plantedAnswers(i, month))
  await makeRelease(deps, { now: clock.now(), madeBy: null })

  const view = await readReleaseView(app.db, team)
  const bounds = propagateBounds(view, ptableOf(methodOf(deps.config.publication)))
  const averaged = estimates(view)
  const areas = new Set(['country', `county:${LAPLAND.county}`, `police:${LAPLAND.police}`])
  const cells: Outcome['cells'] = new Map()
  const ownYear = new Map(view.cells.filter((c) => c.aggregate.endsWith(`|team:${team}`)).map((c) => [`${c.aggregate.split('|')[0]} ${c.question}=${c.code}`, c.published]))
  for (const [i, cell] of view.cells.entries()) {
    if (!cell.aggregate.startsWith('2026') || !areas.has(cell.aggregate.split('|')[1]!) || EXACT_QUESTIONS.has(cell.question)) continue
    cells.set(identity(cell), { cell, bounds: bounds[i]!, averaged: averaged[i]! })
  }
  return { cells, k: deps.config.publication.threshold, ownYear }
}

/**
 * What the attacker gets for the other teams' part of each target cell: whether it is determined
 * (everything published, with the attacker's own forms taken away, leaves one possible value), and
 * how often the best of three rounded estimates is right: the cell's published value minus the
 * attacker's forms; the average of every way of writing the cell, minus them; and, in a year, the
 * cell minus the same cell of their own team's published year table (the same forms of theirs).
 */
function judge(outcome: Outcome, targets: readonly string[]) {
  const small = targets.map((id) => outcome.cells.get(id)!).filter(({ cell }) => cell.truth - cell.known >= 1 && cell.truth - cell.known < outcome.k)
  const others = (cell: AttackCell) => cell.truth - cell.known
  const determined = small.filter(({ cell, bounds }) => Math.max(0, bounds[0] - cell.known) === bounds[1] - cell.known).map(({ cell }) => identity(cell))
  const direct = small.filter(({ cell }) => Math.max(0, cell.published - cell.known) === others(cell)).length
  const averaged = small.filter(({ cell, averaged }) => Math.max(0, averaged - cell.known) === others(cell)).length
  const ownTable = small.filter(({ cell }) => {
    const own = outcome.ownYear.get(`${cell.aggregate.split('|')[0]} ${cell.question}=${cell.code}`)
    return own !== undefined && !cell.aggregate.includes('-Q') && Math.max(0, cell.published - own) === others(cell)
  }).length
  const blind = small.filter(({ cell }) => others(cell) === 1).length
  return { small: small.length, determined, direct, averaged, ownTable, right: Math.max(direct, averaged, ownTable), blind }
}

const percent = (n: number, of: number) => `${((n / Math.max(1, of)) * 100).toFixed(1)}%`

t.test('an expert who plants forms to isolate another team\'s cells determines none of its small counts and guesses no better than always answering 1', async (t) => {
  const planted = await attack(t, PLANTED_PER_MONTH)
  // the cells the attacker padded: every cell of their areas holding some of their forms
  const targets = [...planted.cells.values()].filter(({ cell }) => cell.known > 0).map(({ cell }) => identity(cell))
  const withPlanted = judge(planted, targets)
  t.ok(withPlanted.small >= 50, `${withPlanted.small} small counts of other teams' forms lie in ${targets.length} cells the attacker padded`)
  t.same(withPlanted.determined, [], 'no count from 1 to k-1 of other teams\' forms is determined')
  t.ok(
    withPlanted.right <= withPlanted.blind,
    `the attacker's estimates are right for ${percent(withPlanted.right, withPlanted.small)} of them (the cell minus their forms: ${percent(withPlanted.direct, withPlanted.small)}, every way averaged: ${percent(withPlanted.averaged, withPlanted.small)}, minus their own team's table: ${percent(withPlanted.ownTable, withPlanted.small)}); always answering 1: ${percent(withPlanted.blind, withPlanted.small)}`,
  )

  // the same cells in the same world without the planted forms
  const unpadded = judge(await attack(t, 0), targets)
  t.same(unpadded.determined, [], 'nor without planted forms')
  t.comment(
    `without planted forms: right for ${percent(unpadded.right, unpadded.small)} of ${unpadded.small} small counts (the cell itself ${percent(unpadded.direct, unpadded.small)}, averaged ${percent(unpadded.averaged, unpadded.small)}); always answering 1: ${percent(unpadded.blind, unpadded.small)}`,
  )
})
