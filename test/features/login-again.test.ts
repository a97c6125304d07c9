// Logging in again while a code is on its way: back at the password step moments after a code was
// sent, the user continues with that code (no new SMS, no error); after the cool-down, or once the
// code has been used, a new one is sent. Asking for a new code too soon is told, not refused as an error.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { RESEND_COOL_DOWN_MS } from '../../src/features/sms-otp/sms-otp.service.js'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs, TEST_PASSWORD, type TestUser } from '../fixtures/factories.js'

/** 16.42.00 on 4 March 2031 in Finnish time (UTC+2): a whole minute, so the texts can be exact. */
const SENT_AT = Date.parse('2031-03-04T14:42:00Z')

const errorSummary = (body: string) => /<div class="error-summary"/.test(body)
const infoNotice = (body: string) => /<p class="notice notice--info" role="status">([^<]*)<\/p>/.exec(body)?.[1]

/** The challenge the login flow cookie continues with (the cookie is signed, not secret). */
function flowChallenge(app: FastifyInstance, browser: TestBrowser): string | undefined {
  const raw = browser.cookies.get('anchor_login')
  if (!raw) return undefined
  const unsigned = app.unsignCookie(decodeURIComponent(raw))
  return unsigned.valid && unsigned.value ? (JSON.parse(unsigned.value) as { challengeId: string }).challengeId : undefined
}

async function passwordStep(browser: TestBrowser, user: TestUser, password = TEST_PASSWORD) {
  await browser.get('/login')
  return browser.post('/login', { email: user.email, password })
}

async function auditOf(app: FastifyInstance, event: 'code_sent' | 'login_failure', userId: string) {
  return app.db.selectFrom('audit_log').select('details').where('event', '=', event).where('subject_user_id', '=', userId).orderBy('id').execute()
}

t.test('password again within the cool-down: no new SMS, the code page says when the code was sent, and the first code works', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  clock.advance(SENT_AT - clock.now().getTime())
  const user = await createUser(app.db)
  const browser = new TestBrowser(app, { 'accept-language': 'fi' })

  const first = await passwordStep(browser, user)
  t.equal(first.statusCode, 303)
  t.equal(first.headers.location, '/login/code')
  t.equal(sms.sent.length, 1, 'the password step sends a code')
  const code = sms.lastCode()
  const challenge = flowChallenge(app, browser)
  const plainPage = await browser.get('/login/code')
  t.notOk(infoNotice(plainPage.body), 'a code sent just now needs no notice about an earlier one')
  t.match(plainPage.body, 'Lähetimme matkapuhelimeesi kuusinumeroisen koodin.')

  // Back to the password step (the back button, or the login address typed again), 20 s later.
  clock.advance(20_000)
  const again = await passwordStep(browser, user)
  t.equal(again.statusCode, 303, 'the password is accepted again at once')
  t.equal(again.headers.location, '/login/code', 'and the user goes on to the code page')
  t.equal(sms.sent.length, 1, 'no new SMS')
  t.equal(flowChallenge(app, browser), challenge, 'the login continues with the code already sent')

  const page = await browser.get('/login/code')
  t.equal(page.statusCode, 200)
  t.notOk(errorSummary(page.body), 'no error summary')
  t.equal(
    infoNotice(page.body),
    'Puhelimeesi lähetettiin koodi klo 16.42. Kirjoita se alle. Uuden koodin voit pyytää klo 16.43 alkaen.',
    'an information notice says when the code was sent and when a new one can be asked for',
  )
  const swedish = await browser.get('/login/code', { cookie: `${browser.cookieHeader()}; lang=sv` })
  t.equal(infoNotice(swedish.body), 'En kod skickades till din telefon kl. 16.42. Skriv in den nedan. Du kan be om en ny kod tidigast kl. 16.43.')
  const english = await browser.get('/login/code', { cookie: `${browser.cookieHeader()}; lang=en` })
  t.equal(infoNotice(english.body), 'A code was sent to your phone at 16:42. Enter it below. You can ask for a new code from 16:43.')

  const audit = await auditOf(app, 'code_sent', user.id)
  t.same(
    audit.map((a) => a.details),
    [{}, { reused: true }],
    'the audit log shows the code sent, then the password step that continued with it',
  )

  const done = await browser.post('/login/code', { code })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/')
  t.ok(browser.cookies.has('anchor_session'), 'the code from the first SMS logs the user in')
})

t.test('an unfinished login in another browser: the second one continues with the same code', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const first = new TestBrowser(app)
  await passwordStep(first, user)
  const code = sms.lastCode()
  clock.advance(30_000)
  const second = new TestBrowser(app)
  const again = await passwordStep(second, user)
  t.equal(again.headers.location, '/login/code')
  t.equal(sms.sent.length, 1)
  t.equal(flowChallenge(app, second), flowChallenge(app, first))
  await second.get('/login/code')
  const done = await second.post('/login/code', { code })
  t.equal(done.statusCode, 303)
  t.ok(second.cookies.has('anchor_session'))
  const late = await first.post('/login/code', { code })
  t.equal(late.statusCode, 401, 'the code still works only once')
})

t.test('after the cool-down the password step sends a new code, and the old one no longer works', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await passwordStep(browser, user)
  const old = sms.lastCode()
  const oldChallenge = flowChallenge(app, browser)

  clock.advance(RESEND_COOL_DOWN_MS + 1000)
  const again = await passwordStep(browser, user)
  t.equal(again.statusCode, 303)
  t.equal(sms.sent.length, 2, 'a new SMS')
  t.not(flowChallenge(app, browser), oldChallenge, 'for a new challenge')
  const page = await browser.get('/login/code')
  t.notOk(infoNotice(page.body), 'a fresh code needs no notice about an earlier one')

  const fresh = sms.lastCode()
  if (old !== fresh) {
    const stale = await browser.post('/login/code', { code: old })
    t.equal(stale.statusCode, 401, 'the replaced code no longer works')
  }
  // and not through the old login flow either
  const oldFlow = await app.db.selectFrom('sms_challenges').select('superseded_at').where('id', '=', oldChallenge!).executeTakeFirstOrThrow()
  t.ok(oldFlow.superseded_at, 'the old challenge is superseded')
  const done = await browser.post('/login/code', { code: fresh })
  t.equal(done.statusCode, 303)
  t.ok(browser.cookies.has('anchor_session'))
})

t.test('after a successful login the next login gets a new code at once', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const first = await loginAs(app, sms, user)
  await first.post('/logout')
  t.equal(sms.sent.length, 1)

  // Logging straight back in, well within the cool-down of the code just used.
  const browser = new TestBrowser(app)
  const again = await passwordStep(browser, user)
  t.equal(again.statusCode, 303, 'no waiting for the cool-down')
  t.equal(again.headers.location, '/login/code')
  t.equal(sms.sent.length, 2, 'a new SMS at once')
  const page = await browser.get('/login/code')
  t.notOk(infoNotice(page.body))
  const done = await browser.post('/login/code', { code: sms.lastCode() })
  t.equal(done.statusCode, 303)
  t.ok(browser.cookies.has('anchor_session'))
})

t.test('successful logins still send at most five codes in 15 minutes', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  for (let i = 0; i < 5; i++) await loginAs(app, sms, user)
  t.equal(sms.sent.length, 5)
  const browser = new TestBrowser(app)
  const sixth = await passwordStep(browser, user)
  t.equal(sixth.statusCode, 429, 'the sixth code within the window is refused')
  t.ok(sixth.headers['retry-after'])
  t.equal(sms.sent.length, 5)
})

t.test('a wrong password on the second try still fails as before, without touching the code', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await passwordStep(browser, user)
  const code = sms.lastCode()

  clock.advance(10_000)
  const wrong = await passwordStep(browser, user, 'not the password at all')
  t.equal(wrong.statusCode, 401)
  t.ok(errorSummary(wrong.body))
  t.match(wrong.body, 'The e-mail address or password is wrong.')
  t.notOk(wrong.headers.location, 'no way on to the code step')
  t.equal(sms.sent.length, 1)
  t.equal((await auditOf(app, 'login_failure', user.id)).length, 1, 'counted as a failed login')
  const sent = await auditOf(app, 'code_sent', user.id)
  t.equal(sent.length, 1, 'and not as a code reused')

  // An unknown address at the same moment answers the same.
  const unknown = await passwordStep(new TestBrowser(app), { ...user, email: 'nobody@example.fi' }, 'not the password at all')
  t.equal(unknown.statusCode, 401)

  // The code already sent still works in the browser that asked for it.
  await browser.get('/login/code')
  const done = await browser.post('/login/code', { code })
  t.equal(done.statusCode, 303)
})

t.test('a reused code keeps its attempt count, and a spent code is not reused', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const first = new TestBrowser(app)
  await passwordStep(first, user)
  const code = sms.lastCode()
  const wrongCode = code === '000000' ? '111111' : '000000'
  await first.get('/login/code')
  for (let i = 0; i < 3; i++) await first.post('/login/code', { code: wrongCode })

  clock.advance(10_000)
  const second = new TestBrowser(app)
  await passwordStep(second, user)
  t.equal(sms.sent.length, 1, 'the code is reused')
  await second.get('/login/code')
  const fourth = await second.post('/login/code', { code: wrongCode })
  t.match(fourth.body, 'Attempts left: 1.', 'its earlier wrong attempts still count')
  const fifth = await second.post('/login/code', { code: wrongCode })
  t.match(fifth.body, 'The code has expired or has already been used.')

  clock.advance(10_000)
  const third = new TestBrowser(app)
  const refused = await passwordStep(third, user)
  t.equal(refused.statusCode, 429, 'a spent code is never offered again; within the cool-down no new one is sent')
  t.ok(refused.headers['retry-after'])
  t.equal(sms.sent.length, 1)

  clock.advance(RESEND_COOL_DOWN_MS)
  const later = await passwordStep(third, user)
  t.equal(later.statusCode, 303)
  t.equal(sms.sent.length, 2, 'after the cool-down a new code is sent')
})

t.test('a code whose SMS could not be sent is never offered as the code on the phone', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  sms.failNext = true
  const failed = await passwordStep(browser, user)
  t.equal(failed.statusCode, 503)
  t.equal(sms.sent.length, 0)

  clock.advance(10_000)
  const again = await passwordStep(browser, user)
  t.not(again.headers.location, '/login/code', 'no code page for a code that never left')
  t.equal(again.statusCode, 429, 'the cool-down still holds')
  clock.advance(RESEND_COOL_DOWN_MS)
  const later = await passwordStep(browser, user)
  t.equal(later.statusCode, 303)
  t.equal(sms.sent.length, 1)
})

t.test('each user continues only with their own code', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const aino = await createUser(app.db)
  const ville = await createUser(app.db)
  const a = new TestBrowser(app)
  const v = new TestBrowser(app)
  await passwordStep(a, aino)
  await passwordStep(v, ville)
  t.equal(sms.sent.length, 2, 'one SMS each')
  t.not(flowChallenge(app, a), flowChallenge(app, v))
  await v.get('/login/code')
  const crossed = await v.post('/login/code', { code: sms.lastCode(aino.phone) })
  t.equal(crossed.statusCode, 401, "one user's code does not open another's login")
})

t.test('"Send a new code" within the cool-down stays on the code page and says when the code was sent', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  clock.advance(SENT_AT - clock.now().getTime())
  const user = await createUser(app.db)
  const browser = new TestBrowser(app, { 'accept-language': 'fi' })
  await passwordStep(browser, user)
  const code = sms.lastCode()
  await browser.get('/login/code')

  clock.advance(15_000)
  const tooSoon = await browser.post('/login/code/resend')
  t.equal(tooSoon.statusCode, 429, 'refused')
  t.equal(tooSoon.headers['retry-after'], '45', 'with Retry-After')
  t.notOk(errorSummary(tooSoon.body), 'not as an error')
  t.equal(
    infoNotice(tooSoon.body),
    'Edellinen koodi lähetettiin puhelimeesi klo 16.42, joten uutta koodia ei vielä lähetetty. Kirjoita edellinen koodi alle. Uuden koodin voit pyytää klo 16.43 alkaen.',
  )
  t.match(tooSoon.body, 'name="code"', 'the code can be typed on the same page')
  t.equal(sms.sent.length, 1)

  const done = await browser.post('/login/code', { code })
  t.equal(done.statusCode, 303, 'the code already sent still works')
})

t.test('the time a new code can be asked for is never a minute too early', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  clock.advance(SENT_AT + 10_000 - clock.now().getTime()) // 16.42.10
  const user = await createUser(app.db)
  const browser = new TestBrowser(app)
  await passwordStep(browser, user)
  t.equal(sms.sent.length, 1)
  await browser.get('/login/code')
  const tooSoon = await browser.post('/login/code/resend')
  t.match(infoNotice(tooSoon.body), /at 16:42, .* from 16:44\.$/, 'a new code can be asked for at 16.43.10, so from 16.44')
})
