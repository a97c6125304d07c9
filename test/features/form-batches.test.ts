// Forms filed at the same moment are stored in one statement: every one of them is stored once with
// its queue entry for the seal, a repeated idempotency key inside one batch is still answered as a
// repeat (or a conflict), and a form the database refuses fails alone, not its batch-mates.
import t from 'tap'
import { sql } from 'kysely'
import type { Actor } from '../../src/features/auth/session.service.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { ConflictError } from '../../src/errors.js'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, type TestUser } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'

type Db = Awaited<ReturnType<typeof buildTestApp>>['app']['db']

/** An actor as a session makes it: with the team's areas, so filing asks the database nothing first. */
async function actorOf(db: Db, user: TestUser, extra: Partial<Actor> = {}): Promise<Actor> {
  const team = await db.selectFrom('teams').select(['wellbeing_county', 'police_department']).where('id', '=', user.teamId!).executeTakeFirstOrThrow()
  const teamArea = { county: team.wellbeing_county, police: team.police_department }
  return { userId: user.id, sessionId: 'x', name: user.name, email: user.email, role: user.role, teamId: user.teamId, teamArea, loginMethod: 'sms', ...extra }
}

/** How many transactions wrote these forms (rows written by one statement share its xmin). */
async function transactionsOf(db: Db, ids: readonly string[]): Promise<number> {
  const row = await sql<{ n: number }>`SELECT count(DISTINCT xmin::text)::int AS n FROM meeting_forms WHERE id = ANY(${[...ids]}::uuid[])`.execute(db)
  return Number(row.rows[0]!.n)
}

async function storedCounts(db: Db, ids: readonly string[]) {
  const forms = await db.selectFrom('meeting_forms').select('id').where('id', 'in', ids).execute()
  const queued = await db.selectFrom('integrity_pending').select('record_id').where('record_id', 'in', ids).execute()
  return { forms: forms.length, queued: queued.length }
}

t.test('forty forms filed at once by four experts are all stored, each once, each queued for the seal', async (t) => {
  const { app, deps } = await buildTestApp(t)
  const users = [] as TestUser[]
  const actors = [] as Actor[]
  for (let i = 0; i < 4; i++) users.push(await createUser(app.db, { email: `batch-${i}@example.invalid` }))
  for (const user of users) actors.push(await actorOf(app.db, user))
  const filed = await Promise.all(
    Array.from({ length: 40 }, (_, i) => submitMeetingForm(deps, actors[i % 4]!, validAnswers({ age: 10 + (i % 8) }), newKey())),
  )
  t.ok(filed.every((f) => f.created), 'every form answered as newly stored')
  const ids = filed.map((f) => f.id)
  t.equal(new Set(ids).size, 40, 'forty different ids')
  t.same(await storedCounts(app.db, ids), { forms: 40, queued: 40 })
  t.ok((await transactionsOf(app.db, ids)) <= 2, 'in one or two statements, not forty')
  const ages = await app.db.selectFrom('meeting_forms').select(['id', 'age', 'submitted_by']).where('id', 'in', ids).execute()
  const byId = new Map(ages.map((row) => [row.id, row]))
  filed.forEach((f, i) => {
    t.equal(Number(byId.get(f.id)?.age), 10 + (i % 8), `form ${i}: its own answers`)
    t.equal(byId.get(f.id)?.submitted_by, users[i % 4]!.id, `form ${i}: its own filer`)
  })
})

t.test('the same key twice in one batch: one form, the repeat gets its id; other content is a conflict', async (t) => {
  const { app, deps } = await buildTestApp(t)
  const user = await createUser(app.db)
  const actor = await actorOf(app.db, user)
  const key = newKey()
  const answers = validAnswers({ age: 14 })
  const [first, second] = await Promise.all([submitMeetingForm(deps, actor, answers, key), submitMeetingForm(deps, actor, answers, key)])
  t.equal(first.id, second.id, 'both answered with the one form')
  t.same([first.created, second.created].sort(), [false, true], 'one stored it, the other is a repeat')
  t.same(await storedCounts(app.db, [first.id]), { forms: 1, queued: 1 })

  const otherKey = newKey()
  const outcomes = await Promise.allSettled([
    submitMeetingForm(deps, actor, validAnswers({ age: 12 }), otherKey),
    submitMeetingForm(deps, actor, validAnswers({ age: 16 }), otherKey),
  ])
  t.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, 'one of the two is stored')
  const refused = outcomes.find((o) => o.status === 'rejected')
  t.ok(refused && refused.reason instanceof ConflictError, 'the other is refused: the key was used for other answers')
  const kept = await app.db.selectFrom('meeting_forms').select('id').where('idempotency_key', '=', otherKey).execute()
  t.equal(kept.length, 1)
})

t.test('a form the database refuses fails alone; the forms filed with it are stored', async (t) => {
  const { app, deps } = await buildTestApp(t)
  const user = await createUser(app.db)
  const actor = await actorOf(app.db, user)
  // an area no county has: the foreign key refuses it (the session normally reads the team's real one)
  const lost = await actorOf(app.db, user, { teamArea: { county: 'no-such-county', police: 'no-such-department' } })
  const outcomes = await Promise.allSettled([
    submitMeetingForm(deps, actor, validAnswers(), newKey()),
    submitMeetingForm(deps, lost, validAnswers(), newKey()),
    submitMeetingForm(deps, actor, validAnswers(), newKey()),
  ])
  t.equal(outcomes[0]!.status, 'fulfilled')
  t.equal(outcomes[1]!.status, 'rejected', 'the form with the impossible area is refused')
  t.equal(outcomes[2]!.status, 'fulfilled')
  const ids = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : []))
  t.same(await storedCounts(app.db, ids), { forms: 2, queued: 2 })
  const all = await app.db.selectFrom('meeting_forms').select('id').where('submitted_by', '=', user.id).execute()
  t.equal(all.length, 2, 'nothing else was stored')
  t.equal(await transactionsOf(app.db, ids), 2, 'after the batch failed, each was stored alone')
})

t.test('the form records the areas its team has when it is filed, read with the session', async (t) => {
  const { app, deps } = await buildTestApp(t)
  const user = await createUser(app.db)
  const { resolveSession, createSession } = await import('../../src/features/auth/session.service.js')
  const { sessionId } = await createSession(deps, user.id, 'sms')
  await app.db.updateTable('teams').set({ wellbeing_county: '01', police_department: 'helsinki' }).where('id', '=', user.teamId!).execute()
  const actor = await resolveSession(deps, sessionId)
  t.same(actor?.teamArea, { county: '01', police: 'helsinki' }, 'the session carries the team’s areas now')
  const { id } = await submitMeetingForm(deps, actor!, validAnswers(), newKey())
  const row = await app.db.selectFrom('meeting_forms').select(['wellbeing_county', 'police_department']).where('id', '=', id).executeTakeFirstOrThrow()
  t.same(row, { wellbeing_county: '01', police_department: 'helsinki' })
})
