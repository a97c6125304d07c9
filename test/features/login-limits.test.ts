// Login limits under attack, part 1: parallel requests cannot race the SMS send limits or leave
// more than one live code (part 2, the throttle, is login-throttle.test.ts).
// Runs on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { MAX_SENDS_PER_WINDOW } from '../../src/features/sms-otp/sms-otp.service.js'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser, TEST_PASSWORD } from '../fixtures/factories.js'

const MINUTE = 60_000
const OWNER_ADDRESS = '192.0.2.10'
/** A distinct documentation-range address per attacker request, so the per-route rate limiter stays out of the way. */
const address = (i: number): string => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`

async function liveCodes(test: TestApp, userId: string): Promise<number> {
  const rows = await test.app.db
    .selectFrom('sms_challenges')
    .select('id')
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', test.clock.now())
    .execute()
  return rows.length
}

/** The challenge a browser's login flow cookie continues with. */
function flowChallenge(app: FastifyInstance, browser: TestBrowser): string | undefined {
  const raw = browser.cookies.get('anchor_login')
  const unsigned = raw ? app.unsignCookie(decodeURIComponent(raw)) : undefined
  return unsigned?.valid && unsigned.value ? (JSON.parse(unsigned.value) as { challengeId: string }).challengeId : undefined
}

/** A browser at `from` on the login page. */
async function visitor(app: FastifyInstance, from: string): Promise<TestBrowser> {
  const browser = new TestBrowser(app, { 'accept-language': 'en' }, from)
  await browser.get('/login')
  return browser
}


const tally = (statuses: number[]): Record<number, number> => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {})

t.test('50 parallel correct-password posts send one SMS and leave one live code', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const browsers = await Promise.all(Array.from({ length: 50 }, (_, i) => visitor(test.app, address(i))))
  const answers = await Promise.all(browsers.map((b) => b.post('/login', { email: user.email, password: TEST_PASSWORD })))
  const statuses = answers.map((a) => a.statusCode)
  // Each post that gets the account's lock in time goes on to the code step with the one code sent;
  // the others are told to wait for the login in progress.
  t.ok(statuses.includes(303), 'at least one goes on to the code step')
  t.same(statuses.filter((s) => s !== 303 && s !== 429), [], 'the others are told to wait')
  t.equal(test.sms.sent.length, 1, 'at most one SMS')
  t.equal(await liveCodes(test, user.id), 1, 'one live code')
  const challenges = new Set(browsers.filter((_, i) => answers[i]!.statusCode === 303).map((b) => flowChallenge(test.app, b)))
  t.equal(challenges.size, 1, 'all who go on continue with that one code')
  const told = answers.filter((a) => a.statusCode === 429).map((a) => /Another login to this account is in progress/.exec(a.body)?.[0])
  t.notOk(told.includes(undefined), 'each in plain words: wait for the login in progress')
})

t.test('on a listening port too, 50 parallel correct-password posts send one SMS', async (t) => {
  const test = await buildTestApp(t, { env: { TRUST_PROXY: '1' } }) // X-Forwarded-For gives each request its own address
  const user = await createUser(test.app.db)
  await test.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(test.app.server.address() as AddressInfo).port}`
  const page = await fetch(`${base}/login`, { headers: { 'accept-language': 'en' } })
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  const body = new URLSearchParams({ _csrf: csrf, email: user.email, password: TEST_PASSWORD }).toString()
  const post = async (i: number): Promise<number> => {
    const response = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en', 'x-forwarded-for': address(i) },
      body,
    })
    await response.arrayBuffer()
    return response.status
  }
  const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => post(i)))
  t.ok(statuses.includes(303), 'at least one goes on to the code step (with the one code sent)')
  t.same(statuses.filter((s) => s !== 303 && s !== 429), [], 'the others are told to wait for the login in progress')
  t.equal(test.sms.sent.length, 1, 'at most one SMS')
  t.equal(await liveCodes(test, user.id), 1, 'one live code')
})

t.test('parallel resends keep the cool-down and the 5-per-15-minutes limit', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const browser = await visitor(test.app, OWNER_ADDRESS)
  await browser.post('/login', { email: user.email, password: TEST_PASSWORD })
  await browser.get('/login/code')
  let round = 0
  // Twenty copies of the browser, each from its own address (the per-address rate limiter would
  // otherwise answer first); the one that gets a new code hands its login cookie back.
  const resendBurst = async (): Promise<Record<number, number>> => {
    round += 1
    const copies = Array.from({ length: 20 }, (_, i) => {
      const copy = new TestBrowser(test.app, browser.headers, address(round * 20 + i))
      for (const [name, value] of browser.cookies) copy.cookies.set(name, value)
      copy.lastCsrfToken = browser.lastCsrfToken
      return copy
    })
    const answers = await Promise.all(copies.map((copy) => copy.post('/login/code/resend')))
    const winner = copies.find((_, i) => answers[i]!.statusCode === 200)
    if (winner) for (const [name, value] of winner.cookies) browser.cookies.set(name, value)
    return tally(answers.map((a) => a.statusCode))
  }
  t.same(await resendBurst(), { 429: 20 }, 'within the cool-down no burst gets a code')
  t.equal(test.sms.sent.length, 1)
  for (let sent = 2; sent <= MAX_SENDS_PER_WINDOW; sent++) {
    test.clock.advance(MINUTE + 1000)
    t.same(await resendBurst(), { 200: 1, 429: 19 }, `after the cool-down one request of 20 sends code ${sent}`)
    t.equal(test.sms.sent.length, sent)
    t.equal(await liveCodes(test, user.id), 1, 'and only the newest code is live')
  }
  test.clock.advance(MINUTE + 1000)
  t.same(await resendBurst(), { 429: 20 }, `a sixth code within 15 minutes is refused however many ask at once`)
  t.equal(test.sms.sent.length, MAX_SENDS_PER_WINDOW)
})

t.test('the database keeps one open code per user', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const row = () => ({ id: crypto.randomUUID(), user_id: user.id, code_hash: 'a'.repeat(64), created_at: new Date(), expires_at: new Date(Date.now() + 5 * MINUTE) })
  await test.app.db.insertInto('sms_challenges').values(row()).execute()
  const second = await test.app.db.insertInto('sms_challenges').values(row()).execute().then(() => 'stored', (e: { code?: string }) => e.code)
  t.equal(second, '23505', 'a second open code is refused by a unique index')
})

