// Notices: a registrant hears of the decision on their registration by e-mail and SMS, in the
// language they registered in; administrators get a digest of waiting registrations at most once
// an hour, and the periodic check covers what arrived in between.
import { Writable } from 'node:stream'
import t from 'tap'
import { backgroundSettled } from '../../src/features/notices/background.js'
import { claimRegistrationsDigest, DIGEST_MIN_INTERVAL_MS, sendRegistrationsDigestIfDue } from '../../src/features/notices/registrations-digest.js'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'

const PASSWORD = 'kolme sanaa riittää'

/** Registers through the page in a language; returns the e-mail address and the phone in E.164. */
async function register(app: TestApp['app'], lang: 'fi' | 'sv' | 'en', who: { email: string; phone: string; teamId: string }) {
  const browser = new TestBrowser(app, { 'accept-language': lang })
  await browser.get('/register')
  const response = await browser.post('/register', {
    role: 'expert', name: 'Rekisteröityvä Henkilö', email: who.email, phone: who.phone, teamId: who.teamId, profession: 'police',
    password: PASSWORD, passwordConfirm: PASSWORD,
  })
  if (response.statusCode !== 200) throw new Error(`registration failed: ${response.statusCode}`)
  const row = await app.db.selectFrom('users').select(['id', 'phone']).where('email', '=', who.email).executeTakeFirstOrThrow()
  return { id: row.id, email: who.email, phone: row.phone! }
}

async function noticesAudited(test: TestApp, subjectUserId: string) {
  const rows = await test.app.db.selectFrom('audit_log').select(['details']).where('event', '=', 'notice_sent').where('subject_user_id', '=', subjectUserId).orderBy('id').execute()
  return rows.map((r) => r.details)
}

t.test('an approved registrant gets an e-mail and an SMS in their own language, with the login address and nothing secret', async (t) => {
  const test = await buildTestApp(t, { env: { PUBLIC_URL: 'https://ankkuri.example.fi' } })
  const { app, sms, email } = test
  const teamId = await createTeam(app.db)
  const admin = await createUser(app.db, { role: 'admin' })
  const person = await register(app, 'sv', { email: 'sanna@example.fi', phone: '050 222 3344', teamId })
  await backgroundSettled(test.deps)
  const before = email.sent.length

  const adminBrowser = await loginAs(app, sms, admin) // the admin's browser is in English
  await adminBrowser.get('/admin/registrations')
  t.equal((await adminBrowser.post(`/admin/users/${person.id}/approve`)).statusCode, 303)

  const mails = email.to('sanna@example.fi')
  t.equal(mails.length, 1, 'one e-mail to the registrant')
  t.equal(email.sent.length, before + 1, 'and to nobody else')
  const mail = mails[0]!
  t.match(mail.subject, 'Ditt konto i Ankarverksamhetens statistikextranät är klart', 'in Swedish, the language of the registration')
  t.match(mail.text, 'https://ankkuri.example.fi/login')
  t.equal(email.lastLink('sanna@example.fi'), 'https://ankkuri.example.fi/login', 'the only link is the public login page')
  t.notMatch(mail.text, PASSWORD, 'no password')
  t.notMatch(mail.text, /\b\d{6}\b/, 'no code')
  const texts = sms.sent.filter((m) => m.to === person.phone)
  t.equal(texts.length, 1, 'one SMS to the registrant')
  t.match(texts[0]!.body, 'Ditt konto i Ankarverksamhetens statistikextranät är klart. Logga in: https://ankkuri.example.fi/login')
  t.notMatch(texts[0]!.body, /\b\d{6}\b/)

  const audited = await noticesAudited(test, person.id)
  t.same(audited, [{ kind: 'approval', channel: 'email' }, { kind: 'approval', channel: 'sms' }], 'audited by kind and channel, without the address or the text')
})

t.test('a rejected registrant is told in Finnish whom to contact', async (t) => {
  const test = await buildTestApp(t, { env: { OPERATOR_EMAIL: 'tuki@ankkuri.example.fi' } })
  const { app, sms, email } = test
  const teamId = await createTeam(app.db)
  const admin = await createUser(app.db, { role: 'admin' })
  const person = await register(app, 'fi', { email: 'pasi@example.fi', phone: '040 999 8877', teamId })
  await backgroundSettled(test.deps)
  const adminBrowser = await loginAs(app, sms, admin)
  await adminBrowser.get('/admin/registrations')
  t.equal((await adminBrowser.post(`/admin/users/${person.id}/reject`)).statusCode, 303)

  const mail = email.to('pasi@example.fi')[0]
  t.ok(mail, 'an e-mail was sent')
  t.equal(mail!.subject, 'Rekisteröitymistäsi ei hyväksytty')
  t.match(mail!.text, 'tuki@ankkuri.example.fi')
  t.notMatch(mail!.text, /https?:\/\//, 'no link in a rejection')
  const text = sms.sent.filter((m) => m.to === person.phone)
  t.equal(text.length, 1)
  t.match(text[0]!.body, 'ei hyväksytty. Kysymykset: tuki@ankkuri.example.fi')
  t.same(await noticesAudited(test, person.id), [{ kind: 'rejection', channel: 'email' }, { kind: 'rejection', channel: 'sms' }])
})

t.test('a failed e-mail does not undo the approval; it is logged without the address or the text', async (t) => {
  const lines: string[] = []
  const logStream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const test = await buildTestApp(t, { logStream })
  const { app, sms, email } = test
  const teamId = await createTeam(app.db)
  const admin = await createUser(app.db, { role: 'admin' })
  const person = await register(app, 'en', { email: 'failing@example.fi', phone: '040 555 6666', teamId })
  await backgroundSettled(test.deps)
  const adminBrowser = await loginAs(app, sms, admin)
  await adminBrowser.get('/admin/registrations')

  email.failNext = true
  const approved = await adminBrowser.post(`/admin/users/${person.id}/approve`)
  t.equal(approved.statusCode, 303, 'the administrator sees the approval done')
  const row = await app.db.selectFrom('users').select('status').where('id', '=', person.id).executeTakeFirstOrThrow()
  t.equal(row.status, 'active', 'the approval stands')
  t.equal(email.to('failing@example.fi').length, 0)
  t.equal(sms.sent.filter((m) => m.to === person.phone).length, 1, 'the SMS still goes')
  t.same(await noticesAudited(test, person.id), [{ kind: 'approval', channel: 'sms' }], 'only what was sent is audited as sent')

  const failure = lines.find((line) => line.includes('notice not sent'))
  t.ok(failure, 'the failure is logged')
  t.match(failure!, '"notice":"approval"')
  t.match(failure!, '"channel":"email"')
  const log = lines.join('')
  t.notMatch(log, 'failing@example.fi', 'no address in the log')
  t.notMatch(log, 'account for the Anchor', 'no message text in the log')
})

t.test('the administrators\' digest: at once for the first registration, at most once an hour, the rest by the periodic check', async (t) => {
  const test = await buildTestApp(t, { env: { PUBLIC_URL: 'https://ankkuri.example.fi' } })
  const { app, email, clock, deps } = test
  const teamId = await createTeam(app.db)
  const admins = [await createUser(app.db, { role: 'admin', email: 'admin1@example.fi' }), await createUser(app.db, { role: 'admin', email: 'admin2@example.fi' })]
  await createUser(app.db, { role: 'admin', status: 'disabled', email: 'former-admin@example.fi' })
  const digests = () => email.sent.filter((m) => m.to.startsWith('admin') || m.to.startsWith('former'))

  await register(app, 'fi', { email: 'first@example.fi', phone: '040 100 0001', teamId })
  await backgroundSettled(deps)
  t.same(digests().map((m) => m.to).sort(), ['admin1@example.fi', 'admin2@example.fi'], 'one e-mail to each active administrator, none to a disabled one')
  // the test's administrators registered in Finnish (the default)
  t.equal(digests()[0]!.subject, 'Yksi rekisteröityminen odottaa hyväksymistä')
  t.match(digests()[0]!.text, 'https://ankkuri.example.fi/admin/registrations')
  t.notMatch(digests()[0]!.text, 'first@example.fi', 'the digest names no registrant')
  t.notMatch(digests()[0]!.text, 'Rekisteröityvä Henkilö')

  clock.advance(10 * 60 * 1000)
  await register(app, 'fi', { email: 'second@example.fi', phone: '040 100 0002', teamId })
  await backgroundSettled(deps)
  t.equal(digests().length, 2, 'a second registration within the hour sends no digest')
  t.equal(await sendRegistrationsDigestIfDue(deps, app.log), 0, 'nor does the periodic check within the hour')

  clock.advance(DIGEST_MIN_INTERVAL_MS - 10 * 60 * 1000)
  t.equal(await sendRegistrationsDigestIfDue(deps, app.log), 2, 'after the hour the periodic check sends the digest')
  const latest = digests().slice(2)
  t.same(latest.map((m) => m.to).sort(), ['admin1@example.fi', 'admin2@example.fi'])
  t.match(latest[0]!.text, '2 rekisteröitymistä odottaa hyväksymistä', 'counting every registration that waits')

  clock.advance(2 * DIGEST_MIN_INTERVAL_MS)
  t.equal(await sendRegistrationsDigestIfDue(deps, app.log), 0, 'nothing new: no digest, however long after')
  const audited = await app.db.selectFrom('audit_log').select(['subject_user_id', 'details']).where('event', '=', 'notice_sent').execute()
  t.equal(audited.length, 4)
  t.ok(audited.every((a) => admins.some((admin) => admin.id === a.subject_user_id)))
  t.ok(audited.every((a) => JSON.stringify(a.details) === JSON.stringify({ kind: 'registrations_digest', channel: 'email' })))
})

t.test('two registrations at the same moment send one digest', async (t) => {
  const test = await buildTestApp(t)
  const { app, email, deps, clock } = test
  const teamId = await createTeam(app.db)
  await createUser(app.db, { role: 'admin', email: 'admin@example.fi' })
  await Promise.all([
    register(app, 'fi', { email: 'one@example.fi', phone: '040 200 0001', teamId }),
    register(app, 'fi', { email: 'two@example.fi', phone: '040 200 0002', teamId }),
  ])
  await backgroundSettled(deps)
  t.equal(email.to('admin@example.fi').length, 1, 'one digest')

  // the claim itself, raced directly: only one of two at once is granted
  clock.advance(DIGEST_MIN_INTERVAL_MS)
  await createUser(app.db, { status: 'pending', email: 'three@example.fi' })
  const claims = await Promise.all([claimRegistrationsDigest(deps), claimRegistrationsDigest(deps)])
  t.equal(claims.filter((c) => c !== null).length, 1, 'one claim wins')
  t.equal(claims.find((c) => c !== null), 3, 'and counts every registration that waits')
})
