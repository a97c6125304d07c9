// Names (users, teams, tokens) cannot hold bidirectional control characters, which reorder how a
// name is shown and so can make it look like another in lists and the audit log.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']
const MESSAGE = 'Remove the hidden text-direction characters'

t.test('user, team and token names with bidirectional controls are refused with a clear message', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const teamId = await createTeam(app.db)
  const admin = await createUser(app.db, { role: 'admin' })
  const adminBrowser = await loginAs(app, sms, admin)
  const researcher = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  for (const mark of BIDI) {
    const name = `Ville ${mark}nimda Virtanen`
    const visitor = new TestBrowser(app)
    await visitor.get('/register')
    const registration = await visitor.post('/register', { name, email: 'ville@example.fi', phone: '0401234567', teamId, profession: 'police', password: 'kolme kevättä ja kaksi kesää', passwordConfirm: 'kolme kevättä ja kaksi kesää' })
    t.equal(registration.statusCode, 400, `registration U+${mark.codePointAt(0)!.toString(16)}`)
    t.match(registration.body, MESSAGE)

    await adminBrowser.get('/admin/teams/new')
    const team = await adminBrowser.post('/admin/teams', { name: `Ankkuri ${mark}Tampere`, policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: ['837'] })
    t.equal(team.statusCode, 400, 'team')
    t.match(team.body, MESSAGE)

    await researcher.get('/account/tokens')
    const token = await researcher.post('/account/tokens', { name: `R ${mark}analysis`, days: '30' })
    t.equal(token.statusCode, 400, 'token')
    t.match(token.body, MESSAGE)
  }
  t.equal((await app.db.selectFrom('api_tokens').select('id').execute()).length, 0, 'no token was made')
  await researcher.get('/account/tokens')
  t.equal((await researcher.post('/account/tokens', { name: 'R analysis', days: '30' })).statusCode, 200, 'a plain name is fine')
})
