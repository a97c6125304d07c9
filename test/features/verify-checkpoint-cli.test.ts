// npm run verify -- --checkpoint FILE: compares the chain with a checkpoint kept outside the
// database, which catches a rollback that the database alone no longer shows.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { connectDatabase } from '../../src/db/connect.js'
import { migrate } from '../../src/db/migrate.js'
import type { Actor } from '../../src/features/auth/session.service.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { checkpointFile, makeCheckpoint } from '../../src/features/integrity/checkpoint.service.js'
import { integrityKeys } from '../../src/features/integrity/keys.js'
import { sealPending } from '../../src/features/integrity/sealer.service.js'
import { projectRoot } from '../../src/lib/paths.js'
import { systemClock } from '../../src/lib/clock.js'
import { TEST_INTEGRITY_ENV, testConfig } from '../fixtures/app.js'
import { createUser } from '../fixtures/factories.js'
import { FakeEmailSender } from '../fixtures/fake-email.js'
import { FakeSmsSender } from '../fixtures/fake-sms.js'
import { newKey, validAnswers } from '../fixtures/forms.js'

function runVerify(dir: string, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/verify.ts'), ...args], {
    cwd: projectRoot,
    // the same keys as the test's own sealing and checkpoints
    env: { PATH: process.env.PATH ?? '', PGLITE_DIR: dir, NODE_ENV: 'development', ...TEST_INTEGRITY_ENV },
    encoding: 'utf8',
    timeout: 60_000,
  })
}

t.test('verify --checkpoint FILE catches a rollback that the database alone no longer shows', async (t) => {
  const root = t.testdir()
  const dir = join(root, 'db')
  const handle = await connectDatabase({ pgliteDir: dir })
  await migrate(handle)
  await handle.enterAppRole()
  const user = await createUser(handle.db)
  const actor: Actor = { userId: user.id, sessionId: 's', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  const deps = { db: handle.db, config: testConfig(), clock: systemClock, sms: new FakeSmsSender(), email: new FakeEmailSender() }
  const keys = integrityKeys(deps.config)
  for (let i = 0; i < 2; i++) await submitMeetingForm(deps, actor, validAnswers(), newKey())
  await makeCheckpoint(handle.db, keys, systemClock, 'daily')
  const newest = (await submitMeetingForm(deps, actor, validAnswers(), newKey())).id
  await sealPending(handle.db, keys, systemClock)
  const kept = await makeCheckpoint(handle.db, keys, systemClock, 'administrator')
  const file = join(root, 'kept.json')
  writeFileSync(file, JSON.stringify(checkpointFile(keys, kept)))
  await handle.close()
  const withFile = runVerify(dir, ['--checkpoint', file])
  t.equal(withFile.status, 0, withFile.stderr)
  t.match(withFile.stdout, '2 seals and 3 signed checkpoints checked, one of them kept outside the database.')

  // the newest record, its link and seal, and the newest stored checkpoint removed by the owner
  const owner = await connectDatabase({ pgliteDir: dir })
  await owner.runScript(`
    ALTER TABLE meeting_forms DISABLE TRIGGER USER; ALTER TABLE integrity_chain DISABLE TRIGGER USER;
    ALTER TABLE integrity_seals DISABLE TRIGGER USER; ALTER TABLE integrity_checkpoints DISABLE TRIGGER USER;
    DELETE FROM integrity_chain WHERE record_id = '${newest}';
    DELETE FROM meeting_forms WHERE id = '${newest}';
    DELETE FROM integrity_seals WHERE seal_seq = 2;
    DELETE FROM integrity_checkpoints WHERE id = ${kept.id};`)
  await owner.close()
  const alone = runVerify(dir)
  t.equal(alone.status, 0, 'the database alone is consistent again: why a checkpoint is kept outside')
  const rolledBack = runVerify(dir, ['--checkpoint', file])
  t.equal(rolledBack.status, 1)
  t.match(rolledBack.stderr, /Integrity check FAILED at checkpoint kept outside, of .* \(tree size 3\): the current records no longer reproduce/)

  const bad = join(root, 'bad.json')
  writeFileSync(bad, '{"format":"something else"}')
  const refused = runVerify(dir, ['--checkpoint', bad])
  t.equal(refused.status, 2)
  t.match(refused.stderr, 'cannot be used: the file is not a checkpoint')
})
