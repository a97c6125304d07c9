// Report speed at 10,000, 100,000 and 1,000,000 forms on PostgreSQL.
//
//   npm run bench:reports -- [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//                            [--sizes 10000,100000,1000000] [--runs 100] [--out bench/RESULTS.md]
//
// Creates a scratch database `anchor_bench_reports` on that server (dropped and made again), adds
// forms in steps up to each size, and after each step makes a release of all of them (timed, as
// the first release of a database that size: earlier releases are removed first), then times
// every report page and report API endpoint through the whole application (routing, session,
// queries, HTML or JSON), in process with app.inject: no network. Published pages are read as a
// researcher; the team's own live view as a member of that team. Forms are written with the
// service's own repository, spread over 45 teams and every month since 2020; the integrity
// seals are left out, as no report reads them.
import { randomUUID } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.js'
import { migrate } from '../src/db/migrate.js'
import { SeededRandom } from '../src/features/demo/random.js'
import { demoAnswers } from '../src/features/demo/demo-answers.js'
import { formDefinition } from '../src/features/forms/definition.js'
import { makeRelease } from '../src/features/publication/release.service.js'
import { insertMeetingForms, type NewMeetingForm } from '../src/features/forms/forms.repository.js'
import type { FiledArea } from '../src/features/forms/stored-form.js'
import { monthOf, monthsBack } from '../src/lib/months.js'
import { municipalities, countyOfMunicipality, policeDepartmentOfMunicipality } from '../src/regions/index.js'
import { testConfig } from '../test/fixtures/app.js'
import { createUser, loginAs } from '../test/fixtures/factories.js'
import { FakeEmailSender } from '../test/fixtures/fake-email.js'
import { FakeSmsSender } from '../test/fixtures/fake-sms.js'
import { percentile, samplePeakMemory, writeResultsSection } from './results-file.js'
import { scratchDatabase } from './scratch-database.js'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    sizes: { type: 'string', default: '10000,100000,1000000' },
    // 100 requests per endpoint: with 30, a 95th percentile is the second slowest request, and one
    // pause of the shared machine decides it
    runs: { type: 'string', default: '100' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
  },
})
const sizes = values.sizes.split(',').map(Number)
const runs = Number(values.runs)
const BENCH_DB = 'anchor_bench_reports'
const TEAM_COUNT = 45
const FORMS_PER_BATCH = 20000

interface BenchTeam {
  id: string
  userId: string
  municipality: string
  area: FiledArea
}

/** 45 teams in the largest municipalities of mainland Finland, one expert each. */
async function createTeams(handle: DatabaseHandle): Promise<BenchTeam[]> {
  const mainland = municipalities.filter((m) => countyOfMunicipality(m.code) && policeDepartmentOfMunicipality(m.code))
  const chosen = mainland.filter((_, i) => i % Math.floor(mainland.length / TEAM_COUNT) === 0).slice(0, TEAM_COUNT)
  const teams: BenchTeam[] = []
  const now = new Date()
  for (const [i, m] of chosen.entries()) {
    const team = await handle.db
      .insertInto('teams')
      .values({
        name: `Bench ${String(i + 1).padStart(2, '0')} ${m.nameFi}`,
        police_department: policeDepartmentOfMunicipality(m.code)!.code,
        wellbeing_county: countyOfMunicipality(m.code)!.code,
        municipalities: [m.code],
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const user = await createUser(handle.db, { teamId: team.id, email: `bench-${i}@bench.invalid` })
    teams.push({ id: team.id, userId: user.id, municipality: m.code, area: { county: countyOfMunicipality(m.code)!.code, police: policeDepartmentOfMunicipality(m.code)!.code, recordedAtFiling: true } })
  }
  return teams
}

/** Adds `count` forms spread evenly over the months, one month at a time (as months fill in real life). */
async function addForms(handle: DatabaseHandle, teams: readonly BenchTeam[], count: number, random: SeededRandom, months: readonly string[]): Promise<void> {
  let written = 0
  for (const [index, month] of months.entries()) {
    const forMonth = Math.floor((count * (index + 1)) / months.length) - Math.floor((count * index) / months.length)
    for (let done = 0; done < forMonth; done += FORMS_PER_BATCH) {
      const forms: NewMeetingForm[] = []
      for (let i = 0; i < Math.min(FORMS_PER_BATCH, forMonth - done); i++) {
        const team = teams[random.int(0, teams.length - 1)]!
        const home = random.chance(0.85) ? team.municipality : teams[random.int(0, teams.length - 1)]!.municipality
        const answers = demoAnswers(random, month, home) as NewMeetingForm['answers']
        const age = Number(answers.age)
        forms.push({
          id: randomUUID(),
          teamId: team.id,
          submittedBy: team.userId,
          definitionVersion: formDefinition.version,
          createdAt: new Date(),
          answers,
          under15: age < 15,
          adultClient: age >= 18,
          area: team.area,
          idempotencyKey: randomUUID(),
          requestHash: '0'.repeat(64),
        })
      }
      await handle.db.transaction().execute((trx) => insertMeetingForms(trx, formDefinition, forms))
      written += forms.length
    }
    if (index % 12 === 11 || index === months.length - 1) process.stdout.write(`\r  ${written} / ${count} forms added`)
  }
  process.stdout.write('\n')
}

interface Measurement {
  name: string
  size: number
  median: number
  p95: number
}

/** Peak resident memory of this process (the whole server, in process) while timing each size. */
const peakMemoryMb = new Map<number, number>()
/** How long the first release of all forms took at each size. */
const releaseSeconds = new Map<number, number>()

/**
 * Releases are immutable to the service (triggers refuse UPDATE, DELETE and TRUNCATE). The
 * benchmark times a first release at each size, so it removes earlier ones as the database's
 * owner with the triggers off for its own session (session_replication_role = replica).
 */
async function removeReleases(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('SET session_replication_role = replica')
    for (const table of ['release_tables', 'release_aggregates', 'release_volumes', 'release_activity', 'release_forms', 'releases']) {
      await client.query(`DELETE FROM ${table}`)
    }
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const url = await scratchDatabase(values['database-url'], BENCH_DB)
  const handle = await connectDatabase({ databaseUrl: url })
  await migrate(handle)
  await handle.enterAppRole()
  const teams = await createTeams(handle)
  const currentYear = new Date().getFullYear()
  const year = currentYear - 1
  const months = monthsBack(monthOf(new Date()), 1000, '2020-01')
  const random = new SeededRandom(2026)
  const sms = new FakeSmsSender()
  const app = await buildApp(testConfig(), { database: handle, sms, email: new FakeEmailSender(), logger: false })
  await app.ready()
  const reader = await createUser(handle.db, { role: 'researcher', teamId: null })
  const browser = await loginAs(app, sms, reader)
  const someTeam = teams[0]!.id
  const { wellbeing_county: county, police_department: police } = await handle.db
    .selectFrom('teams')
    .select(['wellbeing_county', 'police_department'])
    .where('id', '=', someTeam)
    .executeTakeFirstOrThrow()

  const member = await createUser(handle.db, { role: 'expert', teamId: someTeam, email: 'bench-member@bench.invalid' })
  const teamBrowser = await loginAs(app, sms, member)
  const published: [string, string][] = [
    ['overview, country, year', `/reports?period=${year}`],
    ['overview, county, quarter', `/reports?period=${year}-Q2&area=county:${county}`],
    ['overview, police department, month (volumes only)', `/reports?period=${year}-05&area=police:${police}`],
    ['question: topics by age group, country', `/reports/questions/meetingTopics?period=${year}&by=age`],
    ['question: topics, county, quarter', `/reports/questions/meetingTopics?period=${year}-Q2&area=county:${county}`],
    ['question: referral services by gender', `/reports/questions/referralServices?period=${year}&by=gender`],
    ['question: home municipality (310 rows)', `/reports/questions/homeMunicipality?period=${year}`],
    ['areas: referred onward by county', `/reports/areas?period=${year}&level=county&question=referredOnward`],
    ['areas: topics by team', `/reports/areas?period=${year}&level=team&question=meetingTopics`],
    ['team activity, country', `/reports/activity`],
    ['team annual report', `/reports/annual?team=${someTeam}&year=${year}`],
    ['releases list', `/reports/releases`],
    ['API overview', `/api/v1/reports/overview?period=${year}`],
    ['API question: topics by age group', `/api/v1/reports/questions/meetingTopics?period=${year}&by=age`],
    ['API areas: topics by team', `/api/v1/reports/areas?period=${year}&level=team&question=meetingTopics`],
  ]
  const ownTeam: [string, string][] = [
    ['own team, live: start page summary', `/`],
    ['own team, live: overview, year', `/reports?period=${year}&area=team:${someTeam}`],
    ['own team, live: topics by age group, year', `/reports/questions/meetingTopics?period=${year}&area=team:${someTeam}&by=age`],
    ['own team, live: API question, month', `/api/v1/reports/questions/gender?period=${year}-05&area=team:${someTeam}`],
  ]
  const endpoints: [string, string, typeof browser][] = [
    ...published.map(([name, path]): [string, string, typeof browser] => [name, path, browser]),
    ...ownTeam.map(([name, path]): [string, string, typeof browser] => [name, path, teamBrowser]),
  ]

  const results: Measurement[] = []
  let stored = 0
  for (const size of sizes) {
    console.log(`Growing to ${size} forms`)
    const seedStarted = Date.now()
    await addForms(handle, teams, size - stored, random, months)
    console.log(`  (${((Date.now() - seedStarted) / 1000).toFixed(0)} s)`)
    stored = size
    await handle.withConnection(async (run) => {
      await run('VACUUM ANALYZE meeting_forms')
    })
    await removeReleases(url)
    const releaseStarted = Date.now()
    const made = await makeRelease({ db: handle.db, config: app.deps.config }, { now: new Date(), madeBy: null, madeHow: 'command' })
    releaseSeconds.set(size, (Date.now() - releaseStarted) / 1000)
    console.log(`  release of ${made?.formsEntered ?? 0} forms made in ${releaseSeconds.get(size)!.toFixed(1)} s`)
    await handle.withConnection(async (run) => {
      await run('VACUUM ANALYZE release_tables')
      await run('VACUUM ANALYZE release_volumes')
    })
    const peak = samplePeakMemory(process.pid)
    for (const [name, path, reader] of endpoints) {
      // The API allows 120 requests a minute from one address, and every request here comes from
      // the same one: each endpoint starts with fresh counters (counting still runs per request).
      await sql`DELETE FROM rate_limit_counters`.execute(handle.db)
      const times: number[] = []
      for (let i = 0; i < runs + 3; i++) {
        const started = process.hrtime.bigint()
        const response = await reader.get(path)
        const ms = Number(process.hrtime.bigint() - started) / 1e6
        if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode}`)
        if (i >= 3) times.push(ms) // the first three warm caches and compiled templates
      }
      times.sort((a, b) => a - b)
      const m = { name, size, median: percentile(times, 50), p95: percentile(times, 95) }
      results.push(m)
      console.log(`  ${name.padEnd(66)} median ${m.median.toFixed(1).padStart(7)} ms   p95 ${m.p95.toFixed(1).padStart(7)} ms`)
    }
    peakMemoryMb.set(size, peak())
    console.log(`  peak resident memory while serving: ${peakMemoryMb.get(size)} MiB`)
  }
  const tableRows = await handle.db.selectFrom('release_tables').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  await app.close()
  await handle.close()
  writeResultsSection(values.out, 'reports', report(results, Number(tableRows.n)))
  console.log(`Wrote ${values.out}`)
}

function report(results: readonly Measurement[], tableRows: number): string {
  const header = `| Endpoint | ${sizes.map((s) => `${s.toLocaleString('en')} forms: median / p95 (ms)`).join(' | ')} | median, largest ÷ smallest |`
  const rule = `|---|${sizes.map(() => '---:').join('|')}|---:|`
  const names = [...new Set(results.map((r) => r.name))]
  const lines = names.map((name) => {
    const cells = sizes.map((size) => {
      const m = results.find((r) => r.name === name && r.size === size)!
      return `${m.median.toFixed(1)} / ${m.p95.toFixed(1)}`
    })
    const first = results.find((r) => r.name === name && r.size === sizes[0])!
    const last = results.find((r) => r.name === name && r.size === sizes[sizes.length - 1])!
    return `| ${name} | ${cells.join(' | ')} | ×${(last.median / first.median).toFixed(1)} |`
  })
  const worst = Math.max(...results.filter((r) => r.size === sizes[sizes.length - 1]).map((r) => r.p95))
  return [
    '## Reports (`npm run bench:reports`)',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL on the same machine.`,
    `Command: \`npm run bench:reports -- --sizes ${sizes.join(',')} --runs ${runs}\`.`,
    `Each endpoint was requested ${runs} times after 3 warm-up requests, through the whole application in process (session, queries, HTML or JSON); no network.`,
    `Forms: ${TEAM_COUNT} teams, meetings spread evenly over every month since January 2020; the pages ask for ${new Date().getFullYear() - 1}, about ${Math.round(100 / (months() / 12))} % of all forms.`,
    `Release: after each step all forms were released at once, as the first release of a database that size: ${sizes.map((size) => `${size.toLocaleString('en')} forms ${releaseSeconds.get(size)!.toFixed(1)} s`).join(', ')}. After the largest, the release held ${tableRows.toLocaleString('en')} published tables.`,
    'Published pages read the latest release (stored tables and exact volumes), whose size follows areas × periods × questions rather than forms. The rows marked *own team, live* are read by a member of that team and count its forms of the period through an index, so they grow with that team\'s forms (1/45 of all here).',
    '',
    header,
    rule,
    ...lines,
    '',
    `Slowest 95th percentile at ${sizes[sizes.length - 1]!.toLocaleString('en')} forms: ${worst.toFixed(1)} ms.`,
    '',
    `Peak resident memory of the process (the whole application, in process with the benchmark) while serving these requests: ${sizes.map((size) => `${size.toLocaleString('en')} forms ${peakMemoryMb.get(size)} MiB`).join(', ')}.`,
    '',
  ].join('\n')
}

function months(): number {
  const now = new Date()
  return (now.getFullYear() - 2020) * 12 + now.getMonth() + 1
}

await main()
process.exit(0)
