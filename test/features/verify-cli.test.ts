// npm run verify: exit 0 on an intact chain; a tampered form makes it name the record and exit 1.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { connectDatabase } from '../../src/db/connect.js'
import { migrate } from '../../src/db/migrate.js'
import type { Actor } from '../../src/features/auth/session.service.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { projectRoot } from '../../src/lib/paths.js'
import { systemClock } from '../../src/lib/clock.js'
import { integrityKeys } from '../../src/features/integrity/keys.js'
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

t.test('verify passes an intact database and fails a tampered one', async (t) => {
  const dir = join(t.testdir(), 'db')
  const handle = await connectDatabase({ pgliteDir: dir })
  await migrate(handle)
  await handle.enterAppRole()
  const user = await createUser(handle.db)
  const actor: Actor = { userId: user.id, sessionId: 's', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  const deps = { db: handle.db, config: testConfig(), clock: systemClock, sms: new FakeSmsSender(), email: new FakeEmailSender() }
  const ids: string[] = []
  for (let i = 0; i < 3; i++) ids.push((await submitMeetingForm(deps, actor, validAnswers(), newKey())).id)
  await handle.close()

  const intact = runVerify(dir)
  t.equal(intact.status, 0, intact.stderr)
  t.match(intact.stdout, 'Integrity chain intact: 3 records checked.')
  t.match(intact.stdout, '1 seals and 0 signed checkpoints checked.')
  t.match(intact.stdout, integrityKeys(testConfig()).publicKeyPem, 'the public key is printed, to keep outside')

  const owner = await connectDatabase({ pgliteDir: dir })
  await owner.runScript(`ALTER TABLE meeting_forms DISABLE TRIGGER USER;
    UPDATE meeting_forms SET usefulness = '5' WHERE id = '${ids[1]}';
    ALTER TABLE meeting_forms ENABLE TRIGGER USER;`)
  await owner.close()

  const tampered = runVerify(dir)
  t.equal(tampered.status, 1)
  t.match(tampered.stderr, `Integrity check FAILED at link 2 (meeting_form ${ids[1]}): the record has been changed after it was submitted.`)
  t.match(tampered.stderr, '1 records before it are intact.')
})
