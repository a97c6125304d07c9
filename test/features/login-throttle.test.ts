// Login limits under attack, part 2: failures are throttled per account and address (NIST SP
// 800-63B) so an attacker elsewhere cannot lock the owner out, while guessing stays bounded.
// Runs on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ACCOUNT_CEILING, pairDelayMs } from '../../src/features/auth/login-throttle.js'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser, TEST_PASSWORD, type TestUser } from '../fixtures/factories.js'
import { VIRTU_TEST_ENV } from '../fixtures/saml-idp.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const OWNER_ADDRESS = '192.0.2.10'
/** A distinct documentation-range address per attacker request, so the per-route rate limiter stays out of the way. */
const address = (i: number): string => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`


/** A browser at `from` on the login page. */
async function visitor(app: FastifyInstance, from: string): Promise<TestBrowser> {
  const browser = new TestBrowser(app, { 'accept-language': 'en' }, from)
  await browser.get('/login')
  return browser
}

async function fullLogin(test: TestApp, user: TestUser, from: string): Promise<TestBrowser> {
  const browser = await visitor(test.app, from)
  const step1 = await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
  if (step1.statusCode !== 303) throw new Error(`password step answered ${step1.statusCode}`)
  await browser.get('/login/code')
  const step2 = await browser.post('/login/code', { code: test.sms.lastCode(user.phone) })
  if (step2.statusCode !== 303 || !browser.cookies.has('anchor_session')) throw new Error(`code step answered ${step2.statusCode}`)
  return browser
}

const tally = (statuses: number[]): Record<number, number> => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {})

t.test('growing delays per account and address; other addresses are not affected', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const attacker = await visitor(test.app, address(1))
  for (let i = 0; i < 5; i++) {
    t.equal((await attacker.post('/login', { email: user.email, password: `wrong ${i}` })).statusCode, 401, `wrong password ${i + 1} is simply wrong`)
  }
  const delays: number[] = []
  for (let failures = 5; failures < 9; failures++) {
    const waiting = await attacker.post('/login', { email: user.email, password: TEST_PASSWORD })
    t.equal(waiting.statusCode, 429, `after ${failures} failures even the right password waits`)
    delays.push(Number(waiting.headers['retry-after']))
    t.match(waiting.body, /Too many attempts. Try again in \d+ minutes?\./)
    test.clock.advance(pairDelayMs(failures))
    t.equal((await attacker.post('/login', { email: user.email, password: 'wrong again' })).statusCode, 401, 'once the delay has passed a guess is tried')
  }
  t.same(delays, [60, 120, 240, 480], 'each failure doubles the wait')
  t.equal(test.sms.sent.length, 0)

  const owner = await fullLogin(test, user, OWNER_ADDRESS)
  t.ok(owner.cookies.has('anchor_session'), 'meanwhile the owner logs in from their own address')
  const lockouts = await test.app.db.selectFrom('audit_log').select('details').where('event', '=', 'lockout').execute()
  t.same(lockouts.map((l) => l.details), [{ scope: 'account_and_address', minutes: 1 }], 'the start of the delays is audited once')
})

t.test("an attacker's failures from many addresses do not stop the owner, and guessing stays bounded", async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  await fullLogin(test, user, OWNER_ADDRESS) // the owner has logged in from this address before
  test.clock.advance(2 * MINUTE)

  // Five guesses from each of 30 addresses, one after another: the account's ceiling stops them at 100.
  const statuses: number[] = []
  for (let a = 0; a < 30; a++) {
    const attacker = await visitor(test.app, address(a))
    for (let i = 0; i < 5; i++) statuses.push((await attacker.post('/login', { email: user.email, password: `guess ${a}-${i}` })).statusCode)
  }
  t.same(tally(statuses), { 401: ACCOUNT_CEILING, 429: 150 - ACCOUNT_CEILING }, `${ACCOUNT_CEILING} guesses are tried, the rest refused`)
  const failures = await test.app.db.selectFrom('audit_log').select('id').where('event', '=', 'login_failure').execute()
  t.equal(failures.length, ACCOUNT_CEILING, 'no more than the ceiling is ever checked in a day')

  const lucky = await visitor(test.app, address(500))
  const right = await lucky.post('/login', { email: user.email, password: TEST_PASSWORD })
  t.equal(right.statusCode, 429, 'from a new address even the right password is refused: it cannot be confirmed')
  t.ok(Number(right.headers['retry-after']) > 23 * 60 * 60, 'until the oldest failure is a day old')

  const owner = await fullLogin(test, user, OWNER_ADDRESS)
  t.ok(owner.cookies.has('anchor_session'), 'the owner still gets in from their own address with the right password and code')
  t.equal((await owner.get('/')).statusCode, 200)

  const lockouts = await test.app.db.selectFrom('audit_log').select('details').where('event', '=', 'lockout').execute()
  t.ok(lockouts.some((l) => (l.details as { scope?: string }).scope === 'account'), 'reaching the ceiling is audited')

  test.clock.advance(DAY)
  const later = await visitor(test.app, address(501))
  t.equal((await later.post('/login', { email: user.email, password: 'guess again' })).statusCode, 401, 'a day later guesses are tried again')
})

t.test('five wrong passwords from five addresses no longer lock the account for everyone', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db) // has never logged in: no address of its own yet
  for (let a = 0; a < 5; a++) {
    const attacker = await visitor(test.app, address(a))
    t.equal((await attacker.post('/login', { email: user.email, password: 'not it' })).statusCode, 401)
  }
  const owner = await fullLogin(test, user, OWNER_ADDRESS)
  t.ok(owner.cookies.has('anchor_session'))
})

t.test('an unknown account is throttled exactly like a real one', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const run = async (email: string, from: string): Promise<string[]> => {
    const browser = await visitor(test.app, from)
    const seen: string[] = []
    for (let i = 0; i < 7; i++) {
      const r = await browser.post('/login', { email, password: `wrong ${i}` })
      seen.push(`${r.statusCode} ${r.headers['retry-after'] ?? ''}`)
    }
    return seen
  }
  t.same(await run('nobody@example.fi', address(1)), await run(user.email, address(2)))
})

t.test('refused VIRTU posts do not count against password logins from the same address', async (t) => {
  const test = await buildTestApp(t, { env: VIRTU_TEST_ENV })
  const user = await createUser(test.app.db)
  const shared = '203.0.113.7' // one government address in front of many people
  for (let i = 0; i < 30; i++) {
    const refused = await test.app.inject({ method: 'POST', url: '/auth/virtu/acs', remoteAddress: shared, payload: { SAMLResponse: Buffer.from(`<forged ${i}/>`).toString('base64') } })
    t.equal(refused.statusCode, 401)
  }
  const events = await test.app.db.selectFrom('audit_log').select('event').where('ip', '=', shared).execute()
  t.same(tally(events.map((e) => (e.event === 'saml_failure' ? 1 : 0))), { 1: 30 }, 'each is a saml_failure, none a login_failure')
  const owner = await fullLogin(test, user, shared)
  t.ok(owner.cookies.has('anchor_session'), 'a colleague behind the same address logs in with password and code')
})
