// Personal API tokens: made in a session by researchers and administrators only, shown once and
// stored hashed; they read reports and exports and nothing else; expiry, revocation by the owner
// and by an administrator, a disabled owner, the rate limit; every use audited.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { hashToken, TOKEN_PREFIX } from '../../src/features/api-tokens/api-tokens.service.js'
import { TOKEN_REQUESTS_PER_MINUTE } from '../../src/features/api-tokens/token-access.js'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import type { TestBrowser } from '../fixtures/browser.js'

const YEAR = String(new Date().getFullYear())
const DAY_MS = 24 * 60 * 60 * 1000

async function createToken(browser: TestBrowser, name = 'R analysis', days = '30'): Promise<string> {
  await browser.get('/account/tokens')
  const created = await browser.post('/account/tokens', { name, days })
  if (created.statusCode !== 200) throw new Error(`token not created: ${created.statusCode}`)
  const token = /id="new-token" type="text" readonly value="([^"]+)"/.exec(created.body)?.[1]
  if (!token) throw new Error('no token on the page')
  return token
}

const withToken = (app: FastifyInstance, token: string, url: string, method: 'GET' | 'POST' = 'GET') =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: method === 'POST' ? '{}' : undefined })

t.test('a researcher makes a token; it is shown once, stored hashed, and reads reports and exports', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await createUser(app.db, { role: 'researcher' })
  const browser = await loginAs(app, sms, researcher)
  const token = await createToken(browser)
  t.ok(token.startsWith(TOKEN_PREFIX) && token.length > 40)
  const stored = await app.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow()
  t.equal(stored.token_hash, hashToken(token), 'only the hash is stored')
  t.notOk(JSON.stringify(stored).includes(token))
  const list = await browser.get('/account/tokens')
  t.match(list.body, 'R analysis')
  t.notMatch(list.body, token, 'the list never shows the token again')

  const report = await withToken(app, token, `/api/v1/reports/questions/meetingTopics?period=${YEAR}&by=age`)
  t.equal(report.statusCode, 200)
  const csv = await withToken(app, token, `/api/v1/exports/questions/meetingTopics?period=${YEAR}&by=age&format=csv`)
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], 'text/csv')
  t.equal((await withToken(app, token, '/api/v1/codebook?format=json')).statusCode, 200)

  const uses = await app.db.selectFrom('audit_log').select(['actor_user_id', 'details']).where('event', '=', 'token_used').execute()
  t.equal(uses.length, 3, 'every use is audited')
  t.match(uses[0], { actor_user_id: researcher.id, details: { token: stored.id, route: '/api/v1/reports/questions/:questionId' } })
  const exported = await app.db.selectFrom('audit_log').select('details').where('event', '=', 'report_exported').executeTakeFirstOrThrow()
  t.match(exported.details, { token: stored.id, format: 'csv' })
  t.ok((await app.db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow()).last_used_at)
})

t.test('a token reaches nothing but reports and exports, and never makes another token', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin' })
  const token = await createToken(await loginAs(app, sms, admin))
  for (const url of ['/api/v1/session', '/api/v1/form-definition', '/reports', '/admin', '/admin/users', '/account/tokens', '/forms']) {
    t.equal((await withToken(app, token, url)).statusCode, 403, `GET ${url}`)
  }
  for (const url of ['/api/v1/meeting-forms', '/api/v1/activity-records', '/account/tokens', '/logout']) {
    t.equal((await withToken(app, token, url, 'POST')).statusCode, 403, `POST ${url}`)
  }
  t.equal(await app.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)), 1)
  t.equal((await withToken(app, 'anc_not-a-real-token', `/api/v1/reports/overview`)).statusCode, 401, 'an unknown token is refused')
  t.equal((await withToken(app, token.slice(0, -2), `/api/v1/reports/overview`)).statusCode, 401)
})

t.test('only researchers and administrators hold tokens; a token lasts at most 90 days', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const expert = await loginAs(app, sms, await createUser(app.db))
  t.equal((await expert.get('/account/tokens')).statusCode, 403)
  const researcher = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  await researcher.get('/language/en?next=/')
  await researcher.get('/account/tokens')
  const tooLong = await researcher.post('/account/tokens', { name: 'Forever', days: '91' })
  t.equal(tooLong.statusCode, 400)
  t.match(tooLong.body, 'href="#field-days"')
  t.match(tooLong.body, 'value="Forever"', 'the name typed stays')
  await researcher.get('/account/tokens')
  t.equal((await researcher.post('/account/tokens', { name: '', days: '10' })).statusCode, 400)
  t.equal(await app.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)), 0)
  await t.rejects(
    app.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: (await createUser(app.db, { role: 'researcher' })).id, name: 'x', token_hash: 'a'.repeat(64), created_at: new Date(), expires_at: new Date(Date.now() + 91 * DAY_MS) }).execute(),
    'the database refuses a token for more than 90 days',
  )
})

t.test('expiry, revocation by the owner and by an administrator, and a disabled owner end a token', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const researcher = await createUser(app.db, { role: 'researcher' })
  const browser = await loginAs(app, sms, researcher)
  const shortLived = await createToken(browser, 'short', '1')
  const byOwner = await createToken(browser, 'owner revokes')
  const byAdmin = await createToken(browser, 'admin revokes')
  const overview = `/api/v1/reports/overview?period=${YEAR}`
  for (const token of [shortLived, byOwner, byAdmin]) t.equal((await withToken(app, token, overview)).statusCode, 200)

  const ids = Object.fromEntries((await app.db.selectFrom('api_tokens').select(['id', 'name']).execute()).map((r) => [r.name, r.id]))
  await browser.get('/account/tokens')
  t.equal((await browser.post(`/account/tokens/${ids['owner revokes']}/revoke`)).statusCode, 303)
  t.equal((await withToken(app, byOwner, overview)).statusCode, 401, 'revoked by its owner')

  const admin = await loginAs(app, sms, await createUser(app.db, { role: 'admin' }))
  const adminList = await admin.get('/admin/tokens')
  t.match(adminList.body, 'admin revokes')
  t.equal((await admin.post(`/admin/tokens/${ids['admin revokes']}/revoke`)).statusCode, 303)
  t.equal((await withToken(app, byAdmin, overview)).statusCode, 401, 'revoked by an administrator')
  const other = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  await other.get('/account/tokens')
  t.equal((await other.post(`/account/tokens/${ids.short}/revoke`)).statusCode, 403, 'nobody else revokes another\'s token')

  clock.advance(DAY_MS + 1000)
  t.equal((await withToken(app, shortLived, overview)).statusCode, 401, 'expired')
  const revocations = await app.db.selectFrom('audit_log').select('details').where('event', '=', 'token_revoked').execute()
  t.equal(revocations.length, 2)

  const fresh = await createToken(await loginAs(app, sms, researcher, undefined), 'fresh')
  t.equal((await withToken(app, fresh, overview)).statusCode, 200)
  await app.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', researcher.id).execute()
  t.equal((await withToken(app, fresh, overview)).statusCode, 401, 'a disabled owner\'s tokens stop working')
})

t.test('tokens are rate limited', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const token = await createToken(await loginAs(app, sms, await createUser(app.db, { role: 'researcher' })))
  let limited = 0
  for (let i = 0; i < TOKEN_REQUESTS_PER_MINUTE + 5; i++) {
    const response = await withToken(app, token, '/api/v1/codebook?format=json')
    if (response.statusCode === 429) limited++
  }
  t.equal(limited, 5, `after ${TOKEN_REQUESTS_PER_MINUTE} requests a minute, 429`)
  const uses = await app.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('event', '=', 'token_used').executeTakeFirstOrThrow()
  t.equal(Number(uses.n), TOKEN_REQUESTS_PER_MINUTE, 'a refused request is not a use and leaves no audit entry')
})

t.test('researchers and administrators find the token page in the navigation; experts do not', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const mainNav = (html: string) => /<nav class="main-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? ''
  for (const role of ['researcher', 'admin'] as const) {
    const browser = await loginAs(app, sms, await createUser(app.db, { role }))
    await browser.get('/language/en?next=/')
    const home = mainNav((await browser.get('/')).body)
    t.match(home, '<li><a href="/account/tokens">API tokens</a></li>', `a ${role} sees the link`)
    t.match(mainNav((await browser.get('/account/tokens')).body), '<a href="/account/tokens" aria-current="page">API tokens</a>', 'marked as the current page')
    await browser.get('/language/fi?next=/')
    t.match(mainNav((await browser.get('/')).body), '>API-avaimet</a>')
    await browser.get('/language/sv?next=/')
    t.match(mainNav((await browser.get('/')).body), '>API-nycklar</a>')
  }
  const expert = await loginAs(app, sms, await createUser(app.db))
  const nav = mainNav((await expert.get('/')).body)
  t.match(nav, 'href="/reports"', 'the navigation is there')
  t.notMatch(nav, '/account/tokens', 'but not the token page')
})

t.test('the new token is in a labelled read-only field with a Copy button that works without JavaScript too', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  await browser.get('/account/tokens')
  const page = (await browser.post('/account/tokens', { name: 'Copy me', days: '7' })).body
  const token = /id="new-token" type="text" readonly value="([^"]+)"/.exec(page)?.[1]
  t.ok(token?.startsWith('anc_'), 'the token is in a read-only field')
  t.match(page, '<label class="field__label" for="new-token">Your token</label>', 'the field is labelled')
  const button = /<button type="button"[^>]*data-copy-target="new-token"[^>]*>Copy<\/button>/.exec(page)?.[0]
  t.ok(button, 'a Copy button for the field')
  t.match(button!, / hidden>/, 'hidden until the script shows it, so without JavaScript only the selectable text remains')
  t.match(button!, 'data-copied="Copied."')
  t.match(button!, 'data-copy-failed="Could not copy: select the text and copy it."')
  t.match(button!, 'data-copy-status="token-copy-status"')
  t.match(page, '<p class="token-copy__status" id="token-copy-status" role="status" aria-live="polite"></p>', 'an empty live region for the outcome')
  t.notMatch(page, /<script(?![^>]*\bsrc=)/, 'no inline script')
  const script = await app.inject({ url: '/static/app.js' })
  t.match(script.body, 'navigator.clipboard.writeText(field.value)', 'the page script copies')
  t.match(script.body, "document.querySelectorAll('button[data-copy-target]')")
})
