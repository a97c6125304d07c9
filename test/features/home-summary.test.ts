// The start page shows a team's own figures exactly and at once: this month and this year, forms by
// kind and team activity, counted from the team's own records only.
import t from 'tap'
import { monthOf, monthsBack } from '../../src/lib/months.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import { fileForms } from '../fixtures/reports.js'

/** The numbers of one row of the summary table, by its heading. */
function row(body: string, heading: string): number[] {
  const match = new RegExp(`<th scope="row">${heading}</th>((?:<td class="num">\\d+</td>)+)</tr>`).exec(body)
  if (!match) throw new Error(`no row ${heading}`)
  return [...match[1]!.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]))
}

t.test('a member sees the team\'s forms and activity this month and this year, exactly and at once', async (t) => {
  const { app, deps, sms, clock } = await buildTestApp(t)
  const member = await createUser(app.db)
  const other = await createUser(app.db, { teamId: await createTeam(app.db, { name: 'Other team' }) })
  const thisMonth = monthOf(clock.now())
  const lastMonth = monthsBack(thisMonth, 2)[1]!
  const sameYear = lastMonth.slice(0, 4) === thisMonth.slice(0, 4)

  await fileForms(deps, member, 2, { meetingMonth: thisMonth })
  await fileForms(deps, member, 1, { meetingMonth: thisMonth, meetingKind: 'follow_up', responseTimeDays: undefined })
  await fileForms(deps, member, 2, { meetingMonth: lastMonth })
  await fileForms(deps, other, 4, { meetingMonth: thisMonth })

  const browser = await loginAs(app, sms, member)
  const page = await browser.get('/activity')
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)![1]!
  t.equal((await browser.post('/activity', { kind: 'coffee_meeting', month: thisMonth, participants: '23', ageBand: 'under_15', idempotencyKey: key })).statusCode, 303)

  const home = await browser.get('/')
  t.equal(home.statusCode, 200)
  t.match(home.body, /Your team(?:'|&#x27;)s figures/)
  t.same(row(home.body, 'Meetings \\(forms\\)'), [3, sameYear ? 5 : 3], 'forms this month and this year, only the team\'s own')
  t.same(row(home.body, 'First meetings'), [2, sameYear ? 4 : 2])
  t.same(row(home.body, 'Follow-up meetings'), [1, 1])
  t.same(row(home.body, 'Team activity records'), [1, 1])
  t.same(row(home.body, 'Participants in team activity'), [23, 23])
  t.match(home.body, new RegExp(`href="/reports\\?period=${thisMonth.slice(0, 4)}&amp;area=team:${member.teamId}"`), 'a link to the team\'s own reports')

  await fileForms(deps, member, 1, { meetingMonth: thisMonth })
  t.same(row((await browser.get('/')).body, 'Meetings \\(forms\\)'), [4, sameYear ? 6 : 4], 'a form just filed counts at once: no release needed for one\'s own team')

  await browser.get(`/language/sv?next=/`)
  const swedish = await browser.get('/')
  t.match(swedish.body, 'Ditt teams siffror')
  t.same(row(swedish.body, 'Första träffar'), [3, sameYear ? 5 : 3])
})

t.test('a user without a team sees no team summary', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await createUser(app.db, { role: 'researcher', teamId: null })
  const browser = await loginAs(app, sms, researcher)
  const home = await browser.get('/')
  t.equal(home.statusCode, 200)
  t.notMatch(home.body, /Your team(?:'|&#x27;)s figures/)
})

t.test('the form card is only for those who may file; an administrator sees the registrations waiting', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const formCard = /<h2>Statistics form<\/h2>/
  const expert = await createUser(app.db)
  const expertBody = (await (await loginAs(app, sms, expert)).get('/')).body
  t.match(expertBody, formCard, 'an expert with a team has the form card')
  t.match(expertBody, 'href="/forms/new"')
  t.match(expertBody, '<li><a href="/forms">', 'and the forms in the navigation')
  t.notMatch(expertBody, 'Registrations waiting', 'only administrators see registrations')

  clock.advance(61_000)
  const researcher = await createUser(app.db, { role: 'researcher', teamId: null })
  const researcherBody = (await (await loginAs(app, sms, researcher)).get('/')).body
  t.notMatch(researcherBody, formCard, 'a researcher has no form card')
  t.notMatch(researcherBody, 'href="/forms/new"')
  t.notMatch(researcherBody, 'href="/forms"', 'nor the forms in the navigation')
  t.notMatch(researcherBody, /Your team(?:'|&#x27;)s figures/)
  t.match(researcherBody, 'href="/reports"', 'but reports')
  t.match(researcherBody, 'href="/account/tokens"', 'and tokens')
  t.notMatch(researcherBody, 'href="/admin"')

  clock.advance(61_000)
  const admin = await createUser(app.db, { role: 'admin', teamId: null })
  const adminBrowser = await loginAs(app, sms, admin)
  const noneWaiting = (await adminBrowser.get('/')).body
  t.notMatch(noneWaiting, 'Registrations waiting', 'no card while nothing waits')
  t.notMatch(noneWaiting, formCard, 'an administrator without a team has no form card')
  t.notMatch(noneWaiting, 'href="/forms"', 'nor the forms in the navigation')
  t.notMatch(noneWaiting, /Your team(?:'|&#x27;)s figures/)
  t.match(noneWaiting, 'href="/reports"')
  t.match(noneWaiting, 'href="/account/tokens"')
  t.match(noneWaiting, 'href="/admin"')

  await createUser(app.db, { status: 'pending' })
  t.match((await adminBrowser.get('/')).body, 'One registration is waiting for approval.')
  await createUser(app.db, { status: 'pending' })
  await createUser(app.db, { status: 'rejected' })
  const waiting = (await adminBrowser.get('/')).body
  t.match(waiting, /<h2><a href="\/admin\/registrations">Registrations waiting<\/a><\/h2>/)
  t.match(waiting, '2 registrations are waiting for approval.', 'the count of pending registrations only')

  await adminBrowser.get('/language/fi?next=/')
  t.match((await adminBrowser.get('/')).body, '2 rekisteröitymistä odottaa hyväksymistä.')

  clock.advance(61_000)
  const adminInTeam = await createUser(app.db, { role: 'admin', teamId: await createTeam(app.db) })
  t.match((await (await loginAs(app, sms, adminInTeam)).get('/')).body, formCard, 'an administrator in a team may file')
})
