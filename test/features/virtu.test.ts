// VIRTU login (SAML 2.0) end to end against a test IdP whose assertions the tests sign: the
// metadata, the redirect, a login, every way an answer must be refused, and the registration of an
// identity the service does not know yet.
import { createVerify, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import t from 'tap'
import type { Database, UserStatus } from '../../src/db/schema.js'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import {
  ATTR,
  buildSamlResponse,
  decodeAuthnRequest,
  OTHER_CERT,
  OTHER_KEY,
  RSA_SHA1,
  SHA1,
  SP_CERT,
  SP_KEY,
  TEST_ACS_URL,
  TEST_IDP_SSO_URL,
  TEST_SP_ENTITY_ID,
  VIRTU_TEST_ENV,
  virtuAttributes,
  type SamlResponseOptions,
} from '../fixtures/saml-idp.js'

const SESSION_COOKIE = 'anchor_session'
const REGISTRATION_COOKIE = 'anchor_virtu_registration'
const HOME_ORG = 'poliisi.fi'
const MINUTE = 60_000

type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

interface VirtuUser {
  id: string
  name: string
  localId: string
  homeOrganization: string
}

async function createVirtuUser(db: Kysely<Database>, status: UserStatus = 'active'): Promise<VirtuUser> {
  const teamId = await createTeam(db)
  const localId = `virtu-${randomUUID()}`
  const name = `Ville Virtunen ${localId.slice(-6)}`
  const now = new Date()
  const row = await db
    .insertInto('users')
    .values({
      name,
      email: `${localId}@poliisi.fi`,
      phone: null,
      team_id: teamId,
      profession: 'police',
      role: 'expert',
      login_method: 'virtu',
      password_hash: null,
      virtu_local_id: localId,
      virtu_home_organization: HOME_ORG,
      status,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: row.id, name, localId, homeOrganization: HOME_ORG }
}

/** Starts a login the way a browser does and returns the id of the AuthnRequest the app issued. */
async function issueAuthnRequest(browser: TestBrowser): Promise<string> {
  const response = await browser.get('/auth/virtu/login')
  if (response.statusCode !== 303 && response.statusCode !== 302) throw new Error(`login redirect failed: ${response.statusCode}`)
  return decodeAuthnRequest(String(response.headers.location)).id
}

/** The IdP's auto-posting form, submitted cross-site to the ACS. */
function postToAcs(browser: TestBrowser, samlResponse: string) {
  return browser.post('/auth/virtu/acs', { SAMLResponse: samlResponse })
}

async function countAudit(db: Kysely<Database>, event: 'login_success' | 'login_failure' | 'saml_failure' | 'registration'): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('event', '=', event)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Asserts the browser holds no session: no cookie, and the start page sends it to log in. */
async function assertNoSession(t: TestContext, browser: TestBrowser): Promise<void> {
  t.notOk(browser.cookies.has(SESSION_COOKIE), 'no session cookie')
  const home = await browser.get('/')
  t.equal(home.statusCode, 303, 'the start page is still closed')
  t.match(String(home.headers.location), /^\/login/)
}

/** Asserts the browser is logged in as the user: the start page opens and names them. */
async function assertLoggedInAs(t: TestContext, browser: TestBrowser, name: string): Promise<void> {
  t.ok(browser.cookies.has(SESSION_COOKIE), 'a session cookie is set')
  const home = await browser.get('/')
  t.equal(home.statusCode, 200, 'the start page opens')
  t.match(home.body, name, 'for this user')
}

t.test('with VIRTU off, none of its addresses exist', async (t) => {
  const { app, sms } = await buildTestApp(t)
  // Unknown addresses send an anonymous visitor to log in, so ask as a logged-in user.
  const browser = await loginAs(app, sms, await createUser(app.db))
  for (const url of ['/auth/virtu/metadata', '/auth/virtu/login', '/register/virtu']) {
    const response = await browser.get(url)
    t.equal(response.statusCode, 404, url)
  }
  const acs = await browser.post('/auth/virtu/acs', { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=' })
  t.equal(acs.statusCode, 404, '/auth/virtu/acs')
})

t.test('VIRTU login', async (t) => {
  const { app, clock } = await buildTestApp(t, { env: VIRTU_TEST_ENV })
  const db = app.db

  /** Issues a fresh AuthnRequest and answers it with a response built from the options. */
  async function attempt(user: VirtuUser, options: Partial<SamlResponseOptions> = {}) {
    const browser = new TestBrowser(app)
    const requestId = await issueAuthnRequest(browser)
    const samlResponse = buildSamlResponse({ inResponseTo: requestId, attributes: virtuAttributes(user), ...options })
    const response = await postToAcs(browser, samlResponse)
    return { browser, requestId, samlResponse, response }
  }

  /** A refused answer: 401, no session, and a saml_failure (never a password login_failure) in the audit log. */
  async function assertRefused(t: TestContext, user: VirtuUser, options: Partial<SamlResponseOptions>): Promise<void> {
    const failuresBefore = await countAudit(db, 'saml_failure')
    const passwordFailuresBefore = await countAudit(db, 'login_failure')
    const successesBefore = await countAudit(db, 'login_success')
    const { browser, response } = await attempt(user, options)
    t.equal(response.statusCode, 401, 'refused with 401')
    t.notOk(response.headers.location, 'no redirect')
    await assertNoSession(t, browser)
    t.equal(await countAudit(db, 'saml_failure'), failuresBefore + 1, 'a saml_failure is recorded')
    t.equal(await countAudit(db, 'login_failure'), passwordFailuresBefore, 'and no password login_failure')
    t.equal(await countAudit(db, 'login_success'), successesBefore, 'no login_success')
  }

  await t.test('the SP metadata names our entity id and the ACS address', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/auth/virtu/metadata' })
    t.equal(response.statusCode, 200)
    t.match(String(response.headers['content-type']), /^application\/(samlmetadata\+)?xml/)
    t.match(response.body, `entityID="${TEST_SP_ENTITY_ID}"`)
    t.match(response.body, /<AssertionConsumerService[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/)
    t.match(response.body, `Location="${TEST_ACS_URL}"`)
    t.match(response.body, 'WantAssertionsSigned="true"')
  })

  await t.test('the login page redirects to the IdP with an AuthnRequest the database remembers', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/auth/virtu/login' })
    t.ok([302, 303].includes(response.statusCode), 'a redirect')
    const location = String(response.headers.location)
    t.ok(location.startsWith(`${TEST_IDP_SSO_URL}?`), 'to the IdP single sign-on address')
    const request = decodeAuthnRequest(location)
    t.match(request.xml, `AssertionConsumerServiceURL="${TEST_ACS_URL}"`)
    t.match(request.xml, `>${TEST_SP_ENTITY_ID}</saml:Issuer>`)
    const row = await db.selectFrom('virtu_authn_requests').selectAll().where('id', '=', request.id).executeTakeFirst()
    t.ok(row, 'the request id is stored, so any instance can check the answer')
  })

  await t.test('a valid signed assertion for an active user opens a session', async (t) => {
    const user = await createVirtuUser(db)
    const { browser, requestId, response } = await attempt(user)
    t.equal(response.statusCode, 303)
    t.equal(response.headers.location, '/')
    t.match(String(response.headers['set-cookie']), new RegExp(`${SESSION_COOKIE}=[^;]+;.*HttpOnly`, 'i'))
    await assertLoggedInAs(t, browser, user.name)

    const session = await db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow()
    t.equal(session.method, 'virtu')
    const audit = await db.selectFrom('audit_log').selectAll().where('event', '=', 'login_success').where('subject_user_id', '=', user.id).executeTakeFirstOrThrow()
    t.same(audit.details, { method: 'virtu' })
    t.notOk(
      await db.selectFrom('virtu_authn_requests').select('id').where('id', '=', requestId).executeTakeFirst(),
      'the answered request id is gone',
    )
  })

  await t.test('friendly attribute names are accepted too', async (t) => {
    const user = await createVirtuUser(db)
    const { browser, response } = await attempt(user, {
      attributes: [
        { name: 'virtuLocalID', values: [user.localId] },
        { name: 'virtuHomeOrganization', values: [user.homeOrganization] },
      ],
    })
    t.equal(response.statusCode, 303)
    await assertLoggedInAs(t, browser, user.name)
  })

  await t.test('an unsigned assertion is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { sign: 'none' })
  })

  await t.test('an assertion signed with another key is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { signingKey: OTHER_KEY, signingCert: OTHER_CERT })
  })

  await t.test('a signed Response around an unsigned assertion is refused (the assertion must be signed)', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { sign: 'response' })
  })

  await t.test('an assertion changed after signing is refused', async (t) => {
    const user = await createVirtuUser(db)
    const victim = await createVirtuUser(db)
    await assertRefused(t, user, { tamper: (xml) => xml.replace(`>${user.localId}<`, `>${victim.localId}<`) })
  })

  await t.test('an assertion for another audience is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { audience: 'https://some-other-service.test/sp' })
  })

  await t.test('an expired assertion is refused', async (t) => {
    const now = Date.now()
    await assertRefused(t, await createVirtuUser(db), {
      issueInstant: new Date(now - 20 * MINUTE),
      notBefore: new Date(now - 21 * MINUTE),
      notOnOrAfter: new Date(now - 10 * MINUTE),
    })
  })

  await t.test('an assertion that is not valid yet is refused', async (t) => {
    const now = Date.now()
    await assertRefused(t, await createVirtuUser(db), {
      notBefore: new Date(now + 10 * MINUTE),
      notOnOrAfter: new Date(now + 15 * MINUTE),
    })
  })

  await t.test('an answer to a request the app never issued is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { inResponseTo: '_never-issued-by-the-app', subjectInResponseTo: '_never-issued-by-the-app' })
  })

  await t.test('an answer without InResponseTo (IdP-initiated) is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { inResponseTo: null, subjectInResponseTo: null })
  })

  await t.test('a signed assertion for one request cannot be wrapped into the answer to another', async (t) => {
    const user = await createVirtuUser(db)
    const other = new TestBrowser(app)
    const otherRequestId = await issueAuthnRequest(other)
    await assertRefused(t, user, { subjectInResponseTo: otherRequestId })
  })

  await t.test('an answer sent to another recipient is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { recipient: 'https://some-other-service.test/acs' })
  })

  await t.test('a response that already logged in is refused when replayed', async (t) => {
    const user = await createVirtuUser(db)
    const first = await attempt(user)
    t.equal(first.response.statusCode, 303, 'the first use logs in')

    const attacker = new TestBrowser(app)
    const replay = await postToAcs(attacker, first.samlResponse)
    t.equal(replay.statusCode, 401)
    await assertNoSession(t, attacker)
  })

  await t.test('a replay is refused even if its request id were still outstanding', async (t) => {
    const user = await createVirtuUser(db)
    const first = await attempt(user)
    t.equal(first.response.statusCode, 303, 'the first use logs in')
    // As if the request id had survived (a second instance, a bug in the request cache):
    // only the record of consumed assertions stands between the replay and a session.
    await db.insertInto('virtu_authn_requests').values({ id: first.requestId, created_at: clock.now() }).execute()

    const attacker = new TestBrowser(app)
    const replay = await postToAcs(attacker, first.samlResponse)
    t.equal(replay.statusCode, 401)
    await assertNoSession(t, attacker)
    const consumed = await db.selectFrom('virtu_consumed_assertions').selectAll().where('in_response_to', '=', first.requestId).execute()
    t.equal(consumed.length, 1, 'the assertion was recorded as used once')
  })

  await t.test('a request id older than its lifetime (by the app clock) is no longer accepted', async (t) => {
    const user = await createVirtuUser(db)
    const browser = new TestBrowser(app)
    const requestId = await issueAuthnRequest(browser)
    clock.advance(16 * MINUTE)
    const response = await postToAcs(browser, buildSamlResponse({ inResponseTo: requestId, attributes: virtuAttributes(user) }))
    t.equal(response.statusCode, 401)
    await assertNoSession(t, browser)
  })

  await t.test('an assertion without the identity attributes is refused', async (t) => {
    const user = await createVirtuUser(db)
    await assertRefused(t, user, { attributes: [{ name: ATTR.localId, friendlyName: 'virtuLocalID', values: [user.localId] }] })
  })

  await t.test('an answer from another IdP entity is refused, even when signed with the trusted key', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { issuer: 'https://other-idp.test/idp' })
    await assertRefused(t, await createVirtuUser(db), { responseIssuer: 'https://other-idp.test/idp' })
  })

  await t.test('a Response addressed to another destination, or to none, is refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { destination: 'https://some-other-service.test/acs' })
    await assertRefused(t, await createVirtuUser(db), { destination: null })
  })

  await t.test('a non-success status is refused even around a valid signed assertion', async (t) => {
    for (const statusCode of ['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:Requester', 'urn:example:Success']) {
      await assertRefused(t, await createVirtuUser(db), { statusCode })
    }
  })

  await t.test('SHA-1 signatures and digests are refused', async (t) => {
    await assertRefused(t, await createVirtuUser(db), { signatureAlgorithm: RSA_SHA1 })
    await assertRefused(t, await createVirtuUser(db), { digestAlgorithm: SHA1 })
    await assertRefused(t, await createVirtuUser(db), { sign: 'both', digestAlgorithm: SHA1 })
  })

  await t.test('attributes are matched by Name only, never by FriendlyName', async (t) => {
    const user = await createVirtuUser(db)
    await assertRefused(t, user, {
      attributes: [
        { name: 'urn:example:anything', friendlyName: 'virtuLocalID', values: [user.localId] },
        { name: ATTR.homeOrganization, values: [user.homeOrganization] },
      ],
    })
  })

  await t.test('an identity attribute given twice or with several values is refused', async (t) => {
    const user = await createVirtuUser(db)
    const home = { name: ATTR.homeOrganization, values: [user.homeOrganization] }
    await assertRefused(t, user, { attributes: [{ name: ATTR.localId, values: [user.localId] }, { name: ATTR.localId, values: [user.localId] }, home] })
    await assertRefused(t, user, { attributes: [{ name: ATTR.localId, values: [user.localId] }, { name: 'virtuLocalID', values: [user.localId] }, home] })
    await assertRefused(t, user, { attributes: [{ name: ATTR.localId, values: [user.localId, user.localId] }, home] })
    await assertRefused(t, user, { attributes: [{ name: ATTR.localId, values: [user.localId] }, home, home] })
  })

  await t.test('a hostile document is refused before any XML parser sees it', async (t) => {
    const user = await createVirtuUser(db)
    const deep = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">' + '<a>'.repeat(16_000)
    const entities = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&b;</samlp:Response>'
    const wide = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">' + '<a/>'.repeat(5_000) + '</samlp:Response>'
    for (const [name, xml] of Object.entries({ deep, entities, wide })) {
      await assertRefused(t, user, { tamper: () => xml })
      t.pass(name)
    }
    const browser = new TestBrowser(app)
    await issueAuthnRequest(browser)
    const huge = await postToAcs(browser, Buffer.from('<a>'.repeat(100_000)).toString('base64'))
    t.equal(huge.statusCode, 400, 'a body over the ACS limit is refused as too big')
    await assertNoSession(t, browser)
  })

  await t.test('a pending or disabled user gets no session', async (t) => {
    for (const status of ['pending', 'disabled'] as const) {
      const user = await createVirtuUser(db, status)
      const { browser, response } = await attempt(user)
      t.equal(response.statusCode, 403, `${status}: a page, not a login`)
      t.notOk(response.headers.location, `${status}: no redirect`)
      t.notOk(browser.cookies.has(REGISTRATION_COOKIE), `${status}: not sent to registration`)
      await assertNoSession(t, browser)
    }
  })

  await t.test('an unknown identity registers, and the account stays pending', async (t) => {
    const teamId = await createTeam(db)
    const localId = `new-${randomUUID()}`
    const identity = { localId, homeOrganization: 'sisainen.fi', name: 'Uusi Käyttäjä', email: 'Uusi.Kayttaja@Poliisi.fi' }
    const browser = new TestBrowser(app)
    const requestId = await issueAuthnRequest(browser)
    const acs = await postToAcs(browser, buildSamlResponse({ inResponseTo: requestId, attributes: virtuAttributes(identity) }))
    t.equal(acs.statusCode, 303)
    t.equal(acs.headers.location, '/register/virtu')
    t.notOk(browser.cookies.has(SESSION_COOKIE), 'no session for an unknown identity')
    const setCookie = String(acs.headers['set-cookie'])
    t.match(setCookie, new RegExp(`${REGISTRATION_COOKIE}=[^;]+`))
    t.match(setCookie, /HttpOnly/i)
    t.match(setCookie, /Max-Age=900/i)
    t.match(setCookie, /Path=\/register\/virtu/i)

    const form = await browser.follow()
    t.equal(form.statusCode, 200)
    t.match(form.body, 'value="Uusi Käyttäjä"', 'the name from the assertion is prefilled')
    t.match(form.body, 'value="uusi.kayttaja@poliisi.fi"', 'the e-mail from the assertion is prefilled')
    t.match(form.body, `<option value="${teamId}"`, 'teams to choose from')
    t.match(form.body, /<label[^>]*for="field-teamId"/)
    t.notMatch(form.body, 'name="password"', 'no password')
    t.notMatch(form.body, 'name="phone"', 'no phone')

    const invalid = await browser.post('/register/virtu', { name: 'Uusi Käyttäjä', email: 'uusi.kayttaja@poliisi.fi', profession: 'police' })
    t.equal(invalid.statusCode, 400, 'a missing team is an error')
    t.match(invalid.body, 'class="error-summary"')
    t.match(invalid.body, 'href="#field-teamId"')

    const registrationsBefore = await countAudit(db, 'registration')
    const done = await browser.post('/register/virtu', {
      name: 'Uusi Käyttäjä',
      email: 'uusi.kayttaja@poliisi.fi',
      teamId,
      profession: 'social_work',
      // the identity comes from the assertion only: whatever the form says is ignored
      localId: 'forged-id',
      virtu_local_id: 'forged-id',
      homeOrganization: 'forged.example',
    })
    t.equal(done.statusCode, 200)
    t.notOk(browser.cookies.has(SESSION_COOKIE), 'registering does not log in')
    t.notOk(browser.cookies.has(REGISTRATION_COOKIE), 'the identity cookie is cleared')

    const user = await db.selectFrom('users').selectAll().where('virtu_local_id', '=', localId).executeTakeFirstOrThrow()
    t.equal(user.status, 'pending')
    t.equal(user.login_method, 'virtu')
    t.equal(user.virtu_home_organization, 'sisainen.fi')
    t.equal(user.team_id, teamId)
    t.equal(user.profession, 'social_work')
    t.equal(user.role, 'expert')
    t.equal(user.email, 'uusi.kayttaja@poliisi.fi')
    t.equal(user.phone, null)
    t.equal(user.password_hash, null)
    t.notOk(await db.selectFrom('users').select('id').where('virtu_local_id', '=', 'forged-id').executeTakeFirst())
    t.equal(await countAudit(db, 'registration'), registrationsBefore + 1)
    await assertNoSession(t, browser)

    // Logging in again with the same identity now meets the pending account, not the form.
    const again = new TestBrowser(app)
    const secondRequest = await issueAuthnRequest(again)
    const second = await postToAcs(again, buildSamlResponse({ inResponseTo: secondRequest, attributes: virtuAttributes(identity) }))
    t.equal(second.statusCode, 403)
    await assertNoSession(t, again)
  })

  await t.test('the registration form needs a genuine, fresh identity cookie', async (t) => {
    const teamId = await createTeam(db)
    const form = { name: 'Keksi Väärentäjä', email: 'keksi@example.fi', teamId, profession: 'police' }

    const noCookie = new TestBrowser(app)
    t.equal((await noCookie.get('/register/virtu')).statusCode, 400)

    // Hand-made identity cookies without the server's signature: bare, and with a made-up one.
    const forged = JSON.stringify({ identity: { localId: 'forged', homeOrganization: 'forged.example' }, expiresAt: clock.now().getTime() + 10 * MINUTE })
    for (const value of [forged, `${forged}.bm90LWEtc2lnbmF0dXJl`]) {
      const forger = new TestBrowser(app)
      await forger.get('/login') // a CSRF token for the POST
      forger.cookies.set(REGISTRATION_COOKIE, encodeURIComponent(value))
      t.equal((await forger.get('/register/virtu')).statusCode, 400, 'the form does not open')
      const forgedPost = await forger.post('/register/virtu', form)
      t.equal(forgedPost.statusCode, 400, 'the form cannot be sent')
    }
    t.notOk(await db.selectFrom('users').select('id').where('virtu_local_id', '=', 'forged').executeTakeFirst())

    // A genuine cookie that has outlived its 15 minutes.
    const late = new TestBrowser(app)
    const requestId = await issueAuthnRequest(late)
    const localId = `late-${randomUUID()}`
    await postToAcs(late, buildSamlResponse({ inResponseTo: requestId, attributes: virtuAttributes({ localId, homeOrganization: HOME_ORG }) }))
    t.ok(late.cookies.has(REGISTRATION_COOKIE))
    t.equal((await late.get('/register/virtu')).statusCode, 200, 'fresh, the form opens')
    clock.advance(16 * MINUTE)
    t.equal((await late.get('/register/virtu')).statusCode, 400, 'after 15 minutes it does not')
    const latePost = await late.post('/register/virtu', form)
    t.equal(latePost.statusCode, 400)
    t.notOk(await db.selectFrom('users').select('id').where('virtu_local_id', '=', localId).executeTakeFirst())
  })

  await t.test('an SMS user is not affected: the identity lookup is by VIRTU identity only', async (t) => {
    const smsUser = await createUser(db)
    const browser = new TestBrowser(app)
    const requestId = await issueAuthnRequest(browser)
    const response = await postToAcs(
      browser,
      buildSamlResponse({ inResponseTo: requestId, attributes: virtuAttributes({ localId: smsUser.id, homeOrganization: HOME_ORG, email: smsUser.email }) }),
    )
    t.equal(response.statusCode, 303)
    t.equal(response.headers.location, '/register/virtu', 'an unknown identity, even with a known e-mail')
    t.notOk(browser.cookies.has(SESSION_COOKIE))
  })
})

t.test('with an SP key, AuthnRequests are signed and the metadata carries the certificate', async (t) => {
  const { app } = await buildTestApp(t, { env: { ...VIRTU_TEST_ENV, VIRTU_SP_PRIVATE_KEY: SP_KEY, VIRTU_SP_CERT: SP_CERT } })
  const response = await app.inject({ method: 'GET', url: '/auth/virtu/login' })
  const url = new URL(String(response.headers.location))
  const signature = url.searchParams.get('Signature')
  const sigAlg = url.searchParams.get('SigAlg')
  t.equal(sigAlg, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')
  t.ok(signature, 'signed')
  // HTTP-Redirect binding: the signature covers SAMLRequest=…&SigAlg=… as sent.
  const signed = new URLSearchParams({ SAMLRequest: url.searchParams.get('SAMLRequest') ?? '', SigAlg: sigAlg ?? '' }).toString()
  const verifier = createVerify('RSA-SHA256').update(signed)
  t.ok(verifier.verify(SP_CERT, signature ?? '', 'base64'), 'the signature verifies with the SP certificate')

  const metadata = await app.inject({ method: 'GET', url: '/auth/virtu/metadata' })
  const certBody = SP_CERT.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
  t.match(metadata.body.replace(/\s+/g, ''), certBody, 'the SP certificate is in the metadata')
})

t.test('an answer to a login started in another browser is refused (no login CSRF)', async (t) => {
  const { app } = await buildTestApp(t, { env: VIRTU_TEST_ENV })
  const attacker = await createVirtuUser(app.db)
  // The attacker starts a login and keeps the IdP's valid answer instead of posting it...
  const attackerBrowser = new TestBrowser(app)
  const requestId = await issueAuthnRequest(attackerBrowser)
  const samlResponse = buildSamlResponse({ inResponseTo: requestId, attributes: virtuAttributes(attacker) })
  // ...then makes a victim's browser post it.
  const victim = new TestBrowser(app)
  const refused = await postToAcs(victim, samlResponse)
  t.equal(refused.statusCode, 401)
  await assertNoSession(t, victim)
  // A victim who has started a login of their own is not fooled either.
  await issueAuthnRequest(victim)
  t.equal((await postToAcs(victim, samlResponse)).statusCode, 401)
  await assertNoSession(t, victim)
  // Shown elsewhere, the answer is spent: not even the browser that started the login can use it now.
  t.equal((await postToAcs(attackerBrowser, samlResponse)).statusCode, 401)
  await assertNoSession(t, attackerBrowser)
})
