// Who may use which route, for every route in Fastify's route table: only the listed public routes
// answer without a session; every other route refuses an anonymous visitor, a session that timed
// out, outlived its 12 hours or was ended by logout, and a user disabled or demoted a moment ago; a
// route with roles refuses the others; a personal API token reaches only the routes marked for
// tokens.
import t from 'tap'
import {
  buildWorld,
  createRoleUser,
  dbState,
  errorCodeOf,
  inject,
  isLoginRefusal,
  pathOf,
  PUBLIC_ROUTES,
  ROLES,
  sendRoute,
  type Session,
  type World,
} from '../fixtures/security-world.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const MINUTE = 60_000
const world = await buildWorld(t)

/** Sends every route that needs a session as `session` and expects each to be refused for want of a live one. */
async function expectEveryRouteRefused(t: Test, world: World, session: Session | null, label: string): Promise<void> {
  const before = await dbState(world)
  const accepted: string[] = []
  const as = session ?? (await world.visitor())
  for (const route of world.protectedRoutes) {
    const response = await sendRoute(world, route, as)
    if (!isLoginRefusal(response)) accepted.push(`${route.key} answered ${response.statusCode}`)
  }
  t.same(accepted, [], `${label}: every one of ${world.protectedRoutes.length} routes asks for a login`)
  t.same(await dbState(world), before, `${label}: nothing changed in the database`)
}

async function endReasonOf(world: World, session: Session): Promise<string | null> {
  const row = await world.app.db
    .selectFrom('sessions')
    .select(['end_reason'])
    .where('user_id', '=', session.user.id)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow()
  return row.end_reason
}

const home = (session: Session) => inject(world, { method: 'GET', url: '/', session })

t.test('the route table is complete, and its public routes are exactly the listed exceptions', async (t) => {
  t.ok(world.routes.length >= 60, `${world.routes.length} routes`)
  for (const route of world.routes) t.ok(world.app.hasRoute({ method: route.method as 'GET', url: route.url }), `${route.key} is a route`)
  for (const key of ['GET /', 'POST /logout', 'POST /admin/users/:id/disable', 'GET /api/v1/exports/annual', 'POST /auth/virtu/acs']) {
    t.ok(world.routes.some((r) => r.key === key), `${key} was seen`)
  }
  // static files skip the session check by their address, so they count as public too
  const publicInTable = world.routes.filter((r) => r.public || r.url.startsWith('/static/') || r.url.startsWith('/vendor/')).map((r) => r.key)
  t.same(publicInTable.sort(), Object.keys(PUBLIC_ROUTES).sort(), 'a public route that is not listed (or a listed one that is gone) fails here')
  for (const [key, reason] of Object.entries(PUBLIC_ROUTES)) t.ok(reason.length > 0, `${key} has a reason`)
})

t.test('the listed public routes answer without a session', async (t) => {
  const visitor = await world.visitor()
  for (const route of world.routes.filter((r) => r.key in PUBLIC_ROUTES)) {
    const response = await sendRoute(world, route, visitor)
    t.notOk(isLoginRefusal(response), `${route.key} answered ${response.statusCode} without asking for a login`)
    t.not(response.statusCode, 500, route.key)
  }
})

t.test('every other route refuses an anonymous visitor, even with a valid CSRF token', async (t) => {
  await expectEveryRouteRefused(t, world, null, 'anonymous')
  // the refusal of a page is a redirect to the login page and back
  const page = await inject(world, { method: 'GET', url: '/admin/users?status=active' })
  t.equal(page.statusCode, 303)
  t.equal(page.headers.location, `/login?next=${encodeURIComponent('/admin/users?status=active')}`)
  const api = await inject(world, { method: 'GET', url: '/api/v1/session' })
  t.equal(api.statusCode, 401)
  t.equal(errorCodeOf(api), 'authentication_required')
  // a session cookie that is not ours is no session
  const forged = await inject(world, { method: 'GET', url: '/api/v1/session', cookie: 'anchor_session=eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.AAAA' })
  t.equal(forged.statusCode, 401)
})

t.test('every route with roles refuses the other roles', async (t) => {
  const before = await dbState(world)
  // an administration route that forgot its roles would be open to every logged-in user
  for (const route of world.routes.filter((r) => r.url === '/admin' || r.url.startsWith('/admin/'))) {
    t.same(route.roles, ['admin'], `${route.key} is for administrators only`)
  }
  const restricted = world.protectedRoutes.filter((r) => r.roles)
  t.ok(restricted.length >= 20, `${restricted.length} routes have roles`)
  let tried = 0
  for (const route of restricted) {
    const refusedRoles = ROLES.filter((role) => !route.roles!.includes(role))
    for (const role of refusedRoles) {
      const response = await sendRoute(world, route, world.sessions[role])
      tried++
      t.equal(response.statusCode, 403, `${route.key} refuses a ${role}`)
      t.equal(errorCodeOf(response), 'forbidden', `${route.key} says forbidden to a ${role}`)
    }
  }
  t.ok(tried >= 30, `${tried} refusals tried`)
  t.same(await dbState(world), before, 'nothing changed in the database')

  // and the pages of those routes do open for the roles they name (two lead on to the form's page)
  const leadOn: Record<string, string> = { 'GET /forms/new': '/forms/new/', 'GET /forms/review': '/forms/new' }
  for (const route of restricted.filter((r) => r.method === 'GET')) {
    for (const role of route.roles!) {
      const response = await sendRoute(world, route, world.sessions[role])
      const to = leadOn[route.key]
      if (to) t.ok(response.statusCode === 303 && String(response.headers.location).startsWith(to), `${route.key} leads a ${role} on to ${to}`)
      else t.equal(response.statusCode, 200, `${route.key} opens for a ${role}`)
    }
  }
})

t.test('a personal API token reaches only the routes marked for tokens', async (t) => {
  const bearer = { authorization: `Bearer ${world.token}` }
  const before = await dbState(world)
  for (const route of world.protectedRoutes.filter((r) => !r.token)) {
    const response = await sendRoute(world, route, null, { headers: bearer })
    t.equal(response.statusCode, 403, `${route.key} refuses a token`)
  }
  t.same(await dbState(world), before, 'nothing changed in the database')
  const tokenRoutes = world.protectedRoutes.filter((r) => r.token)
  t.ok(tokenRoutes.length >= 10, `${tokenRoutes.length} token routes`)
  for (const route of tokenRoutes) {
    t.equal(route.method, 'GET', `${route.key}: tokens only read`)
    const url = route.url.includes('/annual') ? `${pathOf(world, route)}?team=${world.teamId}` : pathOf(world, route)
    const response = await inject(world, { method: 'GET', url, headers: bearer })
    t.equal(response.statusCode, 200, `${route.key} answers a token`)
  }
})

t.test('a session ended by logout is refused on every route', async (t) => {
  const session = await world.login(await createRoleUser(world, 'admin'))
  t.equal((await home(session)).statusCode, 200)
  const logout = await inject(world, { method: 'POST', url: '/logout', session })
  t.equal(logout.statusCode, 303)
  t.equal(await endReasonOf(world, session), 'logout')
  await expectEveryRouteRefused(t, world, session, 'after logout')
})

t.test('a user disabled in the database is refused at once on every route, and so is their token', async (t) => {
  const session = await world.login(await createRoleUser(world, 'admin'))
  t.equal((await home(session)).statusCode, 200)
  await world.app.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', session.user.id).execute()
  const first = await home(session)
  t.ok(isLoginRefusal(first), 'the very next request is refused')
  t.equal(await endReasonOf(world, session), 'user_disabled')
  await expectEveryRouteRefused(t, world, session, 'disabled in the database')

  // the researcher's token stops working with its owner
  const bearer = { authorization: `Bearer ${world.token}` }
  const tokenRoutes = world.protectedRoutes.filter((r) => r.token)
  t.equal((await inject(world, { method: 'GET', url: '/api/v1/codebook?format=json', headers: bearer })).statusCode, 200)
  await world.app.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', world.researcher.id).execute()
  for (const route of tokenRoutes) {
    const response = await inject(world, { method: 'GET', url: pathOf(world, route), headers: bearer })
    t.equal(response.statusCode, 401, `${route.key} refuses the token of a disabled user`)
  }
  await world.app.db.updateTable('users').set({ status: 'active' }).where('id', '=', world.researcher.id).execute()
})

t.test('a user disabled by an administrator is refused at once on every route', async (t) => {
  const victim = await world.login(await createRoleUser(world, 'admin'))
  const admin = await world.login(await createRoleUser(world, 'admin'))
  t.equal((await home(victim)).statusCode, 200)
  const disabled = await inject(world, { method: 'POST', url: `/admin/users/${victim.user.id}/disable`, session: admin })
  t.equal(disabled.statusCode, 303)
  t.ok(isLoginRefusal(await home(victim)), 'the very next request is refused')
  t.equal(await endReasonOf(world, victim), 'user_disabled')
  await expectEveryRouteRefused(t, world, victim, 'disabled by an administrator')
})

t.test('an administrator demoted a moment ago is refused on every administration route', async (t) => {
  const demoted = await world.login(await createRoleUser(world, 'admin'))
  const admin = await world.login(await createRoleUser(world, 'admin'))
  t.equal((await inject(world, { method: 'GET', url: '/admin/users', session: demoted })).statusCode, 200)
  const changed = await inject(world, { method: 'POST', url: `/admin/users/${demoted.user.id}/role`, session: admin, form: { role: 'expert', teamId: world.teamId, profession: 'police' } })
  t.equal(changed.statusCode, 303)
  const before = await dbState(world)
  const accepted: string[] = []
  for (const route of world.protectedRoutes.filter((r) => r.roles?.includes('admin') && !r.roles.includes('expert'))) {
    const response = await sendRoute(world, route, demoted)
    if (!isLoginRefusal(response) && response.statusCode !== 403) accepted.push(`${route.key} answered ${response.statusCode}`)
  }
  t.same(accepted, [], 'every route for administrators refuses the old session')
  t.same(await dbState(world), before, 'nothing changed in the database')
})

t.test('a session idle for 30 minutes is refused on every route', async (t) => {
  const session = await world.login(await createRoleUser(world, 'admin'))
  world.clock.advance(29 * MINUTE)
  t.equal((await home(session)).statusCode, 200, 'still alive after 29 idle minutes')
  world.clock.advance(30 * MINUTE)
  t.ok(isLoginRefusal(await home(session)), 'refused after 30 idle minutes')
  t.equal(await endReasonOf(world, session), 'idle')
  await expectEveryRouteRefused(t, world, session, 'idle')
})

t.test('a session is refused on every route after 12 hours, however busy', async (t) => {
  const session = await world.login(await createRoleUser(world, 'admin'))
  const step = 25 * MINUTE
  let elapsed = 0
  while (elapsed + step < 12 * 60 * MINUTE) {
    world.clock.advance(step)
    elapsed += step
    const response = await home(session)
    if (response.statusCode !== 200) {
      t.fail(`refused after only ${elapsed / MINUTE} minutes`)
      return
    }
  }
  world.clock.advance(12 * 60 * MINUTE - elapsed)
  t.ok(isLoginRefusal(await home(session)), 'refused at 12 hours')
  t.equal(await endReasonOf(world, session), 'expired')
  await expectEveryRouteRefused(t, world, session, 'after 12 hours')
})
