// Report pages and the report API: a team's members see their own team exactly and at once; every
// figure beyond one's own team comes from the latest release and nothing about other teams changes
// between releases, however often a reader polls; every page names its source; filters off the grid
// are refused; what is not published is said in plain words.
import t from 'tap'
import { lastClosedMonth, makeRelease } from '../../src/features/publication/release.service.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs, type TestUser } from '../fixtures/factories.js'
import { newKey } from '../fixtures/forms.js'
import { countsIn, fileForms } from '../fixtures/reports.js'

const THIS_YEAR = new Date().getFullYear()
const YEAR = String(THIS_YEAR)
/** A closed year: its tables are in the first release. */
const LAST_YEAR = String(THIS_YEAR - 1)

t.test('every role reaches every report page, in Finnish, Swedish and English', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const expert = await createUser(app.db)
  await fileForms(app.deps, expert, 6, { meetingMonth: `${LAST_YEAR}-01` })
  await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: null })
  const pages = [
    '/reports',
    '/reports/questions',
    `/reports/questions/meetingTopics?by=age&period=${LAST_YEAR}&area=country`,
    '/reports/areas?level=county&question=referredOnward',
    '/reports/activity',
    '/reports/annual',
    '/reports/releases',
    '/reports/about',
  ]
  for (const role of ['expert', 'admin', 'researcher'] as const) {
    const user = role === 'expert' ? expert : await createUser(app.db, { role })
    const browser = await loginAs(app, sms, user)
    for (const lang of ['fi', 'sv', 'en'] as const) {
      await browser.get(`/language/${lang}?next=/`)
      for (const path of pages) {
        const page = await browser.get(path)
        t.equal(page.statusCode, 200, `${role} ${lang} ${path}`)
        t.notMatch(page.body, /(?<![/\w])reports\.[a-z_]+/, `no missing translation key on ${path} (${lang})`)
        t.match(page.body, `<html lang="${lang}">`)
      }
    }
  }
})

t.test('a team member sees their own team exactly and at once; others see nothing until a release', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const team = await createTeam(app.db, { name: 'Ankkuri Kuopio', wellbeingCounty: '13', policeDepartment: 'ita-suomi' })
  const member = await createUser(app.db, { teamId: team })
  const colleague = await createUser(app.db, { teamId: team })
  const outsider = await createUser(app.db)
  const researcher = await createUser(app.db, { role: 'researcher' })
  const own = await loginAs(app, sms, member)
  await own.get('/language/en?next=/')

  const empty = (await own.get(`/api/v1/reports/overview?period=${YEAR}`)).json()
  t.equal(empty.publication.source, 'team', 'a member\'s reports open on their own team')
  t.same(empty.forms, { status: 'published', value: 0 })

  await fileForms(app.deps, colleague, 3, { meetingMonth: `${YEAR}-01`, meetingKind: 'first', gender: 'other' })
  const after = (await own.get(`/api/v1/reports/overview?period=${YEAR}`)).json()
  t.same(after.forms, { status: 'published', value: 3 }, 'three forms, exactly, at once')
  t.same(after.firstMeetings, { status: 'published', value: 3 })
  // ages 14, 15 and 11; referred onward or not: the overview's two answer counts, exact
  await fileForms(app.deps, colleague, 2, { meetingMonth: `${YEAR}-01`, meetingKind: 'follow_up', age: 15, referredOnward: 'no', referralServices: undefined, responseTimeDays: undefined })
  await fileForms(app.deps, colleague, 1, { meetingMonth: `${YEAR}-01`, meetingKind: 'follow_up', age: 11, responseTimeDays: undefined })
  const counted = (await own.get(`/api/v1/reports/overview?period=${YEAR}`)).json()
  t.same([counted.forms, counted.followUps, counted.under15, counted.referred].map((c) => c.value), [6, 3, 4, 4], 'forms, follow-ups, under 15 and referred, exactly')
  const followUps = (await own.get(`/api/v1/reports/overview?period=${YEAR}&kind=follow_up`)).json()
  t.same([followUps.forms, followUps.under15, followUps.referred].map((c) => c.value), [3, 1, 1], 'the same counts for follow-up meetings only')
  const gender = (await own.get(`/api/v1/reports/questions/gender?period=${YEAR}-01`)).json()
  t.same(gender.table.rows.find((r: { code: string }) => r.code === 'other').total, { status: 'published', value: 3 }, 'even a small count, exactly, by month')
  const page = await own.get('/reports')
  t.match(page.body, 'Your own team&#x27;s figures: exact and up to date', 'the page says the figures are the team\'s own and exact')

  for (const reader of [outsider, researcher]) {
    const browser = await loginAs(app, sms, reader)
    await browser.get('/language/en?next=/')
    const other = (await browser.get(`/api/v1/reports/overview?period=${YEAR}&area=team:${team}`)).json()
    t.equal(other.publication.source, 'none')
    t.same(other.forms, { status: 'published', value: 0 }, `${reader.role}: nothing about the team before a release`)
    const question = (await browser.get(`/api/v1/reports/questions/gender?period=${YEAR}&area=country`)).json()
    t.equal(question.table, null)
    t.equal(question.notice.code, 'no_release')
    t.match(question.notice.message, 'No statistics have been published yet')
  }
})

/** Every report answer an outsider can read, by address. */
async function everyView(browser: Awaited<ReturnType<typeof loginAs>>, teams: string[]): Promise<Map<string, string>> {
  const views = new Map<string, string>()
  const questions = ['gender', 'age', 'meetingTopics', 'clientRole', 'referredOnward', 'homeMunicipality', 'usefulness']
  const areas = ['country', 'county:13', 'police:ita-suomi', ...teams.map((id) => `team:${id}`)]
  const periods = [LAST_YEAR, `${LAST_YEAR}-Q4`, YEAR, `${YEAR}-01`]
  const paths: string[] = []
  for (const period of periods) {
    for (const area of areas) {
      paths.push(`/api/v1/reports/overview?period=${period}&area=${area}`, `/api/v1/reports/activity?area=${area}`)
      for (const q of questions) paths.push(`/api/v1/reports/questions/${q}?period=${period}&area=${area}`)
    }
    for (const level of ['county', 'police', 'team']) for (const q of questions) paths.push(`/api/v1/reports/areas?period=${period}&level=${level}&question=${q}`)
    for (const q of questions) paths.push(`/api/v1/reports/questions/${q}?period=${period}&area=country&by=gender`)
  }
  for (const id of teams) paths.push(`/api/v1/reports/annual?team=${id}&year=${LAST_YEAR}`, `/api/v1/reports/annual?team=${id}&year=${YEAR}`)
  for (const [i, path] of paths.entries()) {
    // the attacker spreads the requests over many addresses, past the per-address rate limit
    browser.headers['x-forwarded-for'] = `198.51.100.${i % 250}`
    const response = await browser.get(path)
    views.set(path, `${response.statusCode} ${response.body}`)
  }
  return views
}

t.test('polling: a form filed now changes nothing an outsider can read until the next release', async (t) => {
  const { app, sms, clock } = await buildTestApp(t, { env: { TRUST_PROXY: '1' } })
  const teamA = await createTeam(app.db, { name: 'Ankkuri A', wellbeingCounty: '13', policeDepartment: 'ita-suomi' })
  const teamB = await createTeam(app.db, { name: 'Ankkuri B', wellbeingCounty: '13', policeDepartment: 'ita-suomi' })
  const expertA = await createUser(app.db, { teamId: teamA })
  const expertB = await createUser(app.db, { teamId: teamB })
  await fileForms(app.deps, expertA, 30, { meetingMonth: `${LAST_YEAR}-11` })
  await fileForms(app.deps, expertB, 30, { meetingMonth: `${LAST_YEAR}-12`, gender: 'girl', age: 16 })
  await makeRelease(app.deps, { now: clock.now(), madeBy: null })
  const outsider = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  const before = await everyView(outsider, [teamA, teamB])
  t.ok([...before.values()].some((v) => v.includes('"source":"release"')), 'the views read the release')

  // a new form in every shape an attacker might look for: this month, last month, and a late one for last year
  await fileForms(app.deps, expertA, 1, { meetingMonth: `${YEAR}-01`, gender: 'other', clientRole: 'both' })
  await fileForms(app.deps, expertB, 1, { meetingMonth: `${LAST_YEAR}-12`, gender: 'other', age: 8 })
  const after = await everyView(outsider, [teamA, teamB])
  const changed = [...before].filter(([path, body]) => after.get(path) !== body).map(([path]) => path)
  t.same(changed, [], `none of ${before.size} views changed`)

  // after the next release, the late form shows only in exact volumes: the tables it could reveal were decided before it
  clock.advance(1000)
  await makeRelease(app.deps, { now: clock.now(), madeBy: null })
  const released = await everyView(outsider, [teamA, teamB])
  // every answer now names the new release; the tables themselves must be as they were
  // (a comparison may gain a row for an area whose first late form arrived: its volume, which is exact)
  const rowsOf = (response: string | undefined) => {
    const table = JSON.parse(response!.slice(4)).table as { rows: { code: string; counts: unknown; total: unknown }[] } | null
    return new Map((table?.rows ?? []).map((r) => [r.code, JSON.stringify([r.counts, r.total])]))
  }
  const tables = [...before].filter(([path]) => path.includes('/questions/') || path.includes('/areas'))
  t.ok(tables.length > 100)
  const moved = tables.filter(([path, body]) => {
    const was = rowsOf(body)
    const now = rowsOf(released.get(path))
    return [...was].some(([code, cells]) => now.get(code) !== cells)
  })
  t.same(moved.map(([path]) => path), [], 'no answer table moved: only the exact volumes count the late form')
})

t.test('a question split by another, and what is not published is said in plain words', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const teamA = await createTeam(app.db, { wellbeingCounty: '13', policeDepartment: 'ita-suomi' })
  const teamB = await createTeam(app.db, { wellbeingCounty: '08', policeDepartment: 'sisa-suomi' })
  const a = await createUser(app.db, { teamId: teamA })
  const b = await createUser(app.db, { teamId: teamB })
  await fileForms(app.deps, a, 25, { meetingMonth: `${LAST_YEAR}-03`, age: 13 })
  await fileForms(app.deps, b, 25, { meetingMonth: `${LAST_YEAR}-05`, age: 16 })
  await fileForms(app.deps, b, 2, { meetingMonth: `${LAST_YEAR}-06`, age: 20 })
  await fileForms(app.deps, a, 3, { meetingMonth: `${LAST_YEAR}-08`, age: 13 })
  await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: null })
  const browser = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  await browser.get('/language/en?next=/')

  const split = (await browser.get(`/api/v1/reports/questions/meetingTopics?period=${LAST_YEAR}&area=country&by=age`)).json()
  t.equal(split.publication.source, 'release')
  t.match(split.publication.statement, /Figures up to .*, published /)
  t.same(split.table.columns.map((c: { code: string }) => c.code), ['under_12', '12_14'], 'columns of safe groups only')
  t.same(split.withheldColumns, ['15–17', '18 and over'], 'the 15 to 17-year-olds all come from one team, and the two adults are a group too small to show')
  for (const count of countsIn(split.table)) t.ok(count.status === 'withheld' || count.value === 0 || count.value! >= 5, 'no count from 1 to 4')

  const notices: [string, string][] = [
    [`/api/v1/reports/questions/gender?period=${LAST_YEAR}-03&area=country`, 'by_month'],
    [`/api/v1/reports/questions/gender?period=${LAST_YEAR}&area=country&kind=first`, 'by_kind'],
    [`/api/v1/reports/questions/gender?period=${LAST_YEAR}-Q1&area=team:${teamA}`, 'team_by_quarter'],
    [`/api/v1/reports/questions/gender?period=${LAST_YEAR}&area=county:13&by=age`, 'split_beyond_country'],
    [`/api/v1/reports/questions/gender?period=${YEAR}&area=country`, 'not_released'],
    [`/api/v1/reports/questions/gender?period=${LAST_YEAR}-Q3&area=country`, 'withheld'],
  ]
  for (const [path, code] of notices) {
    const answer = (await browser.get(path)).json()
    t.equal(answer.notice?.code, code, path)
    t.equal(answer.table, null)
    t.ok(answer.notice.message.length > 20, 'with a message')
  }
  // the third quarter holds only team A's three August forms: too few to publish
  const small = (await browser.get(`/api/v1/reports/questions/gender?period=${LAST_YEAR}-Q3&area=country`)).json()
  t.match(small.notice, { code: 'withheld', message: 'The answers of this group are not published: there are too few forms. Forms: 3.' })
  // the first quarter is the year without team B's 27 forms and team A's three August ones: by
  // subtraction from the published year it would give away those three forms' answers
  const q1 = (await browser.get(`/api/v1/reports/questions/gender?period=${LAST_YEAR}-Q1&area=country`)).json()
  t.match(q1.notice, { code: 'withheld', message: /would differ from another published group by only a few forms/ })
  // team B's second quarter is all of its year: the same forms, published once with the same values
  const bQ2 = (await browser.get(`/api/v1/reports/questions/gender?period=${LAST_YEAR}-Q2&area=county:08`)).json()
  const bYear = (await browser.get(`/api/v1/reports/questions/gender?period=${LAST_YEAR}&area=county:08`)).json()
  t.same(bQ2.table.rows, bYear.table.rows, 'the same set of forms gets the same published values')
  const page = await browser.get(`/reports/questions/gender?period=${LAST_YEAR}-03&area=country`)
  t.match(page.body, 'Tables of answers are published by quarter and year, not by month')
})

t.test('area comparison: each row is that area\'s own published table', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const users: TestUser[] = []
  for (const [county, police] of [['13', 'ita-suomi'], ['08', 'sisa-suomi'], ['06', 'lounais-suomi']] as const) {
    const user = await createUser(app.db, { teamId: await createTeam(app.db, { wellbeingCounty: county, policeDepartment: police }) })
    await fileForms(app.deps, user, 22, { meetingMonth: `${LAST_YEAR}-04`, gender: 'girl' })
    await fileForms(app.deps, user, 3, { meetingMonth: `${LAST_YEAR}-04`, gender: 'boy' })
    users.push(user)
  }
  await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: null })
  const browser = await loginAs(app, sms, await createUser(app.db, { role: 'admin' }))
  const table = (await browser.get(`/api/v1/reports/areas?period=${LAST_YEAR}&level=county&question=gender`)).json().table
  t.same(table.rows.map((r: { code: string }) => r.code).sort(), ['06', '08', '13'])
  for (const row of table.rows) {
    const own = (await browser.get(`/api/v1/reports/questions/gender?period=${LAST_YEAR}&area=county:${row.code}`)).json().table
    const girls = own.rows.find((r: { code: string }) => r.code === 'girl').total
    t.same(row.counts[table.columns.findIndex((c: { code: string }) => c.code === 'girl')], girls, `county ${row.code} reads the same in both places`)
    t.same(row.total, { status: 'published', value: 25 }, 'the number of forms, a volume, is exact')
  }
})

t.test('filters off the grid are refused with a clear message, on pages and in the API', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await browser.get('/language/en?next=/')
  for (const query of ['period=2019', 'period=2025-13', 'period=2025-01-01..2025-02-03', 'area=county:99', 'area=team:00000000-0000-4000-8000-000000000000', 'kind=some', 'unknown=1']) {
    const page = await browser.get(`/reports?${query}`)
    t.equal(page.statusCode, 400, query)
    t.match(page.body, 'There is a problem')
    t.match(page.body, 'Open the report with the default choices')
    t.match(page.body, 'id="field-period"', 'the filters are there to choose again')
    const api = await browser.get(`/api/v1/reports/overview?${query}`)
    t.equal(api.statusCode, 400, `API ${query}`)
    t.equal(api.json().error.code, 'validation_failed')
    t.ok(api.json().error.fields.length > 0)
  }
  t.equal((await browser.get('/reports/questions/notAQuestion')).statusCode, 400)
  t.equal((await browser.get('/reports/questions/gender?by=homeMunicipality')).statusCode, 400, 'split only by the marked questions')
  t.equal((await browser.get('/api/v1/reports/activity?area=municipality:837')).statusCode, 400)
})

t.test('reports need a login; only a national administrator makes a release, and it is audited', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/reports' })
  t.equal(page.statusCode, 303)
  const api = await app.inject({ method: 'GET', url: '/api/v1/reports/overview', headers: { accept: 'application/json' } })
  t.equal(api.statusCode, 401)

  const expert = await loginAs(app, sms, await createUser(app.db))
  const list = await expert.get('/reports/releases')
  t.notMatch(list.body, 'action="/reports/releases"', 'an expert is not offered the button')
  t.equal((await expert.post('/reports/releases', { through: lastClosedMonth(app.deps.clock.now()) })).statusCode, 403)
  t.equal((await app.db.selectFrom('releases').select('id').execute()).length, 0)

  const admin = await createUser(app.db, { role: 'admin' })
  const browser = await loginAs(app, sms, admin)
  await browser.get('/language/en?next=/')
  const form = await browser.get('/reports/releases')
  const through = /name="through" value="(\d{4}-\d{2})"/.exec(form.body)![1]!
  t.equal(through, lastClosedMonth(app.deps.clock.now()), 'the form names the last month the release will hold')
  for (const stale of [{}, { through: '2020-01' }, { through: "2026-11' OR 1=1" }] as Record<string, string>[]) {
    const refused = await browser.post('/reports/releases', stale)
    t.equal(refused.statusCode, 409, `${JSON.stringify(stale)}: refused`)
    t.match(refused.body, 'The page was out of date')
  }
  t.equal((await app.db.selectFrom('releases').select('id').execute()).length, 0, 'and nothing was made')
  const made = await browser.post('/reports/releases', { through })
  t.equal(made.statusCode, 303)
  t.equal(made.headers.location, '/reports/releases?made=1')
  const after = await browser.get('/reports/releases?made=1')
  t.match(after.body, 'Release 1 has been made.')
  t.match(after.body, 'An administrator')
  const audit = await app.db.selectFrom('audit_log').select(['event', 'actor_user_id', 'details']).where('event', '=', 'release_made').execute()
  t.match(audit, [{ actor_user_id: admin.id, details: { release: '1', made_how: 'administrator' } }])

  // a release made with `npm run release` says so, and the about page gives the latest release's own parameters
  await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: null, madeHow: 'command' })
  const list2 = await browser.get('/reports/releases')
  t.match(list2.body, 'A command on the server')
  t.equal((await app.db.selectFrom('releases').select('made_how').where('id', '=', 2).executeTakeFirstOrThrow()).made_how, 'command')
  const method = { name: 'cell-key perturbation (maximum-entropy perturbation table), exact volumes', threshold: 7, maxNoise: 8, noiseVariance: 2, minForms: 30 }
  await app.db.insertInto('releases').values({ id: 3, through_month: '2020-01-01', made_at: new Date(), made_by: null, made_how: 'command', method: JSON.stringify(method) }).execute()
  const about = await browser.get('/reports/about')
  t.match(about.body, /k (?:=|&#x3D;) 7, largest change 8 and variance 2 for each team&#x27;s part, smallest group 30 forms/, 'the about page gives the parameters stored with the latest release, not today\'s settings')
  const answer = (await browser.get('/api/v1/reports/overview?area=country')).json()
  t.match(answer.publication, { release: { id: 3 }, method: { threshold: 7, maxNoise: 8, noiseVariance: 2, minForms: 30 } }, 'and so does every answer read from it')
  await t.rejects(app.db.insertInto('releases').values({ id: 4, through_month: '2020-01-01', made_at: new Date(), made_by: null, made_how: 'administrator', method: '{}' }).execute(), 'an administrator\'s release names the administrator')
})

t.test('team activity per year and the printable annual report: exact for the own team, released for others', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const team = await createTeam(app.db, { name: 'Ankkuri Kuopio', wellbeingCounty: '13', policeDepartment: 'ita-suomi', municipalities: ['297'] })
  const expert = await createUser(app.db, { teamId: team })
  const browser = await loginAs(app, sms, expert)
  await browser.get('/language/en?next=/')
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  for (const kind of ['refusal', 'refusal', 'coffee_meeting']) {
    const body = kind === 'refusal' ? { kind, month: `${YEAR}-01`, ageBand: 'under_15' } : { kind, month: `${YEAR}-01`, participants: 12 }
    t.equal((await browser.postJson('/api/v1/activity-records', body, { 'idempotency-key': newKey(), 'x-csrf-token': csrf })).statusCode, 201)
  }
  const activity = (await browser.get('/api/v1/reports/activity')).json()
  t.equal(activity.publication.source, 'team')
  const refusals = activity.tables.find((x: { id: string }) => x.id === 'refusals')
  const thisYear = refusals.rows.find((r: { code: string }) => r.code === YEAR)
  t.same(thisYear.counts[0], { status: 'published', value: 2 }, 'two refusals, exactly: activity is a volume')
  t.equal(refusals.rows[0].code <= refusals.rows[refusals.rows.length - 1].code, true, 'oldest year first')
  const activityPage = await browser.get('/reports/activity')
  t.equal(activityPage.statusCode, 200)
  t.notMatch(activityPage.body, '<th scope="col" class="num">Share</th>', 'a year\'s share of all years is not shown')

  await fileForms(app.deps, expert, 4, { meetingMonth: `${YEAR}-01`, gender: 'other' })
  t.match((await browser.get(`/reports/questions/gender?period=${YEAR}`)).body, '<th scope="col" class="num">Share</th>', 'an answer\'s share is')
  const annual = (await browser.get(`/api/v1/reports/annual?year=${YEAR}`)).json()
  t.equal(annual.team.name, 'Ankkuri Kuopio')
  t.same(annual.overview.forms, { status: 'published', value: 4 })
  const gender = annual.tables.find((x: { id: string }) => x.id === 'gender')
  t.same(gender.rows.find((r: { code: string }) => r.code === 'other').total, { status: 'published', value: 4 }, 'the own team\'s annual report is exact')

  const outsider = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  const theirs = (await outsider.get(`/api/v1/reports/annual?team=${team}&year=${YEAR}`)).json()
  t.equal(theirs.publication.source, 'none')
  t.same(theirs.tables, [], 'another team\'s annual report has no answers before a release')
  t.equal(theirs.notice.code, 'no_release')
  const print = await browser.get(`/reports/annual?year=${YEAR}`)
  t.equal(print.statusCode, 200)
  t.match(print.body, 'Ankkuri Kuopio')
})

t.test('the page explaining the protection names the parameters in three languages', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  for (const [lang, words, variance] of [['fi', 'Miten luvut suojataan', 'varianssi 1,5'], ['sv', 'Hur siffrorna skyddas', 'varians 1,5'], ['en', 'How the figures are protected', 'variance 1.5']] as const) {
    await browser.get(`/language/${lang}?next=/`)
    const page = await browser.get('/reports/about')
    t.match(page.body, words)
    // Handlebars writes "=" as &#x3D; in text
    t.match(page.body, /k (?:=|&#x3D;) 5/)
    t.match(page.body, variance, 'the variance as the language writes decimals')
  }
})
