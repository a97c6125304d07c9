// Registration (as an expert of a team or as a researcher), approval of the role asked for, and the
// administrators' pages, as people use them.
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import { performance } from 'node:perf_hooks'
import { REGISTRATION_ANSWER_MIN_MS } from '../../src/features/users/registration.service.js'

t.test('register → pending → approved by an admin → logs in', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const teamId = await createTeam(app.db, { name: 'Ankkuri Tampere' })
  const admin = await createUser(app.db, { role: 'admin' })

  const visitor = new TestBrowser(app)
  const page = await visitor.get('/register')
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Ankkuri Tampere', 'teams are offered')
  const sent = await visitor.post('/register', {
    role: 'expert',
    name: 'Ville Nuorisotyö',
    email: 'Ville.Nuoriso@Example.fi ',
    phone: '050 765 4321',
    teamId,
    profession: 'youth_work',
    password: 'kolme sanaa riittää',
    passwordConfirm: 'kolme sanaa riittää',
  })
  t.equal(sent.statusCode, 200)
  t.match(sent.body, 'Registration received')
  const row = await app.db.selectFrom('users').selectAll().where('email', '=', 'ville.nuoriso@example.fi').executeTakeFirstOrThrow()
  t.equal(row.status, 'pending')
  t.equal(row.phone, '+358507654321', 'the phone number is stored in E.164')
  t.equal(row.role, 'expert')
  t.equal(row.team_id, teamId)
  t.equal(row.profession, 'youth_work')
  t.equal(row.organisation, null)
  t.equal(row.language, 'en', 'the language of the page is kept for the notices')
  t.match(row.password_hash, /^scrypt\$/)

  // the pending user gets no code
  await visitor.get('/login')
  const early = await visitor.post('/login', { email: 'ville.nuoriso@example.fi', password: 'kolme sanaa riittää' })
  t.equal(early.statusCode, 401, 'answered like a wrong password: the password is not confirmed')
  t.equal(sms.sent.length, 0)

  const adminBrowser = await loginAs(app, sms, admin)
  const list = await adminBrowser.get('/admin/registrations')
  t.match(list.body, 'Ville Nuorisotyö')
  t.match(list.body, /<td>Expert<\/td>\s*<td>Ankkuri Tampere<br>Youth work<\/td>/, 'the role asked for, with team and profession')
  const approved = await adminBrowser.post(`/admin/users/${row.id}/approve`)
  t.equal(approved.statusCode, 303)
  t.match((await adminBrowser.follow()).body, 'The registration was approved.')
  const again = await adminBrowser.post(`/admin/users/${row.id}/approve`)
  t.equal(again.statusCode, 409, 'a second decision is refused')

  clock.advance(61_000)
  const browser = new TestBrowser(app)
  await browser.get('/login')
  const step1 = await browser.post('/login', { email: 'ville.nuoriso@example.fi', password: 'kolme sanaa riittää' })
  t.equal(step1.statusCode, 303)
  await browser.get('/login/code')
  const step2 = await browser.post('/login/code', { code: sms.lastCode('+358507654321') })
  t.equal(step2.statusCode, 303)
  t.match((await browser.get('/')).body, 'Ville Nuorisotyö')
  const events = await app.db.selectFrom('audit_log').select('event').orderBy('id').execute()
  t.same(
    events.map((e) => e.event).filter((e) => ['registration', 'approval'].includes(e)),
    ['registration', 'approval'],
  )
})

t.test('registration errors name every field, keep the typed values, never echo the password', async (t) => {
  const { app } = await buildTestApp(t)
  await createTeam(app.db)
  for (const [lang, requiredText] of [
    ['en', 'Fill in this field.'],
    ['fi', 'Täytä tämä kenttä.'],
    ['sv', 'Fyll i fältet.'],
  ] as const) {
    const browser = new TestBrowser(app, { 'accept-language': lang })
    await browser.get('/register')
    const r = await browser.post('/register', { name: '', email: 'not-an-email', phone: '123', teamId: '', profession: '', password: 'short', passwordConfirm: 'other' })
    t.equal(r.statusCode, 400, lang)
    t.match(r.body, `<html lang="${lang}">`)
    t.match(r.body, requiredText)
    for (const field of ['role', 'name', 'email', 'phone', 'password', 'passwordConfirm']) {
      t.match(r.body, `href="#field-${field}"`, `${lang}: the summary links to ${field}`)
      t.match(r.body, `id="field-${field}"`)
    }
    t.notMatch(r.body, 'href="#field-teamId"', 'without a role, neither group is asked for yet')
    t.match(r.body, 'value="not-an-email"', 'typed values are kept')
    t.notMatch(r.body, 'value="short"', 'the password is not sent back')

    const expert = await browser.post('/register', { role: 'expert', name: 'Ville Virtanen', email: 'v@example.fi', phone: '0401234567', teamId: '', profession: '', organisation: '', password: 'kolme sanaa riittää', passwordConfirm: 'kolme sanaa riittää' })
    t.equal(expert.statusCode, 400)
    for (const field of ['teamId', 'profession']) t.match(expert.body, `href="#field-${field}"`, `${lang}: an expert chooses ${field}`)
    t.notMatch(expert.body, 'href="#field-organisation"', 'an expert gives no organisation')
    t.match(expert.body, /id="field-role-expert" name="role" value="expert" checked/, 'the chosen role stays chosen')

    const researcher = await browser.post('/register', { role: 'researcher', name: 'Ville Virtanen', email: 'v@example.fi', phone: '0401234567', teamId: '', profession: '', organisation: ' ', password: 'kolme sanaa riittää', passwordConfirm: 'kolme sanaa riittää' })
    t.equal(researcher.statusCode, 400)
    t.match(researcher.body, 'href="#field-organisation"', `${lang}: a researcher gives an organisation`)
    t.notMatch(researcher.body, /href="#field-(teamId|profession)"/, 'a researcher chooses no team or profession')
  }
  const count = await app.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 0, 'nothing was stored')
})

t.test('registering an address again gives the same answer and changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const teamId = await createTeam(app.db)
  const existing = await createUser(app.db, { email: 'taken@example.fi' })
  const browser = new TestBrowser(app)
  await browser.get('/register')
  const started = performance.now()
  const r = await browser.post('/register', {
    role: 'expert', name: 'Someone Else', email: 'TAKEN@example.fi', phone: '0401112222', teamId, profession: 'police',
    password: 'long enough password', passwordConfirm: 'long enough password',
  })
  // a new address takes a little longer to store: every valid registration is answered no sooner than this
  t.ok(performance.now() - started >= REGISTRATION_ANSWER_MIN_MS - 5, 'answered no sooner than a new registration would be')
  t.equal(r.statusCode, 200)
  t.match(r.body, 'Registration received')
  const rows = await app.db.selectFrom('users').select(['id', 'name']).where('email', '=', 'taken@example.fi').execute()
  t.same(rows, [{ id: existing.id, name: existing.name }])
})

t.test('admin pages are for admins only', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const expert = await createUser(app.db)
  const anonymous = new TestBrowser(app)
  const r = await anonymous.get('/admin/users')
  t.equal(r.statusCode, 303)
  t.match(r.headers.location, /^\/login\?next=%2Fadmin%2Fusers/)
  const api = await app.inject({ method: 'GET', url: '/admin/users', headers: { accept: 'application/json' } })
  t.equal(api.statusCode, 401)
  t.equal(api.json().error.code, 'authentication_required')

  const browser = await loginAs(app, sms, expert)
  for (const url of ['/admin', '/admin/registrations', '/admin/users', '/admin/teams', '/admin/teams/new', '/admin/audit']) {
    const page = await browser.get(url)
    t.equal(page.statusCode, 403, url)
  }
  const post = await browser.post(`/admin/users/${expert.id}/disable`)
  t.equal(post.statusCode, 403)
  const row = await app.db.selectFrom('users').select('status').where('id', '=', expert.id).executeTakeFirstOrThrow()
  t.equal(row.status, 'active')
})

t.test('disabling a user ends their session at once; roles and teams can be changed', async (t) => {
  const { app, sms, clock } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin' })
  const expert = await createUser(app.db, { name: 'Eero Expert' })
  const otherTeam = await createTeam(app.db, { name: 'Ankkuri Oulu', policeDepartment: 'oulu', wellbeingCounty: '19', municipalities: ['564'] })
  const adminBrowser = await loginAs(app, sms, admin)
  clock.advance(61_000)
  const expertBrowser = await loginAs(app, sms, expert, new TestBrowser(app))
  t.equal((await expertBrowser.get('/')).statusCode, 200)

  await adminBrowser.get(`/admin/users/${expert.id}`)
  const noTeam = await adminBrowser.post(`/admin/users/${expert.id}/role`, { role: 'expert', teamId: '' })
  t.equal(noTeam.statusCode, 400)
  t.match(noTeam.body, 'An expert must belong to a team.')
  const noProfession = await adminBrowser.post(`/admin/users/${expert.id}/role`, { role: 'expert', teamId: otherTeam, profession: '' })
  t.equal(noProfession.statusCode, 400)
  t.match(noProfession.body, 'An expert must have a profession.')
  t.match(noProfession.body, 'href="#field-profession"')
  const moved = await adminBrowser.post(`/admin/users/${expert.id}/role`, { role: 'expert', teamId: otherTeam, profession: 'social_work' })
  t.equal(moved.statusCode, 303)
  const movedRow = await app.db.selectFrom('users').select(['team_id', 'profession']).where('id', '=', expert.id).executeTakeFirstOrThrow()
  t.same(movedRow, { team_id: otherTeam, profession: 'social_work' })
  t.equal((await expertBrowser.get('/')).statusCode, 200, 'a team change keeps the session')

  const disabled = await adminBrowser.post(`/admin/users/${expert.id}/disable`)
  t.equal(disabled.statusCode, 303)
  const after = await expertBrowser.get('/')
  t.equal(after.statusCode, 303, 'the disabled user is logged out on the next request')
  const open = await app.db.selectFrom('sessions').select('id').where('user_id', '=', expert.id).where('ended_at', 'is', null).execute()
  t.equal(open.length, 0)

  const self = await adminBrowser.post(`/admin/users/${admin.id}/disable`)
  t.equal(self.statusCode, 400)
  t.match(self.body, 'You cannot disable your own account.')
  const lastAdmin = await adminBrowser.post(`/admin/users/${admin.id}/role`, { role: 'researcher', teamId: '' })
  t.equal(lastAdmin.statusCode, 400)
  t.match(lastAdmin.body, 'The last administrator cannot be given another role.')

  const enabled = await adminBrowser.post(`/admin/users/${expert.id}/enable`)
  t.equal(enabled.statusCode, 303)
  const audit = await app.db.selectFrom('audit_log').select('event').where('subject_user_id', '=', expert.id).orderBy('id').execute()
  t.same(audit.map((a) => a.event).filter((e) => ['team_change', 'user_disabled', 'user_enabled'].includes(e)), ['team_change', 'user_disabled', 'user_enabled'])
})

t.test('admins create and edit teams; bad codes are refused with messages', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin' })
  const browser = await loginAs(app, sms, admin)
  const form = await browser.get('/admin/teams/new')
  t.equal(form.statusCode, 200)
  t.match(form.body, 'Pirkanmaa')
  t.match(form.body, 'Tampere')

  const bad = await browser.post('/admin/teams', { name: 'X', policeDepartment: 'nowhere', wellbeingCounty: '99', municipalities: ['999'] })
  t.equal(bad.statusCode, 400)
  for (const f of ['name', 'policeDepartment', 'wellbeingCounty']) t.match(bad.body, `href="#field-${f}"`)
  t.match(bad.body, /href="#field-municipalities\.0"|href="#field-municipalities"/)

  const created = await browser.post('/admin/teams', { name: 'Ankkuri Pirkanmaa', policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: ['837', '536'] })
  t.equal(created.statusCode, 303)
  const team = await app.db.selectFrom('teams').selectAll().where('name', '=', 'Ankkuri Pirkanmaa').executeTakeFirstOrThrow()
  t.same(team.municipalities, ['536', '837'])
  const list = await browser.get('/admin/teams')
  t.match(list.body, 'Ankkuri Pirkanmaa')
  t.match(list.body, 'Tampere')

  const edit = await browser.get(`/admin/teams/${team.id}`)
  t.match(edit.body, 'value="837" checked')
  const saved = await browser.post(`/admin/teams/${team.id}`, { name: 'Ankkuri Tampereen seutu', policeDepartment: 'sisa-suomi', wellbeingCounty: '08', municipalities: '837' })
  t.equal(saved.statusCode, 303)
  const updated = await app.db.selectFrom('teams').selectAll().where('id', '=', team.id).executeTakeFirstOrThrow()
  t.equal(updated.name, 'Ankkuri Tampereen seutu')
  t.same(updated.municipalities, ['837'])

  const duplicate = await browser.post('/admin/teams', { name: 'ankkuri tampereen seutu', policeDepartment: 'sisa-suomi', wellbeingCounty: '08' })
  t.equal(duplicate.statusCode, 409, 'team names are unique regardless of case')
})

t.test('the audit log page names people; a logged-in user is not offered registration again', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin', name: 'Anna Admin' })
  const pending = await createUser(app.db, { status: 'pending', name: 'Pekka Pending' })
  const browser = await loginAs(app, sms, admin)
  await browser.get('/admin/registrations')
  await browser.post(`/admin/users/${pending.id}/approve`)
  const audit = await browser.get('/admin/audit')
  t.match(audit.body, new RegExp(`<a href="/admin/users/${admin.id}">Anna Admin</a>`))
  t.match(audit.body, new RegExp(`<a href="/admin/users/${pending.id}">Pekka Pending</a>`))
  t.match(audit.body, 'Registration approved')
  const register = await browser.get('/register')
  t.equal(register.statusCode, 303)
  t.equal(register.headers.location, '/')
})

t.test('a researcher registers with an organisation and no team; the administrator approves the role as asked', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const teamId = await createTeam(app.db, { name: 'Ankkuri Turku' })
  const admin = await createUser(app.db, { role: 'admin' })

  const visitor = new TestBrowser(app, { 'accept-language': 'sv' })
  const form = await visitor.get('/register')
  t.match(form.body, 'Endast för experter', 'without JavaScript the expert group is shown under its heading')
  t.match(form.body, 'Endast för forskare', 'and so is the researcher group')
  t.match(form.body, /data-show-when-question="role" data-show-when-any-of="researcher"/, 'the page script hides the group that does not apply')
  const sent = await visitor.post('/register', {
    role: 'researcher',
    name: 'Rut Forskare',
    email: 'rut.forskare@example.fi',
    phone: '050 111 2233',
    organisation: '  Åbo Akademi  ',
    // the expert's group, filled in anyway without JavaScript: ignored
    teamId,
    profession: 'police',
    password: 'tre ord räcker gott',
    passwordConfirm: 'tre ord räcker gott',
  })
  t.equal(sent.statusCode, 200)
  const row = await app.db.selectFrom('users').selectAll().where('email', '=', 'rut.forskare@example.fi').executeTakeFirstOrThrow()
  t.equal(row.role, 'researcher')
  t.equal(row.team_id, null, 'a team sent anyway is not stored')
  t.equal(row.profession, null, 'a researcher has no profession')
  t.equal(row.organisation, 'Åbo Akademi')
  t.equal(row.language, 'sv')
  t.equal(row.status, 'pending')

  const adminBrowser = await loginAs(app, sms, admin)
  const list = await adminBrowser.get('/admin/registrations')
  t.match(list.body, /<td>Researcher<\/td>\s*<td>Åbo Akademi<\/td>/, 'the role asked for and the organisation are shown')
  t.match(list.body, 'aria-label="Approve Rut Forskare, role: Researcher"')
  t.equal((await adminBrowser.post(`/admin/users/${row.id}/approve`)).statusCode, 303)
  const approved = await app.db.selectFrom('users').select(['role', 'status', 'team_id', 'organisation']).where('id', '=', row.id).executeTakeFirstOrThrow()
  t.same(approved, { role: 'researcher', status: 'active', team_id: null, organisation: 'Åbo Akademi' }, 'approved as asked: no role to fix afterwards')
  const roleChanges = await app.db.selectFrom('audit_log').select('event').where('subject_user_id', '=', row.id).where('event', 'in', ['role_change', 'team_change']).execute()
  t.same(roleChanges, [])
})

t.test('the database keeps an expert with a team and a profession, and a researcher registration with an organisation', async (t) => {
  const { app } = await buildTestApp(t)
  const now = new Date()
  const base = { name: 'Test Person', phone: '+358401231234', login_method: 'sms', password_hash: 'scrypt$x', created_at: now, updated_at: now } as const
  const teamId = await createTeam(app.db)
  await t.rejects(app.db.insertInto('users').values({ ...base, email: 'a@example.fi', role: 'expert', team_id: teamId, profession: null }).execute(), 'an expert without a profession')
  await t.rejects(app.db.insertInto('users').values({ ...base, email: 'b@example.fi', role: 'researcher', status: 'pending', team_id: null, profession: null }).execute(), 'a researcher registration without an organisation')
  await t.rejects(app.db.insertInto('users').values({ ...base, email: 'c@example.fi', role: 'researcher', status: 'pending', team_id: null, profession: null, organisation: ' THL' }).execute(), 'an untrimmed organisation')
  await t.rejects(app.db.insertInto('users').values({ ...base, email: 'd@example.fi', role: 'researcher', status: 'pending', team_id: null, profession: null, organisation: 'THL', language: 'de' as 'fi' }).execute(), 'an unknown language')
  await t.rejects(app.db.insertInto('users').values({ ...base, email: 'f@example.fi', role: 'researcher', status: 'active', team_id: teamId, profession: null, organisation: 'THL' }).execute(), 'a researcher in a team')
  await app.db.insertInto('users').values({ ...base, email: 'e@example.fi', role: 'researcher', status: 'pending', team_id: null, profession: null, organisation: 'THL' }).execute()
  const stored = await app.db.selectFrom('users').select('language').where('email', '=', 'e@example.fi').executeTakeFirstOrThrow()
  t.equal(stored.language, 'fi', 'Finnish unless the registration said otherwise')
})

t.test('a pending expert registration is not turned into a researcher without an organisation', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await createUser(app.db, { role: 'admin' })
  const pending = await createUser(app.db, { status: 'pending' })
  const browser = await loginAs(app, sms, admin)
  await browser.get(`/admin/users/${pending.id}`)
  const r = await browser.post(`/admin/users/${pending.id}/role`, { role: 'researcher', teamId: '', profession: '' })
  t.equal(r.statusCode, 400)
  t.match(r.body, 'Approve or reject the registration first.')
  const row = await app.db.selectFrom('users').select('role').where('id', '=', pending.id).executeTakeFirstOrThrow()
  t.equal(row.role, 'expert')
})

t.test('an expert made a researcher leaves the team: a team\'s exact figures are for its members', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const admin = await loginAs(app, sms, await createUser(app.db, { role: 'admin' }))
  const expert = await createUser(app.db)
  await admin.get(`/admin/users/${expert.id}`)
  // the administration page sends the team chosen so far along with the new role
  const changed = await admin.post(`/admin/users/${expert.id}/role`, { role: 'researcher', teamId: expert.teamId ?? '', profession: 'police' })
  t.equal(changed.statusCode, 303)
  const row = await app.db.selectFrom('users').select(['role', 'team_id']).where('id', '=', expert.id).executeTakeFirstOrThrow()
  t.same(row, { role: 'researcher', team_id: null })
  const teamChange = await app.db.selectFrom('audit_log').select('details').where('event', '=', 'team_change').where('subject_user_id', '=', expert.id).executeTakeFirstOrThrow()
  t.same(teamChange.details, { from: expert.teamId, to: null }, 'the team change is audited')
})
