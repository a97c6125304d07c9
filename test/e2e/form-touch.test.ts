// The statistics form on a phone: an expert files a realistic form step by step by tapping, on a
// 390 × 844 touch screen. Every tap, fill and list choice is counted: from /forms/new to the
// receipt it takes at most 40. On every step the page does not scroll sideways, every answer
// option's label (the tap target) is at least 44 px high, numbers bring up the number keyboard, and
// axe-core finds no violations.
// Run with `npx tap --jobs=1 --timeout=600 test/e2e/form-touch.test.ts` (Chromium at /usr/bin/chromium).
import t, { type Test } from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { formDefinition } from '../../src/features/forms/definition.js'
import type { SectionId } from '../../src/features/forms/definition-types.js'
import { monthLabel } from '../../src/features/forms/form-view.js'
import type { Lang } from '../../src/i18n/index.js'
import { expertInTeam, type Expert, type Team } from './helpers/accounts.js'
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js'
import { consoleErrorCheck, h1, tr } from './helpers/pages.js'
import { startServer, type RunningServer } from './helpers/server.js'

const TEAM: Team = {
  name: 'Keski-Uudenmaan Ankkuri',
  policeDepartment: 'ita-uusimaa',
  wellbeingCounty: '01',
  municipalityCode: '638',
}

const EXPERT: Expert = {
  name: 'Tuomas Taputtaja',
  email: 'tuomas.taputtaja@example.fi',
  phone: '050 222 3344',
  phoneE164: '+358502223344',
  password: 'kolme karhua kävi kylässä',
  profession: 'police',
}

/** The phone's screen, in CSS pixels. */
const PHONE = { width: 390, height: 844 }
/** The most taps, fills and list choices a whole form may take, from /forms/new to the receipt. */
const MAX_ACTIONS = 40
/** The smallest tap target height. */
const MIN_TARGET_PX = 44

const STEPS: readonly SectionId[] = formDefinition.sections.map((s) => s.id)
const CONTINUE = 'form.statistics-form button[name="go"][value="next"]'
const SUBMIT = 'form[action="/forms"] button[type="submit"]'

const { watch, expectNoConsoleErrors } = consoleErrorCheck()
let server: RunningServer
let browser: Browser
let phone: BrowserContext
let page: Page

t.before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  // Registered and logged in at a desk; the session then carries on on the phone.
  const desk = await expertInTeam(browser, server, TEAM, EXPERT)
  const storageState = await desk.context.storageState()
  await desk.context.close()
  phone = await browser.newContext({ baseURL: server.baseUrl, locale: 'fi-FI', viewport: PHONE, hasTouch: true, isMobile: true, storageState })
  phone.setDefaultTimeout(10_000)
  phone.setDefaultNavigationTimeout(15_000)
  page = await phone.newPage()
  watch(page)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

/** A person with a phone: each tap, each fill of a field and each choice from a list is one action. */
class TouchUser {
  actions = 0

  constructor(private readonly page: Page) {}

  /** Taps the label of an answer option (the tap target); the option is then chosen. */
  async tapOption(id: string, code: string): Promise<void> {
    await this.page.locator(`label[for="field-${id}-${code}"]`).tap()
    this.actions += 1
    if (!(await this.page.locator(`#field-${id}-${code}`).isChecked())) throw new Error(`${id}: tapping "${code}" did not choose it`)
  }

  async tapOptions(id: string, codes: readonly string[]): Promise<void> {
    for (const code of codes) await this.tapOption(id, code)
  }

  /** Taps a number field and types the number (one fill). */
  async number(id: string, value: string): Promise<void> {
    await this.page.locator(`#field-${id}`).tap()
    await this.page.locator(`#field-${id}`).fill(value)
    this.actions += 2
  }

  /** A choice from a list (the phone's own picker): one action. */
  async choose(id: string, value: string): Promise<void> {
    await this.page.locator(`#field-${id}`).selectOption(value)
    this.actions += 1
  }

  /** Taps the municipality search box and types the name; the only match is chosen. */
  async searchMunicipality(name: string, code: string): Promise<void> {
    await this.page.locator('#field-homeMunicipality-search').tap()
    await this.page.locator('#field-homeMunicipality-search').fill(name)
    this.actions += 2
    const chosen = await this.page.locator('#field-homeMunicipality').inputValue()
    if (chosen !== code) throw new Error(`searching for ${name} chose ${chosen}, not ${code}`)
  }

  /** Taps a button and waits for the page it leads to. */
  async tapAndGo(selector: string, to: (url: URL) => boolean): Promise<void> {
    await Promise.all([this.page.waitForURL(to), this.page.locator(selector).tap()])
    await this.page.waitForLoadState('load')
    this.actions += 1
  }
}

/** The page fits the phone's width: nothing to scroll sideways. */
async function expectNoSidewaysScroll(t: Test, page: Page, label: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }))
  t.ok(scrollWidth <= clientWidth, `${label}: no sideways scroll (${scrollWidth} px of content in ${clientWidth} px)`)
}

/** Every answer option shown on the step has a label at least 44 px high. */
async function expectTallEnoughOptions(t: Test, page: Page, label: string): Promise<void> {
  const labels = await page.locator('.statistics-form .choice-list label').evaluateAll((elements) =>
    elements
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => ({ for: e.getAttribute('for') ?? '', height: e.getBoundingClientRect().height, width: e.getBoundingClientRect().width })),
  )
  const low = labels.filter((l) => l.height < 44)
  t.ok(labels.length > 0, `${label}: ${labels.length} answer options shown`)
  t.same(low, [], `${label}: every option's label is at least ${MIN_TARGET_PX} px high (the lowest ${Math.min(...labels.map((l) => l.height)).toFixed(1)} px)`)
  const narrow = labels.filter((l) => l.width < MIN_TARGET_PX)
  t.same(narrow, [], `${label}: and at least ${MIN_TARGET_PX} px wide`)
}

/** Whatever the step: the checks of the phone's screen, once its answers (and follow-ups) are in. */
async function checkStep(t: Test, page: Page, step: SectionId, lang: Lang): Promise<void> {
  const n = STEPS.indexOf(step) + 1
  t.equal(await h1(page), formDefinition.sections[n - 1]!.labels[lang], `step ${n} (${step})`)
  await expectNoSidewaysScroll(t, page, `step ${n}`)
  await expectTallEnoughOptions(t, page, `step ${n}`)
  const numbers = await page.locator('.statistics-form input.input:not([type="search"])').evaluateAll((inputs) =>
    inputs.filter((i) => i.getClientRects().length > 0).map((i) => `${i.id} ${i.getAttribute('inputmode')} ${i.getAttribute('pattern')}`),
  )
  t.same(numbers.filter((n) => !n.endsWith(' numeric [0-9]*')), [], `step ${n}: the ${numbers.length} number field(s) bring up the number keyboard`)
  const button = await page.locator(CONTINUE).boundingBox()
  t.ok(button && button.height >= MIN_TARGET_PX, `step ${n}: the Continue button is at least ${MIN_TARGET_PX} px high`)
  await expectNoAxeViolations(page, t, `step ${n} on a phone (${lang})`)
}

async function onStep(page: Page, step: SectionId): Promise<void> {
  await page.waitForURL((url) => url.pathname === `/forms/new/${step}`)
}

t.test('an expert files a whole form on a phone by tapping, in at most 40 actions', async (t) => {
  const lang: Lang = 'fi'
  const user = new TouchUser(page)
  const started = Date.now()

  await page.goto('/forms/new')
  await onStep(page, 'meeting')
  t.equal(await page.evaluate(() => window.innerWidth), PHONE.width, 'the page is laid out for the phone width')
  t.ok(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'with a touch screen')

  // Step 1: a first meeting last month with a boy of 15 from Porvoo.
  const previousMonth = (await page.locator('#field-meetingMonth option').nth(2).getAttribute('value'))!
  await user.choose('meetingMonth', previousMonth)
  await user.tapOption('meetingKind', 'first')
  await user.tapOption('gender', 'boy')
  await user.number('age', '15')
  await user.searchMunicipality('Porvoo', TEAM.municipalityCode)
  await checkStep(t, page, 'meeting', lang)
  await user.tapAndGo(CONTINUE, (url) => url.pathname === '/forms/new/background')

  // Step 2: background, with both follow-up questions answered.
  await user.tapOption('childWelfareNotification', 'yes')
  await user.tapOption('earlierWelfareClient', 'yes')
  await user.tapOption('hasHobby', 'yes')
  await user.tapOption('guidedHobby', 'yes')
  await user.tapOption('gangLikeGroup', 'no')
  await user.tapOption('firstTimeInAnchor', 'no')
  await user.number('timesInAnchor', '2')
  await user.tapOptions('meetingTopics', ['assault', 'intoxicant_use'])
  await user.tapOption('underInfluence', 'yes')
  await user.tapOption('clientRole', 'suspect')
  await checkStep(t, page, 'background', lang)
  await user.tapAndGo(CONTINUE, (url) => url.pathname === '/forms/new/service')

  // Step 3: the service, referred to substance abuse services.
  await user.tapOption('informationSources', 'police')
  await user.tapOption('referredOnward', 'yes')
  await user.tapOption('referralServices', 'substance_abuse_services')
  await user.tapOptions('meetingParticipants', ['police', 'social_worker'])
  await checkStep(t, page, 'service', lang)
  await user.tapAndGo(CONTINUE, (url) => url.pathname === '/forms/new/impact')

  // Step 4: impact, with the response time of a first meeting.
  await user.number('responseTimeDays', '3')
  await user.tapOption('workingMethods', 'police_station_meeting')
  await user.tapOption('continuationPlan', 'new_anchor_meeting')
  await user.tapOption('regretOwn', 'yes')
  await user.tapOption('regretTeam', 'partly')
  await user.tapOption('usefulness', '4')
  await checkStep(t, page, 'impact', lang)
  await user.tapAndGo(CONTINUE, (url) => url.pathname === '/forms/review')

  // The review fits the phone too, and lists every answer.
  t.equal(await h1(page), tr(lang, 'forms.review_title'))
  await expectNoSidewaysScroll(t, page, 'review')
  t.equal(await page.locator('.summary-list dt').count(), formDefinition.questions.length, 'every question was asked and answered: all are on the review')
  t.match(await page.locator('main').textContent(), monthLabel(previousMonth, lang))
  const changeLinks = await page.locator('.summary-list__action a').evaluateAll((links) => links.map((a) => a.getBoundingClientRect().height))
  t.ok(changeLinks.every((h) => h >= MIN_TARGET_PX), `the Change links are at least ${MIN_TARGET_PX} px high (the lowest ${Math.min(...changeLinks).toFixed(1)} px)`)
  await expectNoAxeViolations(page, t, `review on a phone (${lang})`)

  await user.tapAndGo(SUBMIT, (url) => /^\/forms\/[0-9a-f-]{36}\/receipt$/.test(url.pathname))
  t.equal(await h1(page), tr(lang, 'forms.receipt_title'), 'the receipt')
  await expectNoSidewaysScroll(t, page, 'receipt')
  await expectNoAxeViolations(page, t, `receipt on a phone (${lang})`)

  const elapsed = Date.now() - started
  t.comment(`a whole form on a phone: ${user.actions} actions in ${(elapsed / 1000).toFixed(1)} s of test time`)
  t.ok(user.actions <= MAX_ACTIONS, `the form took ${user.actions} taps, fills and choices (at most ${MAX_ACTIONS})`)

  // The form read back: the answers given by tapping are the ones stored.
  await page.locator('a', { hasText: tr(lang, 'forms.view_answers') }).tap()
  await page.waitForURL(/\/forms\/[0-9a-f-]{36}$/)
  await expectNoSidewaysScroll(t, page, 'read-only form')
  const text = (await page.locator('main').textContent()) ?? ''
  for (const words of ['Porvoo', '15 vuotta', '2 kertaa', '3 arkipäivää', 'Päihdepalvelut']) t.match(text, words, `the stored form says "${words}"`)
  expectNoConsoleErrors(t)
})
