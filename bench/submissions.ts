// Form submissions per second through HTTP, next to plain INSERTs of the same rows.
//
//   npm run bench:submissions -- [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//                                [--concurrency 1,10,50] [--seconds 10] [--rounds 3] [--paced 50,100,250]
//                                [--out bench/RESULTS.md]
//
// Creates a scratch database `anchor_bench_submissions` (dropped and made again) and starts the
// real server on it as its own process (npm start's code, log level info). 50 experts of 50 teams
// log in through the pages (password, then the SMS code), and autocannon posts forms to
// POST /api/v1/meeting-forms over keep-alive connections, one session and a new Idempotency-Key
// per request. The ceiling: the same rows INSERTed into meeting_forms with `pg`, one statement
// per transaction, at the same concurrency, from this process. HTTP and INSERT take turns, `rounds`
// times at each level, and the report gives the median of each figure (the machine's speed drifts
// from run to run). The server's memory is sampled every 100 ms from /proc during each run, and
// the processor time of the server, PostgreSQL and this process is read from /proc. Last, the
// experts again at a fixed pace (`--paced` forms a second in all, open loop): the latency of a busy
// service that is not saturated.
import { randomUUID } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
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
import { measureCpu, type CpuSeconds } from './cpu-time.js'
import { percentile, samplePeakMemory, writeResultsSection } from './results-file.js'
import { scratchDatabase } from './scratch-database.js'

/** The areas of the bench team (the test factory's defaults), recorded on every form as at filing. */
const BENCH_AREA = { county: '08', police: 'sisa-suomi', recordedAtFiling: true } as const

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    concurrency: { type: 'string', default: '1,10,50' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    paced: { type: 'string', default: '50,100,250' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
  },
})
const levels = values.concurrency.split(',').map(Number)
const seconds = Number(values.seconds)
const rounds = Math.max(1, Number(values.rounds))
/** Forms a second in all for the paced runs (empty: none). */
const pacedRates = values.paced.split(',').filter((rate) => rate.trim() !== '').map(Number)
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
  /** processor milliseconds a stored form cost the server, PostgreSQL and the load generator */
  cpuMsPerForm: CpuSeconds
}

function perForm(cpu: CpuSeconds, forms: number): CpuSeconds {
  const ms = (seconds: number) => (forms > 0 ? (1000 * seconds) / forms : Number.NaN)
  return { server: ms(cpu.server), postgres: ms(cpu.postgres), loadGenerator: ms(cpu.loadGenerator) }
}

const cpuTotal = (cpu: CpuSeconds) => cpu.server + cpu.postgres + cpu.loadGenerator

/** The headers of one filed form: the expert's session and CSRF token, and a new Idempotency-Key. */
function formRequestHeaders(session: HttpSession): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    cookie: session.cookieHeader(),
    'x-csrf-token': session.csrfToken,
    'idempotency-key': randomUUID(),
  }
}

async function httpRun(server: ServerProcess, sessions: readonly HttpSession[], concurrency: number, duration: number): Promise<Run> {
  let next = 0
  const peak = samplePeakMemory(server.pid!)
  const cpu = measureCpu(server.pid!)
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
            headers: formRequestHeaders(session),
            body: JSON.stringify(bodies[n++ % bodies.length]),
          }),
        },
      ])
    },
  })
  const memoryMb = peak()
  const cpuMsPerForm = perForm(cpu(), result['2xx'])
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
    cpuMsPerForm,
  }
}

/**
 * Open loop: `rate` forms a second, evenly spaced, over at most `connections` keep-alive
 * connections, whatever the answers' pace. Each latency counts from when its request was due, so a
 * slow answer cannot hide the requests that had to wait behind it (coordinated omission).
 */
async function pacedRun(server: ServerProcess, sessions: readonly HttpSession[], connections: number, rate: number, duration: number): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const url = new URL('/api/v1/meeting-forms', server.baseUrl)
  const peak = samplePeakMemory(server.pid!)
  const cpu = measureCpu(server.pid!)
  const latencies: number[] = []
  let errors = 0
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const session = sessions[i % sessions.length]!
      const body = JSON.stringify(bodies[i % bodies.length])
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent,
          headers: { ...formRequestHeaders(session), 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            if (res.statusCode === 201) latencies.push(performance.now() - due)
            else errors += 1
            resolve()
          })
        },
      )
      req.on('error', () => {
        errors += 1
        resolve()
      })
      req.end(body)
    })
  const started = performance.now()
  const total = Math.round(rate * duration)
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    inFlight.push(send(i, due))
  }
  await Promise.all(inFlight)
  agent.destroy()
  const memoryMb = peak()
  const cpuMsPerForm = perForm(cpu(), latencies.length)
  latencies.sort((a, b) => a - b)
  return {
    kind: 'HTTP',
    concurrency: connections,
    perSecond: latencies.length / duration,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    errors,
    memoryMb,
    cpuMsPerForm,
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
  const cpu = measureCpu()
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
  const cpuMsPerForm = perForm(cpu(), latencies.length)
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
    cpuMsPerForm,
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
    const ratios = new Map<number, number[]>()
    for (const concurrency of levels) {
      await httpRun(server, sessions, concurrency, 2) // warm-up, not counted
      const http: Run[] = []
      const insert: Run[] = []
      for (let round = 0; round < rounds; round++) {
        http.push(await httpRun(server, sessions, concurrency, seconds))
        insert.push(await insertRun(url, experts[0]!.teamId!, experts[0]!.id, concurrency, seconds))
        for (const r of [http.at(-1)!, insert.at(-1)!]) {
          console.log(
            `${r.kind.padEnd(6)} c=${String(concurrency).padStart(2)}  ${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  errors ${r.errors}  CPU ms a form ${cpuTotal(r.cpuMsPerForm).toFixed(2)}${r.memoryMb ? `  server peak RSS ${r.memoryMb} MiB` : ''}`,
          )
        }
      }
      runs.push(medianRun(http), medianRun(insert))
      ratios.set(concurrency, http.map((h, i) => h.perSecond / insert[i]!.perSecond))
    }
    const paced = new Map<number, Run>()
    for (const rate of pacedRates) {
      const pacedRuns: Run[] = []
      for (let round = 0; round < rounds; round++) {
        const r = await pacedRun(server, sessions, SESSIONS, rate, seconds)
        console.log(`HTTP   paced at ${rate}/s over ${SESSIONS} connections: ${r.perSecond.toFixed(0)}/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}`)
        pacedRuns.push(r)
      }
      paced.set(rate, medianRun(pacedRuns))
    }
    const stored = await handle.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    await handle.close()
    writeResultsSection(values.out, 'submissions', report(runs, ratios, paced, Number(stored.n)))
    console.log(`Wrote ${values.out}`)
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Each figure the median of the rounds'; errors added up, memory the highest. */
function medianRun(rounds: readonly Run[]): Run {
  const of = (pick: (r: Run) => number) => median(rounds.map(pick))
  const memory = rounds.flatMap((r) => (r.memoryMb === undefined ? [] : [r.memoryMb]))
  return {
    kind: rounds[0]!.kind,
    concurrency: rounds[0]!.concurrency,
    perSecond: of((r) => r.perSecond),
    p50: of((r) => r.p50),
    p90: of((r) => r.p90),
    p99: of((r) => r.p99),
    max: Math.max(...rounds.map((r) => r.max)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    ...(memory.length > 0 ? { memoryMb: Math.max(...memory) } : {}),
    cpuMsPerForm: {
      server: of((r) => r.cpuMsPerForm.server),
      postgres: of((r) => r.cpuMsPerForm.postgres),
      loadGenerator: of((r) => r.cpuMsPerForm.loadGenerator),
    },
  }
}

function report(runs: readonly Run[], ratios: ReadonlyMap<number, readonly number[]>, paced: ReadonlyMap<number, Run>, stored: number): string {
  const pair = (c: number) => [runs.find((r) => r.kind === 'HTTP' && r.concurrency === c)!, runs.find((r) => r.kind === 'INSERT' && r.concurrency === c)!] as const
  const ms = (n: number) => n.toFixed(2)
  const rows = levels.map((c) => {
    const [http, insert] = pair(c)
    return `| ${c} | ${http.perSecond.toFixed(0)} | ${http.p50.toFixed(1)} / ${http.p90.toFixed(1)} / ${http.p99.toFixed(1)} | ${http.errors} | ${http.memoryMb} | ${insert.perSecond.toFixed(0)} | ${insert.p50.toFixed(1)} / ${insert.p99.toFixed(1)} | ${(http.perSecond / insert.perSecond).toFixed(2)} (${Math.min(...ratios.get(c)!).toFixed(2)}–${Math.max(...ratios.get(c)!).toFixed(2)}) |`
  })
  const cpuRows = levels.map((c) => {
    const [http, insert] = pair(c)
    const h = http.cpuMsPerForm
    const i = insert.cpuMsPerForm
    return `| ${c} | ${ms(h.server)} | ${ms(h.postgres)} | ${ms(h.loadGenerator)} | ${ms(cpuTotal(h))} | ${ms(i.postgres)} | ${ms(i.loadGenerator)} | ${ms(cpuTotal(i))} | ${(cpuTotal(i) / cpuTotal(h)).toFixed(2)} |`
  })
  const top = runs.find((r) => r.kind === 'HTTP' && r.concurrency === Math.max(...levels))!
  const topInsert = runs.find((r) => r.kind === 'INSERT' && r.concurrency === Math.max(...levels))!
  const ratio = top.perSecond / topInsert.perSecond
  return [
    '## Form submissions (`npm run bench:submissions`)',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL, the server and the load generator on the same machine.`,
    `Command: \`npm run bench:submissions -- --concurrency ${levels.join(',')} --seconds ${seconds} --rounds ${rounds} --paced ${pacedRates.join(',')}\`.`,
    `HTTP and INSERT take turns, ${rounds} times at each level, ${seconds} s a run; each figure is the median of the ${rounds} runs (the ratio's range across the rounds in brackets).`,
    `HTTP: autocannon, keep-alive, a 2 s warm-up at each level; each connection is one logged-in expert (session cookie and CSRF token) and every request has a new Idempotency-Key. The server runs as its own process with its default pool of 10 connections and logs every request (level info).`,
    'Each request\'s session is read with its user and team (requests that arrive together in one query); each accepted form is validated against the definition and stored with its queue entry for the next seal, in one statement with the forms that arrive with it; the sealer and the releases work apart from the submission.',
    `INSERT: the same rows INSERTed into meeting_forms with \`pg\`, one statement per transaction, one connection per concurrent client: the ceiling, without session, validation or sealing queue.`,
    `Latency in milliseconds; memory is the server's peak resident set during the run. ${stored.toLocaleString('en')} forms were stored in all.`,
    '',
    '| Concurrent clients | HTTP forms/s | HTTP p50 / p90 / p99 | HTTP errors | Server peak RSS (MiB) | INSERT rows/s | INSERT p50 / p99 | HTTP ÷ INSERT (range) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Processor time a stored form cost, in milliseconds (user and system time from /proc, median of the rounds): the server process, all PostgreSQL processes and the load generator (autocannon, or `pg` for INSERT). The last column is the share of the INSERT rate the HTTP path reaches if processor time alone sets the pace.',
    '',
    '| Concurrent clients | HTTP: server | HTTP: PostgreSQL | HTTP: load generator | HTTP: total | INSERT: PostgreSQL | INSERT: load generator | INSERT: total | INSERT total ÷ HTTP total |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...cpuRows,
    '',
    ...(paced.size > 0
      ? [
          `Paced: a fixed number of forms a second in all, evenly spaced, over at most ${SESSIONS} keep-alive connections of the ${SESSIONS} experts (open loop with Node's http client: a request goes when it is due, whether or not earlier ones were answered; latency counts from when it was due, so a slow answer cannot hide the ones behind it). Median of ${rounds} runs of ${seconds} s.`,
          '',
          '| Forms a second sent | stored a second | p50 / p90 / p99 | errors | HTTP CPU ms a form (total) |',
          '|---:|---:|---:|---:|---:|',
          ...[...paced].map(([rate, r]) => `| ${rate} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} / ${r.p90.toFixed(1)} / ${r.p99.toFixed(1)} | ${r.errors} | ${ms(cpuTotal(r.cpuMsPerForm))} |`),
          '',
        ]
      : []),
    `Target: at ${Math.max(...levels)} clients, HTTP at least half the INSERT rate with p99 under 50 ms. Measured: ${ratio.toFixed(2)} of the INSERT rate (${ratio >= 0.5 ? 'met' : 'not met'}), p99 ${top.p99.toFixed(1)} ms (${top.p99 < 50 ? 'met' : 'not met'}).`,
  ].join('\n')
}

await main()
process.exit(0)
