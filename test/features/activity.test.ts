// Team activity records: recorded on a page or through the API, once per key, in the same chain.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { newKey } from '../fixtures/forms.js'
import { verifyApp } from '../fixtures/integrity.js'

t.test('the page records refusals and meetings; errors name the field; the list shows the team\'s records', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)
  const page = await browser.get('/activity')
  t.equal(page.statusCode, 200)
  // Like a browser, every post sends the key of the page it came from.
  const pageKey = () => /name="idempotencyKey" value="([^"]+)"/.exec(browser.lastResponse!.body)![1]!
  const key = pageKey()
  t.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'the page\'s key is a UUID')
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' }).format(clock.now()).slice(0, 7)

  const refusal = await browser.post('/activity', { kind: 'refusal', month, ageBand: 'under_15', participants: '12', idempotencyKey: key })
  t.equal(refusal.statusCode, 303)
  const again = await browser.post('/activity', { kind: 'refusal', month, ageBand: 'under_15', idempotencyKey: key })
  t.equal(again.statusCode, 303, 'the same key again is the same record')
  await browser.get('/activity')
  const coffee = await browser.post('/activity', { kind: 'coffee_meeting', month, participants: '23', ageBand: 'under_15', idempotencyKey: pageKey() })
  t.equal(coffee.statusCode, 303)

  await browser.get('/activity')
  const missing = await browser.post('/activity', { kind: 'stakeholder_meeting', month, participants: 'many', idempotencyKey: pageKey() })
  t.equal(missing.statusCode, 400)
  t.match(missing.body, 'href="#field-participants"')
  t.match(missing.body, 'Enter a whole number.')
  t.match(missing.body, /Number of participants<\/span> Enter a whole number\./)
  t.notMatch(missing.body, 'fields.')
  const noKind = await browser.post('/activity', { month, idempotencyKey: pageKey() })
  t.match(noKind.body, 'href="#field-kind"')

  const rows = await app.db.selectFrom('activity_records').select(['kind', 'age_band', 'participants', 'team_id']).orderBy('created_at').execute()
  t.same(rows, [
    { kind: 'refusal', age_band: 'under_15', participants: null, team_id: user.teamId },
    { kind: 'coffee_meeting', age_band: null, participants: 23, team_id: user.teamId },
  ])
  const list = await browser.get('/activity')
  t.match(list.body, 'A young person refused to take part')
  t.match(list.body, '23 participants')
  t.match(await verifyApp(app), { ok: true, linksChecked: 2, problem: undefined })
})

t.test('the API: 201, the same answer for a repeat, 409 for other content, 400 naming fields', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  const post = (body: unknown, key: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/activity-records',
      headers: { cookie: browser.cookieHeader(), 'x-csrf-token': csrf, 'content-type': 'application/json', 'idempotency-key': key },
      payload: JSON.stringify(body),
    })
  const key = newKey()
  const first = await post({ kind: 'stakeholder_meeting', month: '2026-01', participants: 8 }, key)
  t.equal(first.statusCode, 201)
  const repeat = await post({ kind: 'stakeholder_meeting', month: '2026-01', participants: 8 }, key)
  t.equal(repeat.json().id, first.json().id)
  t.equal((await post({ kind: 'stakeholder_meeting', month: '2026-01', participants: 9 }, key)).statusCode, 409)
  const bad = await post({ kind: 'refusal', month: '2031-01', participants: 3, name: 'x' }, newKey())
  t.equal(bad.statusCode, 400)
  const fields = Object.fromEntries(bad.json().error.fields.map((f: { field: string; code: string }) => [f.field, f.code]))
  t.same(fields, { month: 'month_in_future', ageBand: 'required', participants: 'not_applicable', name: 'unknown_field' })
})

t.test('a tampered activity record is caught by the chain', async (t) => {
  const { app, sms, database, clock } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  for (const participants of [5, 6, 7]) {
    // a second apart: the sealer orders a batch by filing time
    clock.advance(1000)
    await app.inject({
      method: 'POST', url: '/api/v1/activity-records',
      headers: { cookie: browser.cookieHeader(), 'x-csrf-token': csrf, 'content-type': 'application/json', 'idempotency-key': newKey() },
      payload: JSON.stringify({ kind: 'coffee_meeting', month: '2026-01', participants }),
    })
  }
  await database.handle.runScript(`ALTER TABLE activity_records DISABLE TRIGGER USER;
    UPDATE activity_records SET participants = 60 WHERE participants = 6;
    ALTER TABLE activity_records ENABLE TRIGGER USER;`)
  const report = await verifyApp(app)
  t.equal(report.problem?.kind, 'record_altered')
  t.equal(report.linksChecked, 1)
})
