// Where the time of one form submission goes in the database: the two statements the service runs
// (the session with its user and team's areas, then the form row with its queue entry for the next
// seal in one statement), timed one form at a time; then forms stored 50 to a statement, as the
// service does with forms that arrive together. The chain's lock is no step of a submission: the
// sealer takes it, apart.
//
//   npm run bench:submission-steps -- [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//                                     [--forms 1000] [--out bench/RESULTS.md]
//
// Uses a scratch database `anchor_bench_steps` (dropped and made again) and the service's own
// repository functions, in the order forms.service.ts calls them.
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { connectDatabase } from '../src/db/connect.js'
import { migrate } from '../src/db/migrate.js'
import { formDefinition } from '../src/features/forms/definition.js'
import { insertMeetingFormsOnce, type FormToStore } from '../src/features/forms/forms.repository.js'
import type { Answers } from '../src/features/forms/submission-schema.js'
import { meetingFormContent } from '../src/features/forms/stored-form.js'
import { sealEntryOf } from '../src/features/integrity/chain.js'
import { findSessionsWithUsers, insertSession } from '../src/features/auth/session.repository.js'
import { monthOf, monthsBack } from '../src/lib/months.js'
import { createUser } from '../test/fixtures/factories.js'
import { validAnswers } from '../test/fixtures/forms.js'
import { percentile, writeResultsSection } from './results-file.js'
import { scratchDatabase } from './scratch-database.js'

/** The areas of the bench team (the test factory's defaults), recorded on every form as at filing. */
const BENCH_AREA = { county: '08', police: 'sisa-suomi', recordedAtFiling: true } as const

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    forms: { type: 'string', default: '1000' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
  },
})
const FORMS = Number(values.forms)
const BENCH_DB = 'anchor_bench_steps'

const handle = await connectDatabase({ databaseUrl: await scratchDatabase(values['database-url'], BENCH_DB) })
await migrate(handle)
await handle.enterAppRole()
const user = await createUser(handle.db, { role: 'expert' })
const months = monthsBack(monthOf(new Date()), 2)

const now = new Date()
const sessionId = await insertSession(handle.db, { userId: user.id, method: 'sms', now, expiresAt: new Date(now.getTime() + 3_600_000) })

const steps = { 'session, user and team': [] as number[], 'form row and seal queue entry': [] as number[], total: [] as number[] }
type Step = keyof typeof steps

function formToStore(i: number): FormToStore {
  const answers = validAnswers({ meetingMonth: months[i % months.length], age: 12 + (i % 6) }) as Answers
  const age = Number(answers.age)
  const form = {
    id: randomUUID(),
    teamId: user.teamId!,
    submittedBy: user.id,
    definitionVersion: formDefinition.version,
    createdAt: new Date(),
    answers,
    under15: age < 15,
    adultClient: age >= 18,
    area: BENCH_AREA,
    idempotencyKey: randomUUID(),
    requestHash: '0'.repeat(64),
  }
  const sealEntry = sealEntryOf({ kind: 'meeting_form', id: form.id, content: meetingFormContent(form), createdAt: form.createdAt })
  return { form, sealEntry }
}

async function store(batch: readonly FormToStore[]): Promise<void> {
  const stored = await insertMeetingFormsOnce(handle.db, formDefinition, batch)
  if (stored.size !== batch.length) throw new Error('a form was not stored')
}

for (let i = 0; i < FORMS + 50; i++) {
  const entry = formToStore(i)
  const warm = i < 50 // the first 50 warm caches and plans
  const started = performance.now()
  let mark = started
  const lap = (step: Step) => {
    const now = performance.now()
    if (!warm) steps[step].push(now - mark)
    mark = now
  }
  // the statements of submitMeetingForm, one by one
  await findSessionsWithUsers(handle.db, [sessionId])
  lap('session, user and team')
  await store([entry])
  lap('form row and seal queue entry')
  if (!warm) steps.total.push(performance.now() - started)
}
/** Forms stored 50 to a statement: the time of a statement, and of a form's share of it. */
const BATCH = 50
const batchTimes: number[] = []
for (let b = 0; b < Math.ceil(FORMS / BATCH) + 2; b++) {
  const batch = Array.from({ length: BATCH }, (_, i) => formToStore(b * BATCH + i))
  const started = performance.now()
  await store(batch)
  if (b >= 2) batchTimes.push(performance.now() - started) // two batches to warm up
}
await handle.close()
batchTimes.sort((a, b) => a - b)
const batchMean = batchTimes.reduce((sum, t) => sum + t, 0) / batchTimes.length

const rows = (Object.keys(steps) as Step[]).map((step) => {
  const times = [...steps[step]].sort((a, b) => a - b)
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length
  return `| ${step} | ${mean.toFixed(2)} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 99).toFixed(2)} |`
})
for (const row of rows) console.log(row)
writeResultsSection(
  values.out,
  'submission-steps',
  [
    '## One submission in the database, step by step (`npm run bench:submission-steps`)',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}, same machine. Command: \`npm run bench:submission-steps -- --forms ${FORMS}\`.`,
    `${FORMS} forms one after another (after 50 to warm up), this month's and last month's, each with the service's own functions in the order the service calls them (each statement commits on its own). Milliseconds.`,
    '',
    '| Step | mean | p50 | p99 |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    `The same forms stored ${BATCH} to a statement (${batchTimes.length} statements after 2 to warm up), as the service stores forms that arrive together: ${batchMean.toFixed(2)} ms a statement on average (p50 ${percentile(batchTimes, 50).toFixed(2)}, p99 ${percentile(batchTimes, 99).toFixed(2)}), ${(batchMean / BATCH).toFixed(3)} ms a form.`,
  ].join('\n'),
)
console.log(`Wrote ${values.out}`)
process.exit(0)
