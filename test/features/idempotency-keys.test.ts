// Idempotency keys are opaque UUIDs: a key that could carry a name, an identity code or a phone
// number is refused with 400 naming the field, on the API and on the form pages, and never stored.
import t from 'tap'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import type { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { formDefinition } from '../../src/features/forms/definition.js'
import { asFormFields, newKey, validAnswers } from '../fixtures/forms.js'

/** What the penetration test got stored: an identity code, a name joined to one, a phone number. */
const PERSONAL_KEYS = ['131052-308T', 'Virtanen131052-308T', '0401234567-', 'not-a-uuid-at-all']

async function storedKeys(test: TestApp): Promise<string[]> {
  const forms = await test.app.db.selectFrom('meeting_forms').select('idempotency_key').execute()
  const activity = await test.app.db.selectFrom('activity_records').select('idempotency_key').execute()
  return [...forms, ...activity].map((r) => r.idempotency_key)
}

async function expert(test: TestApp): Promise<{ browser: TestBrowser; csrf: string }> {
  const browser = await loginAs(test.app, test.sms, await createUser(test.app.db))
  const csrf = (await browser.get('/api/v1/session')).json().csrfToken as string
  return { browser, csrf }
}

t.test('the API refuses a key that is not a UUID, naming the Idempotency-Key header', async (t) => {
  const test = await buildTestApp(t)
  const { browser, csrf } = await expert(test)
  const month = validAnswers().meetingMonth as string
  const endpoints = [
    { url: '/api/v1/meeting-forms', body: validAnswers() },
    { url: '/api/v1/activity-records', body: { kind: 'stakeholder_meeting', month, participants: 8 } },
  ]
  for (const { url, body } of endpoints) {
    for (const key of PERSONAL_KEYS) {
      const refused = await browser.postJson(url, body, { 'x-csrf-token': csrf, 'idempotency-key': key })
      t.equal(refused.statusCode, 400, `${url} refuses ${key}`)
      t.same(refused.json().error.fields.map((f: { field: string; code: string }) => [f.field, f.code]), [['Idempotency-Key', 'not_uuid']])
      t.match(refused.json().error.fields[0].message, 'UUID')
    }
  }
  t.same(await storedKeys(test), [], 'nothing was stored')

  // Any version, either case; stored in lower case, so both spellings are one key.
  const upper = newKey().toUpperCase()
  const first = await browser.postJson('/api/v1/meeting-forms', validAnswers(), { 'x-csrf-token': csrf, 'idempotency-key': upper })
  t.equal(first.statusCode, 201)
  const again = await browser.postJson('/api/v1/meeting-forms', validAnswers(), { 'x-csrf-token': csrf, 'idempotency-key': upper.toLowerCase() })
  t.equal(again.json().id, first.json().id, 'the lower-case spelling finds the same form')
  const v1 = await browser.postJson('/api/v1/activity-records', { kind: 'refusal', month, ageBand: 'under_15' }, { 'x-csrf-token': csrf, 'idempotency-key': 'c232ab00-9414-11ec-b3c8-9e6bdeced846' })
  t.equal(v1.statusCode, 201, 'a version 1 UUID is a key too')
  t.same((await storedKeys(test)).sort(), [upper.toLowerCase(), 'c232ab00-9414-11ec-b3c8-9e6bdeced846'].sort())
})

t.test('the form pages refuse a hidden key that is not a UUID; the draft carries a UUID of its own', async (t) => {
  const test = await buildTestApp(t)
  const { browser } = await expert(test)
  await browser.get('/forms/new/meeting')
  const refused = await browser.post('/forms', { idempotencyKey: '131052-308T' })
  t.equal(refused.statusCode, 400, 'without a draft the key sent is checked, and refused')
  t.same(await storedKeys(test), [], 'nothing was stored')

  for (const step of formDefinition.sections.map((s) => s.id)) {
    const only = formDefinition.questions.filter((q) => q.section === step).map((q) => q.id)
    await browser.post(`/forms/new/${step}`, { ...asFormFields(validAnswers({ age: 16 }), only), go: 'next' })
  }
  const review = await browser.get('/forms/review')
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(review.body)?.[1]
  t.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'the review sends the draft\'s key')
  t.equal((await browser.post('/forms', { idempotencyKey: '131052-308T' })).statusCode, 303, 'with a draft, the form is filed under the draft\'s key whatever the page sends')

  await browser.get('/activity')
  const activity = await browser.post('/activity', { kind: 'refusal', month: validAnswers().meetingMonth as string, ageBand: 'under_15', idempotencyKey: '0401234567-' })
  t.equal(activity.statusCode, 400)
  t.match(activity.body, /Form key<\/span> Must be a UUID/)
  t.same(await storedKeys(test), [key], 'only the form, under its draft\'s key, is stored')
})

t.test('the database refuses a new row whose key is not a UUID', async (t) => {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const insert = (key: string) =>
    test.database.handle
      .runScript(`INSERT INTO activity_records (id, team_id, submitted_by, idempotency_key, request_hash, created_at, kind, activity_month, age_band)
        VALUES (gen_random_uuid(), '${user.teamId}', '${user.id}', '${key}', repeat('a', 64), now(), 'refusal', date_trunc('month', now())::date, 'under_15')`)
      .then(() => 'stored', (e: { code?: string }) => e.code)
  t.equal(await insert('131052-308T'), '23514', 'a check constraint refuses it')
  t.equal(await insert(newKey()), 'stored', 'a UUID is stored')
})
