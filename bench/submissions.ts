// Form submissions per second through HTTP, next to plain INSERTs of the same rows.
//
//   npm run bench:submissions -- [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//                                [--concurrency 1,10,50] [--seconds 10] [--out bench/RESULTS.md]
//
// Creates a scratch database `anchor_bench_submissions` (dropped and made again) and starts the
// real server on it as its own process (npm start's code, log level info). 50 experts of 50 teams
// log in through the pages (password, then the SMS code), and autocannon posts forms to
// POST /api/v1/meeting-forms over keep-alive connections, one session and a new Idempotency-Key
// per request. The ceiling: the same rows INSERTed into meeting_forms with `pg`, one statement
// per transaction, at the same concurrency, from this process. The server's memory is sampled
// every 100 ms from /proc during each run.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { connectDatabase } from '../src/db/connect.js'
import { formDefinition } from '../src/features/forms/definition.js'
import { meetingFormRow } from '../src/features/forms/forms.repository.js'
import { monthOf, monthsBack } from '../src/lib/months.js'
import { createUser, TEST_PASSWORD } from '../test/fixtures/factories.js'
import { validAnswers } from '../test/fixtures/forms.js'
import { logIn, type HttpSession } from '../test/fixtures/processes/http-session.js'
import { freePort, ServerProcess, serverEnv } from '../test/fixtures/server-process.js'
import { percentile, samplePeakMemory, writeResultsSection } from './results-file.js'
import { scratchDatabase } from './scratch-database.js'

/** The areas of the bench team (the test factory's defaults), recorded on every form as at filing. */
const BENCH_AREA = { county: '08', police: 'sisa-suomi', recordedAtFiling: true } as const

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    concurrency: { type: 'string', default: '1,10,50' },
    seconds: { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
  },
})
const levels = values.concurrency.split(',').map(Number)
const seconds = Number(values.seconds)
const BENCH_DB = 'anchor_bench_submissions'
const SESSIONS = Math.max(...levels)
/** Forms are filed soon after the meeting: this month and last month, as in real use. */
const MONTHS = monthsBack(monthOf(new Date()), 2)

/** A few answer sets that differ in month, age and topics. */
const bodies = MONTHS.flatMap((month, i) =>
  [13, 15, 17].map((age) => validAnswers({ meetingMonth: month, age, meetingTopics: i % 2 ? ['vandalism'] : ['theft_shoplifting', 'intoxicant_use'] })),
)

interface Run {
  kind: 'HTTP' | 'INSERT'
  concurrency: number
  perSecond: number
  p50: number
  p90: number
  p99: number
  max: number
  errors: number
  memoryMb?: number
}

async function httpRun(server: ServerProcess, sessions: readonly HttpSession[], concurrency: number, duration: number): Promise<Run> {
  let next = 0
  const peak = samplePeakMemory(server.pid!)
  const result = await autocannon({
    url: server.baseUrl,
    connections: concurrency,
    duration,
    setupClient: (client) => {
      const session = sessions[next++ % sessions.length]!
      let n = 0
      client.setRequests([
        {
          method: 'POST',
          path: '/api/v1/meeting-forms',
          setupRequest: (request) => ({
            ...request,
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              cookie: session.cookieHeader(),
              'x-csrf-token': session.csrfToken,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify(bodies[n++ % bodies.length]),
          }),
        },
      ])
    },
  })
  const memoryMb = peak()
  return {
    kind: 'HTTP',
    concurrency,
    perSecond: result['2xx'] / duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.non2xx + result.errors + result.timeouts,
    memoryMb,
  }
}

async function insertRun(url: string, teamId: string, userId: string, concurrency: number, duration: number): Promise<Run> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency })
  const rowOf = (i: number) => {
    const answers = bodies[i % bodies.length]!
    const age = Number(answers.age)
    return meetingFormRow(formDefinition, {
      id: randomUUID(),
      teamId,
      submittedBy: userId,
      definitionVersion: formDefinition.version,
      createdAt: new Date(),
      answers: answers as never, // validated answer sets of the fixture
      under15: age < 15,
      adultClient: age >= 18,
      area: BENCH_AREA,
      idempotencyKey: randomUUID(),
      requestHash: '0'.repeat(64),
    }) as Record<string, unknown>
  }
  const columns = Object.keys(rowOf(0))
  const text = `INSERT INTO meeting_forms (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`
  const latencies: number[] = []
  const until = Date.now() + duration * 1000
  let i = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = await pool.connect()
      try {
        while (Date.now() < until) {
          const row = rowOf(i++)
          const started = process.hrtime.bigint()
          await client.query({ name: 'bench-insert', text, values: columns.map((c) => row[c]) })
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
        }
      } finally {
        client.release()
      }
    }),
  )
  await pool.end()
  latencies.sort((a, b) => a - b)
  return {
    kind: 'INSERT',
    concurrency,
    perSecond: latencies.length / duration,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    errors: 0,
  }
}

async function main(): Promise<void> {
  const url = await scratchDatabase(values['database-url'], BENCH_DB)
  const dir = mkdtempSync(join(tmpdir(), 'anchor-bench-'))
  const outbox = join(dir, 'sms-outbox.jsonl')
  const server = new ServerProcess(
    await freePort(),
    serverEnv({
      DATABASE_URL: url,
      SMS_OUTBOX_FILE: outbox,
      LOG_LEVEL: 'info',
      // the logins come from one address; a proxy hop lets each expert have its own
      TRUST_PROXY: '1',
    }),
  )
  await server.start()
  try {
    const handle = await connectDatabase({ databaseUrl: url })
    const experts = []
    for (let i = 0; i < SESSIONS; i++) {
      const user = await createUser(handle.db, { role: 'expert', email: `bench-${i}@bench.invalid` })
      experts.push(user)
    }
    console.log(`Logging in ${SESSIONS} experts`)
    const sessions: HttpSession[] = []
    for (const [i, user] of experts.entries()) {
      sessions.push(await logIn(server.baseUrl, outbox, { email: user.email, password: TEST_PASSWORD, phone: user.phone }, { 'x-forwarded-for': `10.0.${i >> 8}.${i & 255}` }))
    }
    const runs: Run[] = []
    for (const concurrency of levels) {
      await httpRun(server, sessions, concurrency, 2) // warm-up, not counted
      const http = await httpRun(server, sessions, concurrency, seconds)
      const insert = await insertRun(url, experts[0]!.teamId!, experts[0]!.id, concurrency, seconds)
      for (const r of [http, insert]) {
        runs.push(r)
        console.log(
          `${r.kind.padEnd(6)} c=${String(concurrency).padStart(2)}  ${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  errors ${r.errors}${r.memoryMb ? `  server peak RSS ${r.memoryMb} MiB` : ''}`,
        )
      }
    }
    const stored = await handle.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    await handle.close()
    writeResultsSection(values.out, 'submissions', report(runs, Number(stored.n)))
    console.log(`Wrote ${values.out}`)
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

function report(runs: readonly Run[], stored: number): string {
  const rows = levels.map((c) => {
    const http = runs.find((r) => r.kind === 'HTTP' && r.concurrency === c)!
    const insert = runs.find((r) => r.kind === 'INSERT' && r.concurrency === c)!
    return `| ${c} | ${http.perSecond.toFixed(0)} | ${http.p50.toFixed(1)} / ${http.p90.toFixed(1)} / ${http.p99.toFixed(1)} | ${http.errors} | ${http.memoryMb} | ${insert.perSecond.toFixed(0)} | ${insert.p50.toFixed(1)} / ${insert.p99.toFixed(1)} | ${(http.perSecond / insert.perSecond).toFixed(2)} |`
  })
  const top = runs.find((r) => r.kind === 'HTTP' && r.concurrency === Math.max(...levels))!
  const topInsert = runs.find((r) => r.kind === 'INSERT' && r.concurrency === Math.max(...levels))!
  const ratio = top.perSecond / topInsert.perSecond
  return [
    '## Form submissions (`npm run bench:submissions`)',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL, the server and the load generator on the same machine.`,
    `Command: \`npm run bench:submissions -- --concurrency ${levels.join(',')} --seconds ${seconds}\`.`,
    `HTTP: autocannon, keep-alive, ${seconds} s per level after a 2 s warm-up; each connection is one logged-in expert (session cookie and CSRF token) and every request has a new Idempotency-Key. The server runs as its own process with its default pool of 10 connections and logs every request (level info).`,
    'Each accepted form is validated against the definition and stored with its queue entry for the next seal in one statement, after the team\'s areas are read; the sealer and the releases work apart from the submission.',
    `INSERT: the same rows INSERTed into meeting_forms with \`pg\`, one statement per transaction, one connection per concurrent client: the ceiling, without session, validation or sealing queue.`,
    `Latency in milliseconds; memory is the server's peak resident set during the run. ${stored.toLocaleString('en')} forms were stored in all.`,
    '',
    '| Concurrent clients | HTTP forms/s | HTTP p50 / p90 / p99 | HTTP errors | Server peak RSS (MiB) | INSERT rows/s | INSERT p50 / p99 | HTTP ÷ INSERT |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Target: at ${Math.max(...levels)} clients, HTTP at least half the INSERT rate with p99 under 50 ms. Measured: ${ratio.toFixed(2)} of the INSERT rate (${ratio >= 0.5 ? 'met' : 'not met'}), p99 ${top.p99.toFixed(1)} ms (${top.p99 < 50 ? 'met' : 'not met'}).`,
  ].join('\n')
}

await main()
process.exit(0)
