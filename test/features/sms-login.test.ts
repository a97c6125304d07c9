// SMS login as a user meets it: password, then the code; every way it must refuse.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs, TEST_PASSWORD } from '../fixtures/factories.js'

t.test('a correct password and the SMS code open a session; the start page then greets the user', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db, { name: 'Aino Asiantuntija' })
  const browser = new TestBrowser(app)

  const anonymous = await browser.get('/')
  t.equal(anonymous.statusCode, 303, 'the start page sends an anonymous visitor to log in')
  t.match(anonymous.headers.location, /^\/login\?next=/)

  await browser.get('/login')
  const step1 = await browser.post('/login', { email: user.email.toUpperCase(), password: TEST_PASSWORD })
  t.equal(step1.statusCode, 303)
  t.equal(step1.headers.location, '/login/code')
  t.notOk(browser.cookies.has('anchor_session'), 'a password alone gives no session')
  t.equal(sms.sent.length, 1)
  t.equal(sms.sent[0]?.to, user.phone)
  t.match(sms.sent[0]?.body, /\b\d{6}\b/)

  await browser.get('/login/code')
  const step2 = await browser.post('/login/code', { code: sms.lastCode() })
  t.equal(step2.statusCode, 303)
  t.equal(step2.headers.location, '/')
  t.ok(browser.cookies.has('anchor_session'))
  const setCookie = String(step2.headers['set-cookie'])
  t.match(setCookie, /anchor_session=[^;]+;.*HttpOnly/i)
  t.match(setCookie, /SameSite=Lax/i)

  const home = await browser.get('/')
  t.equal(home.statusCode, 200)
  t.match(home.body, 'Aino Asiantuntija')
})

t.test('unknown e-mail and wrong password get the same answer, and neither sends a code', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  const wrong = await browser.post('/login', { email: user.email, password: 'not the password at all' })
  const unknown = await browser.post('/login', { email: 'nobody@example.fi', password: 'not the password at all' })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  const message = (body: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(body)?.[0]
  t.equal(message(wrong.body), message(unknown.body))
  t.match(wrong.body, 'The e-mail address or password is wrong.')
  t.match(wrong.body, `value="${user.email}"`, 'the typed e-mail is kept')
  t.notMatch(wrong.body, 'not the password at all', 'the password is never sent back')
  t.equal(sms.sent.length, 0)
})

t.test('a code works once, only for 5 minutes, and allows 5 attempts', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)

  await t.test('used once', async (t) => {
    const browser = await loginAs(app, sms, user)
    const code = sms.lastCode()
    t.ok(browser.cookies.has('anchor_session'))
    // someone with the password starts a new login and tries the already used code
    clock.advance(61_000)
    const thief = new TestBrowser(app)
    await thief.get('/login')
    await thief.post('/login', { email: user.email, password: TEST_PASSWORD })
    const fresh = sms.lastCode()
    t.not(fresh, code)
    await thief.get('/login/code')
    const reuse = await thief.post('/login/code', { code })
    t.equal(reuse.statusCode, 401, 'an old code does not work for a new challenge')
    t.notOk(thief.cookies.has('anchor_session'))
  })

  await t.test('expires after 5 minutes', async (t) => {
    clock.advance(61_000)
    const browser = new TestBrowser(app)
    await browser.get('/login')
    await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
    await browser.get('/login/code')
    clock.advance(5 * 60 * 1000 + 1000)
    const late = await browser.post('/login/code', { code: sms.lastCode() })
    t.equal(late.statusCode, 401)
    t.match(late.body, 'The code has expired or has already been used.')
    t.notOk(browser.cookies.has('anchor_session'))
  })

  await t.test('five wrong attempts spend the code', async (t) => {
    clock.advance(24 * 60 * 60 * 1000 + 1000) // this address's earlier failures for the account are forgotten after a day
    const browser = new TestBrowser(app)
    await browser.get('/login')
    await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
    const code = sms.lastCode()
    const wrongCode = code === '000000' ? '111111' : '000000'
    await browser.get('/login/code')
    for (let i = 1; i <= 4; i++) {
      const attempt = await browser.post('/login/code', { code: wrongCode })
      t.equal(attempt.statusCode, 401)
      t.match(attempt.body, `Attempts left: ${5 - i}.`)
    }
    const fifth = await browser.post('/login/code', { code: wrongCode })
    t.match(fifth.body, 'The code has expired or has already been used.')
    // the login flow cookie is gone; even the right code cannot be used now
    const right = await browser.post('/login/code', { code })
    t.equal(right.statusCode, 303)
    t.equal(right.headers.location, '/login')
    t.notOk(browser.cookies.has('anchor_session'))
  })
})

t.test('a code typed with spaces works; letters are refused with a clear message', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
  await browser.get('/login/code')
  const bad = await browser.post('/login/code', { code: 'abc' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'The code has six digits.')
  t.match(bad.body, 'href="#field-code"', 'the error summary links to the field')
  const code = sms.lastCode()
  const ok = await browser.post('/login/code', { code: `${code.slice(0, 3)} ${code.slice(3)}` })
  t.equal(ok.statusCode, 303)
  t.ok(browser.cookies.has('anchor_session'))
})

t.test('a new code can be asked for after the cool-down, and only the newest works', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
  const first = sms.lastCode()
  await browser.get('/login/code')
  const tooSoon = await browser.post('/login/code/resend')
  t.equal(tooSoon.statusCode, 429)
  t.ok(tooSoon.headers['retry-after'])
  t.match(tooSoon.body, /The last code was sent to your phone at \d\d:\d\d, so no new code has been sent yet\./)
  t.notMatch(tooSoon.body, 'class="error-summary"', 'told as information, not as an error')
  t.equal(sms.sent.length, 1)
  clock.advance(61_000)
  const resent = await browser.post('/login/code/resend')
  t.equal(resent.statusCode, 200)
  t.equal(sms.sent.length, 2)
  const second = sms.lastCode()
  if (first !== second) {
    const old = await browser.post('/login/code', { code: first })
    t.equal(old.statusCode, 401, 'the replaced code no longer works')
  }
  const ok = await browser.post('/login/code', { code: second })
  t.equal(ok.statusCode, 303)
  t.ok(browser.cookies.has('anchor_session'))
})

t.test('repeated wrong passwords lock the account for a while, and the user is told', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  for (let i = 0; i < 5; i++) {
    const r = await browser.post('/login', { email: user.email, password: `wrong password ${i}` })
    t.equal(r.statusCode, 401)
  }
  const locked = await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
  t.equal(locked.statusCode, 429, 'even the right password is refused during the lockout')
  t.match(locked.body, /Too many attempts. Try again in \d+ minutes./)
  t.ok(locked.headers['retry-after'])
  t.equal(sms.sent.length, 0)
  const events = await app.db.selectFrom('audit_log').select('event').where('event', '=', 'lockout').execute()
  t.equal(events.length, 1, 'the lockout is audited once')

  clock.advance(15 * 60 * 1000 + 1000)
  const after = await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
  t.equal(after.statusCode, 303, 'the lockout ends by itself')
})

t.test('pending and disabled accounts answer like a wrong password: no code, no session, nothing confirmed', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const pending = await createUser(app.db, { status: 'pending' })
  const disabled = await createUser(app.db, { status: 'disabled' })
  const active = await createUser(app.db)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  const message = (body: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(body)?.[0]
  const wrong = await browser.post('/login', { email: active.email, password: 'not the password at all' })
  for (const user of [pending, disabled]) {
    const right = await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
    t.equal(right.statusCode, wrong.statusCode, `the right password on a ${user === pending ? 'pending' : 'disabled'} account answers ${wrong.statusCode}`)
    t.equal(message(right.body), message(wrong.body), 'with the same words')
  }
  t.equal(sms.sent.length, 0)
  const failures = await app.db.selectFrom('audit_log').select('subject_user_id').where('event', '=', 'login_failure').execute()
  t.same(failures.map((f) => f.subject_user_id).sort(), [active.id, pending.id, disabled.id].sort(), 'and counts as a failure, so it is throttled the same way')
})

t.test('sessions end on logout, after 30 idle minutes and after 12 hours', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)

  const a = await loginAs(app, sms, user)
  t.equal((await a.get('/')).statusCode, 200)
  const out = await a.post('/logout')
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/login?loggedOut=1')
  t.notOk(a.cookies.has('anchor_session'))

  // the old token no longer works even if someone kept it
  clock.advance(61_000)
  const kept = await loginAs(app, sms, user, new TestBrowser(app))
  const token = kept.cookies.get('anchor_session')!
  await kept.post('/logout')
  const replay = await app.inject({ method: 'GET', url: '/', headers: { cookie: `anchor_session=${token}` } })
  t.equal(replay.statusCode, 303, 'a logged-out session token is refused')

  clock.advance(61_000)
  const idle = await loginAs(app, sms, user, new TestBrowser(app))
  clock.advance(29 * 60 * 1000)
  t.equal((await idle.get('/')).statusCode, 200, 'activity within 30 minutes keeps the session')
  clock.advance(30 * 60 * 1000 + 1000)
  t.equal((await idle.get('/')).statusCode, 303, 'after 30 idle minutes the session has ended')

  clock.advance(61_000)
  const long = await loginAs(app, sms, user, new TestBrowser(app))
  for (let i = 0; i < 25; i++) {
    clock.advance(29 * 60 * 1000)
    await long.get('/')
  }
  t.equal((await long.get('/')).statusCode, 303, 'no session lives beyond 12 hours, however active')
})

t.test('a tampered session cookie is refused', async (t) => {
  const { app } = await buildTestApp(t)
  const forged = await app.inject({ method: 'GET', url: '/', headers: { cookie: 'anchor_session=eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4In0.' } })
  t.equal(forged.statusCode, 303)
  t.match(forged.headers.location, /^\/login/)
})

t.test('no log line carries a password or a code', async (t) => {
  const lines: string[] = []
  const { Writable } = await import('node:stream')
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done() } })
  const { buildApp } = await import('../../src/app.js')
  const { testConfig } = await import('../fixtures/app.js')
  const { createTestDatabase } = await import('../fixtures/database.js')
  const { FakeSmsSender } = await import('../fixtures/fake-sms.js')
  const { FakeEmailSender } = await import('../fixtures/fake-email.js')
  const config = testConfig()
  const database = await createTestDatabase(config.testDatabaseUrl)
  const sms = new FakeSmsSender()
  const app = await buildApp(config, { database: database.handle, sms, email: new FakeEmailSender(), logger: { level: 'trace', stream } })
  t.teardown(async () => { await app.close(); await database.drop() })
  const user = await createUser(app.db)
  await loginAs(app, sms, user)
  const code = sms.lastCode()
  const text = lines.join('')
  t.ok(lines.length > 0, 'requests were logged')
  t.notMatch(text, TEST_PASSWORD)
  t.notMatch(text, code)
})
