// Report pages and the report API: every role sees them in three languages, a new form shows at
// once, filters come from the URL and off-grid values are refused, small numbers never appear.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { countsIn, fileForms } from '../fixtures/reports.js'

const YEAR = String(new Date().getFullYear())

t.test('every role reaches every report page, in Finnish, Swedish and English', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const expert = await createUser(app.db)
  await fileForms(app.deps, expert, 6, { meetingMonth: `${YEAR}-01` })
  const pages = ['/reports', '/reports/questions', '/reports/questions/meetingTopics?by=age', '/reports/areas?level=county&question=referredOnward', '/reports/activity', '/reports/annual']
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

t.test('the overview counts a new form at once and hides small numbers', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)
  await browser.get('/language/en?next=/')

  const empty = await browser.get(`/api/v1/reports/overview?period=${YEAR}`)
  t.equal(empty.statusCode, 200)
  t.same(empty.json().forms, { status: 'published', value: 0 }, 'zero is shown')

  await fileForms(app.deps, user, 3, { meetingMonth: `${YEAR}-02` })
  const few = (await browser.get(`/api/v1/reports/overview?period=${YEAR}`)).json()
  t.same(few.forms, { status: 'primary', value: null }, 'three forms: hidden')
  t.equal(few.firstMeetingsShare, null, 'no share from a hidden number')
  const fewPage = await browser.get(`/reports?period=${YEAR}`)
  t.match(fewPage.body, '&lt;5')
  t.match(fewPage.body, 'fewer than 5, hidden')

  await fileForms(app.deps, user, 4, { meetingMonth: `${YEAR}-02` })
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  const filed = await browser.postJson('/api/v1/meeting-forms', validAnswers({ meetingMonth: `${YEAR}-02`, meetingKind: 'follow_up', responseTimeDays: undefined, age: 16 }), {
    'idempotency-key': newKey(),
    'x-csrf-token': csrf,
  })
  t.equal(filed.statusCode, 201)
  const now = (await browser.get(`/api/v1/reports/overview?period=${YEAR}`)).json()
  t.same(now.forms, { status: 'published', value: 8 }, 'the form filed a moment ago is counted')
  t.same(now.followUps, { status: 'primary', value: null }, 'one follow-up: hidden')
  t.same(now.firstMeetings, { status: 'secondary', value: null }, 'seven first meetings are hidden too: 8 - 7 would give the one')
  t.equal(now.firstMeetingsShare, null)
  t.same(now.fifteenPlus, { status: 'primary', value: null })
  t.same(now.under15, { status: 'secondary', value: null })
  t.equal(now.medianResponseDays, 6)
  const february = now.trend.rows.find((r: { code: string }) => r.code === `${YEAR}-02`)
  t.same(february.total, { status: 'published', value: 8 })
})

t.test('the number of forms hidden in one overview table is hidden, and protected, in all of them', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  // 4 first and 4 follow-up meetings: both small, so the 8 would give them away and is hidden too
  await fileForms(app.deps, user, 4, { meetingMonth: `${YEAR}-03`, age: 16 })
  await fileForms(app.deps, user, 4, { meetingMonth: `${YEAR}-03`, age: 16, meetingKind: 'follow_up', responseTimeDays: undefined })
  const browser = await loginAs(app, sms, user)
  const overview = (await browser.get(`/api/v1/reports/overview?period=${YEAR}`)).json()
  t.same(overview.forms, { status: 'secondary', value: null })
  t.same(overview.under15, { status: 'published', value: 0 })
  t.same(overview.fifteenPlus, { status: 'secondary', value: null }, 'all eight are 15 or over: showing 8 here would undo the hiding')
  const march = overview.trend.rows.find((r: { code: string }) => r.code === `${YEAR}-03`)
  t.same(march.total, { status: 'secondary', value: null }, 'nor can the month give it away')
  t.same(overview.trend.totals.total, { status: 'secondary', value: null })
})

t.test('a question split by another: first meetings about shoplifting in a county, by age group', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const pirkanmaa = await createTeam(app.db, { wellbeingCounty: '08', policeDepartment: 'sisa-suomi', municipalities: ['837'] })
  const elsewhere = await createTeam(app.db, { wellbeingCounty: '90', policeDepartment: 'helsinki', municipalities: ['091'] })
  const tampere = await createUser(app.db, { teamId: pirkanmaa })
  const helsinki = await createUser(app.db, { teamId: elsewhere })
  await fileForms(app.deps, tampere, 6, { meetingMonth: `${YEAR}-03`, age: 13, meetingTopics: ['theft_shoplifting'] })
  await fileForms(app.deps, tampere, 7, { meetingMonth: `${YEAR}-04`, age: 16, meetingTopics: ['theft_shoplifting', 'assault'] })
  await fileForms(app.deps, tampere, 5, { meetingMonth: `${YEAR}-04`, age: 16, meetingKind: 'follow_up', responseTimeDays: undefined, meetingTopics: ['theft_shoplifting'] })
  await fileForms(app.deps, helsinki, 9, { meetingMonth: `${YEAR}-04`, age: 13, meetingTopics: ['theft_shoplifting'] })
  const browser = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  await browser.get('/language/en?next=/')

  const query = `period=${YEAR}&area=county:08&kind=first&by=age`
  const api = await browser.get(`/api/v1/reports/questions/meetingTopics?${query}`)
  t.equal(api.statusCode, 200)
  const table = api.json().table
  t.same(api.json().filters, { period: YEAR, area: 'county:08', kind: 'first', by: 'age' })
  t.same(table.columns.map((c: { code: string }) => c.code), ['under_12', '12_14', '15_17', '18_plus'])
  const theft = table.rows.find((r: { code: string }) => r.code === 'theft_shoplifting')
  t.same(theft.counts.map((c: { value: number | null }) => c.value), [0, 6, 7, 0], 'first meetings about shoplifting in Pirkanmaa by age group')
  t.same(theft.total, { status: 'published', value: 13 })
  t.same(table.totals.total, { status: 'published', value: 13 }, 'the forms the question was asked on')

  const page = await browser.get(`/reports/questions/meetingTopics?${query}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, '<caption id="caption-meetingTopics">What is the meeting about?')
  t.match(page.body, 'data-value="7"')
  const pageValues = [...page.body.matchAll(/data-value="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b)
  const apiValues = table.rows
    .flatMap((r: { counts: { value: number | null }[] }) => r.counts.map((c) => c.value))
    .filter((v: number | null) => v !== null)
    .sort((a: number, b: number) => a - b)
  t.same(pageValues, apiValues, 'the chart reads exactly the published numbers of the API')
  t.match(page.body, 'value="county:08" selected', 'the filters are kept in the form')
})

t.test('area comparison lists areas with the whole selection as the total', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const team = await createTeam(app.db, { name: 'Ankkuri Oulu', wellbeingCounty: '19', policeDepartment: 'oulu', municipalities: ['564'] })
  const user = await createUser(app.db, { teamId: team })
  await fileForms(app.deps, user, 12, { meetingMonth: `${YEAR}-05`, referredOnward: 'no', referralServices: undefined })
  await fileForms(app.deps, user, 8, { meetingMonth: `${YEAR}-05` })
  const browser = await loginAs(app, sms, user)
  const counties = (await browser.get(`/api/v1/reports/areas?period=${YEAR}&level=county&question=referredOnward`)).json().table
  t.equal(counties.rows.length, 22, 'every wellbeing services county is listed')
  const north = counties.rows.find((r: { code: string }) => r.code === '19')
  t.same(north.counts.map((c: { value: number }) => c.value), [8, 12])
  t.same(counties.totals.total, { status: 'published', value: 20 })
  const teams = (await browser.get(`/api/v1/reports/areas?period=${YEAR}&level=team&question=meetingTopics`)).json().table
  t.same(teams.rows.map((r: { label: string }) => r.label), ['Ankkuri Oulu'])
  t.same(teams.rows[0].total, { status: 'published', value: 20 }, 'a multiple-choice question: the row total is the forms asked')
  const municipalities = (await browser.get(`/api/v1/reports/areas?period=${YEAR}&level=municipality&question=gender`)).json().table
  t.same(municipalities.rows.map((r: { code: string }) => r.code), ['837'], 'only home municipalities with forms')
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

t.test('reports need a login', async (t) => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/reports' })
  t.equal(page.statusCode, 303)
  const api = await app.inject({ method: 'GET', url: '/api/v1/reports/overview', headers: { accept: 'application/json' } })
  t.equal(api.statusCode, 401)
})

t.test('team activity per year and the printable annual report', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const team = await createTeam(app.db, { name: 'Ankkuri Kuopio', wellbeingCounty: '13', policeDepartment: 'ita-suomi', municipalities: ['297'] })
  const user = await createUser(app.db, { teamId: team })
  await fileForms(app.deps, user, 9, { meetingMonth: `${YEAR}-01` })
  const browser = await loginAs(app, sms, user)
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  const record = (body: Record<string, unknown>) =>
    browser.postJson('/api/v1/activity-records', { month: `${YEAR}-01`, ...body }, { 'idempotency-key': newKey(), 'x-csrf-token': csrf })
  for (let i = 0; i < 6; i++) t.equal((await record({ kind: 'coffee_meeting', participants: 10 })).statusCode, 201)
  for (let i = 0; i < 2; i++) await record({ kind: 'refusal', ageBand: 'under_15' })

  const activity = (await browser.get(`/api/v1/reports/activity?area=team:${team}`)).json()
  const [meetings, participants, refusals] = activity.tables
  const thisYear = (table: { rows: { code: string; counts: unknown[] }[] }) => table.rows.find((r) => r.code === YEAR)!.counts
  t.same(thisYear(meetings), [{ status: 'published', value: 6 }, { status: 'published', value: 0 }])
  t.same(thisYear(participants), [{ status: 'published', value: 60 }, { status: 'published', value: 0 }])
  t.same(thisYear(refusals)[0], { status: 'primary', value: null }, 'two refusals: hidden')

  await browser.get('/language/en?next=/')
  const annual = await browser.get(`/reports/annual?team=${team}&year=${YEAR}`)
  t.equal(annual.statusCode, 200)
  t.match(annual.body, `Team annual report: Ankkuri Kuopio ${YEAR}`)
  t.match(annual.body, 'data-print')
  const json = (await browser.get(`/api/v1/reports/annual?team=${team}&year=${YEAR}`)).json()
  t.same(json.overview.forms, { status: 'published', value: 9 })
  t.equal((await browser.get(`/reports/annual?team=${team}&year=1999`)).statusCode, 400)
})

t.test('the annual report shows one number of forms: hidden in one table, hidden in all', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  // five boys and one girl: the gender table can only protect the one by hiding its total, 6
  await fileForms(app.deps, user, 5, { meetingMonth: `${YEAR}-02` })
  await fileForms(app.deps, user, 1, { meetingMonth: `${YEAR}-02`, gender: 'girl' })
  const browser = await loginAs(app, sms, user)
  const report = (await browser.get(`/api/v1/reports/annual?team=${user.teamId}&year=${YEAR}`)).json()
  const gender = report.tables.find((table: { id: string }) => table.id === 'gender')
  t.same(gender.totals.total, { status: 'secondary', value: null })
  t.same(report.overview.forms, { status: 'secondary', value: null }, 'so the key figures do not show 6 either')
  t.same(report.overview.referred, { status: 'secondary', value: null }, 'nor the six referred, which is the same number')
  for (const table of report.tables) {
    t.not(table.totals.total.status, 'published', `${table.id}: its total (or base) is hidden too`)
  }
  t.same(report.overview.trend.totals.total, { status: 'secondary', value: null })
})

t.test('no published count in any report answer lies between 1 and k-1', async (t) => {
  const { app, sms } = await buildTestApp(t, { env: { DISCLOSURE_THRESHOLD: '4' } })
  const { SeededRandom } = await import('../../src/features/demo/random.js')
  const { demoAnswers } = await import('../../src/features/demo/demo-answers.js')
  const { submitMeetingForm } = await import('../../src/features/forms/forms.service.js')
  const { actorOf } = await import('../fixtures/reports.js')
  const random = new SeededRandom(7)
  const users = [await createUser(app.db), await createUser(app.db)]
  for (let i = 0; i < 40; i++) {
    const user = users[i % 2]!
    await submitMeetingForm(app.deps, actorOf(user), demoAnswers(random, `${YEAR}-0${1 + (i % 6)}`, i % 3 === 0 ? '091' : '837'), newKey())
  }
  const browser = await loginAs(app, sms, users[0]!)
  const { questionDimensions } = await import('../../src/features/reports/report-dimensions.js')
  const urls = [`/api/v1/reports/overview?period=${YEAR}`, `/api/v1/reports/activity`]
  for (const d of questionDimensions()) {
    urls.push(`/api/v1/reports/questions/${d.id}?period=${YEAR}`, `/api/v1/reports/questions/${d.id}?period=${YEAR}&by=gender`)
    urls.push(`/api/v1/reports/areas?period=${YEAR}&level=team&question=${d.id}`)
  }
  let published = 0
  for (const url of urls) {
    const response = await browser.get(url)
    t.equal(response.statusCode, 200, url)
    for (const count of countsIn(response.json())) {
      if (count.status === 'published') {
        published++
        t.ok(count.value === 0 || (count.value ?? 0) >= 4, `${url}: ${count.value}`)
      } else t.equal(count.value, null)
    }
  }
  t.ok(published > 200, 'plenty of numbers were published and checked')
})
