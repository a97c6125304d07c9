// A report reads the database in one snapshot: while colleagues file forms, a member's live view of
// their own team never mixes two moments (the annual report once answered 500 when its overview
// and a table were counted a few forms apart).
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { fileForms } from '../fixtures/reports.js'

const YEAR = String(new Date().getFullYear())

t.test('the own team\'s annual report and start page stay consistent while forms are filed', async (t) => {
  const { app, sms, deps, database } = await buildTestApp(t)
  const reader = await createUser(app.db)
  const filers = await Promise.all([1, 2, 3].map(() => createUser(app.db, { teamId: reader.teamId })))
  const browser = await loginAs(app, sms, reader)
  await fileForms(deps, filers[0]!, 3, { meetingMonth: `${YEAR}-01` })

  let filing = true
  const filed = Promise.all(
    filers.map(async (filer, i) => {
      for (let n = 0; n < 40; n++) await fileForms(deps, filer, 1, { meetingMonth: `${YEAR}-01`, gender: i === 0 ? 'girl' : 'boy' })
    }),
  ).finally(() => (filing = false))

  const problems: string[] = []
  let reads = 0
  let duringFiling = 0
  const readLoop = async () => {
    while (filing) {
      const response = await browser.get(`/api/v1/reports/annual?year=${YEAR}`)
      reads++
      if (filing) duringFiling++
      if (response.statusCode !== 200) {
        problems.push(`${response.statusCode} ${response.body.slice(0, 200)}`)
        continue
      }
      const annual = response.json()
      const forms = annual.overview.forms.value as number
      const gender = annual.tables.find((x: { id: string }) => x.id === 'gender')
      const total = gender.totals.total.value as number
      if (forms !== total) problems.push(`overview counts ${forms} forms, the gender table ${total}`)
      const home = await browser.get('/')
      const cells = /<th scope="row">Meetings \(forms\)<\/th><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>/.exec(home.body)
      if (!cells || Number(cells[1]) > Number(cells[2])) problems.push(`start page: this month ${cells?.[1]}, this year ${cells?.[2]}`)
    }
  }
  await Promise.all([filed, readLoop(), readLoop()])
  // PostgreSQL serves reads and filings at once; the embedded database runs one statement at a time,
  // so there reads may all wait until the filing is done, and the race this test looks for cannot happen
  if (database.handle.kind === 'postgres') t.ok(duringFiling >= 3, `${duringFiling} reports read while forms were being filed`)
  else t.pass(`${duringFiling} reports read while forms were being filed (embedded database: one statement at a time)`)
  t.same(problems, [], `${reads} annual reports and start pages read while 120 forms were filed, each from one moment`)
  const last = (await browser.get(`/api/v1/reports/annual?year=${YEAR}`)).json()
  t.same(last.overview.forms, { status: 'published', value: 123 }, 'and the last one counts every form')
})
