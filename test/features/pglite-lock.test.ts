// The embedded database's lock: a live holder is refused by name; a holder that died (SIGKILL, a
// PID now used by another process, a restart of the machine) is taken over, by exactly one of
// several processes that try at once; PostgreSQL takes no lock.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { connectDatabase } from '../../src/db/connect.js'
import { acquirePgliteLock, DatabaseInUseError, lockDirOf, processStartTicks, type LockRecord } from '../../src/db/pglite-lock.js'
import { projectRoot } from '../../src/lib/paths.js'

const takeLock = join(projectRoot, 'test/fixtures/processes/take-lock.ts')

function startTaker(dir: string, startAt?: number): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', takeLock, dir, ...(startAt ? [String(startAt)] : [])], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr?.on('data', (d) => (err += String(d)))
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += String(d)
      if (out.includes('\n')) resolve(out.trim())
    })
    child.on('exit', () => (out.includes('\n') ? resolve(out.trim()) : reject(new Error(`taker exited without a word: ${err}`))))
  })
  return { child, firstLine }
}

/** A lock file as a process that has since died would have left it. */
function writeHolder(dir: string, n: number, record: Partial<LockRecord>): void {
  const lockDir = lockDirOf(dir)
  mkdirSync(lockDir, { recursive: true })
  const full: LockRecord = {
    state: 'held',
    pid: process.pid,
    command: 'npm start',
    host: hostname(),
    bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    startTicks: processStartTicks(process.pid),
    since: new Date().toISOString(),
    ...record,
  }
  writeFileSync(join(lockDir, `holder.${n}`), JSON.stringify(full))
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
  const pid = child.pid!
  child.kill('SIGKILL')
  await once(child, 'exit')
  return pid
}

t.test('a live holder is refused with its PID and command; after release the lock is free again', async (t) => {
  const dir = join(t.testdir(), 'db')
  const first = acquirePgliteLock(dir)
  first.setAddress('http://localhost:4321')
  const error = await (async () => {
    try {
      acquirePgliteLock(dir)
    } catch (e) {
      return e
    }
  })()
  t.type(error, DatabaseInUseError)
  const message = (error as Error).message
  t.match(message, `PID ${process.pid}`)
  t.match(message, 'serving http://localhost:4321')
  t.match(message, 'Nothing was changed')
  t.match(message, `kill ${process.pid}`)
  first.release()
  const second = acquirePgliteLock(dir)
  t.equal(second.record.pid, process.pid)
  second.release()
  const files = readdirSync(lockDirOf(dir))
  t.same(files, ['holder.2'], 'the older number is cleaned up; the newest stays, marked released')
  t.equal((JSON.parse(readFileSync(join(lockDirOf(dir), 'holder.2'), 'utf8')) as LockRecord).state, 'released')
})

t.test('a lock left by a process killed with SIGKILL is taken over', async (t) => {
  const dir = join(t.testdir(), 'db')
  const holder = startTaker(dir)
  t.equal(await holder.firstLine, 'took')
  const refused = startTaker(dir)
  t.equal(await refused.firstLine, `refused ${holder.child.pid}`)
  t.equal((await once(refused.child, 'exit'))[0], 3)
  holder.child.kill('SIGKILL')
  await once(holder.child, 'exit')
  const next = startTaker(dir)
  t.equal(await next.firstLine, 'took', 'the dead holder no longer counts')
  next.child.stdin?.end()
  t.equal((await once(next.child, 'exit'))[0], 0)
})

t.test('a PID now used by another process, or a lock from before a restart, is no holder', async (t) => {
  const reused = join(t.testdir(), 'reused')
  // this process is alive, but it started at another moment than the holder did
  writeHolder(reused, 1, { startTicks: '1' })
  const a = acquirePgliteLock(reused)
  t.equal(a.record.pid, process.pid)
  a.release()

  const rebooted = join(t.testdir(), 'rebooted')
  writeHolder(rebooted, 1, { bootId: 'another-boot' })
  const b = acquirePgliteLock(rebooted)
  b.release()

  const dead = join(t.testdir(), 'dead')
  writeHolder(dead, 1, { pid: await deadPid(), startTicks: null })
  const c = acquirePgliteLock(dead)
  c.release()

  const alive = join(t.testdir(), 'alive')
  writeHolder(alive, 1, {})
  t.throws(() => acquirePgliteLock(alive), DatabaseInUseError, 'the same process and start time is a live holder')
})

t.test('of several processes taking over a stale lock at once, exactly one wins', async (t) => {
  const dir = join(t.testdir(), 'db')
  writeHolder(dir, 7, { pid: await deadPid(), startTicks: null })
  // all try at the same moment, once every process has started
  const startAt = Date.now() + 8_000
  const takers = Array.from({ length: 6 }, () => startTaker(dir, startAt))
  const answers = await Promise.all(takers.map((taker) => taker.firstLine))
  const winners = takers.filter((_, i) => answers[i] === 'took')
  t.equal(winners.length, 1, answers.join(', '))
  const winnerPid = winners[0]!.child.pid
  for (const answer of answers.filter((a) => a !== 'took')) t.equal(answer, `refused ${winnerPid}`)
  for (const taker of takers) taker.child.stdin?.end()
  await Promise.all(takers.map((taker) => (taker.child.exitCode === null ? once(taker.child, 'exit') : undefined)))
})

t.test('the lock is taken before the database is opened: a refused process creates nothing', async (t) => {
  const dir = join(t.testdir(), 'db')
  const held = acquirePgliteLock(dir)
  t.teardown(() => held.release())
  await t.rejects(connectDatabase({ pgliteDir: dir }), DatabaseInUseError)
  t.notOk(existsSync(dir), 'the data directory was not even created')
})

t.test('PostgreSQL takes no lock: several processes may share it', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' }, async (t) => {
  const url = process.env.TEST_DATABASE_URL!
  const dir = join(t.testdir(), 'unused')
  const a = await connectDatabase({ databaseUrl: url, pgliteDir: dir })
  const b = await connectDatabase({ databaseUrl: url, pgliteDir: dir })
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  await a.runScript('SELECT 1')
  await b.runScript('SELECT 1')
  t.notOk(existsSync(lockDirOf(dir)))
})
