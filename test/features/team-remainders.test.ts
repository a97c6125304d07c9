// A county's year minus the published years of its teams: what is left is the forms of teams whose
// own year is not published (here one form of a new, tiny team in each of eight counties with three
// teams of 36 forms). Were it published with the tiny team alone in that rest, and were a team's
// part of a cell given the same value in every cell that holds it, the subtraction would leave the
// one form perturbed alone: k or more exactly for its answers. The group rules keep that rest a safe
// group (a team's year is withheld with the tiny one), and each part is perturbed with its whole
// cell's key, so the subtraction is noisy: the test checks both, and that the rest's counts from 1
// to k-1 come out right no more often than always answering 1.
import t from 'tap'
import { demoAnswers } from '../../src/features/demo/demo-answers.js'
import { SeededRandom } from '../../src/features/demo/random.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { EXACT_QUESTIONS, makeRelease } from '../../src/features/publication/release.service.js'
import { countyOfMunicipality, policeDepartmentOfMunicipality } from '../../src/regions/index.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser } from '../fixtures/factories.js'
import { newKey } from '../fixtures/forms.js'
import { actorOf } from '../fixtures/reports.js'
import { readReleaseView } from '../fixtures/release-attack.js'
import { unsafeGroup } from '../../src/features/publication/publication-grid.js'

/** Kajaani: a county of its own, where three teams of 15 forms keep the country's rest of withheld teams safe. */
const FILLER_MUNICIPALITY = '205'

/** Eight municipalities in eight counties: three teams of 36 forms and one tiny team in each. */
const MUNICIPALITIES = ['049', '837', '853', '564', '179', '297', '398', '609']

t.test('a county year minus its published team years does not give away the forms of a team whose year is withheld', async (t) => {
  const { deps, clock, app } = await buildTestApp(t)
  clock.advance(-clock.now().getTime() + Date.parse('2027-01-10T09:00:00Z'))
  const random = new SeededRandom(42)
  const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)
  const teamIn = (name: string, municipality: string) =>
    createTeam(app.db, { name, wellbeingCounty: countyOfMunicipality(municipality)!.code, policeDepartment: policeDepartmentOfMunicipality(municipality)!.code, municipalities: [municipality] })
  const file = async (team: string, municipality: string, count: number, month?: string) => {
    const user = await createUser(app.db, { teamId: team })
    for (let i = 0; i < count; i++) await submitMeetingForm(deps, actorOf(user), demoAnswers(random, month ?? months[i % 12]!, municipality), newKey())
  }
  const big = new Map<string, string[]>()
  for (const municipality of MUNICIPALITIES) {
    const county = countyOfMunicipality(municipality)!.code
    big.set(county, [])
    for (const n of [1, 2, 3]) {
      const team = await teamIn(`Ankkuri ${municipality} ${n}`, municipality)
      await file(team, municipality, 36)
      big.get(county)!.push(team)
    }
    await file(await teamIn(`Pieni ${municipality}`, municipality), municipality, 1, '2026-12')
  }
  for (const name of ['Täyte 1', 'Täyte 2', 'Täyte 3']) await file(await teamIn(name, FILLER_MUNICIPALITY), FILLER_MUNICIPALITY, 15)
  await makeRelease(deps, { now: clock.now(), madeBy: null })

  const aggregates = await app.db.selectFrom('release_aggregates').select(['aggregate_key as key', 'status', 'forms']).where('period', '=', '2026').execute()
  const published = new Set(aggregates.filter((a) => a.status === 'published').map((a) => a.key))
  const formsOf = new Map(aggregates.map((a) => [a.key, a.forms]))
  const view = await readReleaseView(app.db)
  const cellOf = new Map(view.cells.map((c) => [`${c.aggregate} ${c.question}=${c.code}`, c]))
  const k = deps.config.publication.threshold
  let counties = 0
  let small = 0
  let right = 0
  let blind = 0
  for (const [county, teams] of big) {
    const whole = `2026|county:${county}`
    if (!published.has(whole)) continue
    counties++
    // the county's forms outside its published team years: a safe group (withheld teams keep the tiny one company)
    const shown = teams.filter((team) => published.has(`2026|team:${team}`))
    const rest = new Map(teams.filter((team) => !shown.includes(team)).map((team) => [team, formsOf.get(`2026|team:${team}`)!]))
    rest.set('tiny', 1)
    t.equal(unsafeGroup(rest, deps.config.publication.minForms), null, `county ${county}: ${[...rest.values()].reduce((s, n) => s + n, 0)} forms outside its ${shown.length} published team years`)
    // and the subtraction, cell by cell: the rest's counts from 1 to k-1, estimated
    for (const c of view.cells.filter((c) => c.aggregate === whole && !EXACT_QUESTIONS.has(c.question))) {
      const parts = shown.map((team) => cellOf.get(`2026|team:${team} ${c.question}=${c.code}`))
      if (parts.some((p) => !p)) continue
      const truth = c.truth - parts.reduce((s, p) => s + p!.truth, 0)
      if (truth < 1 || truth >= k) continue
      small++
      if (Math.max(0, c.published - parts.reduce((s, p) => s + p!.published, 0)) === truth) right++
      if (truth === 1) blind++
    }
  }
  t.ok(counties >= 6, `${counties} of ${big.size} county years published`)
  t.ok(small >= 50, `${small} counts from 1 to k-1 left by the subtraction`)
  t.ok(right <= blind, `the county minus its published teams gives ${right} of them exactly; always answering 1 gives ${blind}`)
})
