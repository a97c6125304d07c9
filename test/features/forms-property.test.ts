// Thousands of random and hostile payloads: the answer is always 201 or 400 (never a 500), and
// only valid forms are stored, each exactly once, all in an intact chain.
import fc from 'fast-check'
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { validAnswers } from '../fixtures/forms.js'
import { verifyApp } from '../fixtures/integrity.js'

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "'; DROP TABLE meeting_forms; --",
    '<script>alert(1)</script>',
    '131052-308T',
    'matti.meikalainen@example.fi',
    '\u0000',
    '💥'.repeat(50),
    'x'.repeat(10_000),
    '2026-01-01',
    'unknown',
    'yes',
  ),
)
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
)
const questionKeys = Object.keys(validAnswers())

const payload = fc.oneof(
  // a valid form with a few answers replaced or removed
  fc.record({
    changes: fc.dictionary(fc.constantFrom(...questionKeys, 'under15', 'adultClient', 'extra'), fc.option(hostileValue, { nil: undefined }), { maxKeys: 4 }),
  }).map(({ changes }) => validAnswers(changes)),
  // anything at all
  fc.anything({ maxDepth: 2 }),
  fc.dictionary(fc.constantFrom(...questionKeys), hostileValue),
)

t.test('random and hostile submissions get 201 or 400, and nothing invalid is stored', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  let created = 0
  let rejected = 0
  await fc.assert(
    fc.asyncProperty(payload, fc.uuid(), async (body, key) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/meeting-forms',
        headers: { cookie: browser.cookieHeader(), 'x-csrf-token': csrf, 'content-type': 'application/json', 'idempotency-key': key },
        payload: JSON.stringify(body) ?? 'null',
      })
      if (response.statusCode === 201) created += 1
      else if (response.statusCode === 400) {
        rejected += 1
        const error = response.json().error
        if (error.code !== 'validation_failed' || !Array.isArray(error.fields)) return false
      } else return false
      return true
    }),
    { numRuns: 1500, seed: 20261125 },
  )
  t.ok(created > 50, `${created} valid forms were accepted`)
  t.ok(rejected > 500, `${rejected} invalid ones were refused`)
  const stored = await app.db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(stored.n), created, 'one row per accepted form, none for refused ones')
  t.match(await verifyApp(app), { ok: true, linksChecked: created, problem: undefined })
})
