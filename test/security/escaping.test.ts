// Script and HTML in every text a person can type or the service stores (team names, user names and
// e-mail addresses, API token names, a VIRTU identity's name, re-drawn invalid form values and query
// parameters) come back escaped on every page, and as plain data in JSON.
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { formDefinition } from '../../src/features/forms/definition.js'
import { VIRTU_REGISTRATION_COOKIE } from '../../src/features/virtu/virtu.routes.js'
import { lastClosedMonth, makeRelease } from '../../src/features/publication/release.service.js'
import { monthOf } from '../../src/lib/months.js'
import { createUser, TEST_PASSWORD, type TestUser } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { asFormFields, buildWorld, createRoleUser, inject, pathOf, PUBLIC_ROUTES, sessionOf, type Session, type Visitor } from '../fixtures/security-world.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const PAYLOAD = `<script>alert(1)</script>"><img src=x onerror=alert(1)>'&`
const TEAM = `Tiimi ${PAYLOAD}`
const PERSON = `Henkilö ${PAYLOAD}`
const TOKEN_NAME = `Avain ${PAYLOAD}`
const ORGANISATION = `Yliopisto ${PAYLOAD}`
const VIRTU_NAME = `Virtu ${PAYLOAD}`
// an address with no spaces, as the users table requires
const EMAIL = `"><script>alert(1)</script>'&@example.fi`

const ENTITIES: Record<string, string> = {
  '<': '&lt;|&#60;|&#x3c;',
  '>': '&gt;|&#62;|&#x3e;',
  '"': '&quot;|&#34;|&#x22;',
  "'": '&#x27;|&#39;|&apos;',
  '&': '&amp;|&#38;|&#x26;',
  '=': '=|&#x3d;|&#61;',
}
/** The text as it must appear in HTML: each special character as one of its entities. */
function escapedPattern(text: string): RegExp {
  const parts = [...text].map((ch) => (ENTITIES[ch] ? `(?:${ENTITIES[ch]})` : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  return new RegExp(parts.join(''), 'i')
}

/** Markup from the payloads that reached the page unescaped. */
function markupProblems(body: string): string[] {
  const problems: string[] = []
  if (body.includes(PAYLOAD)) problems.push('the raw payload')
  if (/<script>alert\(1\)/i.test(body)) problems.push('an injected script element')
  if (/<img src=x onerror/i.test(body)) problems.push('an injected element with an event handler')
  if (body.includes(EMAIL)) problems.push('the raw address')
  return problems
}

function assertNoMarkup(t: Test, response: LightMyRequestResponse, where: string): void {
  t.same(markupProblems(response.body), [], `${where}: no markup from the payloads`)
}

function assertShownEscaped(t: Test, response: LightMyRequestResponse, text: string, where: string): void {
  assertNoMarkup(t, response, where)
  t.match(response.body, escapedPattern(text), `${where} shows ${text.slice(0, 12)}… escaped`)
}

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value)
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, found)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, found)
  return found
}

const world = await buildWorld(t)
const admin = await world.login(await createRoleUser(world, 'admin'))
const get = (url: string, session: Session | Visitor | null = admin, cookie?: string) => inject(world, { method: 'GET', url, session, ...(cookie ? { cookie } : {}) })
const post = (url: string, form: Record<string, string | string[]>, session: Session | Visitor | null = admin, cookie?: string) =>
  inject(world, { method: 'POST', url, session, form, ...(cookie ? { cookie } : {}) })

// The payloads go in through the app's own forms where one exists.
const createdTeam = await post('/admin/teams', { name: TEAM, policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: '837' })
if (createdTeam.statusCode !== 303) throw new Error(`team not created: ${createdTeam.statusCode}`)
const teamId = (await world.app.db.selectFrom('teams').select('id').where('name', '=', TEAM).executeTakeFirstOrThrow()).id

const registrant = await world.visitor()
const registration = await post('/register', { name: PERSON, email: 'henkilo@example.fi', phone: '040 111 2233', role: 'expert', teamId, profession: 'police', password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD }, registrant)
if (registration.statusCode !== 200) throw new Error(`registration failed: ${registration.statusCode}`)
const personRow = await world.app.db.selectFrom('users').select(['id', 'phone']).where('email', '=', 'henkilo@example.fi').executeTakeFirstOrThrow()
const pendingRegistrations = await get('/admin/registrations')
if ((await post(`/admin/users/${personRow.id}/approve`, {})).statusCode !== 303) throw new Error('approval failed')
const person: TestUser = { id: personRow.id, email: 'henkilo@example.fi', phone: personRow.phone!, name: PERSON, role: 'expert', teamId }
const personSession = await sessionOf(world.app, world.sms, person)
const filed = await inject(world, { method: 'POST', url: '/api/v1/meeting-forms', session: personSession, json: validAnswers({ meetingMonth: monthOf(world.clock.now()) }), headers: { 'idempotency-key': newKey() } })
if (filed.statusCode !== 201) throw new Error(`form not filed: ${filed.statusCode}`)
// and one for the last closed month, in a release: other teams' pages show the team's name from releases
const lastClosed = lastClosedMonth(world.clock.now())
const closedYear = lastClosed.slice(0, 4)
const filedEarlier = await inject(world, { method: 'POST', url: '/api/v1/meeting-forms', session: personSession, json: validAnswers({ meetingMonth: lastClosed }), headers: { 'idempotency-key': newKey() } })
if (filedEarlier.statusCode !== 201) throw new Error(`form not filed: ${filedEarlier.statusCode}`)
await makeRelease(world.app.deps, { now: world.clock.now(), madeBy: null })

// no form takes an address like this one; it stands for data from elsewhere (VIRTU, an older version)
await createUser(world.app.db, { email: EMAIL, teamId, name: 'Osoite Käyttäjä' })

// a researcher's registration names an organisation instead of a team
const researcherRegistration = await post('/register', { name: 'Tutkija Tuuli', email: 'tuuli@example.fi', phone: '040 111 2234', role: 'researcher', organisation: ORGANISATION, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD }, await world.visitor())
if (researcherRegistration.statusCode !== 200) throw new Error(`researcher registration failed: ${researcherRegistration.statusCode}`)
// the person asks to withdraw their form: the administrators' page names the team and the person
const filedId = (filed.json() as { id: string }).id
const withdrawal = await post(`/forms/${filedId}/withdraw`, { reason: 'duplicate' }, personSession)
if (withdrawal.statusCode !== 303) throw new Error(`withdrawal not requested: ${withdrawal.statusCode}`)

const tokenPage = await post('/account/tokens', { name: TOKEN_NAME, days: '30' })
if (tokenPage.statusCode !== 200) throw new Error(`token not created: ${tokenPage.statusCode}`)

/** The signed cookie the ACS leaves for an identity VIRTU verified but the service does not know. */
function virtuCookie(identity: { name: string; email: string }): string {
  const value = JSON.stringify({ identity: { localId: `local-${newKey()}`, homeOrganization: 'poliisi.fi', ...identity }, expiresAt: world.clock.now().getTime() + 10 * 60_000 })
  return `${VIRTU_REGISTRATION_COOKIE}=${encodeURIComponent(world.app.signCookie(value))}`
}

t.test('every page of the route table, with the payloads in its data, shows no markup from them', async (t) => {
  const visitor = await world.visitor()
  for (const route of world.routes.filter((r) => r.method === 'GET' && !r.url.startsWith('/static/') && !r.url.startsWith('/vendor/'))) {
    const id = route.url.startsWith('/admin/users/') ? person.id : route.url.startsWith('/admin/teams/') ? teamId : undefined
    const url = pathOf(world, route, id ? { id } : {})
    const problems: string[] = []
    const viewers: [string, Session | Visitor][] = route.key in PUBLIC_ROUTES ? [['a visitor', visitor], ['the administrator', admin]] : [['the administrator', admin], ['the person', personSession]]
    for (const [as, session] of viewers) {
      const response = await get(url, session)
      const type = String(response.headers['content-type'] ?? '')
      if (response.statusCode >= 500) problems.push(`${response.statusCode} as ${as}`)
      // JSON, CSV and other downloads carry the texts as data (checked below); a browser must not take them for a page
      if (type.startsWith('text/html') || response.body.trimStart().startsWith('<')) problems.push(...markupProblems(response.body).map((p) => `${p} as ${as}`))
      else if (response.headers['x-content-type-options'] !== 'nosniff') problems.push(`${type} without nosniff as ${as}`)
    }
    t.same(problems, [], `GET ${url}`)
  }
})

t.test('team names are escaped wherever they are shown', async (t) => {
  const area = `area=${encodeURIComponent(`team:${teamId}`)}`
  const pages: [string, Session | Visitor | null][] = [
    ['/admin/teams', admin],
    [`/admin/teams/${teamId}`, admin],
    [`/admin/users/${person.id}`, admin],
    ['/reports', admin],
    [`/reports?${area}`, admin],
    [`/reports/questions/meetingKind?${area}`, admin],
    [`/reports/areas?level=team&period=${closedYear}`, admin],
    [`/reports/activity?${area}`, admin],
    [`/reports/annual?team=${teamId}`, admin],
    ['/', personSession],
    ['/register', await world.visitor()],
  ]
  for (const [url, session] of pages) {
    const response = await get(url, session)
    t.equal(response.statusCode, 200, url)
    assertShownEscaped(t, response, TEAM, url)
  }
  const virtu = await get('/register/virtu', null, virtuCookie({ name: 'Ville', email: 'ville@poliisi.fi' }))
  t.equal(virtu.statusCode, 200)
  assertShownEscaped(t, virtu, TEAM, 'the VIRTU registration page')
})

t.test('names and e-mail addresses of people are escaped wherever they are shown', async (t) => {
  assertShownEscaped(t, pendingRegistrations, PERSON, 'the pending registrations')
  for (const url of ['/admin/users', `/admin/users/${person.id}`, '/admin/audit', `/admin/audit?user=${person.id}`]) {
    const response = await get(url)
    t.equal(response.statusCode, 200, url)
    assertShownEscaped(t, response, PERSON, url)
  }
  for (const url of ['/admin/users', '/admin/audit']) assertShownEscaped(t, await get(url), EMAIL, `${url}: the address`)
  // the person's own pages carry the name in the header and the greeting
  for (const url of ['/', '/forms', '/activity', '/reports', '/forms/new/meeting']) {
    const response = await get(url, personSession)
    t.equal(response.statusCode, 200, url)
    assertShownEscaped(t, response, PERSON, `${url} as the person`)
  }
  // an identity from VIRTU fills the registration form
  const virtu = await get('/register/virtu', null, virtuCookie({ name: VIRTU_NAME, email: EMAIL }))
  assertShownEscaped(t, virtu, VIRTU_NAME, 'the VIRTU registration form')
  assertShownEscaped(t, virtu, EMAIL, 'the VIRTU registration form')
})

t.test('organisations, and the names on withdrawal requests, are escaped wherever they are shown', async (t) => {
  assertShownEscaped(t, await get('/admin/registrations'), ORGANISATION, 'the pending registrations')
  const withdrawals = await get('/admin/withdrawals')
  t.equal(withdrawals.statusCode, 200)
  assertShownEscaped(t, withdrawals, TEAM, 'the withdrawal requests: the team')
  assertShownEscaped(t, withdrawals, PERSON, 'the withdrawal requests: who asked')
  const request = await get(`/forms/${filedId}/withdraw`, personSession)
  t.equal(request.statusCode, 200)
  assertNoMarkup(t, request, 'the withdrawal page')
})

t.test('API token names are escaped wherever they are shown', async (t) => {
  assertShownEscaped(t, tokenPage, TOKEN_NAME, 'the page that shows the new token')
  // the audit log names the token in words
  for (const url of ['/account/tokens', '/admin/tokens', '/admin/audit']) {
    const response = await get(url)
    t.equal(response.statusCode, 200, url)
    assertShownEscaped(t, response, TOKEN_NAME, url)
  }
})

t.test('invalid form values are re-drawn escaped', async (t) => {
  const visitor = await world.visitor()
  const login = await post('/login', { email: PAYLOAD, password: 'wrong password' }, visitor)
  t.ok(login.statusCode === 400 || login.statusCode === 401, `login ${login.statusCode}`)
  assertShownEscaped(t, login, PAYLOAD, 'the login form')

  const register = await post('/register', { name: PERSON, email: PAYLOAD, phone: PAYLOAD, teamId: PAYLOAD, profession: PAYLOAD, password: 'x', passwordConfirm: 'y' }, visitor)
  t.equal(register.statusCode, 400)
  assertShownEscaped(t, register, PERSON, 'the registration form: name')
  assertShownEscaped(t, register, PAYLOAD, 'the registration form: e-mail and phone')

  const virtu = await post('/register/virtu', { name: VIRTU_NAME, email: PAYLOAD, teamId: PAYLOAD, profession: PAYLOAD }, visitor, `${visitor.cookie}; ${virtuCookie({ name: 'V', email: 'v@poliisi.fi' })}`)
  t.equal(virtu.statusCode, 400)
  assertShownEscaped(t, virtu, VIRTU_NAME, 'the VIRTU registration form')

  for (const url of ['/admin/teams', `/admin/teams/${teamId}`]) {
    const team = await post(url, { name: TEAM, policeDepartment: PAYLOAD, wellbeingCounty: PAYLOAD, municipalities: PAYLOAD })
    t.equal(team.statusCode, 400, url)
    assertShownEscaped(t, team, TEAM, `the team form at ${url}`)
  }

  const role = await post(`/admin/users/${person.id}/role`, { role: PAYLOAD, teamId: PAYLOAD })
  t.equal(role.statusCode, 400)
  assertNoMarkup(t, role, 'the role form')

  const token = await post('/account/tokens', { name: TOKEN_NAME, days: PAYLOAD })
  t.equal(token.statusCode, 400)
  assertShownEscaped(t, token, TOKEN_NAME, 'the token form: name')
  assertShownEscaped(t, token, PAYLOAD, 'the token form: days')

  const integer = formDefinition.questions.find((q) => q.type === 'integer')!
  const answers = { ...asFormFields(validAnswers({ meetingMonth: monthOf(world.clock.now()) })), [integer.id]: PAYLOAD }
  const step = `/forms/new/${integer.section}`
  const form = await post(step, { ...answers, go: 'next' })
  t.equal(form.statusCode, 400, step)
  assertShownEscaped(t, form, PAYLOAD, `the statistics form at ${step}`)
  const everyAnswer = Object.fromEntries(formDefinition.questions.map((q) => [q.id, PAYLOAD]))
  for (const section of formDefinition.sections) {
    const wrong = await post(`/forms/new/${section.id}`, { ...everyAnswer, go: 'next' })
    t.equal(wrong.statusCode, 400, section.id)
    assertNoMarkup(t, wrong, `the statistics form's step ${section.id} with every answer wrong`)
  }

  const activity = await post('/activity', { kind: 'coffee_meeting', month: PAYLOAD, participants: PAYLOAD, idempotencyKey: PAYLOAD })
  t.equal(activity.statusCode, 400)
  assertShownEscaped(t, activity, PAYLOAD, 'the activity form')
})

t.test('query parameters and addresses are never echoed as markup', async (t) => {
  const q = encodeURIComponent(PAYLOAD)
  const audit = await get(`/admin/audit?event=${q}&user=${q}&from=${q}&to=${q}`)
  t.equal(audit.statusCode, 400)
  assertShownEscaped(t, audit, PAYLOAD, 'the audit filter')

  const urls = [
    `/login?next=${q}`,
    `/login?next=/${q}`,
    `/language/en?next=/${q}`,
    `/admin/users?status=${q}&done=${q}`,
    `/admin/registrations?done=${q}`,
    `/admin/teams?done=${q}`,
    `/account/tokens?done=${q}`,
    `/forms?page=${q}`,
    `/activity?done=${q}`,
    `/reports?period=${q}&area=${q}&kind=${q}`,
    `/reports?${q}=1`,
    `/reports/questions/${q}`,
    `/reports/questions/meetingKind?by=${q}`,
    `/reports/areas?level=${q}&question=${q}`,
    `/reports/annual?team=${q}&year=${q}`,
    `/no/such/page/${q}`,
    `/admin/users/${q}`,
    `/forms/${q}`,
  ]
  for (const url of urls) {
    const response = await get(url)
    t.not(response.statusCode, 500, url)
    assertNoMarkup(t, response, url)
    t.notOk(String(response.headers.location ?? '').includes('<'), `${url}: no markup in the redirect`)
  }
  const anonymous = await get(`/admin/users?x=${q}`, null)
  t.equal(anonymous.statusCode, 303)
  t.notOk(String(anonymous.headers.location).includes('<'), 'the login redirect carries the address encoded')
})

t.test('the JSON API returns the same texts as data, never as a page', async (t) => {
  const json = (response: LightMyRequestResponse, where: string): unknown => {
    t.match(String(response.headers['content-type']), /^application\/json/, `${where} is JSON`)
    t.equal(response.headers['x-content-type-options'], 'nosniff', `${where}: nosniff`)
    return response.json()
  }
  const session = json(await get('/api/v1/session', personSession), 'the session') as { user: { name: string } }
  t.equal(session.user.name, PERSON, 'the name comes back byte for byte')

  const areas = json(await get(`/api/v1/reports/areas?level=team&period=${closedYear}`, admin), 'the area comparison')
  t.ok(stringsIn(areas).includes(TEAM), 'the team name is a label in the table')
  const annual = json(await get(`/api/v1/reports/annual?team=${teamId}`, admin), 'the annual report') as { team: { name: string } }
  t.equal(annual.team.name, TEAM)

  const exported = await get('/api/v1/exports/areas?level=team&format=json', admin)
  t.match(String(exported.headers['content-disposition']), /^attachment;/)
  t.ok(stringsIn(json(exported, 'the JSON export')).includes(TEAM))
  const csv = await get('/api/v1/exports/areas?level=team&format=csv', admin)
  t.match(String(csv.headers['content-type']), /^text\/csv/)
  t.match(String(csv.headers['content-disposition']), /^attachment;/)
  t.equal(csv.headers['x-content-type-options'], 'nosniff')
  t.ok(csv.body.includes(`"${TEAM.replace(/"/g, '""')}"`), 'the CSV holds the name, quoted as CSV')

  // a bad request is answered in JSON that names the field, with the value never turned into markup
  const bad = await inject(world, { method: 'POST', url: '/api/v1/meeting-forms', session: personSession, json: { [PAYLOAD]: PAYLOAD, age: PAYLOAD }, headers: { 'idempotency-key': newKey() } })
  t.equal(bad.statusCode, 400)
  const body = json(bad, 'the validation error') as { error: { fields: { field: string }[] } }
  t.ok(body.error.fields.length > 0)
})
