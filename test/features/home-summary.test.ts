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
