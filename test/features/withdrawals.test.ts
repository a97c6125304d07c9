// Withdrawing a form filed in error: who may ask and with what reason, one open request per form,
// an administrator other than the requester decides; a confirmed withdrawal leaves the team's own
// figures at once and the volumes of the next release, and the answer tables only when they were not
// yet decided; the records are append-only, chained, verified and audited without answers.
import t from 'tap'
import { sql } from 'kysely'
import { makeRelease } from '../../src/features/publication/release.service.js'
import { teamSummary } from '../../src/features/home/team-summary.service.js'
import { decideWithdrawal, requestWithdrawal } from '../../src/features/withdrawals/withdrawals.service.js'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs, type TestUser } from '../fixtures/factories.js'
import { actorOf, fileForms } from '../fixtures/reports.js'
import { verifyApp } from '../fixtures/integrity.js'
import { uniqueViolationOf } from '../../src/db/pg-errors.js'

const setDate = (test: TestApp, iso: string) => test.clock.advance(-test.clock.now().getTime() + Date.parse(iso))

async function formIdsOf(test: TestApp, user: TestUser): Promise<string[]> {
  const rows = await test.app.db.selectFrom('meeting_forms').select('id').where('submitted_by', '=', user.id).orderBy('created_at').orderBy('id').execute()
  return rows.map((r) => r.id)
}

const count = async (test: TestApp, table: 'form_withdrawal_requests' | 'form_withdrawal_decisions') =>
  Number((await test.app.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)

/** The forms of a team in a release's exact volumes. */
async function releasedVolume(test: TestApp, releaseId: number, teamId: string): Promise<number> {
  const result = await sql<{ n: string }>`SELECT coalesce(sum(forms), 0) AS n FROM release_volumes WHERE release_id = ${releaseId}::integer AND team_id = ${teamId}::uuid`.execute(test.app.db)
  return Number(result.rows[0]!.n)
}

/** The numbers of one row of the start page's summary table, by its heading. */
function summaryRow(body: string, heading: string): number[] {
  const match = new RegExp(`<th scope="row">${heading}</th>((?:<td class="num">\\d+</td>)+)</tr>`).exec(body)
  if (!match) throw new Error(`no row ${heading}`)
  return [...match[1]!.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]))
}

t.test('a team member asks, an administrator confirms, and the form leaves the team figures at once and the next release', async (t) => {
  const test = await buildTestApp(t)
  const { app, sms, deps } = test
  setDate(test, '2026-05-20T09:00:00Z')
  const team = await createTeam(app.db, { name: 'Ankkuri Kuopio', wellbeingCounty: '13', policeDepartment: 'ita-suomi' })
  const filer = await createUser(app.db, { teamId: team })
  const teammate = await createUser(app.db, { teamId: team })
  const teamAdmin = await createUser(app.db, { role: 'admin', teamId: team })
  const admin = await createUser(app.db, { role: 'admin' })
  const outsider = await createUser(app.db)
  const researcher = await createUser(app.db, { role: 'researcher' })
  await fileForms(deps, filer, 3, { meetingMonth: '2026-04' })
  const [duplicate, kept, third] = await formIdsOf(test, filer)
  const release1 = (await makeRelease(deps, { now: test.clock.now(), madeBy: null }))!
  t.equal(await releasedVolume(test, release1.id, team), 3, 'the first release holds the three forms')

  const own = await loginAs(app, sms, filer)
  const form = await own.get(`/forms/${duplicate}`)
  t.match(form.body, 'Was this form filed in error?')
  t.match(form.body, `href="/forms/${duplicate}/withdraw"`, 'the form page links to the withdrawal')
  const page = await own.get(`/forms/${duplicate}/withdraw`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'No withdrawal has been requested')
  for (const reason of ['duplicate', 'wrong_team', 'not_anchor_meeting', 'test']) t.match(page.body, `type="radio" id="field-reason-${reason}" name="reason" value="${reason}"`)
  t.match(page.body, 'name="_csrf"')

  // a reason is required
  const missing = await own.post(`/forms/${duplicate}/withdraw`, {})
  t.equal(missing.statusCode, 400)
  t.match(missing.body, 'class="error-summary"')
  t.match(missing.body, 'href="#field-reason"')
  t.match(missing.body, 'Choose a reason.')
  const unknown = await own.post(`/forms/${duplicate}/withdraw`, { reason: 'bored' })
  t.equal(unknown.statusCode, 400, 'a reason off the list is refused')
  t.equal(await count(test, 'form_withdrawal_requests'), 0, 'nothing was stored')
  const noCsrf = await own.post(`/forms/${duplicate}/withdraw`, { reason: 'duplicate', _csrf: 'forged' })
  t.equal(noCsrf.statusCode, 403, 'the request needs the CSRF token')

  // the filer asks
  const asked = await own.post(`/forms/${duplicate}/withdraw`, { reason: 'duplicate' })
  t.equal(asked.statusCode, 303)
  t.equal(asked.headers.location, `/forms/${duplicate}/withdraw?done=requested`)
  const waiting = await own.follow()
  t.match(waiting.body, 'The withdrawal request was sent')
  t.match(waiting.body, /Withdrawal requested on [^<]+: The same meeting was recorded twice\. Waiting for an administrator\./)
  t.notMatch(waiting.body, 'name="reason"', 'no second request can be made while one is open')
  t.match((await own.get('/forms')).body, 'Withdrawal requested', 'the own forms list marks the form')

  // a teammate sees it; a second open request is refused with a clear message
  const mate = await loginAs(app, sms, teammate)
  t.equal((await mate.get(`/forms/${duplicate}/withdraw`)).statusCode, 200, 'a teammate may see the withdrawal')
  const second = await mate.post(`/forms/${duplicate}/withdraw`, { reason: 'test' })
  t.equal(second.statusCode, 409)
  t.match(second.body, 'A withdrawal of this form has already been requested')
  t.equal(await count(test, 'form_withdrawal_requests'), 1, 'no duplicate request')
  t.equal((await mate.post(`/forms/${kept}/withdraw`, { reason: 'wrong_team' })).statusCode, 303, 'a teammate may ask')

  // others: as if the form did not exist
  for (const user of [outsider, researcher]) {
    const browser = await loginAs(app, sms, user)
    t.equal((await browser.get(`/forms/${third}/withdraw`)).statusCode, 404, `${user.role} of another team cannot see it`)
    await browser.get('/')
    t.equal((await browser.post(`/forms/${third}/withdraw`, { reason: 'test' })).statusCode, 404, `${user.role} cannot ask`)
    t.equal((await browser.get('/admin/withdrawals')).statusCode, 403, `${user.role} cannot open the administrators' page`)
  }
  t.equal(await count(test, 'form_withdrawal_requests'), 2)

  // an administrator who asked cannot decide their own request
  const ownAdmin = await loginAs(app, sms, teamAdmin)
  t.equal((await ownAdmin.post(`/forms/${third}/withdraw`, { reason: 'test' })).statusCode, 303)
  const list = await ownAdmin.get('/admin/withdrawals')
  t.match(list.body, 'Your own request: another administrator decides')
  const thirdRequest = (await app.db.selectFrom('form_withdrawal_requests').select('id').where('form_id', '=', third!).executeTakeFirstOrThrow()).id
  const selfDecided = await ownAdmin.post(`/admin/withdrawals/${thirdRequest}/confirm`)
  t.equal(selfDecided.statusCode, 409)
  t.match(selfDecided.body, 'You cannot decide a withdrawal you requested yourself')
  t.equal(await count(test, 'form_withdrawal_decisions'), 0)
  await t.rejects(decideWithdrawal(deps, actorOf(teamAdmin), thirdRequest, 'decline', null), { code: 'conflict' }, 'the service refuses it too')

  // another administrator decides: the duplicate confirmed, the other declined
  const decider = await loginAs(app, sms, admin)
  const pending = await decider.get('/admin/withdrawals')
  t.equal(pending.statusCode, 200)
  t.match(pending.body, 'Ankkuri Kuopio')
  t.match(pending.body, 'April 2026')
  const request = async (formId: string) => (await app.db.selectFrom('form_withdrawal_requests').select('id').where('form_id', '=', formId).executeTakeFirstOrThrow()).id
  const confirmed = await decider.post(`/admin/withdrawals/${await request(duplicate!)}/confirm`)
  t.equal(confirmed.statusCode, 303)
  t.equal(confirmed.headers.location, '/admin/withdrawals?done=confirmed')
  await decider.get('/admin/withdrawals')
  test.clock.advance(1000)
  t.equal((await decider.post(`/admin/withdrawals/${await request(kept!)}/decline`)).statusCode, 303)
  const decided = await decider.get('/admin/withdrawals')
  t.match(decided.body, /Decided requests[\s\S]*Declined[\s\S]*Confirmed/, 'decided requests are listed, the latest first')
  t.equal((await decider.post(`/admin/withdrawals/${await request(kept!)}/confirm`)).statusCode, 409, 'a decided request is not decided again')

  // the team's own figures leave the form out at once; the published figures wait for a release
  const home = await own.get('/')
  t.same(summaryRow(home.body, 'Meetings \\(forms\\)'), [0, 2], 'the start page counts two forms this year')
  const summary = await teamSummary(deps, team)
  t.equal(summary.thisYear.forms, 2)
  const ownReport = (await own.get('/api/v1/reports/overview?period=2026')).json()
  t.equal(ownReport.publication.source, 'team')
  t.same(ownReport.forms, { status: 'published', value: 2 }, 'the own-team report counts two forms at once')
  const outside = await loginAs(app, sms, outsider)
  const before = (await outside.get(`/api/v1/reports/overview?period=2026&area=team:${team}`)).json()
  t.same(before.forms, { status: 'published', value: 3 }, 'the published volumes do not change before a release')
  const shown = (await own.get(`/forms/${duplicate}/withdraw`)).body
  t.match(shown, /Withdrawn on [^<]+\(The same meeting was recorded twice\)/)
  t.match((await own.get(`/forms/${kept}/withdraw`)).body, 'Withdrawal declined on')
  const listed = (await own.get('/forms')).body
  t.match(listed, 'Withdrawn')
  t.match(listed, 'In the statistics (withdrawal declined)')
  const again = await own.post(`/forms/${duplicate}/withdraw`, { reason: 'test' })
  t.equal(again.statusCode, 409, 'a withdrawn form cannot be asked for again')
  t.match(again.body, 'The form has already been withdrawn')

  const release2 = (await makeRelease(deps, { now: test.clock.now(), madeBy: admin.id }))!
  t.equal(await releasedVolume(test, release2.id, team), 2, 'the next release\'s volumes leave the withdrawn form out')
  t.equal(await releasedVolume(test, release1.id, team), 3, 'the earlier release stays as it was')
  const after = (await outside.get(`/api/v1/reports/overview?period=2026&area=team:${team}`)).json()
  t.same(after.forms, { status: 'published', value: 2 }, 'the published volume drops with the next release')

  // audit: who asked and decided, with the reason, never the answers
  const audit = await app.db.selectFrom('audit_log').select(['event', 'actor_user_id', 'details']).where('event', 'in', ['form_withdrawal_requested', 'form_withdrawal_confirmed', 'form_withdrawal_declined']).orderBy('id').execute()
  t.same(audit.map((a) => a.event), ['form_withdrawal_requested', 'form_withdrawal_requested', 'form_withdrawal_requested', 'form_withdrawal_confirmed', 'form_withdrawal_declined'])
  t.same(audit[0]!.actor_user_id, filer.id)
  t.same(Object.keys(audit[0]!.details).sort(), ['form', 'reason', 'request'])
  t.same(audit[3]!.details, { form: duplicate, request: await request(duplicate!), reason: 'duplicate', answers_published: false })
  t.notMatch(JSON.stringify(audit), /boy|theft_shoplifting|outreach_youth_work|police_station_meeting/, 'no answer of the form is in the log')
})

t.test('a withdrawal before its quarter is decided takes the form out of every answer table; after it, the tables keep it', async (t) => {
  const test = await buildTestApp(t)
  const { app, deps } = test
  setDate(test, '2025-02-20T09:00:00Z')
  const team = await createTeam(app.db, { name: 'Ankkuri Oulu', wellbeingCounty: '17', policeDepartment: 'oulu' })
  const filer = await createUser(app.db, { teamId: team })
  const admin = await createUser(app.db, { role: 'admin' })
  await fileForms(deps, filer, 25, { meetingMonth: '2025-01' })
  await fileForms(deps, filer, 25, { meetingMonth: '2025-02' })
  setDate(test, '2025-03-10T09:00:00Z')
  const january = (await makeRelease(deps, { now: test.clock.now(), madeBy: null }))!
  t.equal(january.throughMonth, '2025-02', 'January and February are released, the first quarter not yet decided')
  const decidedBefore = await app.db.selectFrom('release_aggregates').select('aggregate_key').execute()
  t.same(decidedBefore, [], 'no period is decided yet')

  const ids = await formIdsOf(test, filer)
  const withdraw = async (formId: string, reason: 'duplicate' | 'test') => {
    const request = await requestWithdrawal(deps, actorOf(filer), formId, { reason }, null)
    return decideWithdrawal(deps, actorOf(admin), request.id, 'confirm', null)
  }
  // withdrawn while its quarter is open: in no answer table
  const early = await withdraw(ids[0]!, 'duplicate')
  t.equal(early.answersPublished, false)
  setDate(test, '2025-04-10T09:00:00Z')
  const april = (await makeRelease(deps, { now: test.clock.now(), madeBy: null }))!
  const formsOf = async (key: string) => (await app.db.selectFrom('release_aggregates').select('forms').where('aggregate_key', '=', key).executeTakeFirstOrThrow()).forms
  t.equal(await formsOf('2025-Q1|country'), 49, 'the first quarter holds the 49 forms that were not withdrawn')
  t.equal(await formsOf(`2025-Q1|county:17`), 49, 'so does every area of it')
  t.equal(await releasedVolume(test, april.id, team), 49, 'and the volumes leave it out')
  const base = await app.db.selectFrom('release_tables').select('cells').where('aggregate_key', '=', '2025-Q1|country').where('table_key', '=', 'meetingKind').executeTakeFirstOrThrow()
  t.same((base.cells as { values: Record<string, number> }).values, { first: 49 }, 'the exact kind-of-meeting table counts 49 forms')

  // withdrawn after its quarter was decided: the quarter and the year keep it, the volumes do not
  const tablesBefore = await sql<{ key: string; cells: string }>`SELECT aggregate_key || table_key AS key, cells::text AS cells FROM release_tables ORDER BY 1`.execute(app.db)
  const late = await withdraw(ids[30]!, 'test')
  t.equal(late.answersPublished, true, 'the decision records that its answers were already published')
  setDate(test, '2025-05-10T09:00:00Z')
  const may = (await makeRelease(deps, { now: test.clock.now(), madeBy: null }))!
  t.equal(await releasedVolume(test, may.id, team), 48, 'the next release\'s volumes leave out both withdrawn forms')
  const tablesAfter = await sql<{ key: string; cells: string }>`SELECT aggregate_key || table_key AS key, cells::text AS cells FROM release_tables ORDER BY 1`.execute(app.db)
  t.same(tablesAfter.rows, tablesBefore.rows, 'no published answer table changed')
  setDate(test, '2026-01-10T09:00:00Z')
  await makeRelease(deps, { now: test.clock.now(), madeBy: null })
  const quarters = (await Promise.all([1, 2, 3, 4].map(async (q) => (await app.db.selectFrom('release_aggregates').select('forms').where('aggregate_key', '=', `2025-Q${q}|country`).executeTakeFirst())?.forms ?? 0))).reduce((a, b) => a + b, 0)
  t.equal(quarters, 49)
  t.equal(await formsOf('2025|country'), quarters, 'the year holds exactly what its quarters held, the late withdrawal included')
  t.equal(await formsOf(`2025|team:${team}`), 49)

  // a form not yet in any release, withdrawn, never enters one (even a late form)
  setDate(test, '2026-01-20T09:00:00Z')
  await fileForms(deps, filer, 1, { meetingMonth: '2025-12' })
  const lateForm = (await formIdsOf(test, filer)).at(-1)!
  t.equal((await withdraw(lateForm, 'duplicate')).answersPublished, false)
  setDate(test, '2026-02-10T09:00:00Z')
  await makeRelease(deps, { now: test.clock.now(), madeBy: null })
  t.equal(await app.db.selectFrom('release_forms').select('form_id').where('form_id', '=', lateForm).executeTakeFirst(), undefined, 'the withdrawn late form entered no release')
})

t.test('declining keeps the form counted everywhere', async (t) => {
  const test = await buildTestApp(t)
  const { app, deps } = test
  setDate(test, '2026-05-20T09:00:00Z')
  const filer = await createUser(app.db)
  const admin = await createUser(app.db, { role: 'admin' })
  await fileForms(deps, filer, 2, { meetingMonth: '2026-05' })
  const [id] = await formIdsOf(test, filer)
  const request = await requestWithdrawal(deps, actorOf(filer), id!, { reason: 'test' }, null)
  const declined = await decideWithdrawal(deps, actorOf(admin), request.id, 'decline', null)
  t.equal(declined.answersPublished, null)
  t.equal((await teamSummary(deps, filer.teamId!)).thisMonth.forms, 2, 'the team still counts both forms')
  setDate(test, '2026-06-10T09:00:00Z')
  const release = (await makeRelease(deps, { now: test.clock.now(), madeBy: null }))!
  t.equal(await releasedVolume(test, release.id, filer.teamId!), 2, 'and so does the release')
  const atoms = await sql<{ n: string }>`SELECT count(*) AS n FROM release_forms WHERE form_id = ${id!}::uuid`.execute(app.db)
  t.equal(Number(atoms.rows[0]!.n), 1)
  // after a decline, a new request may be made
  t.ok(await requestWithdrawal(deps, actorOf(filer), id!, { reason: 'duplicate' }, null))
})

t.test('withdrawal records are append-only, the database keeps the rules, and the integrity chain covers them', async (t) => {
  const test = await buildTestApp(t)
  const { app, deps } = test
  const filer = await createUser(app.db)
  const admin = await createUser(app.db, { role: 'admin' })
  await fileForms(deps, filer, 2)
  const [first, second] = await formIdsOf(test, filer)
  test.clock.advance(1000)
  const request = await requestWithdrawal(deps, actorOf(filer), first!, { reason: 'duplicate' }, null)
  test.clock.advance(1000)
  const decision = await decideWithdrawal(deps, actorOf(admin), request.id, 'confirm', null)
  test.clock.advance(1000)
  const open = await requestWithdrawal(deps, actorOf(filer), second!, { reason: 'test' }, null)

  for (const table of ['form_withdrawal_requests', 'form_withdrawal_decisions']) {
    await t.rejects(sql`UPDATE ${sql.table(table)} SET id = id`.execute(app.db), `${table}: an update is refused`)
    await t.rejects(sql`DELETE FROM ${sql.table(table)}`.execute(app.db), `${table}: a delete is refused`)
    await t.rejects(test.database.handle.runScript(`UPDATE ${table} SET id = id`), { message: /can never be changed/ }, `${table}: the owner cannot update either`)
    await t.rejects(test.database.handle.runScript(`DELETE FROM ${table}`), { message: /can never be changed/ }, `${table}: nor delete`)
    await t.rejects(test.database.handle.runScript(`TRUNCATE ${table} CASCADE`), { message: /can never be changed/ }, `${table}: nor truncate`)
  }
  t.equal(await count(test, 'form_withdrawal_requests'), 2)
  t.equal(await count(test, 'form_withdrawal_decisions'), 1)

  // the database itself refuses a second open request, a request for a withdrawn form and a self-decision
  const now = new Date()
  await t.rejects(
    app.db.insertInto('form_withdrawal_requests').values({ id: crypto.randomUUID(), form_id: second!, reason: 'test', requested_by: admin.id, requested_at: now }).execute(),
    { message: /already has an open or confirmed withdrawal/ },
    'a second open request is refused by the database',
  )
  // named, so that a request that loses such a race is answered as "already asked" (requestWithdrawal)
  const secondOpen = await app.db
    .insertInto('form_withdrawal_requests')
    .values({ id: crypto.randomUUID(), form_id: second!, reason: 'test', requested_by: admin.id, requested_at: now })
    .execute()
    .catch((error: unknown) => error)
  t.equal(uniqueViolationOf(secondOpen), 'form_withdrawal_requests_one_open', 'the refusal names its rule')
  await t.rejects(
    app.db.insertInto('form_withdrawal_requests').values({ id: crypto.randomUUID(), form_id: first!, reason: 'test', requested_by: admin.id, requested_at: now }).execute(),
    { message: /already has an open or confirmed withdrawal/ },
    'a request for a withdrawn form is refused by the database',
  )
  await t.rejects(
    app.db
      .insertInto('form_withdrawal_decisions')
      .values({ id: crypto.randomUUID(), request_id: open.id, form_id: second!, requested_by: filer.id, decision: 'declined', decided_by: filer.id, decided_at: now, answers_published: null })
      .execute(),
    { message: /form_withdrawal_decider_is_not_requester/ },
    'the requester cannot decide their own request, even in the database',
  )
  await t.rejects(
    app.db
      .insertInto('form_withdrawal_decisions')
      .values({ id: crypto.randomUUID(), request_id: open.id, form_id: second!, requested_by: filer.id, decision: 'confirmed', decided_by: admin.id, decided_at: now, answers_published: null })
      .execute(),
    { message: /form_withdrawal_confirmed_says_if_published/ },
    'a confirmation must say whether the answers were published',
  )

  // chained and verified like the forms
  const report = await verifyApp(app)
  t.same(report, { ok: true, linksChecked: 5, sealsChecked: report.sealsChecked, checkpointsChecked: 0 }, 'two forms, two requests and a decision verify')
  const kinds = await app.db.selectFrom('integrity_chain').select('record_kind').orderBy('seq').execute()
  t.same(kinds.map((k) => k.record_kind).sort(), ['meeting_form', 'meeting_form', 'withdrawal_decision', 'withdrawal_request', 'withdrawal_request'])

  // an altered decision is found
  await test.database.handle.runScript(`
    ALTER TABLE form_withdrawal_decisions DISABLE TRIGGER USER;
    UPDATE form_withdrawal_decisions SET answers_published = true WHERE id = '${decision.id}';
    ALTER TABLE form_withdrawal_decisions ENABLE TRIGGER USER;`)
  const altered = await verifyApp(app)
  t.equal(altered.ok, false)
  t.match(altered.problem, { kind: 'record_altered', recordKind: 'withdrawal_decision', recordId: decision.id })
})
