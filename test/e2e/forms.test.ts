// The statistics form and the team activity page in a real browser, as an expert of a team uses
// them: the form filled in step by step with the keyboard alone, reviewed, one answer changed from
// the review, submitted and read back; a double click and a reload make one form; a missing answer
// on a step is pointed out in words made for its question and the rest kept; Previous step and the
// browser's Back button keep the answers; the activity records; and axe-core on every step and
// page, in Finnish, Swedish and English.
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { formDefinition } from '../../src/features/forms/definition.js'
import type { Question, SectionId } from '../../src/features/forms/definition-types.js'
import { monthLabel } from '../../src/features/forms/form-view.js'
import type { Lang } from '../../src/i18n/index.js'
import { expertInTeam, type Expert, type Team } from './helpers/accounts.js'
import { continueStep, fillQuickly, fillStep, QUICK_ANSWERS, type Answers } from './helpers/form-answers.js'
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js'
import { consoleErrorCheck, h1, htmlLang, LANGS, switchLanguage, tr } from './helpers/pages.js'
import { startServer, type RunningServer } from './helpers/server.js'

const TEAM: Team = {
  name: 'Porvoon seudun Ankkuri',
  policeDepartment: 'ita-uusimaa',
  wellbeingCounty: '01',
  municipalityCode: '638',
}

const EXPERT: Expert = {
  name: 'Kaisa Kirjaaja',
  email: 'kaisa.kirjaaja@example.fi',
  phone: '050 111 2233',
  phoneE164: '+358501112233',
  password: 'seitsemän veljestä metsässä',
  profession: 'social_work',
}

/** Delay between key down and key up when typing text, as a (fast) person would. */
const TYPING_DELAY_MS = 30

/** The steps of the form, one per section, in order; the review comes after them. */
const STEPS: readonly SectionId[] = formDefinition.sections.map((s) => s.id)
/** The steps and the review, as the progress indicator counts them. */
const STEP_COUNT = STEPS.length + 1

/** Tabs from the top of a page (skip link, header, language and main navigation, logout) to its first field, at most. */
const TABS_THROUGH_HEADER = 15

const CONTINUE = 'form.statistics-form button[name="go"][value="next"]'
const PREVIOUS = 'form.statistics-form button[name="go"][value="back"]'
const SUBMIT = 'form[action="/forms"] button[type="submit"]'

const { watch, expectNoConsoleErrors } = consoleErrorCheck()
let server: RunningServer
let browser: Browser
let context: BrowserContext
let expert: Page
/** The form filed with the keyboard: its receipt and read-only view are visited in every language. */
let firstForm: { id: string; reference: string } | undefined

t.before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  ;({ context, page: expert } = await expertInTeam(browser, server, TEAM, EXPERT))
  watch(expert)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

function question(id: string): Question {
  const found = formDefinition.questions.find((q) => q.id === id)
  if (!found) throw new Error(`no question ${id}`)
  return found
}

/** The option codes of a choice question, in the order the page lists them. */
function codesOf(id: string): string[] {
  const q = question(id)
  return q.type === 'single' || q.type === 'multiple' ? q.options.filter((o) => o.retiredInVersion === undefined).map((o) => o.code) : []
}

function optionLabel(id: string, code: string, lang: Lang): string {
  const q = question(id)
  const option = q.type === 'single' || q.type === 'multiple' ? q.options.find((o) => o.code === code) : undefined
  if (!option) throw new Error(`no option ${code} in ${id}`)
  return option.labels[lang]
}

function sectionLabel(step: SectionId, lang: Lang): string {
  return formDefinition.sections.find((s) => s.id === step)!.labels[lang]
}

/** The answers of `answers` that belong on a step. */
function onStep(step: SectionId, answers: Answers): Answers {
  return Object.fromEntries(Object.entries(answers).filter(([id]) => question(id).section === step))
}

/** The words of the option chosen in a select. */
async function chosenOption(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent?.trim() ?? '')
}

async function isShown(page: Page, id: string): Promise<boolean> {
  return page.locator(`#question-${id}`).isVisible()
}

/** What the step's form would send now (FormData leaves out disabled fields), without the token and empty fields. */
async function formAnswers(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const form = document.querySelector('form.statistics-form')
    const answers: Record<string, string[]> = {}
    if (!(form instanceof HTMLFormElement)) return answers
    new FormData(form).forEach((value, name) => {
      if (name !== '_csrf' && name !== 'return' && value !== '') (answers[name] ??= []).push(String(value))
    })
    return answers
  })
}

function asFormAnswers(answers: Answers): Record<string, string[]> {
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The row of the review page or the read-only view for a question (its label matched in full). */
function answerRow(page: Page, id: string, lang: Lang) {
  return page.locator('.summary-list > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${escapeRegExp(question(id).labels[lang])}\\s*$`) }) })
}

/** The answer the review page or the read-only view shows for a question, or undefined when it is not listed. */
async function listedAnswer(page: Page, id: string, lang: Lang): Promise<string | undefined> {
  const row = answerRow(page, id, lang)
  if ((await row.count()) === 0) return undefined
  return ((await row.first().locator('dd:not(.summary-list__action)').innerText()) ?? '').trim()
}

async function formsInAll(page: Page, lang: Lang): Promise<number> {
  await page.goto('/forms')
  const text = (await page.locator('main').textContent()) ?? ''
  const [before, after] = tr(lang, 'forms.list_intro').split('{count}') as [string, string]
  const match = new RegExp(`${escapeRegExp(before)}(\\d+)${escapeRegExp(after)}`).exec(text)
  if (!match) throw new Error(`no "${tr(lang, 'forms.list_intro')}" on /forms: ${text}`)
  return Number(match[1])
}

/** Waits for the review page (by its heading: the URL can match before the new page has come). */
async function reviewPage(page: Page, lang: Lang): Promise<void> {
  await page.locator('main h1', { hasText: tr(lang, 'forms.review_title') }).waitFor()
  if (new URL(page.url()).pathname !== '/forms/review') throw new Error(`the review page is at ${page.url()}`)
}

/** Waits for a step's page by its address and heading. */
async function stepPage(page: Page, step: SectionId, lang: Lang): Promise<void> {
  try {
    await page.waitForURL((url) => url.pathname === `/forms/new/${step}`)
    await page.locator('main h1', { hasText: sectionLabel(step, lang) }).waitFor()
  } catch (error) {
    const summary = await page.locator('.error-summary').textContent().catch(() => null)
    throw new Error(`step ${step} did not come: the page is ${page.url()} "${await h1(page).catch(() => '?')}"${summary ? `, with the problems: ${summary.replace(/\s+/g, ' ')}` : ''}`, { cause: error })
  }
}

/** Presses Continue on a step expected to have problems; waits for the step to come back with them (400). */
async function continueWithProblems(page: Page): Promise<number> {
  const step = new URL(page.url()).pathname
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === step),
    page.locator(CONTINUE).click(),
  ])
  await page.waitForLoadState('load')
  await page.locator('.error-summary').waitFor()
  return response.status()
}

/** A new form from the first step: an unfinished one left by an earlier test is deleted with Start again. */
async function startAfresh(page: Page): Promise<void> {
  await page.goto('/forms/new')
  const startAgain = page.locator('form[action="/forms/draft/delete"] button')
  if ((await startAgain.count()) > 0) {
    await startAgain.click()
    await page.waitForURL((url) => url.searchParams.get('deleted') === '1')
  }
  if (new URL(page.url()).pathname !== `/forms/new/${STEPS[0]}`) throw new Error(`a new form starts at ${page.url()}`)
}

/** The progress indicator of a step: "Step n of N" and the current step marked in the list. */
async function expectProgress(t: Test, page: Page, step: SectionId, lang: Lang): Promise<void> {
  const n = STEPS.indexOf(step) + 1
  t.equal(((await page.locator('.form-progress__count').textContent()) ?? '').trim(), tr(lang, 'forms.step_of', { step: n, steps: STEP_COUNT }), `step ${n}: the progress says so`)
  t.equal(((await page.locator('.form-progress [aria-current="step"]').textContent()) ?? '').trim(), sectionLabel(step, lang), `step ${n}: the list marks it as the current step`)
}

/** Each link in the error summary names its question in words (never an untranslated `fields.<id>` key). */
async function expectQuestionsNamed(t: Test, page: Page): Promise<void> {
  const texts = await page.locator('.error-summary a').allInnerTexts()
  const unnamed = texts.filter((text) => /^fields\./.test(text))
  t.same(unnamed, [], `the ${texts.length} link(s) in the error summary name their questions`)
}

/** The error summary's links as the page has them: the target and the text, spaces made single. */
async function summaryLinks(page: Page): Promise<{ href: string | null; text: string }[]> {
  return page.locator('.error-summary a').evaluateAll((links) =>
    links.map((a) => ({ href: a.getAttribute('href'), text: (a.textContent ?? '').replace(/\s+/g, ' ').trim() })),
  )
}

/** What the summary link of a question says: the question, then the problem. */
function summaryText(id: string, message: string, lang: Lang): string {
  return `${question(id).labels[lang]} ${message}`
}

/**
 * Keyboard-only input: every Tab is checked against where the focus should land, so the tab order
 * is tested as the form is filled in. Counts the key presses.
 */
class KeyboardUser {
  presses = 0
  /** Tabs the next move may take on top of its own: the header on a new page, the options of a checkbox group left unticked. */
  private slack = 0

  constructor(private readonly page: Page) {}

  /** A new page has loaded: the next field is reached from the top, past the header. */
  fromTopOfPage(): void {
    this.slack = TABS_THROUGH_HEADER
  }

  async press(key: string, times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      await this.page.keyboard.press(key)
      this.presses += 1
    }
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text, { delay: TYPING_DELAY_MS })
    this.presses += [...text].length
  }

  async focusIs(selector: string): Promise<boolean> {
    return this.page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)
  }

  async focused(): Promise<string> {
    return this.page.evaluate(() => {
      const e = document.activeElement
      if (!e || e === document.body) return 'the page itself'
      return `<${e.tagName.toLowerCase()}${e.id ? ` id="${e.id}"` : ''}${e.getAttribute('name') ? ` name="${e.getAttribute('name')}"` : ''}> ${(e.textContent ?? '').trim().slice(0, 40)}`
    })
  }

  /** Tab (or Shift+Tab) until the focus is on `selector`, failing after `max` presses. */
  async tabTo(selector: string, options: { max?: number; backwards?: boolean } = {}): Promise<void> {
    const max = (options.max ?? 1) + this.slack
    this.slack = 0
    for (let i = 0; i < max; i++) {
      await this.press(options.backwards ? 'Shift+Tab' : 'Tab')
      if (await this.focusIs(selector)) return
    }
    throw new Error(`${max} × ${options.backwards ? 'Shift+Tab' : 'Tab'} did not reach ${selector}; the focus is on ${await this.focused()}`)
  }

  /** Into a radio group none of whose options is chosen (Tab lands on the first), then the arrow keys or Space. */
  async chooseRadio(id: string, code: string): Promise<void> {
    const codes = codesOf(id)
    await this.tabTo(`#field-${id}-${codes[0]}`)
    const index = codes.indexOf(code)
    if (index === 0) await this.press('Space')
    else await this.press('ArrowDown', index)
    if (!(await this.page.locator(`#field-${id}-${code}`).isChecked())) throw new Error(`${id}: ${code} is not chosen`)
  }

  /** Tab from box to box, Space on the ones to tick. */
  async tickBoxes(id: string, chosen: readonly string[]): Promise<void> {
    const codes = codesOf(id)
    let at = -1
    for (const code of chosen) {
      const index = codes.indexOf(code)
      await this.tabTo(`#field-${id}-${code}`, { max: index - at })
      await this.press('Space')
      if (!(await this.page.locator(`#field-${id}-${code}`).isChecked())) throw new Error(`${id}: ${code} is not ticked`)
      at = index
    }
    this.slack = codes.length - 1 - at
  }

  async typeNumber(id: string, value: string): Promise<void> {
    await this.tabTo(`#field-${id}`)
    await this.type(value)
  }

  /** Tab to the step's Continue button (checking its words) and press Enter. */
  async continueWith(words: string): Promise<void> {
    await this.tabTo(CONTINUE)
    const text = (await this.page.evaluate(() => document.activeElement?.textContent ?? '')).trim()
    if (text !== words) throw new Error(`the button says "${text}", not "${words}"`)
    await this.press('Enter')
  }
}

t.test('an expert fills in the form step by step with the keyboard, reviews it, changes an answer, submits it and gets a receipt', async (t) => {
  const lang: Lang = 'fi'
  // Every step sends its answers; together they are what the form holds.
  const posted: { path: string; body: URLSearchParams }[] = []
  const onRequest = (r: Request) => {
    const path = new URL(r.url()).pathname
    if (r.method() === 'POST' && path.startsWith('/forms/new/')) posted.push({ path, body: new URLSearchParams(r.postData() ?? '') })
  }
  expert.on('request', onRequest)
  t.teardown(() => void expert.off('request', onRequest))

  await expert.goto('/forms/new')
  t.equal(new URL(expert.url()).pathname, '/forms/new/meeting', 'a new form opens at its first step')
  t.equal(await htmlLang(expert), lang)
  t.equal(await h1(expert), sectionLabel('meeting', lang), 'the step is named by its section')
  await expectProgress(t, expert, 'meeting', lang)
  t.equal(await expert.locator(PREVIOUS).count(), 0, 'the first step has no Previous step button')
  for (const id of ['meetingTopics', 'referralServices', 'responseTimeDays']) {
    t.equal(await expert.locator(`#question-${id}`).count(), 0, `${id} is asked on a later step`)
  }
  const months = await expert.locator('#field-meetingMonth option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))
  const [, currentMonth, previousMonth] = months as [string, string, string]
  t.equal(await expert.locator('#field-meetingMonth').inputValue(), currentMonth, 'the current month is chosen to begin with')

  const keys = new KeyboardUser(expert)
  const started = Date.now()

  // Step 1: the meeting and the young person.
  keys.fromTopOfPage()
  await keys.tabTo('#field-meetingMonth')
  await keys.press('ArrowDown')
  t.equal(await expert.locator('#field-meetingMonth').inputValue(), previousMonth, 'the arrow key chose the previous month')
  await keys.chooseRadio('meetingKind', 'first')
  await keys.chooseRadio('gender', 'boy')
  await keys.typeNumber('age', '14')
  // The search box above the municipality list: typing the name chooses the only match.
  await keys.tabTo('#field-homeMunicipality-search')
  await keys.type('Porvoo')
  t.equal(await expert.locator('#field-homeMunicipality').inputValue(), TEAM.municipalityCode, 'typing the name in the search box chose the municipality')
  await keys.tabTo('#field-homeMunicipality')
  await keys.continueWith(tr(lang, 'forms.next'))
  await stepPage(expert, 'background', lang)

  // Step 2: background, with two follow-up questions on the same step shown by the script.
  await expectProgress(t, expert, 'background', lang)
  t.equal(await expert.locator(PREVIOUS).count(), 1, 'from the second step on there is a Previous step button')
  t.notOk(await isShown(expert, 'guidedHobby'), 'guidedHobby is hidden until its controlling answer is chosen')
  t.notOk(await isShown(expert, 'timesInAnchor'), 'timesInAnchor is hidden until its controlling answer is chosen')
  keys.fromTopOfPage()
  await keys.chooseRadio('childWelfareNotification', 'no')
  await keys.chooseRadio('earlierWelfareClient', 'yes')
  await keys.chooseRadio('hasHobby', 'yes')
  t.ok(await isShown(expert, 'guidedHobby'), '"has a hobby: yes" shows the guided hobby question')
  await keys.chooseRadio('guidedHobby', 'yes')
  await keys.chooseRadio('gangLikeGroup', 'unknown')
  await keys.chooseRadio('firstTimeInAnchor', 'no')
  t.ok(await isShown(expert, 'timesInAnchor'), '"first time: no" shows the times in Anchor question')
  await keys.typeNumber('timesInAnchor', '3')
  // A second thought: back to the question with Shift+Tab, and "yes" after all. The typed number
  // stays in its hidden field, out of the tab order, and is not sent.
  await keys.tabTo('#field-firstTimeInAnchor-no', { backwards: true })
  await keys.press('ArrowUp')
  t.ok(await expert.locator('#field-firstTimeInAnchor-yes').isChecked(), 'the answer is now "yes"')
  t.notOk(await isShown(expert, 'timesInAnchor'), 'the times in Anchor question is hidden again')
  await keys.tickBoxes('meetingTopics', ['theft_shoplifting', 'intoxicant_use'])
  await keys.chooseRadio('underInfluence', 'no')
  await keys.chooseRadio('clientRole', 'suspect')
  await keys.continueWith(tr(lang, 'forms.next'))
  await stepPage(expert, 'service', lang)

  // Step 3: the service.
  await expectProgress(t, expert, 'service', lang)
  t.notOk(await isShown(expert, 'referralServices'), 'the referral services are hidden until "referred: yes"')
  keys.fromTopOfPage()
  await keys.tickBoxes('informationSources', ['police', 'school'])
  await keys.chooseRadio('referredOnward', 'yes')
  t.ok(await isShown(expert, 'referralServices'), '"referred: yes" shows the referral services')
  await keys.tickBoxes('referralServices', ['outreach_youth_work', 'mental_health_services'])
  await keys.tickBoxes('meetingParticipants', ['police', 'youth_worker'])
  await keys.continueWith(tr(lang, 'forms.next'))
  await stepPage(expert, 'impact', lang)

  // Step 4: impact. A first meeting (step 1) asks for the response time here, its first question.
  await expectProgress(t, expert, 'impact', lang)
  t.ok(await isShown(expert, 'responseTimeDays'), 'a first meeting asks for the response time')
  keys.fromTopOfPage()
  await keys.typeNumber('responseTimeDays', '5')
  await keys.tickBoxes('workingMethods', ['police_station_meeting', 'home_visit'])
  await keys.tickBoxes('continuationPlan', ['new_anchor_meeting', 'phone_follow_up'])
  await keys.chooseRadio('regretOwn', 'partly')
  await keys.chooseRadio('regretTeam', 'yes')
  await keys.chooseRadio('usefulness', '4')
  await expert.screenshot({ path: join(tmpdir(), 'form-step-impact.png'), fullPage: true })
  await keys.continueWith(tr(lang, 'forms.to_review'))
  await reviewPage(expert, lang)
  const elapsed = Date.now() - started
  t.comment(`keyboard fill of the four steps: ${keys.presses} key presses in ${(elapsed / 1000).toFixed(1)} s of test time`)
  t.ok(elapsed < 120_000, `the keyboard fill took ${(elapsed / 1000).toFixed(1)} s (${keys.presses} key presses)`)

  t.same(posted.map((p) => p.path), STEPS.map((s) => `/forms/new/${s}`), 'each step sent its answers once, in order')
  const answered = new Set(posted.flatMap((p) => [...p.body.keys()]).filter((name) => !['_csrf', 'go', 'return'].includes(name)))
  t.equal(answered.size, 24, 'the steps sent 24 answers: one for every question shown')
  t.notOk(answered.has('timesInAnchor'), 'and none for the hidden question')
  t.same(posted.find((p) => p.path === '/forms/new/service')?.body.getAll('referralServices'), ['outreach_youth_work', 'mental_health_services'])

  // The review: every answer in words, each with a Change link to its question on its step.
  t.equal(await h1(expert), tr(lang, 'forms.review_title'))
  t.equal(((await expert.locator('.form-progress__count').textContent()) ?? '').trim(), tr(lang, 'forms.step_of', { step: STEP_COUNT, steps: STEP_COUNT }), 'the review is the last step')
  t.match(await expert.locator('.warning-box').textContent(), tr(lang, 'forms.never_changed_heading'))
  t.equal(await expert.locator('.summary-list dt').count(), 24, 'the review lists the 24 answers')
  t.equal(await listedAnswer(expert, 'meetingMonth', lang), monthLabel(previousMonth, lang))
  t.equal(await listedAnswer(expert, 'age', lang), '14 vuotta', 'a number with its unit')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Porvoo')
  t.equal(await listedAnswer(expert, 'guidedHobby', lang), optionLabel('guidedHobby', 'yes', lang))
  t.equal(await listedAnswer(expert, 'firstTimeInAnchor', lang), optionLabel('firstTimeInAnchor', 'yes', lang))
  t.equal(await listedAnswer(expert, 'timesInAnchor', lang), undefined, 'the hidden question is not listed')
  t.equal(await listedAnswer(expert, 'responseTimeDays', lang), '5 arkipäivää')
  t.equal(
    await listedAnswer(expert, 'referralServices', lang),
    [optionLabel('referralServices', 'outreach_youth_work', lang), optionLabel('referralServices', 'mental_health_services', lang)].join('\n'),
  )
  t.equal(await listedAnswer(expert, 'usefulness', lang), optionLabel('usefulness', '4', lang))
  const changeLinks = await expert.locator('.summary-list__action a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
  const listedIds = await expert.locator('.summary-list > div').evaluateAll((rows) => rows.map((row) => row.querySelector('a')?.getAttribute('href')?.split('#question-')[1] ?? ''))
  t.same(
    changeLinks,
    listedIds.map((id) => `/forms/new/${question(id).section}?return=review#question-${id}`),
    'every answer has a Change link to its question on its own step',
  )
  t.equal(await expert.locator('input[type="hidden"][name="timesInAnchor"]').count(), 0, 'nothing of the hidden question in the page')
  await expert.screenshot({ path: join(tmpdir(), 'form-review.png'), fullPage: true })

  // A second thought on the review: the age, changed through its Change link, by keyboard.
  keys.fromTopOfPage()
  await keys.tabTo('a[href="/forms/new/meeting?return=review#question-age"]', { max: 5 })
  await keys.press('Enter')
  await stepPage(expert, 'meeting', lang)
  t.equal(new URL(expert.url()).search, '?return=review', 'the step opens for a return to the review')
  t.equal(await expert.locator('#field-age').inputValue(), '14', 'with the answer given')
  // The link goes to the question: the next Tab is in its field.
  await keys.tabTo('#field-age')
  await keys.press('Backspace', 2)
  await keys.type('15')
  await keys.tabTo('#field-homeMunicipality-search')
  await keys.tabTo('#field-homeMunicipality')
  await keys.continueWith(tr(lang, 'forms.save_and_review'))
  await reviewPage(expert, lang)
  t.pass('"Save and return to the review" came back to the review')
  t.equal(await listedAnswer(expert, 'age', lang), '15 vuotta', 'with the changed answer')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Porvoo', 'and the others as they were')
  t.equal(await expert.locator('.summary-list dt').count(), 24)

  // Submit, still by keyboard: from the top of the page past every Change link to the Submit button.
  keys.fromTopOfPage()
  await keys.tabTo(SUBMIT, { max: 25 })
  t.equal((await expert.evaluate(() => document.activeElement?.textContent ?? '')).trim(), tr(lang, 'forms.submit'))
  await keys.press('Enter')
  await expert.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/)
  t.comment(`with the change and the submit: ${keys.presses} key presses in all`)
  const id = /\/forms\/([0-9a-f-]{36})\/receipt$/.exec(expert.url())![1]!
  t.equal(await h1(expert), tr(lang, 'forms.receipt_title'))
  const reference = ((await expert.locator('.confirmation__reference strong').textContent()) ?? '').trim()
  t.match(reference, /^[0-9A-F]{8}$/, 'the receipt shows a short reference')
  t.equal(reference, id.replace(/-/g, '').slice(0, 8).toUpperCase())
  const [beforeTime] = tr(lang, 'forms.receipt_text').split('{time}') as [string]
  t.match(await expert.locator('main').textContent(), new RegExp(`${escapeRegExp(beforeTime)}\\S.*\\d{1,2}[.:]\\d{2}`), 'and the time it was saved')
  await expert.screenshot({ path: join(tmpdir(), 'form-receipt.png'), fullPage: true })
  firstForm = { id, reference }

  // The own forms, and the form read back.
  t.equal(await formsInAll(expert, lang), 1, 'one form in the own forms list')
  const row = expert.locator('tbody tr', { hasText: reference })
  t.equal(await row.count(), 1, 'the list names the form by its reference')
  t.equal(((await row.locator('td').nth(1).textContent()) ?? '').trim(), monthLabel(previousMonth, lang), 'and its month in words')
  await row.getByRole('link', { name: reference }).click()
  await expert.waitForURL(`**/forms/${id}`)
  t.equal(await h1(expert), `${tr(lang, 'forms.show_title')} ${reference}`)
  t.equal(await expert.locator('main').locator('input:not([type="hidden"]), select, textarea').count(), 0, 'the form is read-only')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Porvoo')
  t.equal(await listedAnswer(expert, 'age', lang), '15 vuotta', 'the changed answer was stored')
  t.equal(await listedAnswer(expert, 'timesInAnchor', lang), undefined, 'the hidden question was not stored')
  t.equal(await expert.locator('.summary-list dt').count(), 24)

  // The form is filed: a new one starts empty, without the notice of an unfinished form.
  await expert.goto('/forms/new')
  t.equal(new URL(expert.url()).search, '', 'no unfinished form is left')
  t.equal(await expert.locator('#field-age').inputValue(), '', 'the new form is empty')
  expectNoConsoleErrors(t)
})

t.test('a double click on Submit and a reload of the receipt make exactly one form', async (t) => {
  const lang: Lang = 'en'
  await expert.goto('/forms')
  await switchLanguage(expert, lang)
  const before = await formsInAll(expert, lang)

  await startAfresh(expert)
  await fillQuickly(expert, QUICK_ANSWERS)
  await reviewPage(expert, lang)
  const posts: string[] = []
  expert.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/forms') posts.push(r.url())
  })
  await expert.locator(SUBMIT).dblclick()
  await expert.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/)
  const receipt = expert.url()
  t.equal(posts.length, 1, 'the page sent the form once')
  await expert.reload()
  t.equal(expert.url(), receipt)
  t.equal(await h1(expert), tr(lang, 'forms.receipt_title'), 'the reloaded receipt')
  t.equal(await formsInAll(expert, lang), before + 1, `exactly one more form: "${tr(lang, 'forms.list_intro', { count: before + 1 })}"`)

  // Without JavaScript nothing guards the button: whatever the browser sends, the key keeps it one form.
  const noScript = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false, storageState: await context.storageState(), viewport: { width: 1280, height: 900 } })
  t.teardown(() => noScript.close())
  const plain = await noScript.newPage()
  watch(plain)
  await plain.goto('/forms/new/background')
  t.ok(await plain.locator('#question-guidedHobby').isVisible(), 'without the script every question of a step shows')
  t.ok(await plain.locator('#question-timesInAnchor').isVisible())
  t.equal(await plain.locator('#field-homeMunicipality-search').count(), 0, 'and the municipality has no search box, only its list')
  await fillQuickly(plain, QUICK_ANSWERS)
  await reviewPage(plain, lang)
  const plainPosts: string[] = []
  plain.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/forms') plainPosts.push(r.url())
  })
  await plain.locator(SUBMIT).dblclick()
  await plain.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/)
  t.comment(`without JavaScript the double click sent ${plainPosts.length} request(s)`)
  const plainReceipt = plain.url()
  await plain.reload()
  t.equal(plain.url(), plainReceipt)
  t.equal(await h1(plain), tr(lang, 'forms.receipt_title'))
  t.equal(await formsInAll(plain, lang), before + 2, 'one more form, not two')
  expectNoConsoleErrors(t)
})

t.test('a missing answer on a step: the error summary has the focus, its links lead to the fields, its words fit the question, the other answers stay', async (t) => {
  const lang: Lang = 'sv'
  await expert.goto('/forms/new')
  await switchLanguage(expert, lang)
  await startAfresh(expert)
  const previousMonth = (await expert.locator('#field-meetingMonth option').nth(2).getAttribute('value'))!
  await expert.selectOption('#field-meetingMonth', previousMonth)
  // Step 1 without the gender (one choice), the age (a number) and the municipality (a list).
  await fillStep(expert, { meetingKind: QUICK_ANSWERS.meetingKind! })
  t.equal(await continueWithProblems(expert), 400, 'the step comes back with its problems')
  t.equal(new URL(expert.url()).pathname, '/forms/new/meeting', 'on the same step')

  await expert.locator('.error-summary:focus').waitFor({ timeout: 5_000 })
  t.pass('the error summary has the focus')
  t.match(await expert.title(), new RegExp(`^${escapeRegExp(tr(lang, 'form.error_title_prefix'))}`), 'the title says there is an error')
  const numberMessage = tr(lang, 'validation.number_between', { min: 6, max: 29 })
  t.same(
    await summaryLinks(expert),
    [
      { href: '#field-gender', text: summaryText('gender', tr(lang, 'validation.choose_one'), lang) },
      { href: '#field-age', text: summaryText('age', numberMessage, lang) },
      { href: '#field-homeMunicipality', text: summaryText('homeMunicipality', tr(lang, 'validation.choose_from_list'), lang) },
    ],
    'one link per missing answer, naming the question and saying what to do for its kind',
  )
  t.match(await expert.locator('#question-gender .field__error').textContent(), tr(lang, 'validation.choose_one'), 'the gender question says it too')
  t.match(await expert.locator('#question-age .field__error').textContent(), numberMessage, 'and the age field')
  t.match(await expert.locator('#question-homeMunicipality .field__error').textContent(), tr(lang, 'validation.choose_from_list'), 'and the municipality')
  t.equal(await expert.locator('#field-age').getAttribute('aria-invalid'), 'true')
  t.equal(await expert.locator('#field-homeMunicipality').getAttribute('aria-invalid'), 'true')
  t.same(await formAnswers(expert), { meetingMonth: [previousMonth], meetingKind: [String(QUICK_ANSWERS.meetingKind)] }, 'the answers given are kept')
  await expert.screenshot({ path: join(tmpdir(), 'form-errors.png'), fullPage: true })

  // Keyboard: the first link leads into the gender question, where Space chooses.
  const keys = new KeyboardUser(expert)
  await keys.tabTo('.error-summary a[href="#field-gender"]')
  await keys.press('Enter')
  t.ok(await keys.focusIs('#field-gender-girl'), `the link moves the focus to the first option of the gender question (${await keys.focused()})`)
  t.ok(await expert.locator('#field-gender legend').evaluate((legend) => legend.getBoundingClientRect().top > -1), 'with its question in view')
  await keys.press('Space')
  t.ok(await expert.locator('#field-gender-girl').isChecked(), 'Space chose the first option')

  await keys.tabTo('.error-summary a[href="#field-age"]', { backwards: true, max: 6 })
  await keys.press('Enter')
  t.ok(await keys.focusIs('#field-age'), `the second link puts the cursor in the age field (${await keys.focused()})`)
  t.ok(await expert.locator('label[for="field-age"]').evaluate((label) => label.getBoundingClientRect().top > -1), 'with its label in view')
  await keys.type('15')

  await keys.tabTo('.error-summary a[href="#field-homeMunicipality"]', { backwards: true, max: 6 })
  await keys.press('Enter')
  t.ok(await keys.focusIs('#field-homeMunicipality'), `the third link puts the focus on the municipality list (${await keys.focused()})`)
  // The search box is just above the list; Enter in it sends the step (Continue is the first button).
  await keys.tabTo('#field-homeMunicipality-search', { backwards: true })
  await keys.type('Borgå')
  t.equal(await expert.locator('#field-homeMunicipality').inputValue(), TEAM.municipalityCode, 'the search chose the municipality')
  await keys.press('Enter')
  await stepPage(expert, 'background', lang)
  t.equal(await expert.locator('.error-summary').count(), 0, 'the corrected step went through')

  // Step 2 as it should be; step 3 without the participants (several choices).
  await fillStep(expert, QUICK_ANSWERS)
  await continueStep(expert)
  await stepPage(expert, 'service', lang)
  const { meetingParticipants: _participants, ...withoutParticipants } = QUICK_ANSWERS
  await fillStep(expert, withoutParticipants)
  t.equal(await continueWithProblems(expert), 400)
  t.same(
    await summaryLinks(expert),
    [{ href: '#field-meetingParticipants', text: summaryText('meetingParticipants', tr(lang, 'validation.choose_at_least_one'), lang) }],
    'a multiple choice asks for at least one option',
  )
  await expectQuestionsNamed(t, expert)
  t.same(await formAnswers(expert), asFormAnswers(onStep('service', withoutParticipants)), 'the answers of the step are kept')
  t.notOk(await isShown(expert, 'referralServices'), 'the follow-up question is hidden as before')
  await expert.locator('.error-summary a[href="#field-meetingParticipants"]').click()
  t.ok(await keys.focusIs('#field-meetingParticipants-police'), 'the link leads to the first option')
  await fillStep(expert, { meetingParticipants: QUICK_ANSWERS.meetingParticipants! })
  await continueStep(expert)
  await stepPage(expert, 'impact', lang)

  // Step 4: "no further measures" with another plan is named in the message.
  t.equal(await expert.locator('#question-responseTimeDays').count(), 0, 'a follow-up meeting is not asked the response time (its question is on step 1)')
  await fillStep(expert, { ...QUICK_ANSWERS, continuationPlan: ['phone_follow_up', 'no_further_measures'] })
  t.equal(await continueWithProblems(expert), 400)
  t.same(
    await summaryLinks(expert),
    [
      {
        href: '#field-continuationPlan',
        text: summaryText('continuationPlan', tr(lang, 'validation.exclusive_choice_named', { option: optionLabel('continuationPlan', 'no_further_measures', lang) }), lang),
      },
    ],
    'an option that excludes the others is named',
  )
  await expert.uncheck('#field-continuationPlan-phone_follow_up')
  await continueStep(expert)
  await reviewPage(expert, lang)
  t.equal(await listedAnswer(expert, 'meetingMonth', lang), monthLabel(previousMonth, lang), 'the month chosen before the problems')
  t.equal(await listedAnswer(expert, 'gender', lang), optionLabel('gender', 'girl', lang))
  t.equal(await listedAnswer(expert, 'age', lang), '15 år')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Borgå')
  t.equal(await listedAnswer(expert, 'continuationPlan', lang), optionLabel('continuationPlan', 'no_further_measures', lang))
  t.equal(await expert.locator('.summary-list dt').count(), Object.keys(QUICK_ANSWERS).length + 1, 'every answer is on the review')
  expectNoConsoleErrors(t)
})

t.test('Previous step keeps the answers given, checked or not; the browser Back button shows the saved answers', async (t) => {
  const lang: Lang = 'sv'
  await startAfresh(expert)
  t.equal(await htmlLang(expert), lang)
  await fillStep(expert, QUICK_ANSWERS)
  await continueStep(expert)
  await stepPage(expert, 'background', lang)

  // Step 2 with its follow-ups answered and one question left out, then back to step 1.
  const background: Answers = { ...onStep('background', QUICK_ANSWERS), hasHobby: 'yes', guidedHobby: 'unknown', firstTimeInAnchor: 'no', timesInAnchor: 2 }
  const { gangLikeGroup: _gang, ...partly } = background
  await fillStep(expert, partly)
  await expert.locator(PREVIOUS).click()
  await stepPage(expert, 'meeting', lang)
  t.equal(await expert.locator('.error-summary').count(), 0, 'Previous step does not check the answers')
  const meetingMonth = await expert.locator('#field-meetingMonth').inputValue()
  t.same(await formAnswers(expert), { meetingMonth: [meetingMonth], ...asFormAnswers(onStep('meeting', QUICK_ANSWERS)) }, 'step 1 shows its answers')
  t.equal(await chosenOption(expert, '#field-homeMunicipality'), 'Borgå', 'the municipality chosen in the list')

  await continueStep(expert)
  await stepPage(expert, 'background', lang)
  t.ok(await isShown(expert, 'guidedHobby'), 'the guided hobby question is shown again')
  t.ok(await expert.locator('#field-guidedHobby-unknown').isChecked(), 'with its answer')
  t.ok(await isShown(expert, 'timesInAnchor'), 'the times in Anchor question too')
  t.equal(await expert.locator('#field-timesInAnchor').inputValue(), '2', 'with its number')
  t.equal(await expert.locator('input[name="gangLikeGroup"]:checked').count(), 0, 'the question left out is still unanswered')
  t.same(await formAnswers(expert), asFormAnswers(partly), 'every answer given on step 2 was kept')

  await expert.check('#field-gangLikeGroup-no')
  await continueStep(expert)
  await stepPage(expert, 'service', lang)

  // The browser's Back button: step 2 again, as saved (the page is not cached: it comes from the draft).
  await expert.goBack()
  await stepPage(expert, 'background', lang)
  await expert.locator('#question-guidedHobby').waitFor({ state: 'visible', timeout: 5_000 })
  t.ok(await expert.locator('#field-guidedHobby-unknown').isChecked(), 'Back: the guided hobby answer is there')
  t.equal(await expert.locator('#field-timesInAnchor').inputValue(), '2', 'Back: the number is there')
  t.same(await formAnswers(expert), asFormAnswers(background), 'Back: every answer of step 2 is there')
  await continueStep(expert)
  await stepPage(expert, 'service', lang)
  t.pass('and Continue goes on from there')
  expectNoConsoleErrors(t)
})

t.test('team activity: a refusal with its age band and a coffee meeting with its participants', async (t) => {
  const lang: Lang = 'fi'
  await expert.goto('/')
  await switchLanguage(expert, lang)
  await expert.getByRole('link', { name: tr(lang, 'home.activity_link') }).click()
  await expert.waitForURL('**/activity')
  t.equal(await h1(expert), tr(lang, 'activity.title'))
  const navLink = expert.locator('nav.main-nav a[href="/activity"]')
  t.equal(await navLink.getAttribute('aria-current'), 'page', 'the main navigation links to the page and marks it current')
  t.match(await expert.locator('main').textContent(), tr(lang, 'activity.none'))
  t.notOk(await isShown(expert, 'ageBand'), 'no age band before a kind is chosen')
  t.notOk(await isShown(expert, 'participants'), 'no participants before a kind is chosen')

  await expert.check('#field-kind-refusal')
  t.ok(await isShown(expert, 'ageBand'), 'a refusal asks for the age band')
  t.notOk(await isShown(expert, 'participants'), 'but not for participants')
  await expert.check('#field-ageBand-15_plus')
  await expert.getByRole('button', { name: tr(lang, 'activity.save') }).click()
  await expert.waitForURL('**/activity?done=1')
  t.match(await expert.locator('.notice').textContent(), tr(lang, 'activity.saved'))

  await expert.check('#field-kind-coffee_meeting')
  t.ok(await isShown(expert, 'participants'), 'a coffee meeting asks for participants')
  t.notOk(await isShown(expert, 'ageBand'), 'but not for an age band')
  // Forgetting the number first: the error names the field.
  await expert.getByRole('button', { name: tr(lang, 'activity.save') }).click()
  await expert.locator('.error-summary:focus').waitFor()
  t.equal(await expert.locator('.error-summary a[href="#field-participants"]').count(), 1, 'the summary links to the participants field')
  t.ok(await expert.locator('#field-kind-coffee_meeting').isChecked(), 'the chosen kind is kept')
  t.ok(await isShown(expert, 'participants'), 'and the participants field shown')
  await expert.fill('#field-participants', '7')
  await expert.getByRole('button', { name: tr(lang, 'activity.save') }).click()
  await expert.waitForURL('**/activity?done=1')

  const rows = expert.locator('table tbody tr')
  t.equal(await rows.count(), 2, 'both records are listed')
  const refusal = rows.filter({ hasText: tr(lang, 'activity.kinds.refusal') })
  t.match(await refusal.textContent(), tr(lang, 'activity.age_bands.15_plus'))
  const coffee = rows.filter({ hasText: tr(lang, 'activity.kinds.coffee_meeting') })
  t.match(await coffee.textContent(), tr(lang, 'activity.participants_count', { count: 7 }))
  expectNoConsoleErrors(t)
})

t.test('axe finds no violations on the steps, the review and the other form pages and the activity page in Finnish, Swedish and English', async (t) => {
  if (!firstForm) throw new Error('the keyboard test filed no form')
  const { id } = firstForm
  for (const lang of LANGS) {
    // An unfinished form is offered to carry on (the previous language's, or an earlier test's).
    await expert.goto('/forms/new')
    await switchLanguage(expert, lang)
    if (new URL(expert.url()).searchParams.get('resume') === '1') {
      t.match(await expert.locator('main .notice--info[role="status"]').textContent(), tr(lang, 'forms.start_over'), `the unfinished form can be started again (${lang})`)
      await expectNoAxeViolations(expert, t, `first step with an unfinished form (${lang})`)
    }
    await startAfresh(expert)

    for (const step of STEPS) {
      await stepPage(expert, step, lang)
      await expectNoAxeViolations(expert, t, `step ${step}, empty (${lang})`)
      t.equal(await continueWithProblems(expert), 400, `step ${step}: Continue with nothing answered shows the problems`)
      t.ok((await expert.locator('.question.field--error').count()) >= 3, `step ${step}: the missing answers are marked`)
      await expectQuestionsNamed(t, expert)
      await expectNoAxeViolations(expert, t, `step ${step} with errors (${lang})`)
      await fillStep(expert, QUICK_ANSWERS)
      await continueStep(expert)
    }
    await reviewPage(expert, lang)
    t.equal(await h1(expert), tr(lang, 'forms.review_title'))
    await expectNoAxeViolations(expert, t, `review page (${lang})`)

    const pages: [string, string][] = [
      [`/forms/${id}/receipt`, 'receipt'],
      ['/forms', 'own forms list'],
      [`/forms/${id}`, 'read-only form'],
      ['/activity', 'activity page'],
    ]
    for (const [path, label] of pages) {
      const response = await expert.goto(path)
      t.equal(response?.status(), 200, `${label}: HTTP status`)
      t.equal(await htmlLang(expert), lang, `${label} is in ${lang}`)
      await expectNoAxeViolations(expert, t, `${label} (${lang})`)
    }
    await expert.getByRole('button', { name: tr(lang, 'activity.save') }).click()
    await expert.locator('.error-summary').waitFor()
    await expectQuestionsNamed(t, expert)
    await expectNoAxeViolations(expert, t, `activity page with an error (${lang})`)
  }
  expectNoConsoleErrors(t)
})
