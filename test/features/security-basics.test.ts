// CSRF tokens, security headers and escaping on the foundation's pages.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'

t.test('a form sent without its CSRF token, or with a wrong one, changes nothing', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin' })
  const pending = await createUser(app.db, { status: 'pending' })
  const browser = await loginAs(app, sms, admin)
  await browser.get('/admin/registrations')
  for (const token of ['', 'forged-token']) {
    const r = await browser.post(`/admin/users/${pending.id}/approve`, { _csrf: token })
    t.equal(r.statusCode, 403, `token "${token}"`)
    t.match(r.body, 'The page had expired')
  }
  const row = await app.db.selectFrom('users').select('status').where('id', '=', pending.id).executeTakeFirstOrThrow()
  t.equal(row.status, 'pending')

  const anonymous = new TestBrowser(app)
  await anonymous.get('/register')
  const noToken = await anonymous.post('/register', { _csrf: '', name: 'X Y' })
  t.equal(noToken.statusCode, 403)

  // a token from another visitor's cookie does not work either
  const other = new TestBrowser(app)
  await other.get('/login')
  const stolen = await anonymous.post('/login', { _csrf: other.lastCsrfToken!, email: admin.email, password: 'x' })
  t.equal(stolen.statusCode, 403)
})

t.test('security headers: strict CSP with no inline script, no framing, no caching of pages', async (t) => {
  const { app } = await buildTestApp(t)
  const r = await app.inject({ method: 'GET', url: '/login' })
  const csp = String(r.headers['content-security-policy'])
  t.match(csp, "script-src 'self'")
  t.notMatch(csp, 'unsafe-inline')
  t.match(csp, "frame-ancestors 'none'")
  t.match(csp, "object-src 'none'")
  t.equal(r.headers['x-content-type-options'], 'nosniff')
  t.equal(r.headers['referrer-policy'], 'same-origin')
  t.equal(r.headers['cache-control'], 'no-store')
  t.notMatch(r.body, /<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in the page')
  t.notOk(r.headers['strict-transport-security'], 'no HSTS over plain http in development')

  const production = await buildTestApp(t, { env: { PUBLIC_URL: 'https://ankkuri.example.fi' } })
  const secure = await production.app.inject({ method: 'GET', url: '/login' })
  t.match(String(secure.headers['strict-transport-security']), /max-age=\d+/)
  t.match(String(secure.headers['set-cookie']), /Secure/)
})

t.test('names and team names are escaped wherever they are shown', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const script = '<script>alert(1)</script>'
  const teamId = await createTeam(app.db, { name: `Tiimi ${script}` })
  const admin = await createUser(app.db, { role: 'admin', name: `Admin ${script}` })
  await createUser(app.db, { status: 'pending', teamId, name: `Pending ${script}` })
  const browser = await loginAs(app, sms, admin)
  for (const url of ['/', '/admin/registrations', '/admin/users', '/admin/teams', '/admin/audit']) {
    const page = await browser.get(url)
    t.equal(page.statusCode, 200, url)
    t.notMatch(page.body, script, `${url} shows no raw script`)
  }
  const registration = await new TestBrowser(app).get('/register')
  t.equal(registration.statusCode, 200)
  t.match(registration.body, 'Tiimi &lt;script&gt;', 'the team list on the registration page is escaped')
  t.notMatch(registration.body, script)
  t.match((await browser.get('/admin/users')).body, '&lt;script&gt;alert(1)&lt;/script&gt;')
})

t.test('after login the user returns to the page they asked for, never to another site', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin' })
  const browser = new TestBrowser(app)
  const start = await browser.get('/admin/teams')
  t.equal(start.headers.location, '/login?next=%2Fadmin%2Fteams')
  await browser.get(start.headers.location!)
  await browser.post('/login', { email: admin.email, password: 'correct horse battery staple', next: '/admin/teams' })
  await browser.get('/login/code')
  const done = await browser.post('/login/code', { code: sms.lastCode() })
  t.equal(done.headers.location, '/admin/teams')

  const evil = new TestBrowser(app)
  const lang = await evil.get('/language/sv?next=//evil.example.com/x')
  t.equal(lang.headers.location, '/')
  // Dot segments, encodings and backslashes are resolved before the check, not after it.
  for (const next of ['/.//evil.example/x', '/%2e//evil.example/x', '/a/..//evil.example/x', '/\\evil.example', '/%2E%2E//evil.example', 'https:evil.example']) {
    const answer = await evil.get(`/language/fi?next=${encodeURIComponent(next)}`)
    t.equal(answer.statusCode, 303, next)
    t.equal(answer.headers.location, '/', `${next} goes to the start page`)
  }
})

t.test('unknown pages answer 404 in the visitor\'s language', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user, new TestBrowser(app, { 'accept-language': 'sv' }))
  const r = await browser.get('/no/such/page')
  t.equal(r.statusCode, 404)
  t.match(r.body, 'Sidan hittades inte')
  const json = await app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { cookie: browser.cookieHeader() } })
  t.equal(json.statusCode, 404)
  t.same(json.json().error.code, 'not_found')
})

t.test('a NUL byte or other control character is a clear 400, never a 500', async (t) => {
  const { app } = await buildTestApp(t)
  await createTeam(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  const login = await browser.post('/login', { email: 'a\u0000b@example.fi', password: 'whatever password' })
  t.equal(login.statusCode, 400)
  await browser.get('/register')
  const register = await browser.post('/register', { name: 'Nul\u0000Name', email: 'x@example.fi', phone: '0401234567', teamId: '', profession: 'police', password: 'long enough password', passwordConfirm: 'long enough password' })
  t.equal(register.statusCode, 400)
  t.match(register.body, 'href="#field-name"')
})

t.test('parallel wrong passwords cannot outrun the lockout', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => browser.post('/login', { email: user.email, password: `wrong guess ${i}` })))
  const statuses = answers.map((a) => a.statusCode)
  t.equal(statuses.filter((s) => s === 401).length, 5, 'five guesses are tried')
  t.equal(statuses.filter((s) => s === 429).length, 7, 'the rest meet the lockout')
  const failures = await app.db.selectFrom('audit_log').select('id').where('event', '=', 'login_failure').execute()
  t.equal(failures.length, 5)
})

t.test('errors in the log carry no bound query values', async (t) => {
  const { serializeError } = await import('../../src/lib/log-serializers.js')
  const error = Object.assign(new Error('insert failed'), { code: '23514', params: ['secret-hash', 'Matti'], query: 'INSERT …' })
  const logged = serializeError(error)
  t.same(Object.keys(logged).sort(), ['code', 'message', 'stack', 'type'])
  t.notMatch(JSON.stringify(logged), 'secret-hash')
})
