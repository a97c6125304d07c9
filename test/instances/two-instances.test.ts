// Two server processes on one PostgreSQL database, as behind a load balancer: a session made on
// one works on the other and ends on both at logout; an Idempotency-Key holds across them; login
// failures and the rate limiter count requests to both together.
import t from 'tap'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { createDeployment } from '../fixtures/processes/deployment.js'
import { HttpSession, logIn } from '../fixtures/processes/http-session.js'

t.test('two instances on one database', async (t) => {
  const deployment = await createDeployment(t)
  const [a, b] = [await deployment.server(), await deployment.server()]
  await Promise.all([a.start(), b.start()])

  t.test('a session from one instance works on the other; logout on one ends it on both', async (t) => {
    const expert = await deployment.expert()
    const session = await logIn(a.baseUrl, deployment.outboxFile, expert)
    t.equal(await session.loadApiToken(b.baseUrl), 200, 'B knows the session A started')
    const page = await session.request('GET', '/forms', { baseUrl: b.baseUrl })
    t.equal(page.status, 200, 'and shows its pages')
    t.match(await page.text(), '/forms/new', 'the list of own forms, not the login page')
    // a form filed on B with the CSRF token B handed out, its receipt read on A
    const filed = await session.postJson('/api/v1/meeting-forms', validAnswers(), { 'idempotency-key': newKey() }, b.baseUrl)
    t.equal(filed.status, 201, 'a form is filed on B')
    const { id } = (await filed.json()) as { id: string }
    const receipt = await session.request('GET', `/forms/${id}`, { baseUrl: a.baseUrl })
    await receipt.body?.cancel()
    t.equal(receipt.status, 200, 'and read back on A')

    const keptCookies = new Map(session.cookies)
    await session.page('/')
    const logout = await session.postForm('/logout', {})
    await logout.body?.cancel()
    t.equal(logout.status, 303, 'logged out on A')
    // the old cookie, as someone who had kept a copy would send it
    const replay = new HttpSession(b.baseUrl)
    for (const [name, value] of keptCookies) replay.cookies.set(name, value)
    t.equal(await replay.loadApiToken(), 401, 'B refuses the ended session')
    t.equal(await replay.loadApiToken(a.baseUrl), 401, 'so does A')
  })

  t.test('one Idempotency-Key is one form, whichever instance the requests reach', async (t) => {
    const expert = await deployment.expert()
    const session = await logIn(a.baseUrl, deployment.outboxFile, expert)
    const key = newKey()
    const answers = validAnswers({ meetingTopics: ['vandalism'] })
    const responses = await Promise.all(
      [a, b, a, b, a, b, a, b].map((server) => session.postJson('/api/v1/meeting-forms', answers, { 'idempotency-key': key }, server.baseUrl)),
    )
    t.same(
      responses.map((r) => r.status),
      [201, 201, 201, 201, 201, 201, 201, 201],
      'eight simultaneous requests, four to each instance, are all acknowledged',
    )
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)))
    t.equal(ids.size, 1, 'with one and the same form id')
    const rows = await deployment.db.selectFrom('meeting_forms').select('id').where('submitted_by', '=', expert.id).execute()
    t.same(rows.map((r) => r.id), [...ids], 'and one form is stored')

    const other = await session.postJson('/api/v1/meeting-forms', validAnswers({ meetingTopics: ['bullying'] }), { 'idempotency-key': key }, b.baseUrl)
    t.equal(other.status, 409, 'the same key with other answers is refused on the other instance too')
  })

  t.test('failed logins are counted across both instances', async (t) => {
    const expert = await deployment.expert()
    for (const server of [a, b, a, b, a]) {
      const visitor = new HttpSession(server.baseUrl)
      await visitor.page('/login')
      const wrong = await visitor.postForm('/login', { email: expert.email, password: 'not the password' })
      await wrong.body?.cancel()
      t.equal(wrong.status, 401, `a wrong password on ${server === a ? 'A' : 'B'}`)
    }
    for (const server of [b, a]) {
      const visitor = new HttpSession(server.baseUrl)
      await visitor.page('/login')
      const right = await visitor.postForm('/login', { email: expert.email, password: expert.password })
      const html = await right.text()
      t.equal(right.status, 429, `after five failures (three on A, two on B) even the right password waits, on ${server === a ? 'A' : 'B'}`)
      t.match(html, /minute/i, 'and the page says how long')
    }
    const lockouts = await deployment.db.selectFrom('audit_log').select('event').where('event', '=', 'lockout').execute()
    t.ok(lockouts.length >= 1, 'the lockout is in the audit log')
  })

  t.test('the rate limiter counts requests to both instances together', async (t) => {
    // POST /register allows 20 a minute from one address; 10 go to each instance
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const visitor = new HttpSession((i % 2 === 0 ? a : b).baseUrl)
      const response = await visitor.postForm('/register', {})
      await response.body?.cancel()
      statuses.push(response.status)
    }
    t.notOk(statuses.includes(429), `the first 20 are let through (${[...new Set(statuses)].join(', ')})`)
    for (const server of [a, b]) {
      const response = await new HttpSession(server.baseUrl).postForm('/register', {})
      await response.body?.cancel()
      t.equal(response.status, 429, `the 21st is refused on ${server === a ? 'A' : 'B'}`)
      t.ok(Number(response.headers.get('retry-after')) > 0, 'with Retry-After')
    }
  })
})
