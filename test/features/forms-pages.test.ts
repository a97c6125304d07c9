// The statistics form pages as an expert uses them, without JavaScript: the form in steps with the
// answers kept in a draft (forward, back, errors on their step), the review with a Change link per
// answer, submit, receipt and own forms; a double click makes one form; a session that ends in the
// middle loses nothing.
import t, { type Test } from 'tap'
import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { formDefinition } from '../../src/features/forms/definition.js'
import { buildTestApp } from '../fixtures/app.js'
import { TestBrowser } from '../fixtures/browser.js'
import { createUser, loginAs } from '../fixtures/factories.js'
import { asFormFields, validAnswers } from '../fixtures/forms.js'

const STEPS = formDefinition.sections.map((s) => s.id)
const questionsOn = (step: string) => formDefinition.questions.filter((q) => q.section === step).map((q) => q.id)

const formCount = async (db: Kysely<Database>) => Number((await db.selectFrom('meeting_forms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)

/** Sends one step's answers the way its page would; returns the response. */
async function sendStep(browser: TestBrowser, step: string, answers: Record<string, unknown>, extra: Record<string, string> = {}) {
  await browser.get(`/forms/new/${step}`)
  return browser.post(`/forms/new/${step}`, { ...asFormFields(answers, questionsOn(step)), go: 'next', ...extra })
}

/** Every step in turn, each leading to the next and the last to the review. */
async function fillEveryStep(t: Test, browser: TestBrowser, answers: Record<string, unknown>) {
  for (const [i, step] of STEPS.entries()) {
    const sent = await sendStep(browser, step, answers)
    t.equal(sent.statusCode, 303, `${step}: accepted`)
    t.equal(sent.headers.location, i + 1 < STEPS.length ? `/forms/new/${STEPS[i + 1]}` : '/forms/review', `${step}: on to the next`)
  }
}

t.test('the form in steps, the review, submit and receipt; a double click makes one form', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)

  const start = await browser.get('/forms/new')
  t.equal(start.statusCode, 303)
  t.equal(start.headers.location, `/forms/new/${STEPS[0]}`)
  const first = await browser.get(`/forms/new/${STEPS[0]}`)
  t.equal(first.statusCode, 200)
  t.match(first.body, `Step 1 of ${STEPS.length + 1}`)
  t.match(first.body, 'aria-current="step"')
  for (const id of questionsOn(STEPS[0]!)) t.match(first.body, `id="question-${id}"`, `${id} is on the first step`)
  t.notMatch(first.body, 'id="question-meetingTopics"', 'a later question is not')
  t.match(first.body, 'inputmode="numeric" pattern="[0-9]*"', 'the number keyboard for numbers')

  await fillEveryStep(t, browser, validAnswers())
  t.equal(await formCount(app.db), 0, 'the steps store a draft, no form')

  const review = await browser.get('/forms/review')
  t.equal(review.statusCode, 200)
  t.match(review.body, 'A submitted form can never be changed.')
  t.match(review.body, 'Theft or shoplifting')
  t.match(review.body, 'January 2026')
  t.match(review.body, '6 working days', 'a number with its unit')
  t.match(review.body, 'href="/forms/new/service?return=review#question-referredOnward"', 'a Change link that opens the question')
  t.equal([...review.body.matchAll(/class="summary-list__action"/g)].length, Object.keys(validAnswers()).length, 'one Change link per answer')

  const key = /name="idempotencyKey" value="([^"]+)"/.exec(review.body)?.[1] ?? ''
  const sent = await browser.post('/forms', { idempotencyKey: key })
  t.equal(sent.statusCode, 303)
  const receiptUrl = sent.headers.location as string
  t.match(receiptUrl, /^\/forms\/[0-9a-f-]{36}\/receipt$/)
  const again = await browser.post('/forms', { idempotencyKey: key })
  t.equal(again.headers.location, receiptUrl, 'a second click leads to the same receipt')
  t.equal(await formCount(app.db), 1, 'exactly one form')
  t.equal((await app.db.selectFrom('form_drafts').selectAll().execute()).length, 0, 'the draft is gone')

  const receipt = await browser.get(receiptUrl)
  t.match(receipt.body, 'Form received')
  const list = await browser.get('/forms')
  t.match(list.body, 'Forms in all: 1.')
  t.match(list.body, '<td>January 2026</td>', 'the month in words')
  const formUrl = receiptUrl.replace('/receipt', '')
  t.match((await browser.get(formUrl)).body, 'Outreach youth work')

  const other = await loginAs(app, sms, await createUser(app.db))
  t.equal((await other.get(formUrl)).statusCode, 404, "another user's form does not exist for them")
  t.equal((await other.get('/forms/review')).headers.location, '/forms/new', 'and they have no draft of it')
})

t.test('problems are shown on their step, worded for the question, with every answer kept', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  const r = await sendStep(browser, 'meeting', validAnswers({ gender: undefined, age: 'fourteen' }))
  t.equal(r.statusCode, 400)
  t.match(r.body, 'href="#field-gender"')
  t.match(r.body, /<span class="error-summary__field">Gender<\/span> Choose one option\./, 'the summary names the question, then what to do')
  t.match(r.body, 'Enter a whole number from 6 to 29.')
  t.match(r.body, 'There is a problem')
  t.notMatch(r.body, 'fields.', 'no untranslated key')
  t.notMatch(r.body, '?:', 'no colon after a question mark')
  t.match(r.body, 'value="fourteen"', 'the typed text is kept')
  t.match(r.body, /<option value="837" selected>/, 'the chosen municipality is kept')

  const finnish = await browser.post('/forms/new/meeting', { ...asFormFields(validAnswers({ gender: undefined }), questionsOn('meeting')), go: 'next' }, { 'accept-language': 'fi' })
  t.match(finnish.body, 'Valitse yksi vaihtoehto.')
  t.match(finnish.body, 'Tiedoissa on korjattavaa')

  const participants = await sendStep(browser, 'service', validAnswers({ meetingParticipants: [] }))
  t.equal(participants.statusCode, 400)
  t.match(participants.body, 'Choose at least one option.')
  const plan = await sendStep(browser, 'impact', validAnswers({ continuationPlan: ['no_further_measures', 'new_anchor_meeting'] }))
  t.equal(plan.statusCode, 400)
  t.match(plan.body, /“No further measures[^”]*” cannot be chosen together with other options/, 'the option that cannot be combined is named')
})

t.test('Previous step keeps the answers given, checked or not; the review sends back to a step with problems', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await sendStep(browser, 'meeting', validAnswers())
  const back = await browser.post('/forms/new/background', { ...asFormFields(validAnswers({ hasHobby: undefined }), questionsOn('background')), go: 'back' })
  t.equal(back.statusCode, 303)
  t.equal(back.headers.location, '/forms/new/meeting')
  const meeting = await browser.get('/forms/new/meeting')
  t.match(meeting.body, 'name="age" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value="14"', 'the first step as it was')
  const background = await browser.get('/forms/new/background')
  t.match(background.body, /id="field-meetingTopics-theft_shoplifting" name="meetingTopics" value="theft_shoplifting" checked/, 'the answers given before going back are kept')
  t.equal(background.statusCode, 200, 'no errors shown before the step is sent forward')

  const review = await browser.get('/forms/review')
  t.equal(review.statusCode, 303)
  t.equal(review.headers.location, '/forms/new/background?check=1', 'the review sends to the first step with something missing')
  const checked = await browser.get('/forms/new/background?check=1')
  t.equal(checked.statusCode, 400)
  t.match(checked.body, 'href="#field-hasHobby"')
})

t.test('a Change link returns to the review; an answer that no longer applies is dropped', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await fillEveryStep(t, browser, validAnswers())
  const change = await browser.get('/forms/new/meeting?return=review')
  t.match(change.body, 'Save and return to the review')
  t.match(change.body, 'name="return" value="review"')
  const changed = await browser.post('/forms/new/meeting', { ...asFormFields(validAnswers({ meetingKind: 'follow_up' }), questionsOn('meeting')), go: 'next', return: 'review' })
  t.equal(changed.headers.location, '/forms/review')
  const review = await browser.get('/forms/review')
  t.equal(review.statusCode, 200)
  t.notMatch(review.body, 'working days', 'the response time applies to first meetings only, so it is gone')
  const service = await browser.get('/forms/new/service')
  t.notMatch(service.body, 'id="question-responseTimeDays"', 'and it is not asked on its step')
})

t.test('a step sent after the session ended waits for the next login and nothing is lost', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)
  await sendStep(browser, 'meeting', validAnswers())
  await sendStep(browser, 'background', validAnswers())
  await browser.get('/forms/new/service')
  // the session ends (as after 30 idle minutes, or a logout in another tab)
  await app.db.updateTable('sessions').set({ ended_at: new Date(), end_reason: 'idle' }).where('user_id', '=', user.id).execute()
  const sent = await browser.post('/forms/new/service', { ...asFormFields(validAnswers(), questionsOn('service')), go: 'next' })
  t.equal(sent.statusCode, 303)
  t.equal(sent.headers.location, `/login?next=${encodeURIComponent('/forms/new/impact')}&answersKept=1`)
  const login = await browser.get(sent.headers.location as string)
  t.match(login.body, 'Your answers are kept')

  await loginAs(app, sms, user, browser)
  const impact = await browser.get('/forms/new/impact')
  t.equal(impact.statusCode, 200)
  await sendStep(browser, 'impact', validAnswers())
  const review = await browser.get('/forms/review')
  t.equal(review.statusCode, 200, 'every step is complete: the answers sent without a session were kept')
  t.match(review.body, 'Outreach youth work')
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(review.body)?.[1] ?? ''

  // the session ends again on the review page: the submit leads through login back to the review
  await app.db.updateTable('sessions').set({ ended_at: new Date(), end_reason: 'logout' }).where('user_id', '=', user.id).execute()
  const submit = await browser.post('/forms', { idempotencyKey: key })
  t.equal(submit.headers.location, `/login?next=${encodeURIComponent('/forms/review')}&answersKept=1`)
  await loginAs(app, sms, user, browser)
  const again = await browser.get('/forms/review')
  t.equal(again.statusCode, 200)
  t.equal((await browser.post('/forms', { idempotencyKey: key })).statusCode, 303)
  t.equal(await formCount(app.db), 1)
})

t.test('a draft is kept for a set time, can be started again, and is only its owner’s', async (t) => {
  const { app, sms, clock, config } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)
  await sendStep(browser, 'meeting', validAnswers())
  const resume = await browser.get('/forms/new')
  t.equal(resume.headers.location, '/forms/new/meeting?resume=1')
  const resumed = await browser.get('/forms/new/meeting?resume=1')
  t.match(resumed.body, 'The answers of your unfinished form were saved')
  t.match(resumed.body, 'action="/forms/draft/delete"')
  t.equal((await browser.post('/forms/draft/delete', {})).headers.location, '/forms/new/meeting?deleted=1')
  t.equal((await app.db.selectFrom('form_drafts').selectAll().execute()).length, 0, 'started again: the draft is gone')

  await sendStep(browser, 'meeting', validAnswers())
  t.equal((await browser.get('/forms/new')).headers.location, '/forms/new/meeting?resume=1')
  clock.advance(config.formDraftLifetimeMs + 1000)
  await loginAs(app, sms, user, browser)
  t.equal((await browser.get('/forms/new')).headers.location, '/forms/new/meeting', 'an expired draft is not offered')
  t.equal((await browser.get('/forms/review')).headers.location, '/forms/new')
})

t.test('without JavaScript, answers to questions that do not apply are ignored, not refused', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db))
  await fillEveryStep(t, browser, validAnswers({ hasHobby: 'no', guidedHobby: 'yes', meetingKind: 'follow_up', responseTimeDays: 3 }))
  const review = await browser.get('/forms/review')
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(review.body)?.[1] ?? ''
  t.equal((await browser.post('/forms', { idempotencyKey: key })).statusCode, 303)
  const row = await app.db.selectFrom('meeting_forms').select(['guided_hobby', 'response_time_days']).executeTakeFirstOrThrow()
  t.same(row, { guided_hobby: null, response_time_days: null })
})

t.test("the team's own municipalities come first in the home municipality choice", async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const browser = await loginAs(app, sms, user)
  const team = await app.db.selectFrom('teams').select('municipalities').innerJoin('users', 'users.team_id', 'teams.id').where('users.id', '=', user.id).executeTakeFirstOrThrow()
  const page = await browser.get('/forms/new/meeting')
  const groups = [...page.body.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)]
  t.equal(groups[0]?.[1], "Your team&#x27;s municipalities")
  const ownCodes = [...(groups[0]?.[2] ?? '').matchAll(/value="(\d+)"/g)].map((m) => m[1])
  t.same(ownCodes.sort(), [...team.municipalities].sort(), "the team's municipalities")
  t.equal(groups[1]?.[1], 'All municipalities')
  t.match(page.body, 'data-searchable="Search for a municipality by name"')
})

t.test('researchers cannot file forms; the start page links to the form for experts', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await loginAs(app, sms, await createUser(app.db, { role: 'researcher', teamId: null }))
  t.equal((await researcher.get('/forms/new')).statusCode, 403)
  t.equal((await researcher.post('/forms/new/meeting', { go: 'next' })).statusCode, 403)
  t.notMatch((await researcher.get('/')).body, 'href="/forms/new"')
  const expert = await loginAs(app, sms, await createUser(app.db))
  t.match((await expert.get('/')).body, 'href="/forms/new"')
})

t.test('steps sent without a session are few per address, and a draft keeps nothing longer than a check needs', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  const stranger = new TestBrowser(app, { 'accept-language': 'en' }, '192.0.2.77')
  await stranger.get('/login')
  const statuses: number[] = []
  for (let i = 0; i < 11; i++) statuses.push((await stranger.post('/forms/new/meeting', { ...asFormFields(validAnswers(), questionsOn('meeting')), go: 'next' })).statusCode)
  t.same(statuses, [...Array(10).fill(303), 429], 'ten sends an address a minute, then 429')
  const ownerless = await app.db.selectFrom('form_drafts').select('id').where('user_id', 'is', null).execute()
  t.equal(ownerless.length, 10, 'one kept row per accepted send')

  const browser = await loginAs(app, sms, user)
  const own: number[] = []
  for (let i = 0; i < 12; i++) own.push((await browser.post('/forms/new/meeting', { ...asFormFields(validAnswers(), questionsOn('meeting')), go: 'next' })).statusCode)
  t.same(own, Array(12).fill(303), 'a logged-in expert is counted by person, not held to the logged-out limit')
  // (longer than 1,000 characters, any field is refused before the form sees it)
  const long = await sendStep(browser, 'meeting', validAnswers({ gender: 'x'.repeat(900) }))
  t.equal(long.statusCode, 400)
  const drafts = await app.db.selectFrom('form_drafts').select(['user_id', 'answers']).where('user_id', 'is not', null).execute()
  const draft = drafts.find((d) => d.user_id === user.id)
  t.equal(String(draft?.answers.gender).length, 65, 'a long answer is kept only as long as it takes to say it is too long')
})
