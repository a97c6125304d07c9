// The first-run set-up page: only with the secret, only while no active administrator exists,
// once; it creates the administrator (and optionally the first team), audits it, and leads to the
// normal SMS login. Off in production unless SETUP_TOKEN is set.
import t from 'tap'
import { setupTokenMatches } from '../../src/features/setup/setup.service.js'
import { buildTestApp, TEST_PRODUCTION_SERVICE_ENV } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser } from '../fixtures/factories.js'

const PASSWORD = 'first admin long password'
const admin = { name: 'Aino Ylläpitäjä', email: 'Aino@Example.fi', phone: '040 765 4321', password: PASSWORD, passwordConfirm: PASSWORD }
const team = { teamName: 'Ankkuri Tampere', policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: ['837'] }

const countOf = async (app: Awaited<ReturnType<typeof buildTestApp>>['app'], table: 'users' | 'teams') =>
  Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)

t.test('the secret is compared whole, in constant time over hashes', async (t) => {
  t.ok(setupTokenMatches('abc-secret', 'abc-secret'))
  t.notOk(setupTokenMatches('abc-secret', 'abc-secreT'))
  t.notOk(setupTokenMatches('abc-secret', 'abc'))
  t.notOk(setupTokenMatches('abc-secret', ''))
  t.notOk(setupTokenMatches('abc-secret', undefined))
  t.notOk(setupTokenMatches('abc-secret', ['abc-secret']))
  t.notOk(setupTokenMatches(undefined, 'anything'))
})

t.test('a missing or wrong secret shows why and creates nothing', async (t) => {
  const { app, config } = await buildTestApp(t)
  const browser = new TestBrowser(app)
  const missing = await browser.get('/setup')
  t.equal(missing.statusCode, 403)
  t.match(missing.body, 'This set-up address is not valid')
  t.notMatch(missing.body, 'name="password"', 'no form')
  const wrong = await browser.get(`/setup?token=${config.setupToken}x`)
  t.equal(wrong.statusCode, 403)
  const good = await browser.get(`/setup?token=${config.setupToken}`)
  t.equal(good.statusCode, 200)
  const posted = await browser.post('/setup', { ...admin, token: 'wrong' })
  t.equal(posted.statusCode, 403)
  const noToken = await browser.post('/setup', { ...admin })
  t.equal(noToken.statusCode, 403)
  const noCsrf = await new TestBrowser(app).post('/setup', { ...admin, token: config.setupToken! })
  t.equal(noCsrf.statusCode, 403, 'a form without its CSRF token is refused')
  t.equal(await countOf(app, 'users'), 0)

  t.match((await new TestBrowser(app, { 'accept-language': 'fi' }).get(`/setup?token=${config.setupToken}`)).body, 'Palvelun käyttöönotto')
  t.match((await new TestBrowser(app, { 'accept-language': 'sv' }).get(`/setup?token=${config.setupToken}`)).body, 'Ta tjänsten i bruk')

  // rate limited: guessing stops after ten tries a minute (five GETs were made above)
  const codes: number[] = []
  for (let i = 0; i < 6; i++) codes.push((await browser.get('/setup?token=guess')).statusCode)
  t.same(codes, [403, 403, 403, 403, 403, 429])
})

t.test('creates the first administrator and team, audited; the address then works no more; the admin logs in by SMS', async (t) => {
  const { app, config, sms } = await buildTestApp(t)
  const token = config.setupToken!
  const browser = new TestBrowser(app)
  const form = await browser.get(`/setup?token=${encodeURIComponent(token)}`)
  t.equal(form.statusCode, 200)
  for (const field of ['name', 'email', 'phone', 'password', 'passwordConfirm', 'teamName', 'policeDepartment', 'wellbeingCounty']) {
    t.match(form.body, `id="field-${field}"`, `${field} has a labelled field`)
  }
  t.match(form.body, `name="token" value="${token}"`)

  const bad = await browser.post('/setup', { ...admin, email: 'not an address', passwordConfirm: 'something else entirely', teamName: 'Ankkuri', token })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'class="error-summary"')
  t.match(bad.body, 'href="#field-email"')
  t.match(bad.body, 'href="#field-passwordConfirm"')
  t.match(bad.body, 'href="#field-policeDepartment"', 'a team half given is an error, not silently dropped')
  t.notMatch(bad.body, PASSWORD, 'the password is never sent back')
  t.equal(await countOf(app, 'users'), 0)

  const done = await browser.post('/setup', { ...admin, ...team, token })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/login?setup=1')
  const login = await browser.follow()
  t.match(login.body, 'The administrator has been created')

  const user = await app.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
  t.equal(user.email, 'aino@example.fi')
  t.equal(user.role, 'admin')
  t.equal(user.status, 'active')
  t.equal(user.team_id, null, 'a national administrator')
  const teams = await app.db.selectFrom('teams').selectAll().execute()
  t.same(teams.map((row) => [row.name, row.municipalities]), [['Ankkuri Tampere', ['837']]])
  const audit = await app.db.selectFrom('audit_log').select(['event', 'details', 'ip', 'subject_user_id']).orderBy('id').execute()
  t.same(audit.map((a) => a.event), ['admin_created', 'team_created'])
  t.match(audit[0]!.details, { via: 'setup_page' })
  t.equal(audit[0]!.subject_user_id, user.id)
  t.ok(audit[0]!.ip)

  const again = await new TestBrowser(app).get(`/setup?token=${token}`)
  t.equal(again.statusCode, 410, 'the address works once')
  t.match(again.body, 'already been set up')
  const secondPost = await browser.post('/setup', { ...admin, email: 'other@example.fi', token })
  t.equal(secondPost.statusCode, 410)
  t.equal(await countOf(app, 'users'), 1)

  // the normal SMS login
  const step1 = await browser.post('/login', { email: 'aino@example.fi', password: PASSWORD })
  t.equal(step1.statusCode, 303)
  await browser.get('/login/code')
  const step2 = await browser.post('/login/code', { code: sms.lastCode('+358407654321') })
  t.equal(step2.statusCode, 303)
  t.match((await browser.get('/')).body, 'Aino Ylläpitäjä')
})

t.test('a disabled administrator leaves the address open; of two submissions at once one creates the administrator; the team is optional', async (t) => {
  const { app, config } = await buildTestApp(t)
  const token = config.setupToken!
  await createUser(app.db, { role: 'admin', status: 'disabled' })
  const a = new TestBrowser(app)
  const b = new TestBrowser(app)
  t.equal((await a.get(`/setup?token=${token}`)).statusCode, 200)
  await b.get(`/setup?token=${token}`)
  const [first, second] = await Promise.all([a.post('/setup', { ...admin, token }), b.post('/setup', { ...admin, email: 'b@example.fi', token })])
  t.same([first.statusCode, second.statusCode].sort(), [303, 410])
  const admins = await app.db.selectFrom('users').select('email').where('status', '=', 'active').execute()
  t.equal(admins.length, 1)
  t.equal(await countOf(app, 'teams'), 0)
  const closed = await new TestBrowser(app).get(`/setup?token=${token}`)
  t.equal(closed.statusCode, 410)
  t.match(closed.body, 'href="/login"')
})

t.test('production: off without SETUP_TOKEN, on with it', async (t) => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', PUBLIC_URL: 'https://ankkuri.example.fi', SMS_LOGIN_ENABLED: 'false', ...TEST_PRODUCTION_SERVICE_ENV }
  const off = await buildTestApp(t, { env: production })
  t.equal(off.config.setupToken, undefined)
  t.equal((await new TestBrowser(off.app).get('/setup?token=anything')).statusCode, 404)
  const secret = 'a-long-operator-chosen-setup-secret'
  const on = await buildTestApp(t, { env: { ...production, SETUP_TOKEN: secret } })
  t.equal((await new TestBrowser(on.app).get(`/setup?token=${secret}`)).statusCode, 200)
  t.equal((await new TestBrowser(on.app).get('/setup?token=a-long-operator-chosen-setup-secreT')).statusCode, 403)
})
