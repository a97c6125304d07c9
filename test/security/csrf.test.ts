// CSRF, for every state-changing route in Fastify's route table except the listed exceptions: a
// missing, empty, forged or another visitor's token, a token without its secret cookie or one in
// the address is refused with 403 and changes nothing; the same request with the right token gets
// past the check. No GET route changes state, so the check covers every change.
import t from 'tap'
import {
  allowedRole,
  auditEventsAfter,
  buildWorld,
  createRoleUser,
  CSRF_EXEMPT,
  dbState,
  errorCodeOf,
  inject,
  pathOf,
  PUBLIC_ROUTES,
  sendRoute,
  type RouteEntry,
  type Session,
  type Visitor,
} from '../fixtures/security-world.js'

const world = await buildWorld(t)
const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE']
const stateChanging = world.routes.filter((r) => STATE_CHANGING.includes(r.method))
// logout last: its control request ends the session the others use
const checked = stateChanging.filter((r) => !(r.key in CSRF_EXEMPT)).sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))

/** Cookie header without the CSRF secret. */
const withoutSecret = (cookie: string) =>
  cookie
    .split('; ')
    .filter((c) => !c.startsWith('_csrf='))
    .join('; ')

t.test('the routes without CSRF protection are exactly the listed exceptions', async (t) => {
  t.ok(stateChanging.length >= 20, `${stateChanging.length} state-changing routes`)
  const exempt = stateChanging.filter((r) => !r.csrf).map((r) => r.key)
  t.same(exempt.sort(), Object.keys(CSRF_EXEMPT).sort(), 'a route that turns the check off must be listed')
  for (const [key, reason] of Object.entries(CSRF_EXEMPT)) t.ok(reason.length > 0, `${key} has a reason`)
})

t.test('every state-changing route refuses a missing or wrong CSRF token and changes nothing', async (t) => {
  const otherVisitor = await world.visitor()
  for (const route of checked) {
    // the user the route is meant for, so that only the token can be what stops the request
    const actor: Session | Visitor = route.key in PUBLIC_ROUTES ? await world.visitor() : world.sessions[allowedRole(route)]
    const before = await dbState(world)
    const attempts: { label: string; send: () => ReturnType<typeof sendRoute> }[] = [
      { label: 'no token', send: () => sendRoute(world, route, actor, { csrf: null }) },
      { label: 'an empty token', send: () => sendRoute(world, route, actor, { csrf: '' }) },
      { label: 'a forged token', send: () => sendRoute(world, route, actor, { csrf: 'forged-token' }) },
      { label: 'a forged token in the header', send: () => sendRoute(world, route, actor, { csrf: 'forged-token', csrfIn: 'header' }) },
      { label: 'another visitor\'s token', send: () => sendRoute(world, route, actor, { csrf: otherVisitor.csrf }) },
      { label: 'a token without its secret cookie', send: () => sendRoute(world, route, actor, { cookie: withoutSecret(actor.cookie) }) },
      // a token in the address would leak into logs and Referer headers
      { label: 'the right token in the address', send: () => sendRoute(world, route, actor, { csrf: null, path: `${pathOf(world, route)}?_csrf=${encodeURIComponent(actor.csrf)}` }) },
    ]
    for (const attempt of attempts) {
      const response = await attempt.send()
      t.equal(response.statusCode, 403, `${route.key}, ${attempt.label}: 403`)
      t.equal(errorCodeOf(response), 'csrf_invalid', `${route.key}, ${attempt.label}: the CSRF error`)
    }
    t.same(await dbState(world), before, `${route.key}: nothing changed in the database`)

    // control: the same request with the right token is not stopped by the check
    const control = await sendRoute(world, route, actor)
    t.not(errorCodeOf(control), 'csrf_invalid', `${route.key}: the right token passes (${control.statusCode})`)
  }
})

t.test('the CSRF token of a JSON client comes from its session and is checked in the header', async (t) => {
  const session = await world.login(await createRoleUser(world, 'expert'))
  const route = world.routes.find((r) => r.key === 'POST /api/v1/activity-records') as RouteEntry
  const wrong = await sendRoute(world, route, session, { csrf: 'x'.repeat(40) })
  t.equal(wrong.statusCode, 403)
  t.equal(errorCodeOf(wrong), 'csrf_invalid')
  const right = await sendRoute(world, route, session)
  t.equal(right.statusCode, 201, right.body)
})

/** GET routes that may write something, and why that is no state a forged request could want. */
const GET_WRITES: Readonly<Record<string, string>> = {
  'GET /auth/virtu/login': 'notes the AuthnRequest it sends, so that only its answer is accepted',
}

t.test('no GET route changes anything but the audit log, so the check on the other methods covers every change', async (t) => {
  const admin = await world.login(await createRoleUser(world, 'admin'))
  const visitor = await world.visitor()
  const before = await dbState(world)
  const writers = new Set<string>()
  for (const route of world.routes.filter((r) => r.method === 'GET')) {
    const counts = (await dbState(world)).counts
    const response = await inject(world, { method: 'GET', url: pathOf(world, route), session: route.key in PUBLIC_ROUTES ? visitor : admin })
    t.ok(response.statusCode < 500, `${route.key} (${response.statusCode})`)
    const { audit_log: _a, ...after } = (await dbState(world)).counts
    const { audit_log: _b, ...earlier } = counts
    if (JSON.stringify(after) !== JSON.stringify(earlier)) writers.add(route.key)
  }
  t.same([...writers].sort(), Object.keys(GET_WRITES).sort(), 'only the listed GET routes add rows')
  const { counts: _c, ...rows } = await dbState(world)
  const { counts: _d, ...rowsBefore } = before
  t.same(rows, rowsBefore, 'no user, team, token or session changed')
  const events = await auditEventsAfter(world, before.counts.audit_log!)
  t.same([...new Set(events)].filter((e) => !['report_exported', 'codebook_exported', 'audit_exported'].includes(e)), [], 'the audit log gained only exports')
})
