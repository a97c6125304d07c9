// What the database itself enforces, proved with raw SQL, and how its errors reach users.
import t from 'tap'
import { sql } from 'kysely'
import { translateDatabaseError } from '../../src/db/pg-errors.js'
import { AUDIT_EVENTS, PROFESSIONS } from '../../src/db/schema.js'
import { ConflictError, ImmutableRowError, ServiceUnavailableError, ValidationError } from '../../src/errors.js'
import { buildTestApp } from '../fixtures/app.js'
import { createUser } from '../fixtures/factories.js'

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  return undefined
}

t.test('the audit log is append-only: the app role may not change it, and triggers refuse even the owner', async (t) => {
  const { app, database } = await buildTestApp(t)
  await createUser(app.db)
  await sql`INSERT INTO audit_log (occurred_at, event) VALUES (now(), 'registration')`.execute(app.db)
  for (const statement of ['UPDATE audit_log SET event = \'approval\'', 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
    const asApp = await rejection(() => sql.raw(statement).execute(app.db))
    t.equal((asApp as { code?: string } | undefined)?.code, '42501', `the app role lacks the privilege: ${statement}`)
    t.ok(translateDatabaseError(asApp) instanceof ImmutableRowError)
    const asOwner = await rejection(() => database.handle.runScript(statement))
    t.equal((asOwner as { code?: string } | undefined)?.code, 'AN001', `the trigger refuses the owner: ${statement}`)
  }
  const rows = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log`.execute(app.db)
  t.equal(Number(rows.rows[0]?.n), 1)
})

t.test('constraint violations become clear 4xx errors', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db, { email: 'one@example.fi' })
  const duplicate = await rejection(() => createUser(app.db, { email: 'one@example.fi' }))
  const conflict = translateDatabaseError(duplicate)
  t.ok(conflict instanceof ConflictError)
  t.equal(conflict?.fields[0]?.field, 'email')

  const badRole = await rejection(() => sql`UPDATE users SET role = 'superuser' WHERE id = ${user.id}`.execute(app.db))
  t.ok(translateDatabaseError(badRole) instanceof ValidationError)
  const expertWithoutTeam = await rejection(() => sql`UPDATE users SET team_id = NULL WHERE id = ${user.id}`.execute(app.db))
  t.ok(translateDatabaseError(expertWithoutTeam) instanceof ValidationError, 'an expert cannot lose their team')
  const badTeam = await rejection(() => sql`UPDATE users SET team_id = '00000000-0000-0000-0000-000000000000' WHERE id = ${user.id}`.execute(app.db))
  const fk = translateDatabaseError(badTeam)
  t.ok(fk instanceof ValidationError)
  t.equal(fk?.fields[0]?.code, 'unknown_reference')
  const badPhone = await rejection(() => sql`UPDATE users SET phone = '040 123' WHERE id = ${user.id}`.execute(app.db))
  t.ok(translateDatabaseError(badPhone) instanceof ValidationError)
  const badUuid = await rejection(() => sql`SELECT * FROM users WHERE id = ${'not-a-uuid'}`.execute(app.db))
  t.ok(translateDatabaseError(badUuid) instanceof ValidationError)
})

t.test('a lost database connection is a 503, not a 500', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
  t.ok(translateDatabaseError(refused) instanceof ServiceUnavailableError)
  t.ok(translateDatabaseError(Object.assign(new Error('terminating connection'), { code: '57P01' })) instanceof ServiceUnavailableError)
  t.equal(translateDatabaseError(new Error('something else')), undefined)
})

t.test('the code lists in TypeScript and the CHECK constraints agree', async (t) => {
  const { app } = await buildTestApp(t)
  const check = async (table: string, column: string): Promise<string[]> => {
    const result = await sql<{ def: string }>`
      SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      JOIN pg_class r ON r.oid = c.conrelid
      WHERE r.relname = ${table} AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE ${`%${column}%ANY%`}`.execute(app.db)
    const def = result.rows[0]?.def ?? ''
    return [...def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]!).sort()
  }
  t.same(await check('audit_log', 'event'), [...AUDIT_EVENTS].sort())
  t.same(await check('users', 'profession'), [...PROFESSIONS].sort())
})

t.test('readiness reports the database and migrations', async (t) => {
  const { app } = await buildTestApp(t)
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
})
