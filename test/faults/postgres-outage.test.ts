// PostgreSQL stops while experts file forms and comes back: requests in the gap get 503 with
// Retry-After (not 500, not a hang), the same server process recovers by itself, and every
// acknowledged form is stored exactly once.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { createDeployment } from '../fixtures/processes/deployment.js'
import { logIn } from '../fixtures/processes/http-session.js'
import { startLoad, waitUntil } from '../fixtures/processes/load.js'
import { startPostgres, stopPostgres } from '../fixtures/processes/postgres-control.js'
import { assertChainIntact, assertStoredExactlyOnce } from '../fixtures/processes/stored-forms.js'

t.test('forms filed across a PostgreSQL restart are all stored exactly once', async (t) => {
  const deployment = await createDeployment(t)
  const server = await deployment.server()
  await server.start()
  t.teardown(startPostgres) // whatever happened, PostgreSQL runs again (before the database is dropped)
  const experts = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => deployment.expert()))
  const sessions = await Promise.all(experts.map((expert) => logIn(server.baseUrl, deployment.outboxFile, expert)))
  const pid = server.pid

  const load = startLoad(sessions)
  t.teardown(() => load.abort())
  await waitUntil(() => load.acknowledgedCount() >= 40, 30_000, '40 forms before the outage')

  await stopPostgres()
  // while the database is away the service answers at once, and says when to come back
  const ready = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) })
  t.equal(ready.status, 503, '/readyz: 503 while the database is away')
  t.ok(Number(ready.headers.get('retry-after')) > 0, '/readyz has Retry-After')
  const started = Date.now()
  const page = await sessions[0]!.request('GET', '/forms', { timeoutMs: 10_000 })
  await page.body?.cancel()
  t.equal(page.status, 503, 'a page: 503 while the database is away')
  t.ok(Number(page.headers.get('retry-after')) > 0, 'with Retry-After')
  t.ok(Date.now() - started < 5_000, 'and without hanging')
  await sleep(500) // an answer to a form committed just before the stop may still be on its way
  const duringOutage = load.acknowledgedCount()
  await sleep(2_000)
  t.equal(load.acknowledgedCount(), duringOutage, 'nothing is acknowledged while the database is away')

  await startPostgres()
  await waitUntil(() => load.acknowledgedCount() >= duringOutage + 40, 60_000, '40 more forms after the database came back')
  const result = await load.stop()

  t.equal(server.pid, pid, 'the same server process served before and after')
  t.ok(server.running, 'and is still running')
  const readyAgain = await fetch(`${server.baseUrl}/readyz`)
  t.equal(readyAgain.status, 200, '/readyz: 200 again')
  t.ok(result.unavailable > 0, `${result.unavailable} requests were answered 503 during the outage`)
  t.equal(result.unavailableWithoutRetryAfter, 0, 'every 503 had Retry-After')
  t.equal(result.timeouts, 0, 'no request hung')
  t.same(result.unexpected, [], 'no other error (no 500)')
  t.ok(result.retriedAndAcknowledged > 0, `${result.retriedAndAcknowledged} forms were acknowledged after a retry`)
  await assertStoredExactlyOnce(t, deployment.db, experts.map((e) => e.id), result)
  await assertChainIntact(t, deployment.env)
  t.notMatch(server.output(), /unexpected error|internal_error/, 'the server logged no unexpected error')
})
