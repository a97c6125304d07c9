// The server process dies (SIGKILL) while experts file forms and is started again: every
// acknowledged form is stored exactly once. SIGTERM lets the requests in flight finish first.
import pg from 'pg'
import t from 'tap'
import { createDeployment } from '../fixtures/processes/deployment.js'
import { logIn } from '../fixtures/processes/http-session.js'
import { startLoad, waitUntil } from '../fixtures/processes/load.js'
import { assertChainIntact, assertStoredExactlyOnce } from '../fixtures/processes/stored-forms.js'
import { newKey, validAnswers } from '../fixtures/forms.js'

t.test('forms filed across a SIGKILL and a restart are all stored exactly once', async (t) => {
  const deployment = await createDeployment(t)
  const server = await deployment.server()
  await server.start()
  const experts = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => deployment.expert()))
  const sessions = await Promise.all(experts.map((expert) => logIn(server.baseUrl, deployment.outboxFile, expert)))

  const load = startLoad(sessions)
  t.teardown(() => load.abort())
  for (const round of [1, 2]) {
    const before = load.acknowledgedCount()
    await waitUntil(() => load.acknowledgedCount() >= before + 40, 60_000, `40 forms before kill ${round}`)
    const exit = await server.kill('SIGKILL')
    t.equal(exit.signal, 'SIGKILL', `round ${round}: the server was killed mid-load`)
    await server.start()
  }
  const afterRestart = load.acknowledgedCount()
  await waitUntil(() => load.acknowledgedCount() >= afterRestart + 40, 60_000, '40 forms after the last restart')
  const result = await load.stop()

  t.ok(result.connectionErrors > 0, `${result.connectionErrors} requests found no server`)
  t.equal(result.timeouts, 0, 'no request hung')
  t.same(result.unexpected, [], 'no error answers (no 500)')
  await assertStoredExactlyOnce(t, deployment.db, experts.map((e) => e.id), result)
  await assertChainIntact(t, deployment.env)
})

t.test('SIGTERM: requests in flight finish and are stored before the process exits', async (t) => {
  const deployment = await createDeployment(t)
  const server = await deployment.server()
  await server.start()
  const expert = await deployment.expert()
  const session = await logIn(server.baseUrl, deployment.outboxFile, expert)

  // Hold the expert's team row from outside (as an administrator's edit of the team would), so that
  // five submissions are surely in flight when the signal comes: forms arriving together are stored
  // in shared statements, the first waiting to check the form's team (the foreign key's KEY SHARE
  // lock), the rest waiting in the server for their turn.
  const holder = new pg.Client({ connectionString: deployment.databaseUrl })
  await holder.connect()
  t.teardown(() => holder.end())
  await holder.query('BEGIN')
  await holder.query('SELECT 1 FROM teams WHERE id = (SELECT team_id FROM users WHERE id = $1) FOR UPDATE', [expert.id])
  const keys = [1, 2, 3, 4, 5].map(() => newKey())
  const inFlight = keys.map((key) => session.postJson('/api/v1/meeting-forms', validAnswers(), { 'idempotency-key': key }))
  // (asked on another connection: inside a transaction pg_stat_activity stays as first seen)
  const observer = new pg.Client({ connectionString: deployment.databaseUrl })
  await observer.connect()
  t.teardown(() => observer.end())
  const waiting = async () => {
    const { rows } = await observer.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    return Number(rows[0]!.n) >= 1
  }
  await waitUntil(waiting, 10_000, 'a submission waiting for the lock')
  // the other four were sent at the same moment over local connections: a second is ample for them
  // to reach the server (the lock is held well under the 10 s lock timeout in all)
  await new Promise((resolve) => setTimeout(resolve, 1_000))

  server.signal('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.ok(server.running, 'the process waits for its requests in flight')
  const refused = await fetch(`${server.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.status,
    () => 'no connection',
  )
  t.not(refused, 200, `a new request is not taken any more (${refused})`)

  await holder.query('COMMIT')
  const responses = await Promise.all(inFlight)
  t.same(
    responses.map((r) => r.status),
    [201, 201, 201, 201, 201],
    'every request in flight was answered 201',
  )
  const answered = Date.now()
  const exit = await server.exited()
  t.equal(exit.code, 0, 'then the process exited cleanly')
  t.ok(Date.now() - answered < 5_000, `at once (${Date.now() - answered} ms), not after the keep-alive timeout`)
  const stored = await deployment.db.selectFrom('meeting_forms').select('idempotency_key').where('submitted_by', '=', expert.id).execute()
  t.same(stored.map((row) => row.idempotency_key).sort(), [...keys].sort(), 'and the five forms are stored')
})
