// The administrators' integrity page, the server's sealing and checkpoint timers, and the keys:
// required in production, kept in a file between starts in development.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import type { Actor } from '../../src/features/auth/session.service.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { checkpointSignatureValid, makeCheckpoint, parseCheckpointFile } from '../../src/features/integrity/checkpoint.service.js'
import { integrityKeys } from '../../src/features/integrity/keys.js'
import { startIntegrityTimers } from '../../src/features/integrity/scheduler.js'
import { buildTestApp, testConfig, TEST_PRODUCTION_SERVICE_ENV } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { verifyApp } from '../fixtures/integrity.js'

t.test('an administrator sees the public key, makes a checkpoint and downloads it; no one else can', async (t) => {
  const test = await buildTestApp(t)
  const keys = integrityKeys(test.config)
  const expert = await loginAs(test.app, test.sms, await createUser(test.app.db))
  t.equal((await expert.get('/admin/integrity')).statusCode, 403)
  t.equal((await expert.get('/admin/integrity/checkpoint.json')).statusCode, 403)
  await expert.get('/forms/new/meeting')
  t.equal((await expert.post('/admin/integrity/checkpoint')).statusCode, 403)
  t.equal(await test.app.db.selectFrom('integrity_checkpoints').select('id').executeTakeFirst(), undefined)

  const admin = await createUser(test.app.db, { role: 'admin' })
  const browser = await loginAs(test.app, test.sms, admin)
  t.match((await browser.get('/admin')).body, 'href="/admin/integrity"')
  const empty = await browser.get('/admin/integrity')
  t.equal(empty.statusCode, 200)
  t.match(empty.body, 'No checkpoint has been made yet.')
  t.match(empty.body, keys.keyId)
  t.match(empty.body, keys.publicKeyPem.split('\n')[1]!.replace(/=/g, '&#x3D;'), 'the public key, escaped as HTML')
  t.equal((await browser.get('/admin/integrity/checkpoint.json')).statusCode, 404)

  const user = await createUser(test.app.db)
  const actor: Actor = { userId: user.id, sessionId: 's', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  await submitMeetingForm(test.deps, actor, validAnswers(), newKey())
  const made = await browser.post('/admin/integrity/checkpoint')
  t.equal(made.statusCode, 303)
  t.equal(made.headers.location, '/admin/integrity?done=made')
  const page = await browser.get('/admin/integrity?done=made')
  t.match(page.body, 'A new checkpoint was made and signed.')
  t.match(page.body, 'by an administrator')
  const stored = await test.app.db.selectFrom('integrity_checkpoints').selectAll().executeTakeFirstOrThrow()
  t.match(stored, { tree_size: '1', reason: 'administrator', made_by: admin.id, key_id: keys.keyId })
  t.match(page.body, stored.root_hash)

  const download = await browser.get('/admin/integrity/checkpoint.json')
  t.equal(download.statusCode, 200)
  t.match(download.headers['content-type'], 'application/json')
  const file = JSON.parse(download.body) as Record<string, unknown>
  t.match(file, { format: 'anchor-integrity-checkpoint/v1', treeSize: 1, rootHash: stored.root_hash, publicKey: keys.publicKeyPem, keyId: keys.keyId })
  const kept = parseCheckpointFile(download.body)
  t.ok(checkpointSignatureValid(keys, kept, kept.signature), 'the file verifies with the public key')

  const finnish = await browser.get('/admin/integrity', { 'accept-language': 'fi' })
  t.match(finnish.body, 'Lataa viimeisin tarkistuspiste (JSON)')
})

t.test('the server seals queued records within the interval and makes a checkpoint at start when the last is a day old', async (t) => {
  const test = await buildTestApp(t, { env: { INTEGRITY_SEAL_INTERVAL_MS: '200' } })
  const log = { info: () => undefined, error: (object: object) => t.fail(`integrity timer failed: ${JSON.stringify(object)}`) }
  const user = await createUser(test.app.db)
  const actor: Actor = { userId: user.id, sessionId: 's', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }

  const timers = await startIntegrityTimers(test.deps, log)
  const atStart = await test.app.db.selectFrom('integrity_checkpoints').selectAll().execute()
  t.match(atStart, [{ reason: 'start', tree_size: '0' }], 'no checkpoint yet: one at start')
  const id = (await submitMeetingForm(test.deps, actor, validAnswers(), newKey())).id
  const deadline = Date.now() + 5000
  let link
  while (!link && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    link = await test.app.db.selectFrom('integrity_chain').select('seal_seq').where('record_id', '=', id).executeTakeFirst()
  }
  await timers.stop()
  t.ok(link?.seal_seq, 'sealed by the timer, without anyone asking')
  t.match(await verifyApp(test.app, { seal: false }), { ok: true, linksChecked: 1, checkpointsChecked: 1 })

  // a restart soon after makes none; a restart a day later makes one
  await (await startIntegrityTimers(test.deps, log)).stop()
  t.equal((await test.app.db.selectFrom('integrity_checkpoints').select('id').execute()).length, 1)
  test.clock.advance(24 * 3600_000 + 1000)
  await (await startIntegrityTimers(test.deps, log)).stop()
  const after = await test.app.db.selectFrom('integrity_checkpoints').select(['reason', 'tree_size']).orderBy('id').execute()
  t.same(after.map((c) => [c.reason, c.tree_size]), [['start', '0'], ['start', '1']])
})

t.test('production requires strong integrity keys; development keeps its keys in a file between starts', async (t) => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/anchor',
    PUBLIC_URL: 'https://ankkuri.example.fi',
    SMS_LOGIN_ENABLED: 'false',
    SESSION_SECRET: '0123456789abcdef0123456789abcdef01234567',
    ...TEST_PRODUCTION_SERVICE_ENV,
  }
  const missing = t.throws(() => loadConfig(production)) as Error
  t.match(missing.message, 'INTEGRITY_HMAC_KEY is required')
  t.match(missing.message, 'INTEGRITY_SIGNING_KEY is required')
  const good = testConfig()
  const signing = good.integrity.signingKeyPem!
  const hmac = good.integrity.hmacKey!.toString('base64')
  t.throws(() => loadConfig({ ...production, INTEGRITY_HMAC_KEY: 'a'.repeat(64), INTEGRITY_SIGNING_KEY: signing }), /INTEGRITY_HMAC_KEY must be at least 32 random bytes/)
  t.throws(() => loadConfig({ ...production, INTEGRITY_HMAC_KEY: Buffer.alloc(16, 7).toString('hex'), INTEGRITY_SIGNING_KEY: signing }), /INTEGRITY_HMAC_KEY must/)
  t.throws(() => loadConfig({ ...production, INTEGRITY_HMAC_KEY: hmac, INTEGRITY_SIGNING_KEY: 'not a key' }), /INTEGRITY_SIGNING_KEY must be an Ed25519 private key/)
  const config = loadConfig({ ...production, INTEGRITY_HMAC_KEY: hmac, INTEGRITY_SIGNING_KEY: signing })
  t.same(integrityKeys(config).hmacKey, good.integrity.hmacKey)

  const dir = mkdtempSync(join(tmpdir(), 'anchor-keys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'data', 'integrity-keys.json')
  const first = integrityKeys(loadConfig({ INTEGRITY_KEY_FILE: file }))
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by the service\'s user only')
  const again = integrityKeys(loadConfig({ INTEGRITY_KEY_FILE: file }))
  t.equal(again.keyId, first.keyId, 'the same signing key after a restart')
  t.same(again.hmacKey, first.hmacKey, 'the same HMAC key after a restart')
  t.notMatch(readFileSync(file, 'utf8'), /undefined/)
})

t.test('a checkpoint made by an instance started with other keys fails verification', async (t) => {
  const test = await buildTestApp(t)
  const dir = mkdtempSync(join(tmpdir(), 'anchor-keys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const otherKeys = integrityKeys(loadConfig({ NODE_ENV: 'test', INTEGRITY_KEY_FILE: join(dir, 'keys.json') }))
  await makeCheckpoint(test.app.db, otherKeys, test.clock, 'daily')
  t.match((await verifyApp(test.app)).problem, { kind: 'checkpoint_signature_invalid' })
})
