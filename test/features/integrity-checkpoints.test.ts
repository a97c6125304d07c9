// Tamper evidence, continued: forged and kept checkpoints, the maximum seal delay, the queue's
// rules, and sealers racing. The owner here has every right in the
// database (triggers off) but not the service's keys.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import t from 'tap'
import type { Actor } from '../../src/features/auth/session.service.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { connectDatabase } from '../../src/db/connect.js'
import { contentHashOf, leafData, nextChainHash, sealHashOf } from '../../src/features/integrity/chain.js'
import { checkpointMessage, checkpointSignatureValid, makeCheckpoint, parseCheckpointFile } from '../../src/features/integrity/checkpoint.service.js'
import { integrityKeys } from '../../src/features/integrity/keys.js'
import { merkleRoot } from '../../src/features/integrity/merkle.js'
import { recordSources } from '../../src/features/integrity/record-sources.js'
import { sealPending } from '../../src/features/integrity/sealer.service.js'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { verifyApp } from '../fixtures/integrity.js'

type Teardown = Parameters<typeof buildTestApp>[0]

async function expert(test: TestApp): Promise<Actor> {
  const user = await createUser(test.app.db)
  return { userId: user.id, sessionId: 's', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
}

/** Files `count` forms; with `sealEach`, each is sealed on its own (as when forms arrive seconds apart). */
async function fileForms(test: TestApp, actor: Actor, count: number, sealEach: boolean): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    test.clock.advance(1000)
    ids.push((await submitMeetingForm(test.deps, actor, validAnswers({ age: 10 + i }), newKey())).id)
    if (sealEach) await sealPending(test.app.db, integrityKeys(test.config), test.clock)
  }
  return ids
}

const CHAINED = ['meeting_forms', 'integrity_chain', 'integrity_seals', 'integrity_checkpoints', 'integrity_pending']

/** Runs SQL as the owner with every trigger of the chained tables off, as a superuser could. */
async function asOwner(test: TestApp, statement: string): Promise<void> {
  await test.database.handle.runScript(`
    ${CHAINED.map((table) => `ALTER TABLE ${table} DISABLE TRIGGER USER;`).join('\n')}
    ${statement};
    ${CHAINED.map((table) => `ALTER TABLE ${table} ENABLE TRIGGER USER;`).join('\n')}`)
}

/** The newest record and everything the chain holds about it: its link, and its seal when the seal held only it. */
async function deleteNewestRecord(test: TestApp): Promise<string> {
  const newest = await test.app.db.selectFrom('integrity_chain').select(['record_id', 'seal_seq']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()
  await asOwner(
    test,
    `DELETE FROM integrity_chain WHERE record_id = '${newest.record_id}';
     DELETE FROM meeting_forms WHERE id = '${newest.record_id}';
     DELETE FROM integrity_seals s WHERE seal_seq = ${newest.seal_seq} AND NOT EXISTS (SELECT 1 FROM integrity_chain c WHERE c.seal_seq = s.seal_seq)`,
  )
  return newest.record_id
}

async function world(t: Teardown, count: number, sealEach = true) {
  const test = await buildTestApp(t)
  const actor = await expert(test)
  const ids = await fileForms(test, actor, count, sealEach)
  return { test, actor, ids, keys: integrityKeys(test.config) }
}

t.test('a forged or altered checkpoint is caught by its signature', async (t) => {
  const { test, keys } = await world(t, 2)
  const real = await makeCheckpoint(test.app.db, keys, test.clock, 'daily')
  t.match(await verifyApp(test.app), { ok: true, checkpointsChecked: 1 })

  // signed with the owner's own key
  const forger = generateKeyPairSync('ed25519').privateKey
  const forged = { treeSize: 1, rootHash: 'a'.repeat(64), madeAt: test.clock.now() }
  const signature = sign(null, checkpointMessage(forged), forger).toString('base64')
  await asOwner(test, `INSERT INTO integrity_checkpoints (tree_size, root_hash, made_at, key_id, signature, reason)
    VALUES (1, '${forged.rootHash}', '${forged.madeAt.toISOString()}', '${keys.keyId}', '${signature}', 'daily')`)
  t.match((await verifyApp(test.app)).problem, { kind: 'checkpoint_signature_invalid' })
  await asOwner(test, `DELETE FROM integrity_checkpoints WHERE id <> ${real.id}`)
  t.equal((await verifyApp(test.app)).ok, true)

  // the real checkpoint moved back to a smaller tree: its signature no longer covers it
  const first = await test.app.db.selectFrom('integrity_seals').select('seal_hash').where('seal_seq', '=', '1').executeTakeFirstOrThrow()
  await asOwner(test, `UPDATE integrity_checkpoints SET tree_size = 1, root_hash = '${first.seal_hash}' WHERE id = ${real.id}`)
  t.match((await verifyApp(test.app)).problem, { kind: 'checkpoint_signature_invalid' })
})

t.test('a checkpoint kept outside catches a rollback that removed the newest stored checkpoints too', async (t) => {
  const { test, actor, keys } = await world(t, 2)
  await makeCheckpoint(test.app.db, keys, test.clock, 'daily')
  await fileForms(test, actor, 2, true)
  const newer = await makeCheckpoint(test.app.db, keys, test.clock, 'administrator')

  // the administrator downloads the newest checkpoint and keeps it elsewhere
  const admin = await createUser(test.app.db, { role: 'admin' })
  const browser = await loginAs(test.app, test.sms, admin)
  const download = await browser.get('/admin/integrity/checkpoint.json')
  t.equal(download.statusCode, 200)
  t.match(download.headers['content-disposition'], /^attachment; filename="anchor-checkpoint-\d{8}T\d{6}Z-4\.json"$/)
  const kept = parseCheckpointFile(download.body)
  t.match(kept, { treeSize: 4, rootHash: newer.rootHash, fileKeyId: keys.keyId })
  t.ok(checkpointSignatureValid(keys, kept, kept.signature))

  // the owner rolls back: the two newest records with their links, seals and the newer checkpoint
  await deleteNewestRecord(test)
  await deleteNewestRecord(test)
  await asOwner(test, `DELETE FROM integrity_checkpoints WHERE id = ${newer.id}`)
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 2 }, 'what the database holds is consistent again')
  const report = await verifyApp(test.app, { kept })
  t.equal(report.ok, false)
  t.match(report.problem, { kind: 'checkpoint_not_reproduced', treeSize: 4 })

  // a kept file whose content was edited no longer verifies
  const edited = parseCheckpointFile(download.body.replace('"treeSize": 4', '"treeSize": 2'))
  t.match((await verifyApp(test.app, { kept: edited })).problem, { kind: 'checkpoint_signature_invalid' })
})

t.test('records not under a seal after the maximum seal delay are reported', async (t) => {
  const { test, ids } = await world(t, 2, false)
  t.match(await verifyApp(test.app, { seal: false }), { ok: true, linksChecked: 0 }, 'within the delay, queued records are fine')
  test.clock.advance(test.config.integrity.maxSealDelayMs + 1000)
  const late = await verifyApp(test.app, { seal: false })
  t.equal(late.ok, false)
  t.same(late.problem, { kind: 'record_unsealed', recordKind: 'meeting_form', recordId: ids[0] })
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 2 }, 'sealed, they are fine')
})

t.test('a record whose queue entry was removed is reported as never linked', async (t) => {
  const { test, ids } = await world(t, 1, false)
  await asOwner(test, `DELETE FROM integrity_pending WHERE record_id = '${ids[0]}'`)
  t.same((await verifyApp(test.app)).problem, { kind: 'record_unlinked', recordKind: 'meeting_form', recordId: ids[0] })
})

t.test('the application role cannot take a record out of the queue before it is sealed, nor change seals or checkpoints', async (t) => {
  const { test, ids } = await world(t, 1, false)
  await t.rejects(test.app.db.deleteFrom('integrity_pending').where('record_id', '=', ids[0]!).execute(), /leaves the queue only when it is sealed/)
  await t.rejects(test.app.db.updateTable('integrity_pending').set({ content_hash: 'b'.repeat(64) }).execute())
  await makeCheckpoint(test.app.db, integrityKeys(test.config), test.clock, 'daily')
  await t.rejects(test.app.db.updateTable('integrity_seals').set({ seal_hash: 'c'.repeat(64) }).execute())
  await t.rejects(test.app.db.deleteFrom('integrity_seals').execute())
  await t.rejects(test.app.db.deleteFrom('integrity_checkpoints').execute())
})

t.test('sealers racing on separate connections seal each record exactly once', async (t) => {
  const test = await buildTestApp(t)
  const actor = await expert(test)
  const keys = integrityKeys(test.config)
  // on PostgreSQL a second instance's connection pool; PGlite has one connection, shared
  const other = test.database.url ? await connectDatabase({ databaseUrl: test.database.url, onPoolError: () => undefined }) : undefined
  if (other) t.teardown(() => other.close())
  const dbs = [test.app.db, other?.db ?? test.app.db]
  let filing = true
  const sealers = [0, 1, 2, 3].map(async (i) => {
    let seals = 0
    while (filing) {
      seals += (await sealPending(dbs[i % 2]!, keys, test.clock)).seals
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    return seals
  })
  // six at a time: the pool's ten connections are shared with the sealers
  for (let round = 0; round < 20; round++) {
    await Promise.all(Array.from({ length: 6 }, (_, i) => submitMeetingForm(test.deps, actor, validAnswers({ age: 10 + ((round + i) % 15) }), newKey())))
  }
  filing = false
  await Promise.all(sealers)
  const report = await verifyApp(test.app)
  t.match(report, { ok: true, linksChecked: 120 })
  const links = await test.app.db.selectFrom('integrity_chain').select(['record_id', 'seal_seq']).execute()
  t.equal(links.length, 120)
  t.equal(new Set(links.map((l) => l.record_id)).size, 120, 'no record sealed twice')
  t.ok(report.sealsChecked >= 1)
})
