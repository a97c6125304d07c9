// Response headers on every route in Fastify's route table: a strict Content-Security-Policy (no
// inline script, no framing), nosniff, a referrer policy, no-store on every page but static files,
// cookies that scripts cannot read, a request id echoed only when plain; HSTS and Secure cookies
// over https and outside development, and neither over plain http in development.
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { monthOf } from '../../src/lib/months.js'
import { SESSION_COOKIE } from '../../src/plugins/auth.js'
import { buildTestApp, TEST_PRODUCTION_SERVICE_ENV } from '../fixtures/app.js'
import { loginAs } from '../fixtures/factories.js'
import { validAnswers } from '../fixtures/forms.js'
import { SP_CERT, SP_KEY, VIRTU_TEST_ENV } from '../fixtures/saml-idp.js'
import { routeTable } from '../fixtures/route-table.js'
import { allowedRole, buildWorld, createRoleUser, inject, pathOf, PUBLIC_ROUTES, sendRoute, type RouteEntry, type World } from '../fixtures/security-world.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const HTTPS_URL = 'https://ankkuri.example.fi'
const STRICT_REFERRER_POLICIES = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']
const isStatic = (route: RouteEntry) => route.url.startsWith('/static/') || route.url.startsWith('/vendor/')

function directives(response: LightMyRequestResponse): Map<string, string[]> {
  const header = String(response.headers['content-security-policy'] ?? '')
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  )
}

/** What is wrong with the headers every answer must carry, whatever the route and status. */
function commonHeaderProblems(response: LightMyRequestResponse): string[] {
  const problems: string[] = []
  const csp = directives(response)
  const expect = (name: string, values: string[]) => {
    if (JSON.stringify(csp.get(name)) !== JSON.stringify(values)) problems.push(`${name} is ${JSON.stringify(csp.get(name))}`)
  }
  expect('script-src', ["'self'"])
  expect('default-src', ["'self'"])
  expect('object-src', ["'none'"])
  expect('frame-ancestors', ["'none'"])
  expect('base-uri', ["'self'"])
  const unsafe = [...csp.values()].flat().filter((v) => /unsafe-inline|unsafe-eval|unsafe-hashes|^\*$|^https?:$/.test(v))
  if (unsafe.length > 0) problems.push(`unsafe sources ${unsafe.join(' ')}`)
  if (response.headers['x-content-type-options'] !== 'nosniff') problems.push('no nosniff')
  if (!STRICT_REFERRER_POLICIES.includes(String(response.headers['referrer-policy']))) problems.push(`referrer policy ${response.headers['referrer-policy']}`)
  return problems
}

function checkCommonHeaders(t: Test, response: LightMyRequestResponse, where: string): void {
  t.same(commonHeaderProblems(response), [], `${where}: CSP, nosniff, referrer policy`)
}

/** Inline script or handlers, which the policy would block: a page must not rely on them. */
function pageProblems(response: LightMyRequestResponse): string[] {
  if (!String(response.headers['content-type'] ?? '').startsWith('text/html')) return []
  const body = response.body
  const problems: string[] = []
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(body)) problems.push('inline script')
  if (/<[^>]+\son[a-z]+\s*=/i.test(body)) problems.push('inline event handler')
  if (/(?:href|src|action)\s*=\s*"\s*javascript:/i.test(body)) problems.push('javascript: address')
  return problems
}

/** Each route once: as its allowed user (public routes as a visitor), with its plausible request. */
async function everyRoute(world: World, visit: (route: RouteEntry, response: LightMyRequestResponse) => void): Promise<void> {
  const visitor = await world.visitor()
  // logout last, as it ends the session
  const routes = [...world.routes].sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))
  for (const route of routes) {
    const as = route.key in PUBLIC_ROUTES ? visitor : world.sessions[allowedRole(route)]
    // the pages behind two addresses that lead on: the form's first step and its review (with a draft)
    const path = route.url.includes('/annual')
      ? `${pathOf(world, route)}?team=${world.teamId}`
      : route.key === 'GET /forms/new'
        ? '/forms/new/meeting'
        : undefined
    visit(route, await sendRoute(world, route, as, path ? { path } : {}))
  }
}

/** The session cookie as a completed login sets it. */
async function sessionCookieOfLogin(world: World) {
  const browser = await loginAs(world.app, world.sms, await createRoleUser(world, 'expert'))
  return browser.lastResponse?.cookies.find((c) => c.name === SESSION_COOKIE)
}

const development = await buildWorld(t, { env: { NODE_ENV: 'development' } })

t.test('over plain http in development: strict headers on every route, no-store on every page, no HSTS', async (t) => {
  const world = development
  t.match(world.config.publicUrl, /^http:\/\//)
  // a complete form in progress, so that the review page is a page and not a step back to the form
  const now = world.clock.now()
  await world.app.db
    .insertInto('form_drafts')
    .values({ id: randomUUID(), user_id: world.sessions.admin.user.id, answers: JSON.stringify(validAnswers({ meetingMonth: monthOf(now) })), idempotency_key: randomUUID(), created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 3_600_000) })
    .execute()
  let pages = 0
  await everyRoute(world, (route, response) => {
    const where = `${route.key} (${response.statusCode})`
    const problems = [...commonHeaderProblems(response), ...pageProblems(response)]
    if (response.statusCode >= 500) problems.push('a 500')
    if (response.headers['strict-transport-security']) problems.push('HSTS over http')
    if (!isStatic(route) && response.headers['cache-control'] !== 'no-store') problems.push(`cache-control ${response.headers['cache-control']}`)
    t.same(problems, [], where)
    if (!(route.key in PUBLIC_ROUTES) && route.method === 'GET') {
      t.equal(response.statusCode, 200, `${route.key}: the page itself was checked`)
      pages++
    }
  })
  t.ok(pages >= 30, `${pages} pages behind login`)

  // refusals and errors carry the same headers
  const answers = [
    await inject(world, { method: 'GET', url: '/admin/users' }),
    await inject(world, { method: 'GET', url: '/api/v1/session' }),
    await inject(world, { method: 'GET', url: '/admin/users', session: world.sessions.expert }),
    await inject(world, { method: 'GET', url: '/no/such/page', session: world.sessions.expert }),
    await inject(world, { method: 'POST', url: '/admin/teams', session: world.sessions.admin, csrf: 'forged' }),
  ]
  for (const response of answers) {
    checkCommonHeaders(t, response, `an answer ${response.statusCode}`)
    t.equal(response.headers['cache-control'], 'no-store')
  }
})

t.test('a request id from the client is kept only behind a trusted proxy, and only when it is plain', async (t) => {
  const direct = await inject(development, { method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-1234abcd' } })
  t.not(direct.headers['x-request-id'], 'lb-1234abcd', 'without TRUST_PROXY anyone could choose ids: a new one is made')
  t.match(String(direct.headers['x-request-id']), /^[0-9a-f-]{36}$/)
  const proxied = await buildTestApp(t, { env: { TRUST_PROXY: '1' } })
  const plain = await inject(proxied, { method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-1234abcd' } })
  t.equal(plain.headers['x-request-id'], 'lb-1234abcd', "behind the proxy the load balancer's id is kept")
  for (const id of ['<script>alert(1)</script>', "' OR '1'='1", 'a'.repeat(500), 'x\ty']) {
    const response = await inject(proxied, { method: 'GET', url: '/healthz', headers: { 'x-request-id': id } })
    t.equal(response.statusCode, 200)
    t.not(response.headers['x-request-id'], id, `${id.slice(0, 20)} is replaced`)
    t.match(String(response.headers['x-request-id']), /^[A-Za-z0-9._:-]+$/)
  }
})

t.test('cookies are out of reach of scripts and other sites', async (t) => {
  const world = development
  const visitor = await inject(world, { method: 'GET', url: '/login' })
  const csrfCookie = visitor.cookies.find((c) => c.name === '_csrf')
  t.match(csrfCookie, { httpOnly: true, sameSite: 'Strict' }, 'the CSRF secret')
  t.notOk(csrfCookie?.secure, 'not Secure over plain http, or the browser would drop it')
  const login = await sessionCookieOfLogin(world)
  t.match(login, { httpOnly: true, sameSite: 'Lax', path: '/' }, 'the session cookie')
  t.notOk(login?.secure)
})

t.test('over https: HSTS on every route, upgrade-insecure-requests, Secure cookies', async (t) => {
  const world = await buildWorld(t, { env: { PUBLIC_URL: HTTPS_URL } })
  await everyRoute(world, (route, response) => {
    const problems = commonHeaderProblems(response)
    const hsts = String(response.headers['strict-transport-security'] ?? '')
    if (Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0) < 31_536_000) problems.push(`HSTS "${hsts}" is not for a year`)
    if (!/includeSubDomains/i.test(hsts)) problems.push('HSTS leaves out subdomains')
    if (!directives(response).has('upgrade-insecure-requests')) problems.push('no upgrade-insecure-requests')
    t.same(problems, [], `${route.key} (${response.statusCode})`)
  })
  const login = await inject(world, { method: 'GET', url: '/login' })
  t.ok(login.cookies.length > 0)
  for (const cookie of login.cookies) t.equal(cookie.secure, true, `${cookie.name} is Secure`)
  t.match(await sessionCookieOfLogin(world), { secure: true, httpOnly: true, sameSite: 'Lax' }, 'the session cookie is Secure')
})

t.test('in production HSTS is on whatever the public address says', async (t) => {
  // SMS login off so that no Twilio settings are needed; the database is the test's own
  const { app } = await buildTestApp(t, {
    env: {
      ...VIRTU_TEST_ENV,
      VIRTU_SP_PRIVATE_KEY: SP_KEY,
      VIRTU_SP_CERT: SP_CERT,
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://localhost:3000',
      DATABASE_URL: 'postgres://unused.invalid/anchor',
      SMS_LOGIN_ENABLED: 'false',
      ...TEST_PRODUCTION_SERVICE_ENV,
    },
  })
  const routes = routeTable(app).filter((r) => r.method === 'GET')
  t.ok(routes.length >= 40)
  for (const route of routes) {
    const url = route.url.replace(/:\w+/g, randomUUID()).replace('*', 'app.css')
    const response = await app.inject({ method: 'GET', url })
    const problems = commonHeaderProblems(response)
    if (!/max-age=\d{8}/.test(String(response.headers['strict-transport-security']))) problems.push('no HSTS')
    t.same(problems, [], `${route.key} (${response.statusCode})`)
  }
})
