// Tamper evidence the database's owner cannot forge: keyed seals, signed checkpoints (stored and
// kept outside), the maximum seal delay, and sealers racing. The owner here has every right in the
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

t.test('deleting the newest record with its chain data is caught by the signed checkpoint', async (t) => {
  const { test, keys } = await world(t, 3)
  await makeCheckpoint(test.app.db, keys, test.clock, 'daily')
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 3, sealsChecked: 3, checkpointsChecked: 1 })

  await deleteNewestRecord(test)
  const report = await verifyApp(test.app)
  t.equal(report.ok, false)
  t.match(report.problem, { kind: 'checkpoint_not_reproduced', treeSize: 3 })
  t.equal(report.linksChecked, 2, 'the chain before it is intact')
})

t.test('deleting a sealed record and its link from a seal that held more is caught without any checkpoint', async (t) => {
  const { test, ids } = await world(t, 3, false)
  t.match(await verifyApp(test.app), { ok: true, sealsChecked: 1 })
  await asOwner(test, `DELETE FROM integrity_chain WHERE record_id = '${ids[2]}'; DELETE FROM meeting_forms WHERE id = '${ids[2]}'`)
  t.same((await verifyApp(test.app)).problem, { kind: 'link_missing', seq: 3 })
})

t.test('a changed form with every later link recomputed by the service\'s own functions, without the key, is caught', async (t) => {
  const { test, ids } = await world(t, 4)
  t.match(await verifyApp(test.app), { ok: true, sealsChecked: 4 })
  await asOwner(test, `UPDATE meeting_forms SET gender = 'girl' WHERE id = '${ids[1]}'`)

  // Recompute what the chain holds from the changed form on, exactly as the service would, with
  // the one thing the owner lacks, the HMAC key, replaced by a guess.
  const guessedKey = randomBytes(32)
  const content = (await recordSources[0]!.load(test.app.db, [ids[1]!])).get(ids[1]!)!
  await asOwner(test, `UPDATE integrity_chain SET content_hash = '${contentHashOf(content)}' WHERE record_id = '${ids[1]}'`)
  const links = await test.app.db.selectFrom('integrity_chain').selectAll().orderBy('seq').execute()
  const seals = await test.app.db.selectFrom('integrity_seals').selectAll().orderBy('seal_seq').execute()
  let previousHash = seals[0]!.seal_hash
  const updates: string[] = []
  for (const seal of seals.slice(1)) {
    const own = links.filter((l) => l.seal_seq === seal.seal_seq)
    const root = merkleRoot(own.map((l) => leafData({ seq: Number(l.seq), recordKind: l.record_kind, recordId: l.record_id, contentHash: l.content_hash })))
    const fields = { sealSeq: Number(seal.seal_seq), firstLeaf: Number(seal.first_leaf), leafCount: seal.leaf_count, merkleRoot: root, previousHash, sealedAt: seal.sealed_at }
    previousHash = sealHashOf(guessedKey, fields)
    updates.push(`UPDATE integrity_seals SET merkle_root = '${root}', previous_hash = '${fields.previousHash}', seal_hash = '${previousHash}' WHERE seal_seq = ${seal.seal_seq}`)
  }
  await asOwner(test, updates.join(';\n'))
  const report = await verifyApp(test.app)
  t.same(report.problem, { kind: 'seal_invalid', sealSeq: 2 })
  t.equal(report.linksChecked, 1, 'the link before the forged seal is intact')
})

t.test('links chained before sealing still verify, are anchored by the first seal, and a rewrite of them is caught', async (t) => {
  const { test, ids } = await world(t, 3, false)
  // Make these three the links an older version wrote: plain SHA-256, no seal.
  const pending = await test.app.db.selectFrom('integrity_pending').selectAll().orderBy('filed_at').execute()
  let previous = '0'.repeat(64)
  const rows = pending.map((p, i) => {
    previous = nextChainHash(previous, p.content_hash)
    return `(${i + 1}, '${p.record_kind}', '${p.record_id}', '${p.content_hash}', '${previous}', '${p.filed_at.toISOString()}')`
  })
  await asOwner(test, `INSERT INTO integrity_chain (seq, record_kind, record_id, content_hash, chain_hash, created_at) VALUES ${rows.join(', ')};
    DELETE FROM integrity_pending`)
  const actor = await expert(test)
  await fileForms(test, actor, 2, false)
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 5, sealsChecked: 1 }, 'older links and a seal continuing from their head')
  const firstSeal = await test.app.db.selectFrom('integrity_seals').selectAll().where('seal_seq', '=', '1').executeTakeFirstOrThrow()
  t.equal(firstSeal.previous_hash, previous, 'the first seal continues from the older links\' head')

  // The owner changes an older form and recomputes every older link with the service's own function.
  await asOwner(test, `UPDATE meeting_forms SET gender = 'girl' WHERE id = '${ids[0]}'`)
  const content = (await recordSources[0]!.load(test.app.db, [ids[0]!])).get(ids[0]!)!
  const hashes = pending.map((p, i) => (i === 0 ? contentHashOf(content) : p.content_hash))
  let head = '0'.repeat(64)
  const updates = hashes.map((hash, i) => {
    head = nextChainHash(head, hash)
    return `UPDATE integrity_chain SET content_hash = '${hash}', chain_hash = '${head}' WHERE seq = ${i + 1}`
  })
  await asOwner(test, updates.join(';\n'))
  t.same((await verifyApp(test.app)).problem, { kind: 'seal_invalid', sealSeq: 1 }, 'the keyed seal no longer continues from the older links')
})

t.test('with older links and nothing queued, the sealer anchors them under a seal that holds no records', async (t) => {
  const test = await buildTestApp(t)
  const actor = await expert(test)
  await fileForms(test, actor, 2, false)
  const pending = await test.app.db.selectFrom('integrity_pending').selectAll().orderBy('filed_at').execute()
  let previous = '0'.repeat(64)
  const rows = pending.map((p, i) => {
    previous = nextChainHash(previous, p.content_hash)
    return `(${i + 1}, '${p.record_kind}', '${p.record_id}', '${p.content_hash}', '${previous}', now())`
  })
  await asOwner(test, `INSERT INTO integrity_chain (seq, record_kind, record_id, content_hash, chain_hash, created_at) VALUES ${rows.join(', ')}; DELETE FROM integrity_pending`)
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 2, sealsChecked: 1 })
  const seals = await test.app.db.selectFrom('integrity_seals').selectAll().execute()
  t.match(seals, [{ leaf_count: 0, first_leaf: '3', tree_size: '2', previous_hash: previous }])
  await fileForms(test, actor, 1, true)
  t.match(await verifyApp(test.app), { ok: true, linksChecked: 3, sealsChecked: 2 })
})
