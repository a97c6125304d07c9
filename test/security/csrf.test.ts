// CSRF, for every state-changing route in Fastify's route table except the listed exceptions: a
// missing, empty, forged or another visitor's token, or a token without its secret cookie, is
// refused with 403 and changes nothing; the same request with the right token gets past the check.
import t from 'tap'
import {
  buildWorld,
  createRoleUser,
  CSRF_EXEMPT,
  dbState,
  errorCodeOf,
  PUBLIC_ROUTES,
  sendRoute,
  type RouteEntry,
  type Session,
  type Visitor,
} from '../fixtures/security-world.js'

const world = await buildWorld(t)
const stateChanging = world.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
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
  const exempt = world.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.csrf).map((r) => r.key)
  t.same(exempt.sort(), Object.keys(CSRF_EXEMPT).sort(), 'a route that turns the check off must be listed')
  for (const [key, reason] of Object.entries(CSRF_EXEMPT)) t.ok(reason.length > 0, `${key} has a reason`)
})

t.test('every state-changing route refuses a missing or wrong CSRF token and changes nothing', async (t) => {
  const otherVisitor = await world.visitor()
  for (const route of checked) {
    // the user the route is meant for, so that only the token can be what stops the request
    const actor: Session | Visitor = route.key in PUBLIC_ROUTES ? await world.visitor() : world.sessions[route.roles && !route.roles.includes('admin') ? route.roles[0]! : 'admin']
    const before = await dbState(world)
    const attempts: { label: string; send: () => ReturnType<typeof sendRoute> }[] = [
      { label: 'no token', send: () => sendRoute(world, route, actor, { csrf: null }) },
      { label: 'an empty token', send: () => sendRoute(world, route, actor, { csrf: '' }) },
      { label: 'a forged token', send: () => sendRoute(world, route, actor, { csrf: 'forged-token' }) },
      { label: 'a forged token in the header', send: () => sendRoute(world, route, actor, { csrf: 'forged-token', csrfIn: 'header' }) },
      { label: 'another visitor\'s token', send: () => sendRoute(world, route, actor, { csrf: otherVisitor.csrf }) },
      { label: 'a token without its secret cookie', send: () => sendRoute(world, route, actor, { cookie: withoutSecret(actor.cookie) }) },
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
