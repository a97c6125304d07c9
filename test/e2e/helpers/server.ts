// A real server process for the browser tests: its own PGlite directory and SMS outbox in a temp
// folder, the first administrator created with the CLI before start-up, and SIGTERM at teardown.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url))
const serverEntry = fileURLToPath(new URL('./server-entry.ts', import.meta.url))
const adminCli = join(projectRoot, 'src', 'cli', 'admin-create.ts')
const demoSeedCli = join(projectRoot, 'src', 'cli', 'demo-seed.ts')

export interface AdminAccount {
  readonly email: string
  /** As typed into the CLI (national format). */
  readonly phone: string
  /** E.164, as the SMS outbox records it. */
  readonly phoneE164: string
  readonly name: string
  readonly password: string
}

export const ADMIN: AdminAccount = {
  email: 'admin@example.fi',
  phone: '0401234567',
  phoneE164: '+358401234567',
  name: 'Aino Ylläpitäjä',
  password: 'Ankkuri-ylläpito-2024!',
}

export interface RunningServer {
  readonly baseUrl: string
  readonly dataDir: string
  readonly outboxFile: string
  /** What the server wrote to stdout and stderr (for failure messages). */
  output(): string
  /** The newest SMS code sent to a number (E.164), waiting for it if needed; `after` skips the first messages. */
  waitForCode(to: string, options?: { after?: number; timeoutMs?: number }): Promise<string>
  /** How many messages have been sent to a number so far. */
  smsCount(to: string): Promise<number>
  stop(): Promise<void>
}

interface OutboxLine {
  to: string
  body: string
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** node with tsx as a loader: one process, so signals reach the program itself (npx would add two). */
function tsxNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

function collect(child: ChildProcess): () => string {
  let text = ''
  const add = (chunk: Buffer) => {
    text += chunk.toString('utf8')
    if (text.length > 100_000) text = text.slice(-50_000)
  }
  child.stdout?.on('data', add)
  child.stderr?.on('data', add)
  return () => text
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const [code] = (await once(child, 'exit')) as [number | null]
  return code
}

async function createAdmin(env: NodeJS.ProcessEnv, admin: AdminAccount): Promise<void> {
  const child = tsxNode(adminCli, ['--email', admin.email, '--phone', admin.phone, '--name', admin.name], env)
  const output = collect(child)
  // Not a TTY: the CLI reads the first line of standard input as the password.
  child.stdin?.end(`${admin.password}\n`)
  const code = await exitOf(child)
  if (code !== 0) throw new Error(`admin-create exited with ${code}:\n${output()}`)
}

function readOutbox(text: string): OutboxLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutboxLine)
}

// Children still running when this process exits for any reason get SIGKILL; the stdin watchdog in
// server-entry.ts covers the cases where no JavaScript runs here any more.
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

async function seedDemoForms(env: NodeJS.ProcessEnv, forms: number): Promise<void> {
  const child = tsxNode(demoSeedCli, ['--forms', String(forms)], env)
  const output = collect(child)
  const code = await exitOf(child)
  if (code !== 0) throw new Error(`demo-seed exited with ${code}:\n${output()}`)
}

/** `demoForms`: that many demo forms (npm run demo:seed) in the database before the server starts. */
export async function startServer(options: { admin?: AdminAccount; startTimeoutMs?: number; demoForms?: number } = {}): Promise<RunningServer> {
  const admin = options.admin ?? ADMIN
  const dataDir = await mkdtemp(join(tmpdir(), 'anchor-e2e-'))
  const outboxFile = join(dataDir, 'sms-outbox.jsonl')
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    PGLITE_DIR: join(dataDir, 'pglite'),
    SMS_OUTBOX_FILE: outboxFile,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  }

  try {
    await createAdmin(env, admin)
    if (options.demoForms) await seedDemoForms(env, options.demoForms)
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }

  const child = tsxNode(serverEntry, [], { ...env, E2E_TEMP_DIR: dataDir })
  running.add(child)
  const output = collect(child)
  const baseUrl = `http://127.0.0.1:${port}`

  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exitOf(child)
        clearTimeout(killer)
      }
      running.delete(child)
      child.stdin?.destroy()
      await rm(dataDir, { recursive: true, force: true })
    })()
    return stopped
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000)
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`the server exited with ${child.exitCode} before it was ready:\n${output()}`)
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the server did not answer /healthz in time:\n${output()}`)
    }
    await sleep(200)
  }

  const messagesTo = async (to: string): Promise<OutboxLine[]> => {
    const text = await readFile(outboxFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return ''
      throw error
    })
    return readOutbox(text).filter((line) => line.to === to)
  }

  return {
    baseUrl,
    dataDir,
    outboxFile,
    output,
    stop,
    async smsCount(to) {
      return (await messagesTo(to)).length
    },
    async waitForCode(to, { after = 0, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const messages = await messagesTo(to)
        const newest = messages.length > after ? messages[messages.length - 1] : undefined
        const code = newest ? /\b(\d{6})\b/.exec(newest.body)?.[1] : undefined
        if (code) return code
        if (Date.now() > deadline) throw new Error(`no SMS code for ${to} after message ${after} in ${outboxFile}`)
        await sleep(100)
      }
    },
  }
}
