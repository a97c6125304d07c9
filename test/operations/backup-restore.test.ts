// Backup and restore as README describes it: pg_dump of a database while forms are being filed,
// pg_restore into a fresh database, `npm run verify` on the copy, and the service working on it.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import t from 'tap'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { createDeployment, POSTGRES_URL } from '../fixtures/processes/deployment.js'
import { logIn } from '../fixtures/processes/http-session.js'
import { startLoad, waitUntil } from '../fixtures/processes/load.js'
import { freePort, runCli, ServerProcess } from '../fixtures/server-process.js'

const run = promisify(execFile)

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

async function countRows(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const counts: Record<string, number> = {}
    for (const table of ['users', 'teams', 'meeting_forms', 'activity_records', 'integrity_chain', 'integrity_pending', 'audit_log', 'releases', 'release_forms', 'release_tables']) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)
      counts[table] = Number(rows[0]!.n)
    }
    return counts
  } finally {
    await client.end()
  }
}

t.test('a pg_dump restored into a fresh database passes npm run verify and serves', async (t) => {
  const deployment = await createDeployment(t)
  const seeded = await runCli('demo-seed', ['--forms', '300', '--months', '6'], deployment.env)
  t.equal(seeded.code, 0, 'demo data written')
  const expert = await deployment.expert() // to log in on the copy
  const dir = await mkdtemp(join(tmpdir(), 'anchor-backup-'))
  const restoredName = `anchor_restored_${Date.now().toString(36)}`
  t.teardown(async () => {
    await rm(dir, { recursive: true, force: true })
    await adminQuery(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`)
  })

  // the service runs and an expert files forms while the dump is taken
  const original = await deployment.server()
  await original.start()
  t.teardown(() => original.stop())
  const filer = await logIn(original.baseUrl, deployment.outboxFile, await deployment.expert())
  const load = startLoad([filer, filer])
  t.teardown(() => load.abort())
  await waitUntil(() => load.acknowledgedCount() >= 20, 30_000, '20 forms before the dump')
  const dumpFile = join(dir, 'anchor.dump')
  await run('pg_dump', ['--format=custom', `--file=${dumpFile}`, deployment.databaseUrl])
  const filedDuringDump = load.acknowledgedCount()
  await waitUntil(() => load.acknowledgedCount() >= filedDuringDump + 10, 30_000, 'more forms after the dump')
  await load.stop()

  await adminQuery(`CREATE DATABASE ${restoredName}`)
  const restoredUrl = new URL(deployment.databaseUrl)
  restoredUrl.pathname = `/${restoredName}`
  await run('pg_restore', ['--exit-on-error', `--dbname=${restoredUrl}`, dumpFile])

  const now = await countRows(deployment.databaseUrl)
  const copy = await countRows(restoredUrl.toString())
  t.ok(copy.meeting_forms! >= 320, `${copy.meeting_forms} forms in the copy: the demo data and the forms filed before the dump`)
  t.ok(copy.meeting_forms! < now.meeting_forms!, `but not those filed after it (${now.meeting_forms} in the original now)`)
  t.same({ users: copy.users, teams: copy.teams }, { users: now.users, teams: now.teams }, 'users and teams are all there')
  // forms filed in the last second or two before the dump may still wait in the queue for their seal
  t.equal(copy.integrity_chain! + copy.integrity_pending!, copy.meeting_forms! + copy.activity_records!, 'every record of the copy has its chain link or waits for its seal, and no link lacks its record')

  const restoredEnv = { ...deployment.env, DATABASE_URL: restoredUrl.toString() }
  const verify = await runCli('verify', [], restoredEnv)
  t.equal(verify.code, 0, `npm run verify on the copy: ${verify.output.trim()}`)
  t.match(verify.output, `${copy.meeting_forms! + copy.activity_records!} records checked`, 'verify sealed the queued ones first')

  // the service starts on the copy, finds its migrations current, and files a new form there
  const server = new ServerProcess(await freePort(), restoredEnv)
  t.teardown(() => server.stop())
  await server.start()
  const ready = await fetch(`${server.baseUrl}/readyz`)
  t.equal(ready.status, 200, '/readyz on the copy')
  const session = await logIn(server.baseUrl, deployment.outboxFile, expert)
  const filed = await session.postJson('/api/v1/meeting-forms', validAnswers(), { 'idempotency-key': newKey() })
  t.equal(filed.status, 201, 'a form filed on the restored database')
  const again = await runCli('verify', [], restoredEnv)
  t.equal(again.code, 0, 'and the chain still verifies')
})
