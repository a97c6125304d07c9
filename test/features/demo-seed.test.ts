// Demo data: plausible, valid, in an intact chain; never in production.
import t from 'tap'
import { seedDemoData } from '../../src/features/demo/demo-seed.service.js'
import { seedDemoIfEmpty } from '../../src/features/demo/demo-start.service.js'
import { buildTestApp, testConfig, TEST_PRODUCTION_SERVICE_ENV } from '../fixtures/app.js'
import { verifyApp } from '../fixtures/integrity.js'

t.test('seeds teams, forms and activity that pass verification; twice adds more, not duplicates of teams', async (t) => {
  const { app, deps } = await buildTestApp(t)
  const first = await seedDemoData(deps, { forms: 300, months: 6, batchSize: 120 })
  t.equal(first.forms, 300)
  t.ok(first.activities > 0)
  await seedDemoData(deps, { forms: 50, months: 6, seed: 7 })
  const teams = await app.db.selectFrom('teams').select('name').execute()
  t.equal(teams.length, 12)
  const forms = await app.db.selectFrom('meeting_forms').select(['team_id', 'age']).execute()
  t.equal(forms.length, 350)
  t.ok(new Set(forms.map((f) => f.team_id)).size >= 8, 'spread over teams')
  // no sealing here: the seeder must leave every record sealed
  const report = await verifyApp(app, { seal: false })
  t.equal(report.ok, true)
  const activities = await app.db.selectFrom('activity_records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(report.linksChecked, 350 + Number(activities.n), 'every form and activity record is in the chain')
  const demoUsers = await app.db.selectFrom('users').select('status').execute()
  t.ok(demoUsers.every((u) => u.status === 'disabled'), 'demo accounts cannot log in')
})

t.test('refuses to run in production', async (t) => {
  const { deps } = await buildTestApp(t)
  const production = testConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', PUBLIC_URL: 'https://x.fi', SMS_LOGIN_ENABLED: 'false', SESSION_SECRET: 'p'.repeat(40), ...TEST_PRODUCTION_SERVICE_ENV })
  await t.rejects(seedDemoData({ ...deps, config: production }, { forms: 1 }), /never written to a production database/)
  const count = await deps.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 0)
})

t.test('npm run demo adds demo data once: only to a database without forms, with progress', async (t) => {
  const { deps } = await buildTestApp(t)
  const progress: number[] = []
  const first = await seedDemoIfEmpty(deps, { forms: 40, onProgress: (done) => progress.push(done) })
  t.match(first, { seeded: true, forms: 40 })
  t.equal(progress.at(-1), 40, 'progress reaches the total')
  const again = await seedDemoIfEmpty(deps, { forms: 40 })
  t.same(again, { seeded: false, existingForms: 40 }, 'a restart adds nothing')
  const count = await deps.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 40)
})
