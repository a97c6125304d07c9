// Where the time of one form submission goes in the database: the two statements the service runs
// (the team's areas, then the form row with its queue entry for the next seal in one statement),
// timed one form at a time. The chain's lock is no step of a submission: the sealer takes it, apart.
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
import { insertMeetingFormOnce } from '../src/features/forms/forms.repository.js'
import type { Answers } from '../src/features/forms/submission-schema.js'
import { meetingFormContent } from '../src/features/forms/stored-form.js'
import { sealEntryOf } from '../src/features/integrity/chain.js'
import { findTeam } from '../src/features/teams/teams.repository.js'
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

const steps = { team: [] as number[], 'form row and seal queue entry': [] as number[], total: [] as number[] }
type Step = keyof typeof steps

for (let i = 0; i < FORMS + 50; i++) {
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
  const warm = i < 50 // the first 50 warm caches and plans
  const started = performance.now()
  let mark = started
  const lap = (step: Step) => {
    const now = performance.now()
    if (!warm) steps[step].push(now - mark)
    mark = now
  }
  // the statements of submitMeetingForm, one by one
  await findTeam(handle.db, user.teamId!)
  lap('team')
  const sealEntry = sealEntryOf({ kind: 'meeting_form', id: form.id, content: meetingFormContent(form), createdAt: form.createdAt })
  if (!(await insertMeetingFormOnce(handle.db, formDefinition, form, sealEntry))) throw new Error('the form was not stored')
  lap('form row and seal queue entry')
  if (!warm) steps.total.push(performance.now() - started)
}
await handle.close()

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
  ].join('\n'),
)
console.log(`Wrote ${values.out}`)
process.exit(0)
