// The statistics form pages as an expert uses them, without JavaScript: fill in, review, submit,
// receipt, own forms; retries and double clicks make one form.
import t from 'tap'
import { formDefinition } from '../../src/features/forms/definition.js'
import { buildTestApp } from '../fixtures/app.js'
import type { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { validAnswers } from '../fixtures/forms.js'

function asFormFields(answers: Record<string, unknown>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {}
  for (const [key, value] of Object.entries(answers)) {
    if (value === undefined) continue
    fields[key] = Array.isArray(value) ? value.map(String) : String(value)
  }
  return fields
}

const idempotencyKeyOf = (html: string) => /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1] ?? ''
const count = async (browser: TestBrowser, db: import('kysely').Kysely<import('../../src/db/schema.js').Database>) => {
  void browser
  const row = await db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

t.test('fill in, review, submit, receipt; a double click and a reload make one form', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)

  const page = await browser.get('/forms/new')
  t.equal(page.statusCode, 200)
  for (const question of formDefinition.questions) t.match(page.body, `id="question-${question.id}"`, question.id)
  t.match(page.body, 'data-show-when-question="hasHobby"')
  const key = idempotencyKeyOf(page.body)
  t.match(key, /^[0-9a-f-]{36}$/)

  const review = await browser.post('/forms/review', { ...asFormFields(validAnswers()), idempotencyKey: key })
  t.equal(review.statusCode, 200)
  t.match(review.body, 'A submitted form can never be changed.')
  t.match(review.body, 'Theft or shoplifting')
  t.match(review.body, 'January 2026')
  t.equal(await count(browser, app.db), 0, 'reviewing stores nothing')

  const reviewFields = [...review.body.matchAll(/<form method="post" action="\/forms">([\s\S]*?)<\/form>/g)][0]![1]!
  const hidden: Record<string, string | string[]> = {}
  for (const m of reviewFields.matchAll(/name="([^"]+)" value="([^"]*)"/g)) {
    const [name, value] = [m[1]!, m[2]!]
    const existing = hidden[name]
    hidden[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  const first = await browser.post('/forms', hidden)
  t.equal(first.statusCode, 303)
  const receiptUrl = first.headers.location as string
  t.match(receiptUrl, /^\/forms\/[0-9a-f-]{36}\/receipt$/)
  const second = await browser.post('/forms', hidden)
  t.equal(second.headers.location, receiptUrl, 'a second click leads to the same receipt')
  const receipt = await browser.get(receiptUrl)
  t.equal(receipt.statusCode, 200)
  t.match(receipt.body, 'Form received')
  t.match(receipt.body, /Reference <strong>[0-9A-F]{8}<\/strong>/)
  await browser.get(receiptUrl)
  t.equal(await count(browser, app.db), 1, 'exactly one form')

  const list = await browser.get('/forms')
  t.match(list.body, 'Forms in all: 1.')
  const formUrl = receiptUrl.replace('/receipt', '')
  const show = await browser.get(formUrl)
  t.equal(show.statusCode, 200)
  t.match(show.body, 'Outreach youth work')

  const other = await loginAs(app, sms, await createUser(app.db))
  t.equal((await other.get(formUrl)).statusCode, 404, "another user's form does not exist for them")
  t.equal((await other.get(receiptUrl)).statusCode, 404)
})

t.test('errors re-render the form with every answer kept and each problem linked', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await browser.get('/forms/new')
  const partial = asFormFields(validAnswers({ gender: undefined, age: 'fourteen', meetingTopics: undefined, guidedHobby: undefined }))
  const r = await browser.post('/forms/review', partial)
  t.equal(r.statusCode, 400)
  for (const field of ['gender', 'age', 'meetingTopics', 'guidedHobby']) t.match(r.body, `href="#field-${field}"`, field)
  t.match(r.body, '>Gender: Fill in this field.</a>', 'the summary names the question in words')
  t.notMatch(r.body, 'fields.', 'no untranslated key')
  t.match(r.body, 'Enter a whole number.')
  t.match(r.body, 'value="fourteen"', 'the typed text is kept')
  t.match(r.body, /id="field-homeMunicipality"[\s\S]*?<option value="837" selected>/, 'the chosen municipality is kept')
  t.match(r.body, /id="field-referralServices-outreach_youth_work" name="referralServices" value="outreach_youth_work" checked/)
  t.equal(await count(browser, app.db), 0)

  for (const [lang, text] of [['fi', 'Täytä tämä kenttä.'], ['sv', 'Fyll i fältet.']] as const) {
    const localized = await browser.post('/forms/review', partial, { 'accept-language': lang })
    t.match(localized.body, `<html lang="${lang}">`)
    t.match(localized.body, text)
  }
})

t.test('without JavaScript, answers to questions that do not apply are ignored, not refused', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  const page = await browser.get('/forms/new')
  const r = await browser.post('/forms', { ...asFormFields(validAnswers({ hasHobby: 'no', guidedHobby: 'yes', meetingKind: 'follow_up', responseTimeDays: 3 })), idempotencyKey: idempotencyKeyOf(page.body) })
  t.equal(r.statusCode, 303)
  const row = await app.db.selectFrom('meeting_forms').select(['guided_hobby', 'response_time_days']).executeTakeFirstOrThrow()
  t.same(row, { guided_hobby: null, response_time_days: null })
})

t.test('"change answers" returns to the form with the answers filled in', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await browser.get('/forms/new')
  const key = '5c6d7e8f-0a1b-4c2d-9e3f-405162738495'
  const back = await browser.post('/forms/new', { ...asFormFields(validAnswers({ age: 17 })), idempotencyKey: key })
  t.equal(back.statusCode, 200)
  t.match(back.body, 'name="age" type="text" inputmode="numeric" autocomplete="off" value="17"')
  t.match(back.body, `value="${key}"`, 'the same idempotency key travels on')
})

t.test('researchers cannot file forms; the start page links to the form for experts', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await loginAs(app, sms, await createUser(app.db, { role: 'researcher', teamId: null }))
  t.equal((await researcher.get('/forms/new')).statusCode, 403)
  t.notMatch((await researcher.get('/')).body, 'href="/forms/new"')
  const expert = await loginAs(app, sms, await createUser(app.db))
  t.match((await expert.get('/')).body, 'href="/forms/new"')
})

t.test('the language switch on a page drawn from a POST leads to a page that exists', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await browser.get('/forms/new')
  const review = await browser.post('/forms/review', asFormFields(validAnswers()))
  t.match(review.body, 'href="/language/sv?next&#x3D;%2Fforms%2Fnew"')
  const switched = await browser.get('/language/sv?next=%2Fforms%2Fnew')
  t.equal(switched.headers.location, '/forms/new')
  t.equal((await browser.follow()).statusCode, 200)
})
