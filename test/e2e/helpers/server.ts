// A real server process for the browser tests: its own PGlite directory and SMS and e-mail outboxes
// in a temp folder, the first administrator created with the CLI before start-up, and SIGTERM at teardown.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emailsTo, freePort, runCli, ServerProcess, serverEnv, smsMessagesTo, waitForEmailLink, waitForSmsCode } from '../../fixtures/server-process.js'

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
  readonly emailOutboxFile: string
  /** What the server wrote to stdout and stderr (for failure messages). */
  output(): string
  /** The newest SMS code sent to a number (E.164), waiting for it if needed; `after` skips the first messages. */
  waitForCode(to: string, options?: { after?: number; timeoutMs?: number }): Promise<string>
  /** How many messages have been sent to a number so far. */
  smsCount(to: string): Promise<number>
  /** The e-mails sent to an address so far, oldest first. */
  emailsTo(to: string): Promise<{ subject: string; text: string }[]>
  /** The first link of the newest e-mail to an address, waiting for it; `after` skips the first messages. */
  waitForEmailLink(to: string, options?: { after?: number; timeoutMs?: number }): Promise<string>
  stop(): Promise<void>
}

/** Creates the first administrator with the CLI; not a TTY, so it reads the password from stdin. */
async function createAdmin(env: NodeJS.ProcessEnv, admin: AdminAccount): Promise<void> {
  const result = await runCli('admin-create', ['--email', admin.email, '--phone', admin.phone, '--name', admin.name], env, `${admin.password}\n`)
  if (result.code !== 0) throw new Error(`admin-create exited with ${result.code}:\n${result.output}`)
}

async function seedDemoForms(env: NodeJS.ProcessEnv, forms: number): Promise<void> {
  const result = await runCli('demo-seed', ['--forms', String(forms)], env)
  if (result.code !== 0) throw new Error(`demo-seed exited with ${result.code}:\n${result.output}`)
}

/**
 * `demoForms`: that many demo forms (npm run demo:seed) in the database before the server starts.
 * `admin: null`: no administrator, as on a first run (the server prints its set-up address).
 */
export async function startServer(options: { admin?: AdminAccount | null; startTimeoutMs?: number; demoForms?: number } = {}): Promise<RunningServer> {
  const admin = options.admin === undefined ? ADMIN : options.admin
  const dataDir = await mkdtemp(join(tmpdir(), 'anchor-e2e-'))
  const outboxFile = join(dataDir, 'sms-outbox.jsonl')
  const emailOutboxFile = join(dataDir, 'email-outbox.jsonl')
  const port = await freePort()
  const env = serverEnv({ PORT: String(port), PGLITE_DIR: join(dataDir, 'pglite'), SMS_OUTBOX_FILE: outboxFile, EMAIL_OUTBOX_FILE: emailOutboxFile })

  try {
    if (admin) await createAdmin(env, admin)
    if (options.demoForms) await seedDemoForms(env, options.demoForms)
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }

  const server = new ServerProcess(port, { ...env, E2E_TEMP_DIR: dataDir })
  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    })()
    return stopped
  }
  try {
    await server.start(options.startTimeoutMs ?? 60_000)
  } catch (error) {
    await stop()
    throw error
  }

  return {
    baseUrl: server.baseUrl,
    dataDir,
    outboxFile,
    emailOutboxFile,
    output: () => server.output(),
    stop,
    smsCount: async (to) => (await smsMessagesTo(outboxFile, to)).length,
    waitForCode: (to, options) => waitForSmsCode(outboxFile, to, options),
    emailsTo: (to) => emailsTo(emailOutboxFile, to),
    waitForEmailLink: (to, options) => waitForEmailLink(emailOutboxFile, to, options),
  }
}
