// Releases: each form enters once; every published count is the cell-key value of its set of forms
// (never 1..k-1, never negative); decided tables never change; volumes are exact; and an attacker who
// combines every published number of a release pins down no small count and guesses no better than
// always answering 1.
import t from 'tap'
import { sql } from 'kysely'
import { seedDemoData } from '../../src/features/demo/demo-seed.service.js'
import { EXACT_QUESTIONS, makeRelease, methodOf, ptableOf } from '../../src/features/publication/release.service.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import { updateTeam } from '../../src/features/teams/teams.repository.js'
import { fileForms } from '../fixtures/reports.js'
import { estimates, expectedValue, propagateBounds, readReleaseView } from '../fixtures/release-attack.js'

const DAY = 24 * 3600 * 1000

async function releasedTables(db: Parameters<typeof readReleaseView>[0]) {
  const rows = await db.selectFrom('release_tables').select(['aggregate_key', 'table_key', 'cells']).orderBy('aggregate_key').orderBy('table_key').execute()
  return new Map(rows.map((r) => [`${r.aggregate_key}|${r.table_key}`, JSON.stringify(r.cells)]))
}

t.test('a release publishes protected tables that an attacker combining all of them cannot undo', async (t) => {
  const { deps, clock, app } = await buildTestApp(t)
  clock.advance(-clock.now().getTime() + Date.parse('2026-07-10T09:00:00Z'))
  await seedDemoData(deps, { forms: 2500, months: 19, seed: 11 })
  const release = (await makeRelease(deps, { now: clock.now(), madeBy: null }))!
  t.equal(release.id, 1)
  t.equal(release.throughMonth, '2026-06')

  const db = app.db
  const inRelease = await sql<{ n: string; outside: string }>`
    SELECT count(*) FILTER (WHERE r.form_id IS NOT NULL) AS n, count(*) FILTER (WHERE r.form_id IS NULL AND f.meeting_month <= DATE '2026-06-01') AS outside
      FROM meeting_forms f LEFT JOIN release_forms r ON r.form_id = f.id`.execute(db)
  t.equal(Number(inRelease.rows[0]!.n), release.formsEntered, 'the forms of closed months entered the release')
  t.equal(Number(inRelease.rows[0]!.outside), 0, 'no form of a closed month was left out')
  const current = await sql<{ n: string }>`SELECT count(*) AS n FROM release_forms r JOIN meeting_forms f ON f.id = r.form_id WHERE f.meeting_month >= DATE '2026-07-01'`.execute(db)
  t.equal(Number(current.rows[0]!.n), 0, 'the open month is not released')

  const ptable = ptableOf(methodOf(deps.config.publication))
  const k = deps.config.publication.threshold
  const view = await readReleaseView(db)
  t.ok(view.cells.length > 2000, `${view.cells.length} published counts read`)
  t.ok(view.cells.filter((c) => !EXACT_QUESTIONS.has(c.question)).every((c) => c.published === 0 || c.published >= k), 'no published count about young people lies between 1 and k-1')
  t.ok(view.cells.every((c) => c.published >= 0), 'no published count is negative')
  const exact = view.cells.filter((c) => EXACT_QUESTIONS.has(c.question))
  const protectedCells = view.cells.filter((c) => !EXACT_QUESTIONS.has(c.question))
  t.ok(exact.length > 0 && exact.every((c) => c.published === c.truth), 'the kind of meeting, a volume, is published exactly')
  t.ok(protectedCells.every((c) => c.published === expectedValue(ptable, c)), 'every other count is the sum of the cell-key values of its teams\' sets of forms')
  const small = protectedCells.filter((c) => c.truth >= 1 && c.truth < k)
  t.ok(small.length > 100, `${small.length} true counts from 1 to k-1 are behind published values`)

  // exact determination: no small count is pinned down by everything published together
  const bounds = propagateBounds(view, ptable)
  const pinned = small.filter((c) => {
    const [lo, hi] = bounds[view.cells.indexOf(c)]!
    return lo === hi
  })
  t.same(pinned.map((c) => `${c.aggregate} ${c.question}=${c.code}`), [], 'no true count between 1 and k-1 is determined')
  t.ok(view.sums.length > 100 && view.nestings.length > 0, `${view.sums.length} table totals and ${view.nestings.length} area or period identities used`)

  // estimation: averaging every way of writing a count, rounded, is right no more often than always answering 1
  const guess = estimates(view)
  const right = small.filter((c) => guess[view.cells.indexOf(c)] === c.truth).length / small.length
  const blind = small.filter((c) => c.truth === 1).length / small.length
  t.ok(right <= blind, `estimates right for ${(right * 100).toFixed(1)}% of small counts; always answering 1: ${(blind * 100).toFixed(1)}%`)

  // volumes are exact
  const volumes = await sql<{ n: string }>`SELECT coalesce(sum(forms), 0) AS n FROM release_volumes WHERE release_id = 1`.execute(db)
  t.equal(Number(volumes.rows[0]!.n), release.formsEntered, 'the volumes count every released form exactly')

  // the next release: decided tables never change, a late form enters once, new periods are decided
  const before = await releasedTables(db)
  clock.advance(40 * DAY)
  await seedDemoData(deps, { forms: 60, months: 3, seed: 12 })
  const second = (await makeRelease(deps, { now: clock.now(), madeBy: null }))!
  t.equal(second.throughMonth, '2026-07')
  const after = await releasedTables(db)
  const changed = [...before].filter(([key, cells]) => after.get(key) !== cells)
  t.same(changed, [], 'no table of the first release changed')
  t.ok(after.size > before.size || second.published === 0, 'tables of newly closed periods are added, never replaced')
  const twice = await sql<{ n: string }>`SELECT count(*) AS n FROM (SELECT form_id FROM release_forms GROUP BY form_id HAVING count(*) > 1) x`.execute(db)
  t.equal(Number(twice.rows[0]!.n), 0, 'no form is in two releases')

  await t.rejects(sql`UPDATE release_tables SET cells = '{}'::jsonb`.execute(db), 'released tables cannot be changed')
  await t.rejects(sql`DELETE FROM release_forms`.execute(db), 'release membership cannot be removed')
})

t.test('a late form is in no answer table: a year holds exactly the forms of its four quarters as they were decided', async (t) => {
  const { deps, clock, app } = await buildTestApp(t)
  const setDate = (iso: string) => clock.advance(-clock.now().getTime() + Date.parse(iso))
  setDate('2025-04-10T09:00:00Z')
  await seedDemoData(deps, { forms: 600, months: 3, seed: 21 })
  const first = (await makeRelease(deps, { now: clock.now(), madeBy: null }))!
  t.equal(first.throughMonth, '2025-03', 'the first quarter is decided in April')

  // a few forms for February arrive late, after the first quarter was decided
  const team = await app.db.selectFrom('teams').select('id').limit(1).executeTakeFirstOrThrow()
  const user = await createUser(app.db, { teamId: team.id })
  setDate('2025-06-20T09:00:00Z')
  await fileForms(deps, user, 3, { meetingMonth: '2025-02', gender: 'other', age: 9 })
  setDate('2026-01-10T09:00:00Z')
  const second = (await makeRelease(deps, { now: clock.now(), madeBy: null }))!
  t.equal(second.throughMonth, '2025-12')

  const aggregates = await app.db.selectFrom('release_aggregates').select(['aggregate_key', 'forms', 'release_id']).where('aggregate_key', 'like', '2025%|country').execute()
  const forms = new Map(aggregates.map((a) => [a.aggregate_key, a.forms]))
  const quarters = [1, 2, 3, 4].reduce((sum, q) => sum + (forms.get(`2025-Q${q}|country`) ?? 0), 0)
  t.equal(forms.get('2025|country'), quarters, 'the year is the sum of its quarters: the year minus its quarters is empty')
  const volumes = await sql<{ n: string }>`SELECT coalesce(sum(forms), 0) AS n FROM release_volumes WHERE release_id = ${second.id} AND month BETWEEN DATE '2025-01-01' AND DATE '2025-12-01'`.execute(app.db)
  t.equal(Number(volumes.rows[0]!.n), quarters + 3, 'the exact volumes count the late forms')
})

t.test('forms keep the area they were filed in: moving a team moves only its later forms', async (t) => {
  const { deps, clock, app, sms } = await buildTestApp(t)
  clock.advance(-clock.now().getTime() + Date.parse('2025-03-20T09:00:00Z'))
  const team = await createTeam(app.db, { name: 'Ankkuri Siirtyvä', wellbeingCounty: '13', policeDepartment: 'ita-suomi' })
  const expert = await createUser(app.db, { teamId: team })
  await fileForms(deps, expert, 25, { meetingMonth: '2025-03' })
  await updateTeam(app.db, team, { name: 'Ankkuri Siirtyvä', wellbeingCounty: '08', policeDepartment: 'sisa-suomi', municipalities: ['179'] }, clock.now())
  clock.advance(60 * DAY)
  await fileForms(deps, expert, 22, { meetingMonth: '2025-05' })
  clock.advance(-clock.now().getTime() + Date.parse('2026-01-10T09:00:00Z'))
  await makeRelease(deps, { now: clock.now(), madeBy: null })

  const stored = await app.db.selectFrom('meeting_forms').select(['wellbeing_county', 'police_department']).select((eb) => eb.fn.countAll<string>().as('n')).groupBy(['wellbeing_county', 'police_department']).orderBy('wellbeing_county').execute()
  t.same(stored.map((r) => [r.wellbeing_county, r.police_department, Number(r.n)]), [['08', 'sisa-suomi', 22], ['13', 'ita-suomi', 25]], 'each form keeps the area of its filing')
  const reader = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  const forms = async (area: string) => (await reader.get(`/api/v1/reports/overview?period=2025&area=${area}`)).json().forms
  t.same(await forms('county:13'), { status: 'published', value: 25 }, 'the old county keeps the forms filed there')
  t.same(await forms('county:08'), { status: 'published', value: 22 }, 'the new county has only the forms filed after the move')
  t.same(await forms('police:ita-suomi'), { status: 'published', value: 25 })
})
