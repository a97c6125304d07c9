// Settings: safe defaults for development, and production refuses to start without real ones.
import t from 'tap'
import { ConfigError, loadConfig, serviceUrl } from '../../src/config.js'
import { createSmsSender } from '../../src/integrations/sms/index.js'
import { TEST_INTEGRITY_ENV, TEST_PRODUCTION_SERVICE_ENV } from '../fixtures/app.js'

/** A complete production configuration with SMS login off (so no Twilio settings are needed). */
const PRODUCTION_WITHOUT_SMS = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/anchor',
  PUBLIC_URL: 'https://ankkuri.example.fi',
  SESSION_SECRET: 's'.repeat(40),
  SMS_LOGIN_ENABLED: 'false',
  ...TEST_INTEGRITY_ENV,
  ...TEST_PRODUCTION_SERVICE_ENV,
}

t.test('development needs no settings', async (t) => {
  const config = loadConfig({})
  t.equal(config.env, 'development')
  t.equal(config.port, 3000)
  t.equal(config.databaseUrl, undefined)
  t.equal(config.pgliteDir, 'data/pglite')
  t.ok(config.sessionSecret.length >= 32)
  t.equal(config.secureCookies, false)
  t.equal(config.disclosureThreshold, 5)
  t.equal(config.virtu, undefined)
  t.ok(Object.isFrozen(config))
})

t.test('production names every missing setting in one message', async (t) => {
  const error = t.throws(() => loadConfig({ NODE_ENV: 'production' })) as ConfigError
  t.ok(error instanceof ConfigError)
  for (const name of ['SESSION_SECRET', 'DATABASE_URL', 'PUBLIC_URL', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'INTEGRITY_HMAC_KEY', 'INTEGRITY_SIGNING_KEY', 'SMTP_HOST', 'MAIL_FROM', 'OPERATOR_NAME', 'OPERATOR_ADDRESS', 'OPERATOR_EMAIL', 'PRIVACY_EMAIL', 'ACCESSIBILITY_EMAIL']) {
    t.match(error.message, name)
  }
})

t.test('production refuses weak secrets, the outbox file and half-configured VIRTU', async (t) => {
  const base = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/anchor',
    PUBLIC_URL: 'https://ankkuri.example.fi',
    TWILIO_ACCOUNT_SID: 'AC123',
    TWILIO_AUTH_TOKEN: 'token',
    TWILIO_FROM: '+358400000000',
    SESSION_SECRET: 'a'.repeat(20),
    ...TEST_INTEGRITY_ENV,
    ...TEST_PRODUCTION_SERVICE_ENV,
  }
  t.throws(() => loadConfig(base), /SESSION_SECRET must be at least 32/)
  t.throws(() => loadConfig({ ...base, SESSION_SECRET: 'change-me-change-me-change-me-change-me' }), /not an example value/)
  const good = { ...base, SESSION_SECRET: '0123456789abcdef0123456789abcdef01234567' }
  const config = loadConfig(good)
  t.equal(config.secureCookies, true)
  t.same(config.sms.twilio, { accountSid: 'AC123', authToken: 'token', from: '+358400000000' })
  t.throws(() => loadConfig({ ...good, SMS_OUTBOX_FILE: '/tmp/x' }), /SMS_OUTBOX_FILE/)
  t.throws(() => loadConfig({ ...good, EMAIL_OUTBOX_FILE: '/tmp/x' }), /EMAIL_OUTBOX_FILE/)
  t.throws(() => loadConfig({ ...good, SMTP_USER: 'mailer' }), /SMTP_PASSWORD is required/)
  t.same(config.email.smtp, { host: 'smtp.example.invalid', port: 587, secure: false, user: undefined, password: undefined, from: 'Ankkuri-tilastot <noreply@example.invalid>' })
  t.equal(config.operator.isExample, false)
  t.equal(config.operator.name, 'Test operator')
  const virtu = t.throws(() => loadConfig({ ...good, VIRTU_ENABLED: 'true' })) as Error
  for (const name of ['VIRTU_IDP_SSO_URL', 'VIRTU_IDP_CERT', 'VIRTU_IDP_ENTITY_ID', 'VIRTU_SP_ENTITY_ID', 'VIRTU_SP_PRIVATE_KEY']) t.match(virtu.message, name)
  t.doesNotThrow(() => loadConfig({ ...good, SMS_LOGIN_ENABLED: 'false', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', TWILIO_FROM: '' }))
})

t.test('bad values are reported, not ignored', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ DISCLOSURE_THRESHOLD: '1' }), /DISCLOSURE_THRESHOLD/)
  t.throws(() => loadConfig({ NODE_ENV: 'staging' }), /NODE_ENV/)
})

t.test('TRUST_PROXY takes a hop count or proxy addresses, never a blanket true', async (t) => {
  t.equal(loadConfig({}).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1'])
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /TRUST_PROXY/)
})

t.test('HTTP timeouts and export limits have safe defaults and refuse nonsense', async (t) => {
  const config = loadConfig({})
  t.same(config.http, { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, connectionTimeoutMs: 120_000 }, 'no timeout is left at 0 (never)')
  t.same(config.exports, { maxConcurrent: 4, maxPerUser: 2 })
  t.throws(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' }), /HTTP_REQUEST_TIMEOUT_MS/, '0 would mean no timeout at all')
  t.throws(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' }), /HTTP_HEADERS_TIMEOUT_MS must not be longer/)
  t.throws(() => loadConfig({ EXPORTS_MAX_PER_USER: '5', EXPORTS_MAX_CONCURRENT: '2' }), /EXPORTS_MAX_PER_USER/)
  t.equal(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '2000' }).http.requestTimeoutMs, 5000)
})

t.test('VIRTU needs the IdP entity id', async (t) => {
  const virtu = { VIRTU_ENABLED: 'true', VIRTU_IDP_SSO_URL: 'https://idp.example/sso', VIRTU_IDP_CERT: 'MIIB', VIRTU_SP_ENTITY_ID: 'https://sp.example' }
  t.throws(() => loadConfig(virtu), /VIRTU_IDP_ENTITY_ID is required/)
  t.equal(loadConfig({ ...virtu, VIRTU_IDP_ENTITY_ID: 'https://idp.example' }).virtu?.idpEntityId, 'https://idp.example')
})

t.test('SETUP_TOKEN: a fresh random set-up secret outside production, none in production unless set, never a weak one', async (t) => {
  const a = loadConfig({})
  const b = loadConfig({})
  t.ok(a.setupToken && a.setupToken.length >= 32)
  t.not(a.setupToken, b.setupToken, 'a new secret at each start')
  const production = PRODUCTION_WITHOUT_SMS
  t.equal(loadConfig(production).setupToken, undefined)
  t.equal(loadConfig({ ...production, SETUP_TOKEN: 'x'.repeat(30) }).setupToken, 'x'.repeat(30))
  t.throws(() => loadConfig({ ...production, SETUP_TOKEN: 'short' }), /SETUP_TOKEN must be at least 24/)
  t.throws(() => loadConfig({ SETUP_TOKEN: 'change-me-change-me-change-me' }), /SETUP_TOKEN/)
})

t.test('the service address: PUBLIC_URL, or the host and the port really listened on', async (t) => {
  t.equal(serviceUrl(loadConfig({ PORT: '4123' })), 'http://localhost:4123')
  t.equal(serviceUrl(loadConfig({ PORT: '0' }), 41234), 'http://localhost:41234', 'PORT=0: the port the system chose')
  t.equal(serviceUrl(loadConfig({ HOST: '0.0.0.0', PORT: '3000' })), 'http://localhost:3000')
  t.equal(serviceUrl(loadConfig({ HOST: '192.168.1.20', PORT: '3000' })), 'http://192.168.1.20:3000')
  t.equal(serviceUrl(loadConfig({ PUBLIC_URL: 'https://ankkuri.example.fi/', PORT: '3000' }), 5555), 'https://ankkuri.example.fi')
})

t.test('outside production the operator details are marked examples and e-mail goes to the console', async (t) => {
  const config = loadConfig({})
  t.equal(config.operator.isExample, true)
  t.match(config.operator.name, 'OPERATOR_NAME')
  t.equal(config.email.smtp, undefined)
  t.equal(config.passwordResetLifetimeMs, 30 * 60_000)
  t.throws(() => loadConfig({ PASSWORD_RESET_MINUTES: '600' }), /PASSWORD_RESET_MINUTES/)
})

t.test('PUBLIC_URL is an absolute http(s) address, and https in production except on localhost', async (t) => {
  const production = PRODUCTION_WITHOUT_SMS
  t.equal(loadConfig({ ...production, PUBLIC_URL: 'https://ankkuri.example.fi' }).publicUrl, 'https://ankkuri.example.fi')
  t.equal(loadConfig({ ...production, PUBLIC_URL: 'http://localhost:3000' }).publicUrl, 'http://localhost:3000', 'a local trial')
  t.throws(() => loadConfig({ ...production, PUBLIC_URL: 'http://ankkuri.example.fi' }), /PUBLIC_URL must start with https:\/\//, 'plain http in production')
  for (const bad of ['javascript:alert(1)//', 'ankkuri.example.fi', 'https://ankkuri.example.fi/?x=1', 'https://user:pw@ankkuri.example.fi']) {
    t.throws(() => loadConfig({ PUBLIC_URL: bad }), /PUBLIC_URL must be/, bad)
  }
  t.equal(loadConfig({ PUBLIC_URL: 'http://anchor.test' }).publicUrl, 'http://anchor.test', 'plain http outside production')
})

t.test('in production without Twilio (SMS login off) no text message goes to the console: sending fails', async (t) => {
  const production = PRODUCTION_WITHOUT_SMS
  const sender = createSmsSender(loadConfig(production))
  t.notMatch(sender.name, /console/i)
  await t.rejects(sender.send({ to: '+358401234567', body: 'Koodi 123456' }), /no SMS gateway/)
  t.match(createSmsSender(loadConfig({})).name, /.+/, 'outside production the development sender')
})
