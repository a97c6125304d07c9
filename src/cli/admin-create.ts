// npm run admin:create -- --email E --phone P --name N
// Creates a national administrator. The password is asked for at the terminal (not echoed), or
// read from standard input when that is not a terminal, so it never appears in shell history.
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline'
import { ConfigError, loadConfig, serviceUrl } from '../config.js'
import { migrate } from '../db/migrate.js'
import { AppError } from '../errors.js'
import { adminSchema, createNationalAdmin } from '../features/users/admin-bootstrap.service.js'
import { parseInput } from '../lib/parse-input.js'
import { translate } from '../i18n/index.js'
import { systemClock } from '../lib/clock.js'
import { exitIfDatabaseInUse, openDatabaseOrExit } from './open-database.js'

async function readPasswordFromTerminal(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  const output = rl as unknown as { _writeToOutput: (text: string) => void }
  let prompted = false
  // Echo the prompt, hide what is typed.
  output._writeToOutput = (text: string) => {
    if (!prompted) {
      process.stdout.write(text)
      prompted = true
    }
  }
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve))
  rl.close()
  process.stdout.write('\n')
  return answer
}

async function readPasswordFromPipe(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  return text.split(/\r?\n/)[0] ?? ''
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPasswordFromPipe()
  const first = await readPasswordFromTerminal('Password (at least 12 characters): ')
  const second = await readPasswordFromTerminal('Password again: ')
  if (first !== second) throw new Error('The passwords do not match.')
  return first
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, phone: { type: 'string' }, name: { type: 'string' } },
  })
  if (!values.email || !values.phone || !values.name) {
    process.stderr.write('Usage: npm run admin:create -- --email E --phone P --name "N"\n')
    process.exit(2)
  }
  const config = loadConfig()
  const instead = 'While the server runs, create the first administrator at the set-up address it printed (/setup?token=…), or stop the server and run this command again.'
  // A running server is reported before the password is asked for, and typos before the database is opened.
  exitIfDatabaseInUse(config, instead)
  const password = await readPassword()
  const input = parseInput(adminSchema, { ...values, password })
  const database = await openDatabaseOrExit(config, instead)
  try {
    await migrate(database)
    await createNationalAdmin({ db: database.db, clock: systemClock }, input)
    process.stdout.write(`Administrator ${input.email} created. Log in at ${serviceUrl(config)}/login once the service runs (npm start).\n`)
  } finally {
    await database.close()
  }
}

main().catch((error: unknown) => {
  if (error instanceof AppError && error.fields.length > 0) {
    for (const f of error.fields) process.stderr.write(`${f.field}: ${translate('en', `validation.${f.code}`)}\n`)
  } else if (error instanceof ConfigError || error instanceof Error) {
    process.stderr.write(`${error.message}\n`)
  } else {
    process.stderr.write(`${String(error)}\n`)
  }
  process.exit(1)
})
