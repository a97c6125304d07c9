// Stored free text that could describe a young person (team names, API token names, people's
// names) is refused when it looks like an identity code, a phone number or an e-mail address.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'

const PERSONAL = 'personal identity code, a phone number or an e-mail address'

t.test('a team name with an identity code is refused, naming the field', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await loginAs(app, sms, await createUser(app.db, { role: 'admin' }))
  await admin.get('/admin/teams/new')
  const team = { policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: ['837'] }
  const refused = await admin.post('/admin/teams', { name: 'Ankkuri 131052-308T', ...team })
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'href="#field-name"')
  t.match(refused.body, PERSONAL)
  t.equal((await admin.post('/admin/teams', { name: 'Ankkuri Pirkanmaa', ...team })).statusCode, 303, 'an ordinary name is fine')
  const names = await app.db.selectFrom('teams').select('name').execute()
  t.notOk(names.some((n) => n.name.includes('131052')), 'the identity code was not stored')
})

t.test('an API token name with a phone number is refused', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await loginAs(app, sms, await createUser(app.db, { role: 'researcher', teamId: null }))
  await researcher.get('/account/tokens')
  const refused = await researcher.post('/account/tokens', { name: 'Matti 040 123 4567', days: '30' })
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'href="#field-name"')
  t.match(refused.body, PERSONAL)
  t.equal((await app.db.selectFrom('api_tokens').select('id').execute()).length, 0)
})

t.test('a registration whose name holds an e-mail address is refused', async (t) => {
  const { app } = await buildTestApp(t)
  const teamId = await createTeam(app.db)
  const visitor = new TestBrowser(app)
  await visitor.get('/register')
  const refused = await visitor.post('/register', {
    name: 'nuori.henkilo@example.fi',
    email: 'ville@example.fi',
    phone: '050 765 4321',
    teamId,
    profession: 'youth_work',
    password: 'kolme sanaa riittää',
    passwordConfirm: 'kolme sanaa riittää',
  })
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'href="#field-name"')
  t.match(refused.body, PERSONAL)
})
