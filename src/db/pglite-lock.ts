// One process per embedded database: every process that opens a PGlite directory first takes this
// lock, because two processes on one directory silently lose each other's writes. The lock lives
// beside the directory (data/pglite.lock/) as numbered files; the highest number is the current
// holder. A file is created complete and atomically (link() of a finished file, which fails if the
// name exists), so of two processes taking over a dead holder's lock only one can create the next
// number. A holder is dead when its process is gone, its PID now belongs to a process started at
// another moment (PID reuse), or the machine has restarted since (power loss).
import { hostname } from 'node:os'
import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join, relative, resolve } from 'node:path'

export interface LockRecord {
  state: 'held' | 'released'
  pid: number
  /** How the holder was started, e.g. "npm start" or "npm run demo:seed". */
  command: string
  host: string
  /** Linux: the boot's id and the process's start time in clock ticks since boot (PID reuse). */
  bootId: string | null
  startTicks: string | null
  since: string
  /** The address a server holding the lock serves at, once it listens. */
  address?: string
}

export interface PgliteLock {
  readonly record: LockRecord
  /** Writes the address the holder serves at into the lock, for the refusal message of others. */
  setAddress(address: string): void
  release(): void
}

/** Another live process holds the database: the message says which, and what to do instead. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly holder: LockRecord,
    readonly dir: string,
  ) {
    const since = holder.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
    const serving = holder.address ? `, serving ${holder.address}` : ''
    const where = holder.host === hostname() ? '' : ` on the computer ${holder.host}`
    super(
      `The embedded database in ${dir} is in use by another process${where}: PID ${holder.pid} (${holder.command}), ` +
        `running since ${since}${serving}.\n` +
        'Only one process at a time may open the embedded database; a second one would lose data. Nothing was changed.\n' +
        `Stop that process first (Ctrl+C in its terminal, or \`kill ${holder.pid}\`) and run this command again, ` +
        'or set DATABASE_URL to use PostgreSQL, where several processes may work at once.',
    )
    this.name = 'DatabaseInUseError'
  }
}

const HOLDER_FILE = /^holder\.(\d+)$/
const ATTEMPTS = 50

/** The lock directory of a PGlite data directory: its sibling, so a copy of the data has none. */
export function lockDirOf(dataDir: string): string {
  return `${resolve(dataDir).replace(/[\\/]+$/, '')}.lock`
}

function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return null
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) is in parentheses and may contain spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] ?? null
  } catch {
    return null
  }
}

function describeCommand(): string {
  const script = process.env.npm_lifecycle_event
  if (script) return script === 'start' || script === 'test' ? `npm ${script}` : `npm run ${script}`
  const entry = process.argv[1]
  return entry ? `node ${relative(process.cwd(), entry) || entry}` : 'node'
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether the process named in a lock still holds it. */
export function holdsLock(record: LockRecord): boolean {
  if (record.state !== 'held') return false
  // another computer's process (a shared folder) cannot be checked from here: assume it is alive
  if (record.host !== hostname()) return true
  const bootId = readBootId()
  if (record.bootId && bootId && record.bootId !== bootId) return false
  if (!processExists(record.pid)) return false
  if (record.startTicks) {
    const ticks = processStartTicks(record.pid)
    if (ticks !== null && ticks !== record.startTicks) return false
  }
  return true
}

function holderNumbers(lockDir: string): number[] {
  return readdirSync(lockDir)
    .map((name) => HOLDER_FILE.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
}

const holderPath = (lockDir: string, n: number) => join(lockDir, `holder.${n}`)

function readRecord(path: string): LockRecord | 'missing' | 'unreadable' {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw error
  }
  try {
    const record = JSON.parse(text) as Partial<LockRecord>
    return typeof record.pid === 'number' && (record.state === 'held' || record.state === 'released') ? (record as LockRecord) : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

/** A finished file under a name of its own, to be linked or renamed into place in one step. */
function writeTemporary(lockDir: string, record: LockRecord): string {
  const path = join(lockDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
  writeFileSync(path, `${JSON.stringify(record)}\n`, { flag: 'wx' })
  return path
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** Throws DatabaseInUseError if a live process holds the lock now: a check before asking for input. */
export function checkPgliteFree(dataDir: string): void {
  const lockDir = lockDirOf(dataDir)
  let numbers: number[]
  try {
    numbers = holderNumbers(lockDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if (numbers.length === 0) return
  const current = readRecord(holderPath(lockDir, Math.max(...numbers)))
  if (typeof current === 'object' && holdsLock(current)) throw new DatabaseInUseError(current, dataDir)
}

export interface AcquireOptions {
  /** Runs between judging the current lock and creating the next one (tests widen the race with it). */
  beforeCreate?: () => void
}

/** Takes the lock of a PGlite data directory, or throws DatabaseInUseError naming the holder. */
export function acquirePgliteLock(dataDir: string, options: AcquireOptions = {}): PgliteLock {
  const lockDir = lockDirOf(dataDir)
  mkdirSync(lockDir, { recursive: true })
  const record: LockRecord = {
    state: 'held',
    pid: process.pid,
    command: describeCommand(),
    host: hostname(),
    bootId: readBootId(),
    startTicks: processStartTicks(process.pid),
    since: new Date().toISOString(),
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const top = Math.max(0, ...holderNumbers(lockDir))
    if (top > 0) {
      const current = readRecord(holderPath(lockDir, top))
      // removed by a newer holder a moment ago: look again
      if (current === 'missing') continue
      // a lock file is only ever written whole, so an unreadable one names no holder
      if (current !== 'unreadable' && holdsLock(current)) throw new DatabaseInUseError(current, dataDir)
    }
    const mine = top + 1
    options.beforeCreate?.()
    const temporary = writeTemporary(lockDir, record)
    try {
      linkSync(temporary, holderPath(lockDir, mine))
    } catch (error) {
      // another process took this number first: its lock decides on the next round
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw error
    } finally {
      removeQuietly(temporary)
    }
    // A number freed by a newer holder's clean-up could be taken by a process that looked long
    // ago; the newer holder's file is still there, so step back.
    if (holderNumbers(lockDir).some((n) => n > mine)) {
      removeQuietly(holderPath(lockDir, mine))
      continue
    }
    for (const n of holderNumbers(lockDir)) if (n < mine) removeQuietly(holderPath(lockDir, n))
    return heldLock(lockDir, mine, record)
  }
  throw new Error(`Could not take the lock of the embedded database in ${dataDir}: other processes keep taking it. Try again.`)
}

function heldLock(lockDir: string, number: number, initial: LockRecord): PgliteLock {
  let record = initial
  let held = true
  const path = holderPath(lockDir, number)
  const write = (next: LockRecord) => {
    const temporary = writeTemporary(lockDir, next)
    renameSync(temporary, path)
    record = next
  }
  const releaseOnExit = () => lock.release()
  const lock: PgliteLock = {
    get record() {
      return record
    },
    setAddress(address) {
      if (held) write({ ...record, address })
    },
    release() {
      if (!held) return
      held = false
      process.off('exit', releaseOnExit)
      // The file stays, marked released: the highest number always exists, so numbers only grow.
      const current = readRecord(path)
      if (typeof current === 'object' && current.pid === record.pid && current.since === record.since) write({ ...record, state: 'released' })
    },
  }
  // a process that ends without closing the database (process.exit) still leaves a free lock
  process.on('exit', releaseOnExit)
  return lock
}
