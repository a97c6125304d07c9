// The audit log page: administrators filter it by event, person and dates over every entry, page
// through it 50 at a time, read it in words (events, people, token and team names, roles) and
// download it as CSV; exports and token uses appear with what was exported, in which format.
import t from 'tap'
import type { Kysely } from 'kysely'
import type { AuditEvent, Database } from '../../src/db/schema.js'
import { AUDIT_CSV_COLUMNS, exportAuditCsv } from '../../src/features/audit/audit-log.service.js'
import { helsinkiIsoTime } from '../../src/features/audit/helsinki-time.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import type { TestBrowser } from '../fixtures/browser.js'
import { translate } from '../../src/i18n/index.js'
import { startOfFinnishDay } from '../../src/lib/months.js'

t.test('Finnish days begin at Finnish midnight, summer and winter', async (t) => {
  t.equal(startOfFinnishDay('2025-01-15').toISOString(), '2025-01-14T22:00:00.000Z')
  t.equal(startOfFinnishDay('2025-07-15').toISOString(), '2025-07-14T21:00:00.000Z')
})

t.test('the audit log filters by event, person and dates', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const researcher = await createUser(app.db, { role: 'researcher', name: 'Riikka Tutkija' })
  const reader = await loginAs(app, sms, researcher)
  await reader.get('/api/v1/exports/overview?format=csv')
  await reader.get('/api/v1/codebook?format=xlsx')
  clock.advance(61_000)
  const admin = await loginAs(app, sms, await createUser(app.db, { role: 'admin', name: 'Aino Ylläpitäjä' }))
  await admin.get('/language/en?next=/')

  const exports = await admin.get('/admin/audit?event=report_exported')
  t.equal(exports.statusCode, 200)
  t.match(exports.body, 'Report exported')
  t.match(exports.body, '<span class="audit-details__label">Report:</span> Overview</li><li><span class="audit-details__label">Format:</span> CSV</li>')
  t.match(exports.body, `<span class="audit-details__label">Area:</span> ${translate('en', 'reports.whole_country')}</li>`, 'the area by its name')
  t.notMatch(exports.body, `<td>${translate('en', 'audit_events.codebook_exported')}</td>`)
  t.notMatch(exports.body, `<td>${translate('en', 'audit_events.login_success')}</td>`)

  const byPerson = await admin.get(`/admin/audit?user=${researcher.id}`)
  t.match(byPerson.body, 'Codebook exported')
  t.notMatch(byPerson.body, 'Aino Ylläpitäjä</a></td>', 'only entries about the chosen person')

  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(clock.now())
  t.match((await admin.get(`/admin/audit?from=${today}&to=${today}&event=codebook_exported`)).body, 'Codebook exported')
  t.match((await admin.get('/admin/audit?to=2020-01-01')).body, 'No entries match.')
  // the day the clocks go back is 25 hours long: its last hour (23.30 Finnish time, 21.30 UTC) is in it
  await app.db.insertInto('audit_log').values({ occurred_at: new Date('2026-10-25T21:30:00Z'), event: 'team_updated', details: JSON.stringify({}) }).execute()
  const longDay = (await admin.get('/admin/audit?event=team_updated&to=2026-10-25')).body
  t.match(longDay, translate('en', 'audit_events.team_updated'), 'to= includes the whole long day')
  t.match(longDay, '<td>25/10/2026, 23:30:00 GMT+2</td>', 'times to the second with their offset, so the repeated hour is told apart')
  t.match((await admin.get('/admin/audit?event=team_updated&from=2026-10-26')).body, 'No entries match.', 'and from= the next day starts after it')

  const bad = await admin.get('/admin/audit?from=yesterday&event=nonsense')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'href="#field-from"')
  t.match(bad.body, 'Enter a date as YYYY-MM-DD.')
  t.match(bad.body, 'value="yesterday"', 'what was typed stays')

  const expert = await loginAs(app, sms, await createUser(app.db))
  t.equal((await expert.get('/admin/audit')).statusCode, 403)
})

/** Many entries at once, oldest first, each with its number n in its details. */
async function insertEntries(db: Kysely<Database>, count: number, entry: (n: number) => { event: AuditEvent; at: Date; actor?: string }) {
  const rows = Array.from({ length: count }, (_, i) => {
    const e = entry(i + 1)
    return { occurred_at: e.at, event: e.event, actor_user_id: e.actor ?? null, details: JSON.stringify({ n: i + 1 }) }
  })
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('audit_log').values(rows.slice(i, i + 500)).execute()
}

/** The numbers n shown on a page of the log, in the order shown. */
const numbersOn = (html: string): number[] => [...html.matchAll(/<span class="audit-details__label">N:<\/span> (\d+)<\/li>/g)].map((m) => Number(m[1]))
const linkOf = (html: string, rel: 'prev' | 'next'): string | undefined => new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html)?.[1]?.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&')

async function adminBrowser(app: Parameters<typeof loginAs>[0], sms: Parameters<typeof loginAs>[1]): Promise<TestBrowser> {
  const admin = await loginAs(app, sms, await createUser(app.db, { role: 'admin', name: 'Aino Ylläpitäjä' }))
  await admin.get('/language/en?next=/')
  return admin
}

t.test('the log reads in words: events, people, token and team names, roles, and any unknown detail', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await createUser(app.db, { role: 'researcher', name: 'Riikka Tutkija' })
  const reader = await loginAs(app, sms, researcher)
  await reader.get('/account/tokens')
  const created = await reader.post('/account/tokens', { name: 'Kuntaraportti R', days: '30' })
  const token = /id="new-token" type="text" readonly value="([^"]+)"/.exec(created.body)![1]!
  const tokenId = (await app.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow()).id
  t.equal((await app.inject({ url: '/api/v1/codebook?format=json', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
  const admin = await adminBrowser(app, sms)
  await admin.get('/admin/tokens')
  t.equal((await admin.post(`/admin/tokens/${tokenId}/revoke`)).statusCode, 303)

  const expert = await createUser(app.db, { name: 'Eero Asiantuntija' })
  const otherTeam = await createTeam(app.db, { name: 'Ankkuri Oulu' })
  await admin.get(`/admin/users/${expert.id}`)
  t.equal((await admin.post(`/admin/users/${expert.id}/role`, { role: 'admin', teamId: otherTeam })).statusCode, 303)
  await app.db.insertInto('audit_log').values({ occurred_at: new Date(), event: 'notice_sent', details: JSON.stringify({ sessionsEnded: 2, reused: true, brandNewThing: 'abc', channel: 'email' }) }).execute()
  await app.db.insertInto('audit_log').values({ occurred_at: new Date(), event: 'notice_sent', details: JSON.stringify({ kind: 'approval', channel: 'sms' }) }).execute()
  await app.db.insertInto('audit_log').values({ occurred_at: new Date(), event: 'password_reset_requested', details: JSON.stringify({ outcome: 'no_account' }) }).execute()
  await app.db.insertInto('audit_log').values({ occurred_at: new Date(), event: 'registration', details: JSON.stringify({ method: 'sms', role: 'researcher' }) }).execute()
  const formId = '4cdfe82c-1111-4222-8333-444455556666'
  await app.db.insertInto('audit_log').values({ occurred_at: new Date(), event: 'form_withdrawal_confirmed', details: JSON.stringify({ form: formId, reason: 'duplicate', answers_published: false }) }).execute()

  const page = (await admin.get('/admin/audit')).body
  for (const event of ['token_created', 'token_used', 'token_revoked', 'role_change', 'team_change', 'notice_sent']) {
    t.match(page, `<td>${translate('en', `audit_events.${event}`)}</td>`, event)
  }
  t.match(page, '<span class="audit-details__label">API token:</span> Kuntaraportti R</li>', 'the token by its name')
  t.notMatch(page, tokenId, 'never the token id')
  t.match(page, `<a href="/admin/users/${researcher.id}">Riikka Tutkija</a>`, 'people by name, linked')
  t.match(page, '<span class="audit-details__label">From:</span> Expert</li><li><span class="audit-details__label">To:</span> Administrator</li>', 'roles by label')
  t.match(page, '<span class="audit-details__label">To:</span> Ankkuri Oulu</li>', 'teams by name')
  t.match(page, '<span class="audit-details__label">Sessions ended:</span> 2</li>')
  t.match(page, '<span class="audit-details__label">Same code sent again:</span> yes</li>')
  t.match(page, '<span class="audit-details__label">Channel:</span> e-mail</li>')
  t.match(page, '<span class="audit-details__label">Brand new thing:</span> abc</li>', 'an unknown detail is still shown, readably')
  t.match(page, '<span class="audit-details__label">Kind:</span> approval</li>', 'the kind of notice')
  t.match(page, '<span class="audit-details__label">Outcome:</span> no account with this address, nothing sent</li>', 'what became of a reset request')
  t.match(page, '<span class="audit-details__label">Role:</span> Researcher</li>', 'the role asked for')
  t.match(page, '<span class="audit-details__label">Form reference:</span> 4CDFE82C</li>', 'a form by its reference')
  t.notMatch(page, formId, 'never the form id')
  t.match(page, `<span class="audit-details__label">Reason:</span> ${translate('en', 'withdrawals.reasons.duplicate')}</li>`, 'the reason for a withdrawal')
  t.match(page, '<span class="audit-details__label">Answers already published:</span> no</li>')
  t.match(page, '<td>127.0.0.1</td>', 'the address is shown')

  await admin.get('/language/fi?next=/')
  const finnish = (await admin.get('/admin/audit?event=token_created')).body
  t.match(finnish, `<td>${translate('fi', 'audit_events.token_created')}</td>`)
  t.match(finnish, '<span class="audit-details__label">API-avain:</span> Kuntaraportti R</li>')
})

t.test('the log pages through every entry, 50 at a time, newest first, keeping the filters', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const start = Date.now() - 3600_000
  // 130 entries: the logouts are numbered 1..130 among them every third one is a login
  await insertEntries(app.db, 130, (n) => ({ event: n % 3 === 0 ? 'login_success' : 'logout', at: new Date(start + n * 1000) }))
  const admin = await adminBrowser(app, sms)

  const first = (await admin.get('/admin/audit?event=logout')).body
  const logouts = Array.from({ length: 130 }, (_, i) => i + 1).filter((n) => n % 3 !== 0).reverse()
  t.equal(logouts.length, 87)
  t.same(numbersOn(first), logouts.slice(0, 50), 'the newest 50 first')
  t.match(first, 'Showing events 1–50 of 87, newest first.')
  t.equal(linkOf(first, 'prev'), undefined, 'nothing newer on the first page')
  const older = linkOf(first, 'next')!
  t.match(older, /^\/admin\/audit\?event=logout&older=\d+$/, 'the filter goes along')

  const second = (await admin.get(older)).body
  t.same(numbersOn(second), logouts.slice(50), 'the rest, none twice, none lost')
  t.match(second, 'Showing events 51–87 of 87, newest first.')
  t.equal(linkOf(second, 'next'), undefined, 'nothing older on the last page')
  t.match(second, 'value="logout" selected', 'the filter form keeps the choice')
  const newer = linkOf(second, 'prev')!
  t.match(newer, /^\/admin\/audit\?event=logout&newer=\d+$/)
  t.same(numbersOn((await admin.get(newer)).body), logouts.slice(0, 50), 'Newer leads back to the first page')

  const all = (await admin.get('/admin/audit')).body
  t.match(all, /Showing events 1–50 of \d+, newest first\./)
  t.equal((await admin.get('/admin/audit?older=abc')).statusCode, 400, 'a broken page position is refused')
})

t.test('filters reach entries older than the newest 500', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const start = Date.now() - 86_400_000
  await insertEntries(app.db, 700, (n) => ({ event: n === 1 ? 'team_created' : 'logout', at: new Date(start + n * 1000) }))
  const admin = await adminBrowser(app, sms)
  const found = (await admin.get('/admin/audit?event=team_created')).body
  t.same(numbersOn(found), [1], 'the oldest entry is found by its event')
  t.match(found, 'Showing events 1–1 of 1, newest first.')
})

t.test('administrators download the log as CSV with the same filters; the download is audited', async (t) => {
  const { app, sms, deps } = await buildTestApp(t)
  const sly = await createUser(app.db, { role: 'researcher', name: '=HYPERLINK("http://evil.example","x")' })
  const reader = await loginAs(app, sms, sly)
  await reader.get('/account/tokens')
  await reader.post('/account/tokens', { name: '@SUM(1+1)', days: '30' })
  const admin = await adminBrowser(app, sms)

  const page = (await admin.get('/admin/audit?event=token_created')).body
  t.match(page, '<a href="/admin/audit.csv?event&#x3D;token_created" download>Download as CSV</a>', 'the link keeps the filters')

  const response = await admin.get('/admin/audit.csv?event=token_created')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], 'text/csv; charset=utf-8')
  t.match(response.headers['content-disposition'], /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/)
  t.ok(response.body.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark, as the other exports')
  const lines = response.body.slice(1).trimEnd().split('\r\n')
  t.equal(lines[0], AUDIT_CSV_COLUMNS.join(','))
  t.equal(lines.length, 2, 'one token created: one row')
  t.match(lines[1], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[23]:00,token_created,API token created,/)
  t.match(lines[1], `,${sly.id},"'=HYPERLINK(""http://evil.example"",""x"")",`, 'a formula-like name is neutralised')
  t.match(lines[1], 'API token: @SUM(1+1)', 'the token by name')
  t.match(lines[1], ',127.0.0.1,')
  const tokenId = (await app.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow()).id
  t.ok(lines[1]!.endsWith('}"') && lines[1]!.includes(`""token"":""${tokenId}""`), 'the details as recorded, with whole ids, in the last column')

  const everything = await admin.get('/admin/audit.csv')
  t.ok(everything.body.includes(',login_success,') && everything.body.includes(',token_created,'), 'without a filter: every event')

  const exported = await app.db.selectFrom('audit_log').select(['actor_user_id', 'details']).where('event', '=', 'audit_exported').orderBy('id').execute()
  t.equal(exported.length, 2)
  t.same(exported[0]!.details, { format: 'csv', rows: 1, event: 'token_created' }, 'the filter and row count, nothing personal')
  const logPage = (await admin.get('/admin/audit?event=audit_exported')).body
  t.match(logPage, '<span class="audit-details__label">Rows:</span> 1</li>')

  const bad = await admin.get('/admin/audit.csv?from=yesterday')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'href="#field-from"')

  const actor = { userId: sly.id, sessionId: 'x', name: sly.name, email: sly.email, role: 'admin' as const, teamId: null, loginMethod: 'sms' as const }
  const capped = await exportAuditCsv(deps, actor, 'en', {}, '127.0.0.1', 2)
  t.equal(capped.rows, 2)
  t.ok(capped.capped)
  t.match(capped.csv, /This file holds only the newest 2 matching events\. Narrow the dates to get the rest\.\r\n$/)

  for (const role of ['researcher', 'expert'] as const) {
    const other = await loginAs(app, sms, await createUser(app.db, { role }))
    t.equal((await other.get('/admin/audit.csv')).statusCode, 403, `the ${role} may not download it`)
  }
  const visitor = await app.inject({ url: '/admin/audit.csv?event=logout' })
  t.equal(visitor.statusCode, 303, 'nor a visitor: the login page first')
  t.equal(visitor.headers.location, `/login?next=${encodeURIComponent('/admin/audit.csv?event=logout')}`)
})

t.test('times in the file are ISO 8601 in Finnish time, summer and winter', async (t) => {
  t.equal(helsinkiIsoTime(new Date('2025-01-15T10:00:05Z')), '2025-01-15T12:00:05+02:00')
  t.equal(helsinkiIsoTime(new Date('2025-07-15T21:30:00Z')), '2025-07-16T00:30:00+03:00')
})
