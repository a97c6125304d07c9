// Stopping and starting the PostgreSQL server the tests run on. By default the Debian cluster
// (pg_ctlcluster <version> main); PG_STOP_COMMAND and PG_START_COMMAND replace the commands.
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import pg from 'pg'
import { POSTGRES_URL } from './deployment.js'

const run = promisify(execFile)

function clusterCommand(action: 'stop' | 'start'): string[] {
  const custom = action === 'stop' ? process.env.PG_STOP_COMMAND : process.env.PG_START_COMMAND
  if (custom) return ['sh', '-c', custom]
  const version = readdirSync('/etc/postgresql').sort().at(-1)
  if (!version) throw new Error('no PostgreSQL cluster in /etc/postgresql; set PG_STOP_COMMAND and PG_START_COMMAND')
  return ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])]
}

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Stops PostgreSQL (fast: open connections are ended) and waits until it refuses connections. */
export async function stopPostgres(): Promise<void> {
  const [command, ...args] = clusterCommand('stop')
  await run(command!, args)
  for (let i = 0; i < 100 && (await reachable()); i++) await sleep(100)
}

/** Starts PostgreSQL and waits until it answers a query. */
export async function startPostgres(): Promise<void> {
  if (await reachable()) return
  const [command, ...args] = clusterCommand('start')
  await run(command!, args)
  for (let i = 0; i < 300; i++) {
    if (await reachable()) return
    await sleep(100)
  }
  throw new Error('PostgreSQL did not come back within 30 s')
}
