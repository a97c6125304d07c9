// A county's year minus the published years of its teams: what is left is the forms of teams whose
// own year is not published (here one form of a new, tiny team in each county). If a team's part
// of a cell got the same value in every cell that holds it, the subtraction would cancel the big
// team's part exactly and leave the tiny team's one form perturbed alone: published as k or more
// exactly when it gave that answer, so an attacker who sees k or more for one answer and 0 for every
// other knows the form's answer. Each team's part is perturbed with the whole cell's key as well,
// so the subtraction leaves noise: the test checks that this rule names the tiny team's answer for
// almost no questions (with one value per part it would for about one question in five).
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
import { readReleaseView, type AttackCell } from '../fixtures/release-attack.js'

/** Kajaani: a county of its own, where two teams of 15 forms keep the country's rest of withheld teams safe. */
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
  for (const name of ['Täyte 1', 'Täyte 2']) await file(await teamIn(name, FILLER_MUNICIPALITY), FILLER_MUNICIPALITY, 15)
  await makeRelease(deps, { now: clock.now(), madeBy: null })

  const view = await readReleaseView(app.db)
  const cellOf = new Map(view.cells.map((c) => [`${c.aggregate} ${c.question}=${c.code}`, c]))
  const k = deps.config.publication.threshold
  let questions = 0
  let named = 0
  let right = 0
  for (const [county, teams] of big) {
    const whole = `2026|county:${county}`
    const questionsHere = [...new Set(view.cells.filter((c) => c.aggregate === whole && !EXACT_QUESTIONS.has(c.question)).map((c) => c.question))]
    for (const question of questionsHere) {
      const cells = view.cells.filter((c) => c.aggregate === whole && c.question === question)
      const parts = cells.map((c) => ({ c, teams: teams.map((team) => cellOf.get(`2026|team:${team} ${question}=${c.code}`)) }))
      if (parts.some((p) => p.teams.some((x) => !x))) continue
      questions++
      const rest = (p: (typeof parts)[number]) => p.c.published - p.teams.reduce((sum, x) => sum + x!.published, 0)
      const restTruth = (p: (typeof parts)[number]) => p.c.truth - p.teams.reduce((sum, x) => sum + x!.truth, 0)
      const candidates = parts.filter((p) => rest(p) >= k)
      if (candidates.length !== 1 || parts.some((p) => p !== candidates[0] && rest(p) !== 0)) continue
      named++
      if (restTruth(candidates[0]!) === 1) right++
    }
  }
  t.ok(questions >= 100, `${questions} questions of ${big.size} counties compared`)
  t.ok(right <= questions * 0.03, `the rule names the tiny team's answer for ${right} of ${questions} questions (it names an answer for ${named})`)
})
