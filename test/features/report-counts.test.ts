// The running report totals: they move with every filed form, give the same numbers as counting
// the forms themselves for every dimension, split and filter, and rebuild to the same state.
import t from 'tap'
import { sql } from 'kysely'
import { SeededRandom } from '../../src/features/demo/random.js'
import { demoAnswers } from '../../src/features/demo/demo-answers.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { areaDimension, questionDimensions, splitDimensions, type SingleValuedDimension } from '../../src/features/reports/report-dimensions.js'
import { countAsked, countForms } from '../../src/features/reports/report-counts.js'
import { ensureReportCounts } from '../../src/features/reports/report-counts.repository.js'
import { rawCountBases, rawCountForms, type FormScope } from '../../src/features/reports/reports.repository.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser } from '../fixtures/factories.js'
import { newKey } from '../fixtures/forms.js'
import { actorOf } from '../fixtures/reports.js'

const YEAR = new Date().getFullYear()
const sorted = <T extends { row: string; split: string }>(rows: T[]) => [...rows].sort((a, b) => `${a.row}|${a.split}`.localeCompare(`${b.row}|${b.split}`))

t.test('the totals equal a count of the forms for every dimension, split and filter', async (t) => {
  const { app, database } = await buildTestApp(t)
  const teams = [
    await createTeam(app.db, { wellbeingCounty: '08', policeDepartment: 'sisa-suomi', municipalities: ['837'] }),
    await createTeam(app.db, { wellbeingCounty: '08', policeDepartment: 'sisa-suomi', municipalities: ['536'] }),
    await createTeam(app.db, { wellbeingCounty: '90', policeDepartment: 'helsinki', municipalities: ['091'] }),
  ]
  const users = await Promise.all(teams.map((teamId) => createUser(app.db, { teamId })))
  const random = new SeededRandom(11)
  for (let i = 0; i < 90; i++) {
    const month = `${YEAR - (i % 4 === 0 ? 1 : 0)}-0${1 + (i % 9)}`
    const home = ['837', '536', '091', 'unknown'][i % 4]!
    await submitMeetingForm(app.deps, actorOf(users[i % 3]!), demoAnswers(random, month, home), newKey())
  }

  const scopes: FormScope[] = [
    { from: `${YEAR}-01`, to: `${YEAR}-12`, teamIds: null, municipality: null, meetingKind: null },
    { from: `${YEAR - 1}-01`, to: `${YEAR}-12`, teamIds: teams.slice(0, 2), municipality: null, meetingKind: 'first' },
    { from: `${YEAR}-04`, to: `${YEAR}-06`, teamIds: [teams[2]!], municipality: null, meetingKind: null },
    { from: `${YEAR}-01`, to: `${YEAR}-12`, teamIds: null, municipality: '837', meetingKind: null },
    { from: `${YEAR}-01`, to: `${YEAR}-12`, teamIds: [], municipality: null, meetingKind: null },
  ]
  const splits: (SingleValuedDimension | null)[] = [null, ...splitDimensions(), areaDimension('municipality')]
  let compared = 0
  for (const scope of scopes) {
    for (const question of questionDimensions()) {
      for (const split of splits) {
        const fromTotals = sorted(await countForms(app.db, scope, question, split))
        const fromForms = sorted(await rawCountForms(app.db, scope, question, split))
        t.same(fromTotals, fromForms, `${question.id} by ${split?.id ?? 'nothing'} in ${JSON.stringify(scope)}`)
        if (question.kind === 'multiple') {
          const asked = await countAsked(app.db, scope, question, split)
          const raw = new Map((await rawCountBases(app.db, scope, question, split)).filter((b) => b.asked > 0).map((b) => [b.split, b.asked]))
          t.same(Object.fromEntries(asked), Object.fromEntries(raw), `asked: ${question.id} by ${split?.id ?? 'nothing'}`)
        }
        compared++
      }
      // areas as rows and the question as columns, as the area comparison reads them
      if (question.kind === 'single') {
        for (const level of ['team', 'county', 'police', 'municipality'] as const) {
          t.same(sorted(await countForms(app.db, scope, areaDimension(level), question)), sorted(await rawCountForms(app.db, scope, areaDimension(level), question)))
        }
      }
    }
  }
  t.ok(compared > 500, `${compared} combinations compared`)

  const snapshot = async () => ({
    team: await app.db.selectFrom('report_counts').selectAll().orderBy(['dimension', 'meeting_month', 'team_id', 'meeting_kind', 'code']).execute(),
    split: await app.db.selectFrom('report_split_counts').selectAll().orderBy(['dimension', 'split', 'meeting_month', 'meeting_kind', 'split_code', 'code']).execute(),
  })
  const before = await snapshot()
  t.ok(before.team.length > 500 && before.split.length > 1000)
  t.equal(await database.handle.withOwnerDb(ensureReportCounts), false, 'the current layout is already built')
  await database.handle.runScript('DELETE FROM report_counts_builds; UPDATE report_counts SET forms = forms + 1; DELETE FROM report_split_counts')
  t.equal(await database.handle.withOwnerDb(ensureReportCounts), true, 'a missing build is rebuilt')
  t.same(await snapshot(), before, 'the rebuild gives the same totals as the running updates')
})

t.test('the service role may add to the totals but not remove them', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  await submitMeetingForm(app.deps, actorOf(user), demoAnswers(new SeededRandom(1), `${YEAR}-01`, '837'), newKey())
  await t.rejects(sql`DELETE FROM report_counts`.execute(app.db), 'no DELETE for the service role')
  await t.rejects(sql`DELETE FROM report_split_counts`.execute(app.db))
  await t.rejects(sql`DELETE FROM report_counts_builds`.execute(app.db))
})
