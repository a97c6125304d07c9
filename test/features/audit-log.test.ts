// The audit log page: administrators filter it by event, person and dates; exports and token uses
// appear with what was exported, in which format.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
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
  t.match(exports.body, 'view: overview · format: csv')
  t.notMatch(exports.body, `<td>${translate('en', 'audit_events.codebook_exported')}</td>`)
  t.notMatch(exports.body, `<td>${translate('en', 'audit_events.login_success')}</td>`)

  const byPerson = await admin.get(`/admin/audit?user=${researcher.id}`)
  t.match(byPerson.body, 'Codebook exported')
  t.notMatch(byPerson.body, 'Aino Ylläpitäjä</a></td>', 'only entries about the chosen person')

  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(clock.now())
  t.match((await admin.get(`/admin/audit?from=${today}&to=${today}&event=codebook_exported`)).body, 'Codebook exported')
  t.match((await admin.get('/admin/audit?to=2020-01-01')).body, 'No entries match.')

  const bad = await admin.get('/admin/audit?from=yesterday&event=nonsense')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'href="#field-from"')
  t.match(bad.body, 'Enter a date as YYYY-MM-DD.')
  t.match(bad.body, 'value="yesterday"', 'what was typed stays')

  const expert = await loginAs(app, sms, await createUser(app.db))
  t.equal((await expert.get('/admin/audit')).statusCode, 403)
})
