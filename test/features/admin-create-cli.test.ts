// npm run admin:create: the first national administrator, with the password read from stdin.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { connectDatabase } from '../../src/db/connect.js'
import { projectRoot } from '../../src/lib/paths.js'
import { verifyPassword } from '../../src/lib/password.js'

function runCli(args: string[], stdin: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/admin-create.ts'), ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += String(d)))
    child.stderr.on('data', (d) => (stderr += String(d)))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

t.test('creates an active admin from arguments and a piped password; refuses bad input', async (t) => {
  const dir = t.testdir()
  const env = { PGLITE_DIR: join(dir, 'db'), NODE_ENV: 'development', PORT: '4123' }
  const args = ['--email', 'Admin@Example.fi', '--phone', '040 123 4567', '--name', 'Aino Ylläpitäjä']

  const short = await runCli(args, 'short\n', env)
  t.equal(short.code, 1)
  t.match(short.stderr, 'password: The password must be at least 12 characters long.')

  const ok = await runCli(args, 'a long enough admin password\n', env)
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, 'Administrator admin@example.fi created')
  t.match(ok.stdout, 'http://localhost:4123/login', 'the address the service will answer at')
  t.notMatch(ok.stdout + ok.stderr, 'a long enough admin password', 'the password is never printed')

  const again = await runCli(args, 'a long enough admin password\n', env)
  t.equal(again.code, 1)
  t.match(again.stderr, 'email: This already exists.')

  const usage = await runCli(['--email', 'x@example.fi'], '', env)
  t.equal(usage.code, 2)
  t.match(usage.stderr, 'Usage:')

  const database = await connectDatabase({ pgliteDir: env.PGLITE_DIR })
  t.teardown(() => database.close())
  const admin = await database.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
  t.equal(admin.email, 'admin@example.fi')
  t.equal(admin.phone, '+358401234567')
  t.equal(admin.role, 'admin')
  t.equal(admin.status, 'active')
  t.equal(admin.team_id, null)
  t.ok(await verifyPassword('a long enough admin password', admin.password_hash))
  const audit = await database.db.selectFrom('audit_log').select('event').execute()
  t.same(audit.map((a) => a.event), ['admin_created'])
})
