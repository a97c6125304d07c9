// As a newcomer uses it: while `npm start` serves the embedded database, admin:create, demo:seed,
// db:migrate and verify each refuse at once, name the server and change nothing; after the server
// is killed with SIGKILL the next start takes the lock over.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import t from 'tap'
import { connectDatabase } from '../../src/db/connect.js'
import { sealAndVerify } from '../../src/features/integrity/integrity.service.js'
import { systemClock } from '../../src/lib/clock.js'
import { testConfig } from '../fixtures/app.js'
import { migratedPgliteTemplate } from '../fixtures/database.js'
import { freePort, runCli, serverEnv, ServerProcess } from '../fixtures/server-process.js'

const counts = async (dir: string) => {
  const handle = await connectDatabase({ pgliteDir: dir })
  try {
    const count = async (table: 'users' | 'teams' | 'meeting_forms' | 'audit_log') =>
      Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)
    const intact = (await sealAndVerify(handle.db, testConfig(), systemClock)).ok
    return { users: await count('users'), teams: await count('teams'), forms: await count('meeting_forms'), audit: await count('audit_log'), intact }
  } finally {
    await handle.close()
  }
}

// Real processes (a server and four commands, each starting tsx) are slow on a busy machine.
t.setTimeout(300_000)

t.test('a second process on the embedded database refuses and changes nothing; a killed server starts again', async (t) => {
  const dataDir = join(t.testdir(), 'pglite')
  // a migrated database to start from: an empty directory would take half a minute of initdb
  mkdirSync(dataDir)
  await (await PGlite.create(dataDir, { loadDataDir: await migratedPgliteTemplate() })).close()
  const port = await freePort()
  const env = serverEnv({ PGLITE_DIR: dataDir })
  const server = new ServerProcess(port, env)
  t.teardown(() => server.stop())
  await server.start(120_000)
  t.match(server.output(), new RegExp(`No administrator yet\\. Create the first one at: http://localhost:${port}/setup\\?token=[A-Za-z0-9_-]{20,}`), 'the set-up address with the real port')

  const refusals = {
    'admin-create': { args: ['--email', 'a@example.fi', '--phone', '0401234567', '--name', 'Aa Bb'], input: 'a long enough password\n', hint: 'set-up address' },
    'demo-seed': { args: ['--forms', '5'], input: '', hint: 'npm run demo' },
    migrate: { args: [], input: '', hint: 'applies pending migrations itself' },
    verify: { args: [], input: '', hint: 'Stop the server' },
    release: { args: [], input: '', hint: 'the button on the releases page' },
  }
  for (const [name, { args, input, hint }] of Object.entries(refusals)) {
    const result = await runCli(name, args, env, input)
    t.equal(result.code, 1, `${name} exits with 1`)
    t.match(result.output, `is in use by another process: PID ${server.pid} (node test/fixtures/server-entry.ts)`, `${name} names the server`)
    t.match(result.output, `serving http://localhost:${port}`, `${name} gives the server's address`)
    t.match(result.output, 'Nothing was changed', name)
    t.match(result.output, hint, `${name} says what to do instead`)
  }
  const health = await fetch(`${server.baseUrl}/readyz`)
  t.equal(health.status, 200, 'the server is unharmed')

  await server.kill('SIGKILL')
  await server.start(120_000)
  t.equal((await fetch(`${server.baseUrl}/readyz`)).status, 200, 'the next start takes over the dead server\'s lock')
  await server.stop()

  t.same(await counts(dataDir), { users: 0, teams: 0, forms: 0, audit: 0, intact: true }, 'nothing was written by the refused commands')
})
