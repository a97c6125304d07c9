// Password reset as a user meets it (the e-mail link, the SMS code, the new password) and every way
// it must refuse: unknown and inactive addresses, used, expired, superseded and garbled links, wrong
// codes, too many links, weak or mismatched passwords; and what it leaves in the audit log and the log.
import { PassThrough } from 'node:stream'
import t, { type Test } from 'tap'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs, TEST_PASSWORD, type TestUser } from '../fixtures/factories.js'
import { insertReset } from '../../src/features/password-reset/password-reset.repository.js'
import { hashResetToken, newResetToken } from '../../src/features/password-reset/reset-token.js'

// Each case builds its own app and database, and a request for a link takes a fixed minimum time.
t.setTimeout(300_000)

const NEW_PASSWORD = 'lumikko kantaa kuusi kiveä'
const DEAD_LINK_TEXT = 'This link no longer works'
const SAME_ANSWER = 'If the address belongs to an account, we sent a link to it. It works for 30 minutes.'

/** Asks for a link on the forgot-password page, as a browser would. */
async function askForLink(browser: TestBrowser, email: string) {
  await browser.get('/password/forgot')
  return browser.post('/password/forgot', { email })
}

/** The path and query of the link last e-mailed to an address. */
function emailedLinkPath(email: TestApp['email'], to: string): string {
  const url = new URL(email.lastLink(to))
  return `${url.pathname}${url.search}`
}

function tokenOf(path: string): string {
  return new URL(path, 'http://x').searchParams.get('token') ?? ''
}

/** Opens the link and presses "Send me the code". */
async function openLinkAndSendCode(browser: TestBrowser, path: string) {
  const page = await browser.get(path)
  if (page.statusCode !== 200) return page
  return browser.post('/password/reset', { token: tokenOf(path) })
}

/** The whole way from the link to the new password page; returns the browser on that page. */
async function reachNewPasswordPage(t: Test, world: TestApp, user: TestUser, browser = new TestBrowser(world.app)) {
  await askForLink(browser, user.email)
  const sent = await openLinkAndSendCode(browser, emailedLinkPath(world.email, user.email))
  t.equal(sent.statusCode, 303, 'the code is sent')
  await browser.get('/password/reset/code')
  const code = await browser.post('/password/reset/code', { code: world.sms.lastCode(user.phone) })
  t.equal(code.statusCode, 303, 'the code is right')
  t.equal(code.headers.location, '/password/reset/new')
  await browser.get('/password/reset/new')
  return browser
}

async function auditOf(world: TestApp, event: string) {
  return world.app.db.selectFrom('audit_log').selectAll().where('event', '=', event as never).orderBy('id').execute()
}

t.test('a user who forgot the password resets it with the e-mail link and the SMS code, and logs in with the new one', async (t) => {
  const stream = new PassThrough()
  let log = ''
  stream.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
  const world = await buildTestApp(t, { logStream: stream })
  const { app, sms, email } = world
  const user = await createUser(app.db, { email: 'salainen.osoite@example.fi' })
  const earlierSession = await loginAs(app, sms, user)
  t.equal((await earlierSession.get('/')).statusCode, 200, 'a browser logged in before the reset')

  const browser = new TestBrowser(app)
  const login = await browser.get('/login')
  t.match(login.body, /<a href="\/password\/forgot">Forgot your password\?<\/a>/, 'the login page links to the reset')
  const forgot = await browser.get('/password/forgot')
  t.equal(forgot.statusCode, 200)
  t.match(forgot.body, /<h1>Forgot your password\?<\/h1>/)
  t.match(forgot.body, /<label class="field__label" for="field-email">/, 'the address field has a label')
  t.match(forgot.body, /autocomplete="email"/)

  const asked = await browser.post('/password/forgot', { email: user.email.toUpperCase() })
  t.equal(asked.statusCode, 200)
  t.match(asked.body, SAME_ANSWER)
  t.equal(email.to(user.email).length, 1, 'one e-mail')
  const message = email.to(user.email)[0]!
  t.match(message.subject, /Anchor statistics extranet/)
  t.match(message.text, /\/password\/reset\?token=[A-Za-z0-9_-]{43}/)
  t.match(message.text, /for 30 minutes, until \d{1,2}:\d{2}/, 'the e-mail says how long the link works')
  t.match(message.text, /If you did not ask for this, ignore this message; your password stays as it is\./)
  const path = emailedLinkPath(email, user.email)
  t.ok(email.lastLink(user.email).startsWith(`${world.config.publicUrl}/password/reset?token=`), 'the link is on the public address')

  // Opening the link uses nothing up: a mail scanner may have opened it first.
  const scanned = await new TestBrowser(app).get(path)
  t.equal(scanned.statusCode, 200)
  const opened = await browser.get(path)
  t.equal(opened.statusCode, 200)
  t.equal(opened.headers['referrer-policy'], 'no-referrer', 'the secret in the address is never sent on as a Referer')
  t.match(opened.body, /<button type="submit" class="button">Send me the code<\/button>/)
  t.match(opened.body, /name="_csrf"/)
  t.equal(sms.sent.filter((m) => m.to === user.phone).length, 1, 'opening the link sends no SMS (only the login code so far)')

  const sendCode = await browser.post('/password/reset', { token: tokenOf(path) })
  t.equal(sendCode.statusCode, 303)
  t.equal(sendCode.headers.location, '/password/reset/code')
  t.equal(sms.sent.filter((m) => m.to === user.phone).length, 2, 'the code is sent by SMS')
  t.match(sms.sent.at(-1)?.body, /resetting your password/)
  const codePage = await browser.get('/password/reset/code')
  t.equal(codePage.statusCode, 200)
  t.match(codePage.body, /autocomplete="one-time-code"/)

  const code = await browser.post('/password/reset/code', { code: sms.lastCode(user.phone) })
  t.equal(code.statusCode, 303)
  t.equal(code.headers.location, '/password/reset/new')
  const newPage = await browser.get('/password/reset/new')
  t.equal(newPage.statusCode, 200)
  t.match(newPage.body, /<h1>Choose a new password<\/h1>/)
  t.equal((newPage.body.match(/autocomplete="new-password"/g) ?? []).length, 2)

  const done = await browser.post('/password/reset/new', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/login?passwordChanged=1')
  const loginPage = await browser.follow()
  t.match(loginPage.body, /Your password has been changed\. Log in with the new password\./)
  t.notOk(browser.cookies.has('anchor_session'), 'the reset itself opens no session')

  const changed = email.to(user.email).at(-1)!
  t.match(changed.subject, /your password was changed/)
  t.match(changed.text, new RegExp(`contact ${world.config.operator.email.replace(/\./g, '\\.')}`))
  t.notMatch(changed.text, NEW_PASSWORD)

  const before = await earlierSession.get('/')
  t.equal(before.statusCode, 303, 'the session opened before the reset has ended')
  t.match(before.headers.location, /^\/login/)
  const sessions = await app.db.selectFrom('sessions').select(['ended_at', 'end_reason']).where('user_id', '=', user.id).execute()
  t.ok(sessions.length > 0 && sessions.every((s) => s.ended_at !== null && s.end_reason === 'password_reset'), 'every session ended as password_reset')

  const stranger = new TestBrowser(app)
  await stranger.get('/login')
  const oldPassword = await stranger.post('/login', { email: user.email, password: TEST_PASSWORD })
  t.equal(oldPassword.statusCode, 401, 'the old password no longer works')
  const fresh = new TestBrowser(app)
  await fresh.get('/login')
  const step1 = await fresh.post('/login', { email: user.email, password: NEW_PASSWORD })
  t.equal(step1.statusCode, 303, 'the new password works')
  await fresh.get('/login/code')
  const step2 = await fresh.post('/login/code', { code: sms.lastCode(user.phone) })
  t.equal(step2.statusCode, 303)
  t.equal((await fresh.get('/')).statusCode, 200, 'and the code step opens a session')

  const reset = await auditOf(world, 'password_reset')
  t.equal(reset.length, 1)
  t.equal(reset[0]?.subject_user_id, user.id)
  t.same(reset[0]?.details, { sessionsEnded: 1, tokensRevoked: 0 })

  const reused = await new TestBrowser(app).get(path)
  t.equal(reused.statusCode, 410, 'the link works once')
  t.match(reused.body, DEAD_LINK_TEXT)
  const other = new TestBrowser(app)
  await other.get('/password/forgot')
  t.equal((await other.post('/password/reset', { token: tokenOf(path) })).statusCode, 410, 'its button sends no code')
  t.equal((await browser.get('/password/reset/new')).headers.location, '/password/forgot', 'the finished reset leaves no step open')

  // Neither the audit log nor the log holds the link, the address, the password or the code.
  await askForLink(browser, 'tuntematon.osoite@example.fi')
  const token = tokenOf(path)
  const audit = await app.db.selectFrom('audit_log').selectAll().execute()
  const auditText = JSON.stringify(audit)
  t.ok(audit.some((row) => row.event === 'password_reset_requested'))
  t.notMatch(auditText, token, 'no token in the audit log')
  t.notMatch(auditText, 'salainen.osoite', 'no address in the audit log')
  t.notMatch(auditText, 'tuntematon.osoite')
  t.notMatch(auditText, NEW_PASSWORD)
  const stored = await app.db.selectFrom('password_resets').select('token_hash').execute()
  t.notMatch(JSON.stringify(stored), token, 'only the hash of the token is stored')
  t.match(log, /"path":"\/password\/reset"/, 'the requests are logged')
  t.notMatch(log, token, 'no token in the log')
  t.notMatch(log, 'salainen.osoite')
  t.notMatch(log, 'tuntematon.osoite')
  t.notMatch(log, NEW_PASSWORD)
  for (const m of sms.sent) t.notMatch(log, /\b(\d{6})\b/.exec(m.body)?.[1] ?? 'no code', 'no SMS code in the log')
})

t.test('unknown, pending, disabled and rejected addresses get the same answer and no e-mail; a VIRTU account is told it has no password here', async (t) => {
  const world = await buildTestApp(t)
  const { app, email } = world
  const active = await createUser(app.db)
  const pending = await createUser(app.db, { status: 'pending' })
  const disabled = await createUser(app.db, { status: 'disabled' })
  const rejected = await createUser(app.db, { status: 'rejected' })
  const virtu = await createUser(app.db)
  await app.db
    .updateTable('users')
    .set({ login_method: 'virtu', virtu_local_id: 'virtu-123', virtu_home_organization: 'poliisi.fi', password_hash: null, phone: null })
    .where('id', '=', virtu.id)
    .execute()

  const browser = new TestBrowser(app)
  const known = await askForLink(browser, active.email)
  const normalise = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '').replace(/[0-9a-f-]{36}/g, '')
  for (const address of ['nobody@example.fi', pending.email, disabled.email, rejected.email, virtu.email]) {
    const answer = await askForLink(browser, address)
    t.equal(answer.statusCode, 200, address)
    t.equal(normalise(answer.body), normalise(known.body), `${address}: the same page as for an active account`)
  }
  t.equal(email.to(active.email).length, 1)
  for (const address of ['nobody@example.fi', pending.email, disabled.email, rejected.email]) t.same(email.to(address), [], `${address}: no e-mail`)
  const virtuMail = email.to(virtu.email)
  t.equal(virtuMail.length, 1, 'the VIRTU account gets one e-mail')
  t.match(virtuMail[0]?.text, /You log in with VIRTU, so you have no password in this service/)
  t.notMatch(virtuMail[0]?.text, /token=/, 'and no link')
  t.equal(await app.db.selectFrom('password_resets').select('id').execute().then((rows) => rows.length), 1, 'one link stored, for the active account')

  const requested = await auditOf(world, 'password_reset_requested')
  t.same(
    requested.map((row) => [row.subject_user_id, row.details]),
    [
      [active.id, { outcome: 'link_sent' }],
      [null, { outcome: 'no_account' }],
      [pending.id, { outcome: 'not_active' }],
      [disabled.id, { outcome: 'not_active' }],
      [null, { outcome: 'no_account' }],
      [virtu.id, { outcome: 'virtu_notice' }],
    ],
    'every request is audited with the account when known (a rejected registration is no account)',
  )

  const invalid = await askForLink(browser, 'not an address')
  t.equal(invalid.statusCode, 400, 'an address that is not one is a form error')
  t.match(invalid.body, /class="error-summary"/)
  t.match(invalid.body, /href="#field-email"/)

  const busy = new TestBrowser(app, undefined, '192.0.2.20')
  await busy.get('/password/forgot')
  const answers: number[] = []
  for (let i = 0; i < 11; i++) answers.push((await busy.post('/password/forgot', { email: `nobody${i}@example.fi` })).statusCode)
  t.same(answers, [...Array<number>(10).fill(200), 429], 'one address may ask for ten links a minute')

  // The answer never comes sooner for an unknown address than for a known one.
  const timed = new TestBrowser(app, undefined, '192.0.2.13')
  await timed.get('/password/forgot')
  for (const address of [active.email, 'nobody@example.fi']) {
    const started = performance.now()
    await timed.post('/password/forgot', { email: address })
    t.ok(performance.now() - started >= 245, `${address}: the answer takes the fixed minimum time`)
  }

  // The e-mail is in the language of the page the request came from.
  const fi = await createUser(app.db)
  const sv = await createUser(app.db)
  // (from other addresses: this one has used up its requests a minute)
  await askForLink(new TestBrowser(app, { 'accept-language': 'fi' }, '192.0.2.10'), fi.email)
  await askForLink(new TestBrowser(app, { 'accept-language': 'sv' }, '192.0.2.11'), sv.email)
  t.match(email.to(fi.email)[0]?.text, /Jos et pyytänyt salasanan vaihtamista, voit jättää tämän viestin huomiotta\. Salasanasi pysyy ennallaan\./)
  t.match(email.to(sv.email)[0]?.text, /Ditt lösenord förblir oförändrat\./)

  // A mail server that fails does not change the answer.
  const unlucky = await createUser(app.db)
  email.failNext = true
  const answer = await askForLink(new TestBrowser(app, undefined, '192.0.2.12'), unlucky.email)
  t.equal(answer.statusCode, 200)
  t.match(answer.body, SAME_ANSWER)
  t.same(email.to(unlucky.email), [])
})

t.test('used, expired, superseded and garbled links all get the same "no longer works" page', async (t) => {
  const world = await buildTestApp(t)
  const { app, email, clock } = world
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)

  await askForLink(browser, user.email)
  const first = emailedLinkPath(email, user.email)
  await askForLink(browser, user.email)
  const second = emailedLinkPath(email, user.email)
  t.not(first, second)

  const superseded = await browser.get(first)
  t.equal(superseded.statusCode, 410, 'a newer link supersedes the older one')
  const supersededPost = await browser.post('/password/reset', { token: tokenOf(first) })
  t.equal(supersededPost.statusCode, 410, 'and its button does nothing either')
  t.equal(world.sms.sent.length, 0, 'no SMS for a superseded link')

  const garbled = ['/password/reset', '/password/reset?token=', '/password/reset?token=abc', `/password/reset?token=${tokenOf(second).slice(0, -1)}x`, '/password/reset?token[]=a']
  const pages = [superseded, ...(await Promise.all(garbled.map((path) => new TestBrowser(app).get(path))))]

  clock.advance(world.config.passwordResetLifetimeMs + 1000)
  const expired = await browser.get(second)
  t.equal(expired.statusCode, 410, 'a link past its lifetime is dead')
  pages.push(expired)
  const expiredPost = await browser.post('/password/reset', { token: tokenOf(second) })
  t.equal(expiredPost.statusCode, 410)

  const bodyOf = (body: string) => /<main[\s\S]*<\/main>/.exec(body)?.[0] ?? body
  for (const page of pages) {
    t.equal(page.statusCode, 410)
    t.match(page.body, DEAD_LINK_TEXT)
    t.match(page.body, 'Links work for 30 minutes and only once')
    t.match(page.body, /href="\/password\/forgot"/)
    t.equal(bodyOf(page.body).replace(/name="_csrf" value="[^"]+"/g, ''), bodyOf(pages[0]!.body).replace(/name="_csrf" value="[^"]+"/g, ''), 'no hint which case it is')
  }
})

t.test('five wrong codes kill the link, each counted as a failed code step of the login', async (t) => {
  const world = await buildTestApp(t)
  const { app, sms, email } = world
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await askForLink(browser, user.email)
  const path = emailedLinkPath(email, user.email)
  t.equal((await openLinkAndSendCode(browser, path)).statusCode, 303)
  const right = sms.lastCode(user.phone)
  const wrong = right === '000000' ? '111111' : '000000'
  await browser.get('/password/reset/code')

  for (let i = 1; i <= 4; i++) {
    const answer = await browser.post('/password/reset/code', { code: wrong })
    t.equal(answer.statusCode, 401, `wrong code ${i}`)
    t.match(answer.body, /The code is wrong\./)
    t.match(answer.body, `Attempts left: ${5 - i}.`)
  }
  const resetCookie = browser.cookies.get('anchor_reset')!
  const fifth = await browser.post('/password/reset/code', { code: wrong })
  t.equal(fifth.statusCode, 410, 'the fifth wrong code kills the link')
  t.match(fifth.body, DEAD_LINK_TEXT)

  const failures = await auditOf(world, 'code_failure')
  t.equal(failures.length, 5, 'each wrong code is a code_failure, as in the login')
  t.ok(failures.every((row) => row.subject_user_id === user.id && row.account_key !== null))

  t.equal((await browser.get(path)).statusCode, 410, 'the link itself is dead')
  browser.cookies.set('anchor_reset', resetCookie) // one who keeps the reset's cookie gets no further
  const late = await browser.post('/password/reset/code', { code: right })
  t.equal(late.statusCode, 410, 'the right code no longer helps')
  browser.cookies.set('anchor_reset', resetCookie)
  t.equal((await browser.get('/password/reset/new')).statusCode, 410, 'no way to the new password')
  const row = await app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
  const login = new TestBrowser(app)
  await login.get('/login')
  t.equal((await login.post('/login', { email: user.email, password: TEST_PASSWORD })).statusCode, 429, 'the login throttle counts the reset failures')
  t.ok(row.password_hash, 'the password is unchanged')
})

t.test('the login throttle applies to the code step of a reset', async (t) => {
  const world = await buildTestApp(t)
  const { app, sms, email } = world
  const user = await createUser(app.db)
  // five failed logins from this address: the next try must wait
  const login = new TestBrowser(app)
  await login.get('/login')
  for (let i = 0; i < 5; i++) await login.post('/login', { email: user.email, password: 'wrong password here' })

  const browser = new TestBrowser(app)
  await askForLink(browser, user.email)
  const sent = await openLinkAndSendCode(browser, emailedLinkPath(email, user.email))
  t.equal(sent.statusCode, 429, 'no code while the login would make this address wait')
  t.equal(sms.sent.length, 0)
  t.ok(Number(sent.headers['retry-after']) > 0)
})

t.test('at most three links an hour per account; more requests get the same answer and nothing', async (t) => {
  const world = await buildTestApp(t)
  const { app, email, clock } = world
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  for (let i = 0; i < 4; i++) {
    const answer = await askForLink(browser, user.email)
    t.equal(answer.statusCode, 200)
    t.match(answer.body, SAME_ANSWER)
  }
  t.equal(email.to(user.email).length, 3, 'the fourth request sends nothing')
  const outcomes = (await auditOf(world, 'password_reset_requested')).map((row) => (row.details as { outcome: string }).outcome)
  t.same(outcomes, ['link_sent', 'link_sent', 'link_sent', 'limit_reached'])
  t.equal((await browser.get(emailedLinkPath(email, user.email))).statusCode, 200, 'the newest link still works')

  clock.advance(60 * 60 * 1000 + 1000)
  await askForLink(browser, user.email)
  t.equal(email.to(user.email).length, 4, 'an hour later a link is sent again')
})

t.test('the new password follows the registration rules; errors are shown and the password is never sent back', async (t) => {
  const world = await buildTestApp(t)
  const user = await createUser(world.app.db)
  const browser = await reachNewPasswordPage(t, world, user)

  const short = await browser.post('/password/reset/new', { password: 'lyhyt', passwordConfirm: 'lyhyt' })
  t.equal(short.statusCode, 400)
  t.match(short.body, /class="error-summary"/)
  t.match(short.body, /href="#field-password"/)
  t.match(short.body, /at least 12 characters/)
  t.notMatch(short.body, /value="lyhyt"/)

  const common = await browser.post('/password/reset/new', { password: 'password1234', passwordConfirm: 'password1234' })
  t.equal(common.statusCode, 400)
  t.match(common.body, /one of the most common or leaked passwords/)
  t.notMatch(common.body, 'password1234')

  const differ = await browser.post('/password/reset/new', { password: NEW_PASSWORD, passwordConfirm: `${NEW_PASSWORD}x` })
  t.equal(differ.statusCode, 400)
  t.match(differ.body, /href="#field-passwordConfirm"/)
  t.match(differ.body, /The passwords do not match\./)
  t.notMatch(differ.body, NEW_PASSWORD)

  const stored = await world.app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
  const after = await browser.post('/password/reset/new', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
  t.equal(after.statusCode, 303, 'the reset still goes through after the errors')
  const changed = await world.app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
  t.not(changed.password_hash, stored.password_hash)
})

t.test('the steps cannot be skipped: no code page without the button, no new password without the code', async (t) => {
  const world = await buildTestApp(t)
  const { app, email, sms } = world
  const user = await createUser(app.db)
  const hashBefore = (await app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()).password_hash
  const browser = new TestBrowser(app)
  t.equal((await browser.get('/password/reset/code')).headers.location, '/password/forgot')
  t.equal((await browser.get('/password/reset/new')).headers.location, '/password/forgot')
  await askForLink(browser, user.email)
  await openLinkAndSendCode(browser, emailedLinkPath(email, user.email))
  const early = await browser.get('/password/reset/new')
  t.equal(early.headers.location, '/password/reset/code', 'the new password waits for the code')
  const skip = await browser.post('/password/reset/new', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
  t.equal(skip.statusCode, 303)
  t.equal(skip.headers.location, '/password/reset/code')
  const row = await app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
  t.equal(row.password_hash, hashBefore, 'the password is unchanged')
  t.equal(sms.sent.length, 1)
  const forged = await new TestBrowser(app, { 'accept-language': 'en' }).get('/password/reset/new', { cookie: 'anchor_reset=%7B%22resetId%22%3A%2200000000-0000-0000-0000-000000000000%22%7D' })
  t.equal(forged.headers.location, '/password/forgot', 'an unsigned reset cookie is ignored')

  // The database keeps reset rows sound by itself.
  const other = await createUser(world.app.db)
  const now = new Date()
  const resetRow = { user_id: other.id, created_at: now, expires_at: new Date(now.getTime() + 60_000) }
  await t.rejects(world.app.db.insertInto('password_resets').values({ ...resetRow, token_hash: 'short' }).execute(), 'a token hash is 64 hex characters')
  await t.rejects(
    world.app.db.insertInto('password_resets').values({ ...resetRow, token_hash: 'a'.repeat(64), expires_at: now }).execute(),
    'a link expires after it was made',
  )
  await world.app.db.insertInto('password_resets').values({ ...resetRow, token_hash: 'b'.repeat(64) }).execute()
  await t.rejects(world.app.db.insertInto('password_resets').values({ ...resetRow, token_hash: 'c'.repeat(64) }).execute(), 'one open link per user')
  await t.rejects(
    world.app.db.updateTable('password_resets').set({ used_at: now }).where('user_id', '=', other.id).execute(),
    'a link cannot be used before its code was right',
  )
})


t.test('a reset revokes the account\'s API keys: a key made by whoever held the account stops working', async (t) => {
  const world = await buildTestApp(t)
  const researcher = await createUser(world.app.db, { role: 'researcher', teamId: null })
  const session = await loginAs(world.app, world.sms, researcher)
  await session.get('/account/tokens')
  const created = await session.post('/account/tokens', { name: 'R analysis', days: '30' })
  const token = /id="new-token" type="text" readonly value="([^"]+)"/.exec(created.body)?.[1] ?? ''
  const read = () => world.app.inject({ method: 'GET', url: '/api/v1/codebook?format=json', headers: { authorization: `Bearer ${token}` } })
  t.equal((await read()).statusCode, 200, 'the key works before the reset')

  const browser = await reachNewPasswordPage(t, world, researcher)
  t.equal((await browser.post('/password/reset/new', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })).statusCode, 303)
  t.equal((await read()).statusCode, 401, 'and not after it')
  const [revoked] = await world.app.db.selectFrom('api_tokens').select(['revoked_at', 'revoked_by']).execute()
  t.ok(revoked?.revoked_at, 'the key is marked revoked')
  t.equal(revoked?.revoked_by, researcher.id)
  t.same((await auditOf(world, 'password_reset'))[0]?.details, { sessionsEnded: 1, tokensRevoked: 1 })
  t.match(world.email.to(researcher.email).at(-1)?.text, /API keys, if you had any, were revoked/)
})

t.test('disabling an account kills its reset link for good, even when the account is enabled again', async (t) => {
  const world = await buildTestApp(t)
  const user = await createUser(world.app.db)
  const admin = await loginAs(world.app, world.sms, await createUser(world.app.db, { role: 'admin' }))
  await askForLink(new TestBrowser(world.app), user.email)
  const path = emailedLinkPath(world.email, user.email)
  t.equal((await new TestBrowser(world.app).get(path)).statusCode, 200, 'the link works')
  await admin.get(`/admin/users/${user.id}`)
  t.equal((await admin.post(`/admin/users/${user.id}/disable`)).statusCode, 303)
  t.equal((await new TestBrowser(world.app).get(path)).statusCode, 410, 'dead while the account is disabled')
  t.equal((await admin.post(`/admin/users/${user.id}/enable`)).statusCode, 303)
  t.equal((await new TestBrowser(world.app).get(path)).statusCode, 410, 'and still dead after it is enabled again')
})

t.test('with SMS login off a password opens nothing: no link is sent, and a link sent before no longer works', async (t) => {
  const world = await buildTestApp(t, { env: { SMS_LOGIN_ENABLED: 'false' } })
  const user = await createUser(world.app.db)
  const asked = await askForLink(new TestBrowser(world.app), user.email)
  t.equal(asked.statusCode, 200)
  t.match(asked.body, SAME_ANSWER, 'the same answer as always')
  t.same(world.email.to(user.email), [], 'but no e-mail')
  t.same((await auditOf(world, 'password_reset_requested')).map((row) => row.details), [{ outcome: 'not_active' }])

  // a link made while SMS login was still on
  const token = newResetToken()
  const now = world.clock.now()
  await insertReset(world.app.db, { userId: user.id, tokenHash: hashResetToken(token), now, expiresAt: new Date(now.getTime() + 30 * 60_000) })
  t.equal((await new TestBrowser(world.app).get(`/password/reset?token=${token}`)).statusCode, 410, 'a link from before SMS login was turned off is dead')
})
