// Response headers on every route in Fastify's route table: a strict Content-Security-Policy (no
// inline script, no framing), nosniff, a referrer policy, no-store on every page but static files,
// cookies that scripts cannot read; HSTS and Secure cookies over https and outside development,
// and neither over plain http in development.
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { SESSION_COOKIE } from '../../src/plugins/auth.js'
import { buildTestApp } from '../fixtures/app.js'
import { SP_CERT, SP_KEY, VIRTU_TEST_ENV } from '../fixtures/saml-idp.js'
import { routeTable } from '../fixtures/route-table.js'
import { allowedRole, buildWorld, inject, pathOf, PUBLIC_ROUTES, sendRoute, type RouteEntry, type World } from '../fixtures/security-world.js'

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

/** The headers every answer must carry, whatever the route and status. */
function checkCommonHeaders(t: Test, response: LightMyRequestResponse, where: string): void {
  const csp = directives(response)
  t.same(csp.get('script-src'), ["'self'"], `${where}: scripts only from this origin`)
  t.same(csp.get('default-src'), ["'self'"], `${where}: default-src 'self'`)
  t.same(csp.get('object-src'), ["'none'"], `${where}: no plugins`)
  t.same(csp.get('frame-ancestors'), ["'none'"], `${where}: never framed`)
  t.same(csp.get('base-uri'), ["'self'"], `${where}: base-uri 'self'`)
  const all = [...csp.values()].flat()
  t.notOk(all.some((v) => /unsafe-inline|unsafe-eval|unsafe-hashes|^\*$|^https?:$/.test(v)), `${where}: nothing unsafe in the policy`)
  t.equal(response.headers['x-content-type-options'], 'nosniff', `${where}: nosniff`)
  t.ok(STRICT_REFERRER_POLICIES.includes(String(response.headers['referrer-policy'])), `${where}: referrer policy ${response.headers['referrer-policy']}`)
}

function checkPage(t: Test, response: LightMyRequestResponse, where: string): void {
  if (!String(response.headers['content-type'] ?? '').startsWith('text/html')) return
  const body = response.body
  t.notOk(/<script(?![^>]*\bsrc=)[^>]*>/i.test(body), `${where}: no inline script`)
  t.notOk(/<[^>]+\son[a-z]+\s*=/i.test(body), `${where}: no inline event handler`)
  t.notOk(/(?:href|src|action)\s*=\s*"\s*javascript:/i.test(body), `${where}: no javascript: address`)
}

/** Each route once: as its allowed user (public routes as a visitor), with its plausible request. */
async function everyRoute(world: World, visit: (route: RouteEntry, response: LightMyRequestResponse) => void): Promise<void> {
  const visitor = await world.visitor()
  // logout last, as it ends the session
  const routes = [...world.routes].sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))
  for (const route of routes) {
    const as = route.key in PUBLIC_ROUTES ? visitor : world.sessions[allowedRole(route)]
    const path = route.url.includes('/annual') ? `${pathOf(world, route)}?team=${world.teamId}` : undefined
    visit(route, await sendRoute(world, route, as, path ? { path } : {}))
  }
}

t.test('over plain http in development: strict headers on every route, no-store on every page, no HSTS', async (t) => {
  const world = await buildWorld(t, { env: { NODE_ENV: 'development' } })
  t.match(world.config.publicUrl, /^http:\/\//)
  let pages = 0
  await everyRoute(world, (route, response) => {
    const where = `${route.key} (${response.statusCode})`
    t.ok(response.statusCode < 500, where)
    checkCommonHeaders(t, response, where)
    checkPage(t, response, where)
    t.notOk(response.headers['strict-transport-security'], `${where}: no HSTS over http`)
    if (!isStatic(route)) t.equal(response.headers['cache-control'], 'no-store', `${where}: no-store`)
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

t.test('cookies are out of reach of scripts and other sites', async (t) => {
  const world = await buildWorld(t, { env: { NODE_ENV: 'development' } })
  const visitor = await inject(world, { method: 'GET', url: '/login' })
  const csrfCookie = visitor.cookies.find((c) => c.name === '_csrf')
  t.match(csrfCookie, { httpOnly: true, sameSite: 'Strict' }, 'the CSRF secret')
  t.notOk(csrfCookie?.secure, 'not Secure over plain http, or the browser would drop it')
  const session = world.sessions.admin.cookie
  t.match(session, new RegExp(`${SESSION_COOKIE}=`))
  const logout = await inject(world, { method: 'POST', url: '/logout', session: world.sessions.expert })
  const cleared = logout.cookies.find((c) => c.name === SESSION_COOKIE)
  t.match(cleared, { httpOnly: true, sameSite: 'Lax', path: '/' }, 'the session cookie')
})

t.test('over https: HSTS on every route, upgrade-insecure-requests, Secure cookies', async (t) => {
  const world = await buildWorld(t, { env: { PUBLIC_URL: HTTPS_URL } })
  await everyRoute(world, (route, response) => {
    const where = `${route.key} (${response.statusCode})`
    checkCommonHeaders(t, response, where)
    const hsts = String(response.headers['strict-transport-security'] ?? '')
    const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0)
    t.ok(maxAge >= 31_536_000, `${where}: HSTS for at least a year`)
    t.match(hsts, /includeSubDomains/i, `${where}: HSTS covers subdomains`)
    t.ok(directives(response).has('upgrade-insecure-requests'), `${where}: upgrade-insecure-requests`)
  })
  const login = await inject(world, { method: 'GET', url: '/login' })
  t.ok(login.cookies.length > 0)
  for (const cookie of login.cookies) t.equal(cookie.secure, true, `${cookie.name} is Secure`)
  t.match(world.sessions.admin.cookie, SESSION_COOKIE)
  const logout = await inject(world, { method: 'POST', url: '/logout', session: world.sessions.researcher })
  t.equal(logout.cookies.find((c) => c.name === SESSION_COOKIE)?.secure, true, 'the session cookie is Secure')
})

t.test('in production HSTS is on whatever the public address says', async (t) => {
  // SMS login off so that no Twilio settings are needed; the database is the test's own
  const { app } = await buildTestApp(t, {
    env: {
      ...VIRTU_TEST_ENV,
      VIRTU_SP_PRIVATE_KEY: SP_KEY,
      VIRTU_SP_CERT: SP_CERT,
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://ankkuri.internal',
      DATABASE_URL: 'postgres://unused.invalid/anchor',
      SMS_LOGIN_ENABLED: 'false',
    },
  })
  const routes = routeTable(app).filter((r) => r.method === 'GET')
  t.ok(routes.length >= 40)
  for (const route of routes) {
    const url = route.url.replace(/:\w+/g, randomUUID()).replace('*', 'app.css')
    const response = await app.inject({ method: 'GET', url })
    const where = `${route.key} (${response.statusCode})`
    checkCommonHeaders(t, response, where)
    t.match(String(response.headers['strict-transport-security']), /max-age=\d{8}/, `${where}: HSTS`)
  }
})
