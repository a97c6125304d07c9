// Backup and restore as README describes it: pg_dump of a database in use, pg_restore into a
// fresh database, `npm run verify` on the copy, and the service working on it.
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
    for (const table of ['users', 'teams', 'meeting_forms', 'activity_records', 'integrity_chain', 'audit_log', 'report_counts', 'report_split_counts']) {
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
  const expert = await deployment.expert()
  const dir = await mkdtemp(join(tmpdir(), 'anchor-backup-'))
  const restoredName = `anchor_restored_${Date.now().toString(36)}`
  t.teardown(async () => {
    await rm(dir, { recursive: true, force: true })
    await adminQuery(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`)
  })

  const dumpFile = join(dir, 'anchor.dump')
  await run('pg_dump', ['--format=custom', `--file=${dumpFile}`, deployment.databaseUrl])
  await adminQuery(`CREATE DATABASE ${restoredName}`)
  const restoredUrl = new URL(deployment.databaseUrl)
  restoredUrl.pathname = `/${restoredName}`
  await run('pg_restore', ['--exit-on-error', `--dbname=${restoredUrl}`, dumpFile])

  const original = await countRows(deployment.databaseUrl)
  t.ok(original.meeting_forms! >= 300, `${original.meeting_forms} forms in the original`)
  t.same(await countRows(restoredUrl.toString()), original, 'every table has the same rows in the copy')

  const restoredEnv = { ...deployment.env, DATABASE_URL: restoredUrl.toString() }
  const verify = await runCli('verify', [], restoredEnv)
  t.equal(verify.code, 0, `npm run verify on the copy: ${verify.output.trim()}`)
  t.match(verify.output, `${original.integrity_chain} records checked`)

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
