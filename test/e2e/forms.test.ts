// The statistics form and the team activity page in a real browser, as an expert of a team uses
// them: the whole form filled in with the keyboard alone, reviewed, submitted and read back; a
// double click and a reload make one form; a missing answer is pointed out and the rest kept; the
// activity records; and axe-core on every page and state, in Finnish, Swedish and English.
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { formDefinition } from '../../src/features/forms/definition.js'
import type { Question } from '../../src/features/forms/definition-types.js'
import { monthLabel } from '../../src/features/forms/form-view.js'
import type { Lang } from '../../src/i18n/index.js'
import { expertInTeam, type Expert, type Team } from './helpers/accounts.js'
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

/** A complete, valid set of answers for the quick (non-keyboard) fills; hasHobby and referredOnward keep their follow-ups hidden. */
const QUICK_ANSWERS: Readonly<Record<string, string | number | readonly string[]>> = {
  meetingKind: 'follow_up',
  gender: 'girl',
  age: 16,
  homeMunicipality: '638',
  childWelfareNotification: 'no',
  earlierWelfareClient: 'unknown',
  hasHobby: 'no',
  gangLikeGroup: 'no',
  firstTimeInAnchor: 'yes',
  meetingTopics: ['bullying', 'school_absence'],
  underInfluence: 'not_applicable',
  clientRole: 'no_offence',
  informationSources: ['school'],
  referredOnward: 'no',
  meetingParticipants: ['youth_worker', 'guardian'],
  workingMethods: ['phone'],
  continuationPlan: ['no_further_measures'],
  regretOwn: 'not_applicable',
  regretTeam: 'not_applicable',
  usefulness: '3',
}

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

async function isShown(page: Page, id: string): Promise<boolean> {
  return page.locator(`#question-${id}`).isVisible()
}

/** What the statistics form would send now (FormData leaves out disabled fields), without the tokens and empty fields. */
async function formAnswers(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const form = document.querySelector('form.statistics-form')
    const answers: Record<string, string[]> = {}
    if (!(form instanceof HTMLFormElement)) return answers
    new FormData(form).forEach((value, name) => {
      if (name !== '_csrf' && name !== 'idempotencyKey' && value !== '') (answers[name] ??= []).push(String(value))
    })
    return answers
  })
}

function asFormAnswers(answers: Readonly<Record<string, string | number | readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]))
}

/** Fills the form quickly with fill(), check() and selectOption(), in question order (so follow-ups show first). */
async function fillQuickly(page: Page, answers: Readonly<Record<string, string | number | readonly string[]>>): Promise<void> {
  for (const q of formDefinition.questions) {
    const value = answers[q.id]
    if (value === undefined) continue
    if (q.type === 'single') await page.check(`#field-${q.id}-${String(value)}`)
    else if (q.type === 'multiple') for (const code of value as readonly string[]) await page.check(`#field-${q.id}-${code}`)
    else if (q.type === 'integer') await page.fill(`#field-${q.id}`, String(value))
    else await page.selectOption(`#field-${q.id}`, String(value))
  }
}

/** The answer the review page or the read-only view shows for a question, or undefined when it is not listed. */
async function listedAnswer(page: Page, id: string, lang: Lang): Promise<string | undefined> {
  const row = page.locator('.summary-list > div').filter({ has: page.locator('dt', { hasText: question(id).labels[lang] }) })
  if ((await row.count()) === 0) return undefined
  return ((await row.first().locator('dd').innerText()) ?? '').trim()
}

async function formsInAll(page: Page, lang: Lang): Promise<number> {
  await page.goto('/forms')
  const text = (await page.locator('main').textContent()) ?? ''
  const [before, after] = tr(lang, 'forms.list_intro').split('{count}') as [string, string]
  const match = new RegExp(`${escapeRegExp(before)}(\\d+)${escapeRegExp(after)}`).exec(text)
  if (!match) throw new Error(`no "${tr(lang, 'forms.list_intro')}" on /forms: ${text}`)
  return Number(match[1])
}

/**
 * Waits for the review page. Its URL alone would not do: a form with errors comes back at the same
 * address (/forms/review), so the URL can match before the new page has come.
 */
async function reviewPage(page: Page, lang: Lang): Promise<void> {
  await page.locator('main h1', { hasText: tr(lang, 'forms.review_title') }).waitFor()
  if (new URL(page.url()).pathname !== '/forms/review') throw new Error(`the review page is at ${page.url()}`)
}

/** Each link in the error summary names its question in words (never an untranslated `fields.<id>` key). */
async function expectQuestionsNamed(t: Test, page: Page): Promise<void> {
  const texts = await page.locator('.error-summary a').allInnerTexts()
  const unnamed = texts.filter((text) => /^fields\./.test(text))
  t.same(unnamed, [], `the ${texts.length} link(s) in the error summary name their questions`)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Keyboard-only input: every Tab is checked against where the focus should land, so the tab order
 * is tested as the form is filled in. Counts the key presses.
 */
class KeyboardUser {
  presses = 0
  /** Tabs the next move may take on top of one: the options of a checkbox group left unticked. */
  private slack = 0

  constructor(private readonly page: Page) {}

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
}

t.test('an expert fills in the whole form with the keyboard, reviews it, submits it and gets a receipt', async (t) => {
  const lang: Lang = 'fi'
  await expert.goto('/forms/new')
  t.equal(await htmlLang(expert), lang)
  t.equal(await h1(expert), tr(lang, 'forms.new_title'))
  for (const id of ['guidedHobby', 'timesInAnchor', 'referralServices', 'responseTimeDays']) {
    t.notOk(await isShown(expert, id), `${id} is hidden until its controlling answer is chosen`)
  }
  const months = await expert.locator('#field-meetingMonth option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))
  const [, currentMonth, previousMonth] = months as [string, string, string]
  t.equal(await expert.locator('#field-meetingMonth').inputValue(), currentMonth, 'the current month is chosen to begin with')

  const keys = new KeyboardUser(expert)
  const started = Date.now()
  // From the top of the page, past the skip link, the header and its navigation.
  await keys.tabTo('#field-meetingMonth', { max: 15 })
  await keys.press('ArrowDown')
  t.equal(await expert.locator('#field-meetingMonth').inputValue(), previousMonth, 'the arrow key chose the previous month')

  await keys.chooseRadio('meetingKind', 'first')
  t.ok(await isShown(expert, 'responseTimeDays'), 'a first meeting asks for the response time')
  await keys.chooseRadio('gender', 'boy')
  await keys.typeNumber('age', '14')
  await keys.tabTo('#field-homeMunicipality')
  await keys.type('Porvoo')
  t.equal(await expert.locator('#field-homeMunicipality').inputValue(), TEAM.municipalityCode, 'typing the name chose the municipality')
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
  await keys.tickBoxes('informationSources', ['police', 'school'])
  await keys.chooseRadio('referredOnward', 'yes')
  t.ok(await isShown(expert, 'referralServices'), '"referred: yes" shows the referral services')
  await keys.tickBoxes('referralServices', ['outreach_youth_work', 'mental_health_services'])
  await keys.tickBoxes('meetingParticipants', ['police', 'youth_worker'])
  await keys.typeNumber('responseTimeDays', '5')
  await keys.tickBoxes('workingMethods', ['police_station_meeting', 'home_visit'])
  await keys.tickBoxes('continuationPlan', ['new_anchor_meeting', 'phone_follow_up'])
  await keys.chooseRadio('regretOwn', 'partly')
  await keys.chooseRadio('regretTeam', 'yes')
  await keys.chooseRadio('usefulness', '4')
  await keys.tabTo('form.statistics-form button[type="submit"]')
  const elapsed = Date.now() - started
  t.comment(`keyboard fill of the whole form: ${keys.presses} key presses in ${(elapsed / 1000).toFixed(1)} s of test time`)
  t.ok(elapsed < 120_000, `the keyboard fill took ${(elapsed / 1000).toFixed(1)} s (${keys.presses} key presses)`)

  await expert.screenshot({ path: join(tmpdir(), 'form-new.png'), fullPage: true })

  const request = expert.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/forms/review')
  await keys.press('Enter')
  const posted = new URLSearchParams((await request).postData() ?? '')
  const answered = new Set([...posted.keys()].filter((name) => name !== '_csrf' && name !== 'idempotencyKey'))
  t.equal(answered.size, 24, 'the form sent 24 answers: one for every question shown')
  t.notOk(answered.has('timesInAnchor'), 'and none for the hidden question')
  t.same(posted.getAll('referralServices'), ['outreach_youth_work', 'mental_health_services'])
  await reviewPage(expert, lang)

  // The review: every answer in words, the warning, Submit and Change answers.
  t.equal(await h1(expert), tr(lang, 'forms.review_title'))
  t.match(await expert.locator('.warning-box').textContent(), tr(lang, 'forms.never_changed_heading'))
  t.equal(await expert.locator('.summary-list dt').count(), 24, 'the review lists the 24 answers')
  t.equal(await listedAnswer(expert, 'meetingMonth', lang), monthLabel(previousMonth, lang))
  t.equal(await listedAnswer(expert, 'age', lang), '14')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Porvoo')
  t.equal(await listedAnswer(expert, 'guidedHobby', lang), optionLabel('guidedHobby', 'yes', lang))
  t.equal(await listedAnswer(expert, 'firstTimeInAnchor', lang), optionLabel('firstTimeInAnchor', 'yes', lang))
  t.equal(await listedAnswer(expert, 'timesInAnchor', lang), undefined, 'the hidden question is not listed')
  t.equal(await listedAnswer(expert, 'responseTimeDays', lang), '5')
  t.equal(
    await listedAnswer(expert, 'referralServices', lang),
    [optionLabel('referralServices', 'outreach_youth_work', lang), optionLabel('referralServices', 'mental_health_services', lang)].join('\n'),
  )
  t.equal(await listedAnswer(expert, 'usefulness', lang), optionLabel('usefulness', '4', lang))
  t.equal(await expert.locator('input[type="hidden"][name="timesInAnchor"]').count(), 0, 'nor carried on in the hidden fields')
  t.equal(await expert.getByRole('button', { name: tr(lang, 'forms.change_answers') }).count(), 1, 'there is a button to change the answers')
  await expert.screenshot({ path: join(tmpdir(), 'form-review.png'), fullPage: true })

  // Submit, still by keyboard: from the top of the page to the Submit button.
  await keys.tabTo('form[action="/forms"] button[type="submit"]', { max: 15 })
  t.equal((await expert.evaluate(() => document.activeElement?.textContent ?? '')).trim(), tr(lang, 'forms.submit'))
  await keys.press('Enter')
  await expert.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/)
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
  t.match(await row.textContent(), previousMonth)
  await row.getByRole('link', { name: reference }).click()
  await expert.waitForURL(`**/forms/${id}`)
  t.equal(await h1(expert), `${tr(lang, 'forms.show_title')} ${reference}`)
  t.equal(await expert.locator('main').locator('input:not([type="hidden"]), select, textarea').count(), 0, 'the form is read-only')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Porvoo')
  t.equal(await listedAnswer(expert, 'timesInAnchor', lang), undefined, 'the hidden question was not stored')
  t.equal(await expert.locator('.summary-list dt').count(), 24)
  expectNoConsoleErrors(t)
})

t.test('a double click on Submit and a reload of the receipt make exactly one form', async (t) => {
  const lang: Lang = 'en'
  await expert.goto('/forms')
  await switchLanguage(expert, lang)
  const before = await formsInAll(expert, lang)

  await expert.goto('/forms/new')
  await fillQuickly(expert, QUICK_ANSWERS)
  await expert.getByRole('button', { name: tr(lang, 'forms.to_review') }).click()
  await reviewPage(expert, lang)
  const posts: string[] = []
  expert.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/forms') posts.push(r.url())
  })
  await expert.getByRole('button', { name: tr(lang, 'forms.submit') }).dblclick()
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
  await plain.goto('/forms/new')
  t.equal(await plain.locator('#question-guidedHobby').isVisible(), true, 'without the script every question shows')
  await fillQuickly(plain, QUICK_ANSWERS)
  await plain.getByRole('button', { name: tr(lang, 'forms.to_review') }).click()
  await reviewPage(plain, lang)
  const plainPosts: string[] = []
  plain.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/forms') plainPosts.push(r.url())
  })
  await plain.getByRole('button', { name: tr(lang, 'forms.submit') }).dblclick()
  await plain.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/)
  t.comment(`without JavaScript the double click sent ${plainPosts.length} request(s)`)
  await plain.reload()
  t.equal(await h1(plain), tr(lang, 'forms.receipt_title'))
  t.equal(await formsInAll(plain, lang), before + 2, 'one more form, not two')
  expectNoConsoleErrors(t)
})

t.test('a missing answer: the error summary has the focus, its links lead to the fields, the other answers stay', async (t) => {
  const lang: Lang = 'sv'
  await expert.goto('/forms/new')
  await switchLanguage(expert, lang)
  const { gender: _gender, age: _age, ...rest } = QUICK_ANSWERS
  await fillQuickly(expert, rest)
  await expert.getByRole('button', { name: tr(lang, 'forms.to_review') }).click()

  const summary = expert.locator('.error-summary')
  await summary.waitFor()
  await expert.locator('.error-summary:focus').waitFor({ timeout: 5_000 })
  t.pass('the error summary has the focus')
  t.match(await expert.title(), new RegExp(`^${escapeRegExp(tr(lang, 'form.error_title_prefix'))}`), 'the title says there is an error')
  const links = summary.locator('a')
  t.same(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#field-gender', '#field-age'], 'one link per missing answer')
  t.same(
    await links.allInnerTexts(),
    ['gender', 'age'].map((id) => `${question(id).labels[lang]}: ${tr(lang, 'validation.required')}`),
    'each link names its question and the problem',
  )
  t.equal(await expert.locator('#field-age').getAttribute('aria-invalid'), 'true')
  t.match(await expert.locator('#question-gender .field__error').textContent(), tr(lang, 'validation.required'))
  const month = await expert.locator('#field-meetingMonth option').nth(1).getAttribute('value')
  t.same(await formAnswers(expert), { meetingMonth: [month], ...asFormAnswers(rest) }, 'every other answer is kept')
  t.notOk(await isShown(expert, 'guidedHobby'), 'the follow-up questions are hidden as before')
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
  await keys.press('Enter')
  await reviewPage(expert, lang)
  t.equal(await h1(expert), tr(lang, 'forms.review_title'))
  t.equal(await listedAnswer(expert, 'gender', lang), optionLabel('gender', 'girl', lang))
  t.equal(await listedAnswer(expert, 'age', lang), '15')
  t.equal(await listedAnswer(expert, 'homeMunicipality', lang), 'Borgå')
  expectNoConsoleErrors(t)
})

t.test('the Back button from the review keeps the follow-up questions and their answers', async (t) => {
  const lang: Lang = 'sv'
  const answers: typeof QUICK_ANSWERS = { ...QUICK_ANSWERS, hasHobby: 'yes', guidedHobby: 'unknown', firstTimeInAnchor: 'no', timesInAnchor: 2 }
  await expert.goto('/forms/new')
  t.equal(await htmlLang(expert), lang)
  await fillQuickly(expert, answers)
  await expert.getByRole('button', { name: tr(lang, 'forms.to_review') }).click()
  await reviewPage(expert, lang)
  t.equal(await listedAnswer(expert, 'guidedHobby', lang), optionLabel('guidedHobby', 'unknown', lang))
  await expert.goBack()
  await expert.waitForURL('**/forms/new')
  // The browser puts the answers back after the page has loaded; the script shows the follow-ups again.
  await expert.locator('#question-guidedHobby').waitFor({ state: 'visible', timeout: 5_000 })
  t.ok(await expert.locator('#field-guidedHobby-unknown').isChecked(), 'the guided hobby question is back with its answer')
  t.ok(await isShown(expert, 'timesInAnchor'), 'the times in Anchor question is back')
  // The number fields have autocomplete="off" (nothing typed stays in the browser's form history),
  // and the browser does not fill such fields in again on Back: age and times in Anchor are empty.
  const { age: _age, timesInAnchor: _times, ...choices } = answers
  const month = await expert.locator('#field-meetingMonth').inputValue()
  t.same(await formAnswers(expert), { meetingMonth: [month], ...asFormAnswers(choices) }, 'every choice is as it was')
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

t.test('axe finds no violations on the form pages and the activity page in Finnish, Swedish and English', async (t) => {
  if (!firstForm) throw new Error('the keyboard test filed no form')
  const { id } = firstForm
  for (const lang of LANGS) {
    await expert.goto('/forms/new')
    await switchLanguage(expert, lang)
    await expectNoAxeViolations(expert, t, `empty form (${lang})`)

    await expert.getByRole('button', { name: tr(lang, 'forms.to_review') }).click()
    await expert.locator('.error-summary').waitFor()
    t.ok((await expert.locator('.question.field--error').count()) >= 5, 'the missing answers are marked')
    await expectQuestionsNamed(t, expert)
    await expectNoAxeViolations(expert, t, `form with errors (${lang})`)

    await fillQuickly(expert, QUICK_ANSWERS)
    await expert.getByRole('button', { name: tr(lang, 'forms.to_review') }).click()
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
