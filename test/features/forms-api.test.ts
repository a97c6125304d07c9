// Filing statistics forms through the JSON API: idempotency, validation of every rule, access.
import t from 'tap'
import type { TestApp } from '../fixtures/app.js'
import { buildTestApp } from '../fixtures/app.js'
import type { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { verifyApp } from '../fixtures/integrity.js'

async function apiClient(test: TestApp, role: 'expert' | 'admin' | 'researcher' = 'expert') {
  const user = await createUser(test.app.db, { role, teamId: role === 'researcher' ? null : undefined })
  test.clock.advance(61_000)
  const browser = await loginAs(test.app, test.sms, user)
  const session = await browser.get('/api/v1/session')
  const csrfToken = session.json().csrfToken as string
  return { user, browser, csrfToken }
}

function post(test: TestApp, client: { browser: TestBrowser; csrfToken: string }, body: unknown, key: string | undefined = newKey(), lang = 'en') {
  return test.app.inject({
    method: 'POST',
    url: '/api/v1/meeting-forms',
    headers: {
      cookie: client.browser.cookieHeader(),
      'x-csrf-token': client.csrfToken,
      'content-type': 'application/json',
      'accept-language': lang,
      ...(key ? { 'idempotency-key': key } : {}),
    },
    payload: JSON.stringify(body),
  })
}

t.test('a valid form is stored once; a repeat answers the same; the same key with other answers is a conflict', async (t) => {
  const test = await buildTestApp(t)
  const client = await apiClient(test)
  const key = newKey()
  const first = await post(test, client, validAnswers(), key)
  t.equal(first.statusCode, 201, first.body)
  const { id } = first.json()
  t.match(id, /^[0-9a-f-]{36}$/)
  const repeat = await post(test, client, validAnswers(), key)
  t.equal(repeat.statusCode, 201)
  t.equal(repeat.json().id, id)
  const other = await post(test, client, validAnswers({ age: 15 }), key)
  t.equal(other.statusCode, 409)
  t.equal(other.json().error.code, 'conflict')
  const parallelKey = newKey()
  const parallel = await Promise.all(Array.from({ length: 5 }, () => post(test, client, validAnswers({ age: 16 }), parallelKey)))
  t.same(new Set(parallel.map((r) => r.statusCode)), new Set([201]))
  t.equal(new Set(parallel.map((r) => r.json().id)).size, 1, 'parallel retries make one form')

  const rows = await test.app.db.selectFrom('meeting_forms').selectAll().orderBy('created_at').execute()
  t.equal(rows.length, 2)
  const row = rows.find((r) => r.id === id)!
  t.equal(row.team_id, client.user.teamId, 'the team comes from the account')
  t.equal(row.submitted_by, client.user.id)
  t.equal(row.definition_version, 1)
  t.equal(row.age, 14)
  t.equal(row.under_15, true)
  t.equal(row.adult_client, false)
  t.same(row.meeting_topics, ['theft_shoplifting', 'intoxicant_use'])
  t.equal(row.guided_hobby, 'no')
  t.equal(row.times_in_anchor, null)
  // a submission queues its form for the next seal; the sealer links it into the chain
  const queued = await test.app.db.selectFrom('integrity_pending').select('record_id').execute()
  t.same(queued.map((q) => q.record_id).sort(), rows.map((r) => r.id).sort())
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 2 })
  const links = await test.app.db.selectFrom('integrity_chain').selectAll().orderBy('seq').execute()
  t.same(links.map((l) => [Number(l.seq), l.record_kind]), [[1, 'meeting_form'], [2, 'meeting_form']])
})

t.test('every bad answer is named, with a message in the caller\'s language; nothing is stored', async (t) => {
  const test = await buildTestApp(t)
  const client = await apiClient(test)
  const bad = validAnswers({
    gender: 'alien',
    age: 3,
    homeMunicipality: '999',
    meetingTopics: [],
    guidedHobby: undefined,
    timesInAnchor: 5,
    continuationPlan: ['no_further_measures', 'phone_follow_up'],
    meetingMonth: '2099-01',
    under15: false,
    clientName: 'Matti Meikäläinen',
  })
  const r = await post(test, client, bad)
  t.equal(r.statusCode, 400)
  const error = r.json().error
  t.equal(error.code, 'validation_failed')
  const byField = Object.fromEntries(error.fields.map((f: { field: string; code: string }) => [f.field, f.code]))
  t.same(byField, {
    gender: 'invalid_choice',
    age: 'too_small',
    homeMunicipality: 'invalid_choice',
    meetingTopics: 'required',
    guidedHobby: 'required',
    timesInAnchor: 'not_applicable',
    continuationPlan: 'exclusive_choice',
    meetingMonth: 'month_in_future',
    clientName: 'unknown_field',
  })
  for (const f of error.fields) t.ok(f.message && !f.message.startsWith('validation.'), `${f.field} has a message`)

  for (const [lang, text] of [['fi', 'Valitse jokin vaihtoehdoista.'], ['sv', 'Välj ett av alternativen.'], ['en', 'Choose one of the options.']] as const) {
    const localized = await post(test, client, validAnswers({ gender: 'x' }), newKey(), lang)
    t.equal(localized.json().error.fields[0].message, text, lang)
  }
  const count = await test.app.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 0)
})

t.test('show-when rules: conditional questions are required when shown and refused when not', async (t) => {
  const test = await buildTestApp(t)
  const client = await apiClient(test)
  const cases: [string, Record<string, unknown>, Record<string, string>][] = [
    ['no hobby, guided hobby answered', { hasHobby: 'no' }, { guidedHobby: 'not_applicable' }],
    ['not the first time, times missing', { firstTimeInAnchor: 'no' }, { timesInAnchor: 'required' }],
    ['times in Anchor must be at least 2', { firstTimeInAnchor: 'no', timesInAnchor: 1 }, { timesInAnchor: 'too_small' }],
    ['not referred, services given', { referredOnward: 'no' }, { referralServices: 'not_applicable' }],
    ['referred, no services', { referralServices: undefined }, { referralServices: 'required' }],
    ['follow-up meeting, response time given', { meetingKind: 'follow_up' }, { responseTimeDays: 'not_applicable' }],
    ['adult flag contradicts age', { age: 17, adultClient: true }, { adultClient: 'contradicts_age' }],
    ['age not a whole number', { age: 14.5 }, { age: 'invalid_number' }],
    ['age as text', { age: '14' }, { age: 'invalid_number' }],
    ['month malformed', { meetingMonth: '2026-13' }, { meetingMonth: 'invalid_month' }],
    ['month too early', { meetingMonth: '2019-12' }, { meetingMonth: 'month_too_early' }],
    ['duplicate choice', { meetingTopics: ['assault', 'assault'] }, { meetingTopics: 'duplicate_choice' }],
  ]
  for (const [name, change, expected] of cases) {
    const r = await post(test, client, validAnswers(change))
    t.equal(r.statusCode, 400, name)
    const fields = Object.fromEntries(r.json().error.fields.map((f: { field: string; code: string }) => [f.field, f.code]))
    t.same(fields, expected, name)
  }
  const ok = [
    { hasHobby: 'no', guidedHobby: undefined },
    { firstTimeInAnchor: 'no', timesInAnchor: 2 },
    { referredOnward: 'no', referralServices: undefined },
    { meetingKind: 'follow_up', responseTimeDays: undefined },
    { homeMunicipality: 'unknown', age: 18, adultClient: true, under15: false },
  ]
  for (const change of ok) t.equal((await post(test, client, validAnswers(change))).statusCode, 201, JSON.stringify(change))
  const adult = await test.app.db.selectFrom('meeting_forms').select(['adult_client', 'under_15']).where('age', '=', 18).executeTakeFirstOrThrow()
  t.same(adult, { adult_client: true, under_15: false })
})

t.test('who may file: experts and admins with a team; never anonymous, researchers, or without CSRF and key', async (t) => {
  const test = await buildTestApp(t)
  const anonymous = await test.app.inject({ method: 'POST', url: '/api/v1/meeting-forms', headers: { 'content-type': 'application/json', 'idempotency-key': newKey() }, payload: JSON.stringify(validAnswers()) })
  t.equal(anonymous.statusCode, 401)
  const researcher = await apiClient(test, 'researcher')
  t.equal((await post(test, researcher, validAnswers())).statusCode, 403)
  const admin = await apiClient(test, 'admin')
  t.equal((await post(test, admin, validAnswers())).statusCode, 403, 'an admin without a team has no team to file for')
  const expert = await apiClient(test)
  t.equal((await post(test, { ...expert, csrfToken: 'wrong' }, validAnswers())).statusCode, 403)
  const noKey = await post(test, expert, validAnswers(), '')
  t.equal(noKey.statusCode, 400)
  t.equal(noKey.json().error.fields[0].field, 'Idempotency-Key')
  const badJson = await test.app.inject({
    method: 'POST', url: '/api/v1/meeting-forms',
    headers: { cookie: expert.browser.cookieHeader(), 'x-csrf-token': expert.csrfToken, 'content-type': 'application/json', 'idempotency-key': newKey() },
    payload: '{"age": ',
  })
  t.equal(badJson.statusCode, 400)
  t.equal(badJson.json().error.code, 'validation_failed')
  const definition = await expert.browser.get('/api/v1/form-definition')
  t.equal(definition.statusCode, 200)
  t.equal(definition.json().version, 1)
  t.ok(definition.json().questions.find((q: { id: string }) => q.id === 'meetingTopics'))
})

t.test('text that looks like personal data is refused as such, wherever it is put', async (t) => {
  const test = await buildTestApp(t)
  const client = await apiClient(test)
  const cases: [string, Record<string, unknown>][] = [
    ['an identity code as a municipality', { homeMunicipality: '131052-308T' }],
    ['a phone number among the topics', { meetingTopics: ['assault', '040 123 4567'] }],
    ['an e-mail address in an extra field', { note: 'matti.meikalainen@example.fi' }],
  ]
  for (const [name, change] of cases) {
    const r = await post(test, client, validAnswers(change))
    t.equal(r.statusCode, 400, name)
    const field = Object.keys(change)[0]
    const error = r.json().error.fields.find((f: { field: string }) => f.field === field)
    t.equal(error?.code, 'personal_data', name)
    t.match(error?.message, 'Do not enter personal data', name)
  }
  const count = await test.app.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 0)
})
