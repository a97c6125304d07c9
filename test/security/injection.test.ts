// SQL metacharacters in every parameter of every route in Fastify's route table (path, query,
// body, the Idempotency-Key header, cookies, a bearer token) give a 4xx or an ordinary answer, never
// a 500, and change nothing but the audit log; where such text is valid input it is stored and
// shown byte for byte. JSON bodies of any shape (objects, lists, nulls) are no 500 either.
import t from 'tap'
import { formDefinition } from '../../src/features/forms/definition.js'
import { newKey } from '../fixtures/forms.js'
import {
  auditEventsAfter,
  buildWorld,
  createRoleUser,
  dbState,
  errorCodeOf,
  inject,
  pathOf,
  plausibleBody,
  PUBLIC_ROUTES,
  type RouteEntry,
  type Session,
  type Visitor,
} from '../fixtures/security-world.js'

const SQL_PAYLOADS = [
  "' OR '1'='1",
  '1; DROP TABLE users; --',
  "'); DELETE FROM teams; --",
  '\\',
  '\\\'',
  '%',
  '_',
  "%' OR 1=1 UNION SELECT password_hash FROM users --",
  '$1',
  // (bidirectional controls such as U+202E are refused in names: test/features/name-rules.test.ts)
  'Åland Ärräpää 你好 🙂 \u200d\u00ad',
  '-'.repeat(36),
  '99999999999999999999',
]

/** The payloads also tried in each query parameter on its own. */
const ONE_AT_A_TIME = ["' OR '1'='1", '\\', '%', '$1']

/** Query parameters some handler reads; each route's schema adds its own. */
const COMMON_QUERY_KEYS = ['next', 'done', 'status', 'event', 'user', 'from', 'to', 'page', 'loggedOut', 'period', 'area', 'kind', 'by', 'level', 'question', 'team', 'year', 'format']
/** Body fields some handler reads, and every question of the statistics form. */
const BODY_FIELDS = [
  ...new Set([
    'email', 'password', 'passwordConfirm', 'next', 'code', 'name', 'phone', 'teamId', 'profession', 'role', 'days',
    'policeDepartment', 'wellbeingCounty', 'municipalities', 'kind', 'month', 'ageBand', 'participants', 'idempotencyKey',
    'SAMLResponse', 'RelayState', ...formDefinition.questions.map((q) => q.id),
  ]),
]

/** Audit events a request with odd parameters may still write. */
const EXPECTED_AUDIT_EVENTS = new Set(['login_failure', 'saml_failure', 'lockout', 'report_exported', 'codebook_exported', 'audit_exported', 'logout'])

const world = await buildWorld(t)

function withQuery(path: string, entries: [string, string][]): string {
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`
}

async function send(route: RouteEntry, as: Session | Visitor, url: string, payload: string) {
  if (route.method === 'GET' || route.method === 'HEAD') return inject(world, { method: route.method, url, session: as })
  const fields = Object.fromEntries(BODY_FIELDS.map((f) => [f, payload]))
  if (route.url.startsWith('/api/')) return inject(world, { method: route.method, url, session: as, json: fields, headers: { 'idempotency-key': payload } })
  return inject(world, { method: route.method, url, session: as, form: fields })
}

t.test('metacharacters in every parameter of every route: never a 500, nothing changed', async (t) => {
  const admin = await world.login(await createRoleUser(world, 'admin'))
  const visitor = await world.visitor()
  const before = await dbState(world, { sessions: false })
  // logout last: it ends the session the others use
  const routes = [...world.routes].sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))
  let requests = 0
  for (const route of routes) {
    const as = route.key in PUBLIC_ROUTES ? visitor : admin
    const keys = [...new Set([...COMMON_QUERY_KEYS, ...route.queryKeys])]
    const failures: string[] = []
    // a state-changing route is only sent odd path values: with a real id it would rightly act on it
    const realPath = route.method === 'GET' || route.params.length === 0
    for (const payload of SQL_PAYLOADS) {
      const plain = pathOf(world, route)
      const odd = route.params.length > 0 ? pathOf(world, route, Object.fromEntries(route.params.map((p) => [p, payload]))) : undefined
      const everyKey = (path: string) => withQuery(path, keys.map((k) => [k, payload]))
      const urls: string[] = []
      if (realPath) urls.push(everyKey(plain))
      if (odd) urls.push(realPath ? odd : everyKey(odd))
      // one at a time as well, since the first bad parameter may stop a request before the others are read
      if (realPath && ONE_AT_A_TIME.includes(payload)) for (const key of route.queryKeys) urls.push(withQuery(plain, [[key, payload]]))
      for (const url of urls) {
        const response = await send(route, as, url, payload)
        requests++
        if (response.statusCode >= 500) failures.push(`${url} → ${response.statusCode} ${errorCodeOf(response) ?? ''}`)
        // no id, code or file is named like this: a 2xx would mean the value matched something it is not
        else if (odd && url.split('?')[0] === odd && response.statusCode < 300) failures.push(`${url} → ${response.statusCode}, found something`)
      }
    }
    t.same(failures, [], `${route.key}: never a 500, and an odd path finds nothing`)
  }
  t.ok(requests > 800, `${requests} requests`)

  const after = await dbState(world, { sessions: false })
  const added = await auditEventsAfter(world, before.counts.audit_log!)
  t.same(added.filter((e) => !EXPECTED_AUDIT_EVENTS.has(e)), [], 'the audit log gained only failed logins, exports and the logout')
  // the IdP redirect notes each AuthnRequest it starts; no other table grows or shrinks
  const { audit_log: _a, virtu_authn_requests: _v, ...countsAfter } = after.counts
  const { audit_log: _b, virtu_authn_requests: _w, ...countsBefore } = before.counts
  t.same(countsAfter, countsBefore, 'every other table has as many rows as before')
  t.same({ ...after, counts: {} }, { ...before, counts: {} }, 'users, teams and tokens are as they were')
})

/** The value of the name field on a page, as the browser reads it. */
function nameFieldValue(html: string): string | undefined {
  const raw = /id="field-name" name="name" type="text" value="([^"]*)"/.exec(html)?.[1]
  return raw
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
}

t.test('team names with metacharacters are stored and shown byte for byte', async (t) => {
  const admin = await world.login(await createRoleUser(world, 'admin'))
  const teamsBefore = (await dbState(world)).counts.teams!
  for (const payload of SQL_PAYLOADS) {
    const name = `Tiimi ${payload}`
    const created = await inject(world, { method: 'POST', url: '/admin/teams', session: admin, form: { name, policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: '837' } })
    t.equal(created.statusCode, 303, `created: ${name}`)
    const row = await world.app.db.selectFrom('teams').select(['id', 'name']).where('name', '=', name).executeTakeFirst()
    t.equal(row?.name, name, 'stored as typed')
    if (!row) continue
    const page = await inject(world, { method: 'GET', url: `/admin/teams/${row.id}`, session: admin })
    t.equal(nameFieldValue(page.body), name, 'shown as typed')
    const annual = await inject(world, { method: 'GET', url: `/api/v1/reports/annual?team=${row.id}`, session: admin })
    t.equal((annual.json() as { team: { name: string } }).team.name, name, 'returned as typed')

    const renamed = `${payload} uusi`
    const edit = await inject(world, { method: 'POST', url: `/admin/teams/${row.id}`, session: admin, form: { name: renamed, policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: '837' } })
    t.equal(edit.statusCode, 303)
    const stored = await world.app.db.selectFrom('teams').select('name').where('id', '=', row.id).executeTakeFirstOrThrow()
    t.equal(stored.name, renamed, 'renamed as typed')
  }
  t.equal((await dbState(world)).counts.teams, teamsBefore + SQL_PAYLOADS.length, 'one team for each, no more and no fewer')
})

t.test('token names and registration names with metacharacters are stored byte for byte', async (t) => {
  const admin = await world.login(await createRoleUser(world, 'admin'))
  const visitor = await world.visitor()
  for (const [i, payload] of SQL_PAYLOADS.entries()) {
    const created = await inject(world, { method: 'POST', url: '/account/tokens', session: admin, form: { name: payload, days: '7' } })
    t.equal(created.statusCode, 200, `token ${payload}`)
    const tokens = await world.app.db.selectFrom('api_tokens').select('name').where('user_id', '=', admin.user.id).execute()
    t.ok(tokens.some((r) => r.name === payload), 'token name stored as typed')

    const email = `hakija-${i}@example.fi`
    const name = `Hakija ${payload}`
    const registered = await inject(world, {
      method: 'POST',
      url: '/register',
      session: visitor,
      form: { name, email, phone: `040 555 ${String(1000 + i)}`, role: 'expert', teamId: world.teamId, profession: 'police', password: 'correct horse battery staple', passwordConfirm: 'correct horse battery staple' },
    })
    t.equal(registered.statusCode, 200, `registration ${name}`)
    const user = await world.app.db.selectFrom('users').select(['name', 'status']).where('email', '=', email).executeTakeFirst()
    t.same(user, { name, status: 'pending' }, 'registered as typed')
  }
})

t.test('a login with metacharacters in the address or the password logs nobody in', async (t) => {
  const before = await dbState(world, { sessions: false })
  const visitor = await world.visitor()
  const attempts = [
    { email: "' OR '1'='1", password: "' OR '1'='1" },
    { email: `${world.admin.email}' --`, password: 'x' },
    { email: `${world.admin.email}'; --`, password: "' OR '1'='1" },
    { email: world.admin.email, password: "' OR '1'='1' --" },
    { email: '%', password: '%' },
    { email: '_@example.fi', password: '_' },
  ]
  for (const attempt of attempts) {
    const response = await inject(world, { method: 'POST', url: '/login', session: visitor, form: attempt })
    t.equal(response.statusCode, 401, `${attempt.email} / ${attempt.password}`)
    t.equal(response.headers.location, undefined, 'no way on to the code step')
  }
  const after = await dbState(world, { sessions: false })
  t.equal(after.counts.sessions, before.counts.sessions, 'no session')
  t.equal(after.counts.sms_challenges, before.counts.sms_challenges, 'no code sent')
})

t.test('metacharacters in cookies and headers are no session, no token and no error', async (t) => {
  const before = await dbState(world)
  const failures: string[] = []
  for (const payload of SQL_PAYLOADS) {
    const value = encodeURIComponent(payload)
    const cookie = `anchor_session=${value}; anchor_login=${value}; _csrf=${value}; lang=${value}`
    const answers = [
      await inject(world, { method: 'GET', url: '/', cookie, headers: { 'accept-language': payload.replace(/[^\x20-\x7e]/g, '?') } }),
      await inject(world, { method: 'GET', url: '/api/v1/session', cookie }),
      await inject(world, { method: 'POST', url: '/login/code', cookie, form: { code: '123456' }, csrf: payload }),
      await inject(world, { method: 'GET', url: '/api/v1/reports/overview', headers: { authorization: `Bearer anc_${value}` } }),
      await inject(world, { method: 'GET', url: '/api/v1/reports/overview', headers: { authorization: `Bearer ${value}` } }),
    ]
    for (const response of answers) {
      if (response.statusCode >= 500) failures.push(`${payload} → ${response.statusCode}`)
      if (response.statusCode === 200) failures.push(`${payload} → 200, let in`)
    }
  }
  t.same(failures, [], 'every one refused, none with a 500')
  t.same(await dbState(world), before, 'nothing changed in the database')
})

/** Values no form sends but a JSON body can: operators, lists, nulls, huge numbers, objects that are no text. */
const JSON_SHAPES: unknown[] = [{ $gt: '' }, ['a', 'b'], null, true, 1e308, { toString: 'x' }, [[]]]

/** Known defects in code this suite may not change; each assertion stays, marked to do, until fixed. */

t.test('JSON bodies of any shape in every state-changing route: never a 500, nothing changed', async (t) => {
  const admin = await world.login(await createRoleUser(world, 'admin'))
  const visitor = await world.visitor()
  const before = await dbState(world, { sessions: false })
  const stateChanging = world.routes.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))
  for (const route of stateChanging) {
    const as = route.key in PUBLIC_ROUTES ? visitor : admin
    // routes that read a body get their real target; the others an id that is none, so that they act on nothing
    const body = plausibleBody(world, route)
    const readsBody = 'json' in body || ('form' in body && Object.keys(body.form).length > 0)
    const url = readsBody || route.params.length === 0 ? pathOf(world, route) : pathOf(world, route, Object.fromEntries(route.params.map((p) => [p, 'none'])))
    const failures: string[] = []
    for (const shape of JSON_SHAPES) {
      for (const json of [Object.fromEntries(BODY_FIELDS.map((f) => [f, shape])), shape]) {
        const response = await inject(world, { method: route.method, url, session: as, json, csrfIn: 'header', headers: { 'idempotency-key': newKey() } })
        if (response.statusCode >= 500) failures.push(`${JSON.stringify(json).slice(0, 40)} → ${response.statusCode}`)
      }
    }
    t.same(failures, [], `${route.key}: never a 500`)
  }
  const after = await dbState(world, { sessions: false })
  const added = await auditEventsAfter(world, before.counts.audit_log!)
  t.same(added.filter((e) => !EXPECTED_AUDIT_EVENTS.has(e)), [], 'the audit log gained only failed logins and the logout')
  t.same({ ...after.counts, audit_log: 0 }, { ...before.counts, audit_log: 0 }, 'no table grew or shrank')
  t.same({ ...after, counts: {} }, { ...before, counts: {} }, 'users, teams and tokens are as they were')
})
