// meeting_forms as the database keeps it: it agrees with the form definition code by code, and no
// statement the application's connection can send changes or removes a submitted form.
import t from 'tap'
import { sql } from 'kysely'
import { answerColumns } from '../../src/features/forms/answer-columns.js'
import { formDefinition } from '../../src/features/forms/definition.js'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import type { Actor } from '../../src/features/auth/session.service.js'
import { makeCheckpoint } from '../../src/features/integrity/checkpoint.service.js'
import { integrityKeys } from '../../src/features/integrity/keys.js'
import { buildTestApp } from '../fixtures/app.js'
import { createUser } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'

const METADATA = ['id', 'team_id', 'submitted_by', 'definition_version', 'idempotency_key', 'request_hash', 'created_at', 'under_15', 'adult_client', 'home_municipality_known', 'wellbeing_county', 'police_department', 'area_recorded_at_filing', 'record_key']

t.test('the table and its CHECK constraints agree with the definition, code by code', async (t) => {
  const { app } = await buildTestApp(t)
  const columns = await sql<{ column_name: string; is_nullable: string; data_type: string }>`
    SELECT column_name, is_nullable, data_type FROM information_schema.columns WHERE table_name = 'meeting_forms'`.execute(app.db)
  const byName = new Map(columns.rows.map((c) => [c.column_name, c]))
  const expected = [...METADATA, ...answerColumns(formDefinition).map((c) => c.column)].sort()
  t.same([...byName.keys()].sort(), expected, 'one column per question, nothing else')

  const constraints = await sql<{ conname: string; def: string }>`
    SELECT c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    JOIN pg_class r ON r.oid = c.conrelid WHERE r.relname = 'meeting_forms' AND c.contype = 'c'`.execute(app.db)
  const definitionOf = (name: string) => constraints.rows.find((c) => c.conname === name)?.def ?? ''

  for (const column of answerColumns(formDefinition)) {
    const info = byName.get(column.column)!
    t.equal(info.is_nullable === 'YES', column.question.showWhen !== undefined, `${column.column}: NOT NULL exactly when always shown`)
    if (column.kind === 'codes') {
      const def = definitionOf(`${column.column}_codes`)
      const codes = [...def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]).sort()
      t.same(codes, [...column.codes].sort(), `${column.column}: the database accepts exactly the definition's codes`)
      t.equal(info.data_type, column.array ? 'ARRAY' : 'text')
    } else if (column.kind === 'integer') {
      const def = definitionOf(`${column.column}_range`)
      const bounds = /(-?\d+)\D+(-?\d+)/.exec(def.replace(column.column, ''))
      t.same([Number(bounds?.[1]), Number(bounds?.[2])], [column.min, column.max], `${column.column}: bounds`)
    }
    if (column.question.showWhen) t.ok(definitionOf(`${column.column}_shown_when`), `${column.column}: the show-when rule is a constraint`)
  }
})

t.test("the (team, month) index carries every answer, and the largest possible form still fits in it", async (t) => {
  const { app, deps } = await buildTestApp(t)
  // A team's own live figures are counted from this index alone (migrations/0019_team_answers_index.sql):
  // a question whose column it lacks would send those counts back to the table, one page per form.
  const indexed = await sql<{ column: string }>`
    SELECT a.attname AS column FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE c.relname = 'meeting_forms_by_team_month'`.execute(app.db)
  const columns = new Set(indexed.rows.map((r) => r.column))
  for (const column of ['team_id', 'id', ...answerColumns(formDefinition).map((c) => c.column)]) {
    t.ok(columns.has(column), `the index holds ${column}`)
  }

  // An index entry has a size limit (about a third of a page): every option of every multiple choice
  // ticked, and every conditional question shown, must still be accepted.
  const everything: Record<string, unknown> = { referredOnward: 'yes', hasHobby: 'yes', guidedHobby: 'unknown', firstTimeInAnchor: 'no', timesInAnchor: 99 }
  for (const question of formDefinition.questions) {
    if (question.type !== 'multiple') continue
    const codes = question.options.map((o) => o.code)
    everything[question.id] = question.id === 'continuationPlan' ? codes.filter((c) => c !== 'no_further_measures') : codes
  }
  const user = await createUser(app.db)
  const actor: Actor = { userId: user.id, sessionId: 'x', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  const { id } = await submitMeetingForm(deps, actor, validAnswers(everything), newKey())
  const stored = await app.db.selectFrom('meeting_forms').select(['meeting_topics', 'referral_services']).where('id', '=', id).executeTakeFirstOrThrow()
  t.same(stored.meeting_topics, everything.meetingTopics, 'every topic stored')
  t.same(stored.referral_services, everything.referralServices, 'every referral service stored')
})

t.test('the application role cannot change or remove a form; the triggers refuse even the owner', async (t) => {
  const { app, deps, database } = await buildTestApp(t)
  const user = await createUser(app.db)
  const actor: Actor = { userId: user.id, sessionId: 'x', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  const { id } = await submitMeetingForm(deps, actor, validAnswers(), newKey())
  // sealed and signed, so the chain's tables have rows for each statement to try
  await makeCheckpoint(app.db, integrityKeys(deps.config), deps.clock, 'daily')

  for (const statement of [
    `UPDATE meeting_forms SET age = 15, under_15 = false WHERE id = '${id}'`,
    `DELETE FROM meeting_forms WHERE id = '${id}'`,
    'TRUNCATE meeting_forms CASCADE',
    'UPDATE integrity_chain SET content_hash = content_hash',
    'DELETE FROM integrity_chain',
    'UPDATE integrity_seals SET seal_hash = seal_hash',
    'DELETE FROM integrity_seals',
    'TRUNCATE integrity_seals CASCADE',
    'UPDATE integrity_checkpoints SET root_hash = root_hash',
    'DELETE FROM integrity_checkpoints',
  ]) {
    const asApp = await sql.raw(statement).execute(app.db).then(() => undefined, (e: { code?: string }) => e.code)
    t.equal(asApp, '42501', `application role: ${statement}`)
    const asOwner = await database.handle.runScript(statement).then(() => undefined, (e: { code?: string }) => e.code)
    t.equal(asOwner, 'AN001', `owner, stopped by the trigger: ${statement}`)
  }
  const row = await app.db.selectFrom('meeting_forms').select(['age']).where('id', '=', id).executeTakeFirstOrThrow()
  t.equal(row.age, 14, 'the form is unchanged')

  const routes = app.printRoutes({ commonPrefix: false })
  t.notMatch(routes, /meeting-forms\/:id.*\((PUT|PATCH|DELETE)/, 'no route edits or deletes a form')
  t.notMatch(routes, /\b(PUT|PATCH|DELETE)\b/, 'the service has no PUT, PATCH or DELETE route at all')
})

t.test('the database refuses a form that breaks the definition even if the edge let it through', async (t) => {
  const { app, database } = await buildTestApp(t)
  const user = await createUser(app.db)
  const base = `INSERT INTO meeting_forms (id, team_id, submitted_by, definition_version, idempotency_key, request_hash, created_at,
    meeting_month, meeting_kind, gender, age, home_municipality, child_welfare_notification, earlier_welfare_client, has_hobby, guided_hobby,
    gang_like_group, first_time_in_anchor, times_in_anchor, meeting_topics, under_influence, client_role, information_sources, referred_onward,
    referral_services, meeting_participants, response_time_days, working_methods, continuation_plan, regret_own, regret_team, usefulness, under_15, adult_client,
    wellbeing_county, police_department, area_recorded_at_filing, record_key)
    VALUES (gen_random_uuid(), '${user.teamId}', '${user.id}', 1, gen_random_uuid()::text, repeat('a', 64), now(),`
  const good = `'2026-01-01', 'first', 'boy', 14, '837', 'yes', 'no', 'yes', 'no', 'no', 'yes', NULL, ARRAY['assault'], 'no', 'suspect', ARRAY['police'], 'no', NULL, ARRAY['police'], 5, ARRAY['phone'], ARRAY['other'], 'yes', 'yes', '3', true, false, '08', 'sisa-suomi', true, 12345)`
  t.equal(await database.handle.runScript(base + good).then(() => 'ok', (e: { code?: string }) => e.code), 'ok', 'the baseline row is accepted')
  const variants: [string, string][] = [
    ['unknown gender code', good.replace("'boy'", "'alien'")],
    ['age out of range', good.replace("'boy', 14", "'boy', 40")],
    ['under 15 contradicting age', good.replace('true, false, ', 'false, false, ')],
    ['guided hobby without a hobby', good.replace("'yes', 'no', 'yes', 'no'", "'yes', 'no', 'no', 'no'")],
    ['unknown municipality', good.replace("'837'", "'999'")],
    ['a day in the month', good.replace("'2026-01-01'", "'2026-01-15'")],
    ['an empty multiple choice', good.replace("ARRAY['assault']", "ARRAY[]::text[]")],
    ['an unknown topic', good.replace("ARRAY['assault']", "ARRAY['assault', 'jaywalking']")],
    ['a repeated topic', good.replace("ARRAY['assault']", "ARRAY['assault', 'assault']")],
    ['response time on a follow-up meeting', good.replace("'first'", "'follow_up'")],
  ]
  for (const [name, values] of variants) {
    const code = await database.handle.runScript(base + values).then(() => 'ok', (e: { code?: string }) => e.code)
    t.ok(code === '23514' || code === '23503', `${name}: refused (${code})`)
  }
})

const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
t.test('with its own login role (DATABASE_URL) beside the owner, the service cannot regain the right to change forms', { skip: onPostgres ? false : 'PGlite has a single user: this runs on PostgreSQL (TEST_DATABASE_URL)' }, async (t) => {
  const { database, app, deps } = await buildTestApp(t)
  if (!database.url) throw new Error('expected a PostgreSQL test database')
  const user = await createUser(app.db)
  const actor: Actor = { userId: user.id, sessionId: 'x', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  const { id } = await submitMeetingForm(deps, actor, validAnswers(), newKey())
  // The service's login role: a member of anchor_app and nothing else (set up once per cluster).
  await database.handle.runScript(`DO $$ BEGIN CREATE ROLE anchor_service_test LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
    GRANT anchor_app TO anchor_service_test;`)
  const serviceUrl = new URL(database.url)
  serviceUrl.username = 'anchor_service_test'
  const { connectDatabase } = await import('../../src/db/connect.js')
  const service = await connectDatabase({ databaseUrl: serviceUrl.toString(), ownerUrl: database.url })
  t.teardown(() => service.close())
  await service.enterAppRole()
  const seen = await service.db.selectFrom('meeting_forms').select('id').execute()
  t.same(seen.map((r) => r.id), [id], 'the service role reads forms')
  const escaped = await sql.raw(`RESET ROLE; UPDATE meeting_forms SET age = 16, under_15 = false WHERE id = '${id}'`).execute(service.db).then(
    () => 'changed',
    (e: { code?: string }) => e.code,
  )
  t.equal(escaped, '42501', 'even after RESET ROLE the login role has no UPDATE privilege')
  const disable = await sql.raw('ALTER TABLE meeting_forms DISABLE TRIGGER USER').execute(service.db).then(() => 'done', (e: { code?: string }) => e.code)
  t.equal(disable, '42501', 'nor may it switch the triggers off')
})
