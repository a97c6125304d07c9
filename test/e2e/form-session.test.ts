// The session and the statistics form in a real browser. Shortly before an idle session would end
// the page says so and offers to stay logged in; staying asks the server and starts the count
// again. A session that ends in the middle of the form loses nothing: a step sent after a logout
// in another tab leads to the login page, and after logging in again the expert carries on where
// they were with every answer kept; a form submitted after the session cookie is lost is kept the
// same way and filed after the login.
// Run with `npx tap --jobs=1 --timeout=600 test/e2e/form-session.test.ts` (Chromium at /usr/bin/chromium).
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SESSION_IDLE_TIMEOUT_MS } from '../../src/features/auth/session.service.js'
import { formDefinition } from '../../src/features/forms/definition.js'
import type { SectionId } from '../../src/features/forms/definition-types.js'
import type { Lang } from '../../src/i18n/index.js'
import { SESSION_COOKIE } from '../../src/plugins/auth.js'
import { expertInTeam, type Expert, type Team } from './helpers/accounts.js'
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js'
import { continueStep, fillStep, type Answers } from './helpers/form-answers.js'
import { consoleErrorCheck, h1, tr } from './helpers/pages.js'
import { startServer, type RunningServer } from './helpers/server.js'

const TEAM: Team = {
  name: 'Itä-Uudenmaan Ankkuri',
  policeDepartment: 'ita-uusimaa',
  wellbeingCounty: '01',
  municipalityCode: '638',
}

const EXPERT: Expert = {
  name: 'Sanna Sessio',
  email: 'sanna.sessio@example.fi',
  phone: '050 333 4455',
  phoneE164: '+358503334455',
  password: 'seitsemän siltaa ja sata saarta',
  profession: 'youth_work',
}

/** The answers of the whole form, a first meeting with every follow-up question asked. */
const ANSWERS: Answers = {
  meetingKind: 'first',
  gender: 'other',
  age: 13,
  homeMunicipality: '638',
  childWelfareNotification: 'yes',
  earlierWelfareClient: 'no',
  hasHobby: 'yes',
  guidedHobby: 'no',
  gangLikeGroup: 'unknown',
  firstTimeInAnchor: 'no',
  timesInAnchor: 4,
  meetingTopics: ['vandalism', 'school_absence'],
  underInfluence: 'no',
  clientRole: 'both',
  informationSources: ['police', 'youth_services'],
  referredOnward: 'yes',
  referralServices: ['student_welfare', 'hobby_leisure'],
  meetingParticipants: ['police', 'youth_worker', 'guardian'],
  responseTimeDays: 2,
  workingMethods: ['home_visit'],
  continuationPlan: ['phone_follow_up'],
  regretOwn: 'yes',
  regretTeam: 'yes',
  usefulness: '5',
}

const SUBMIT = 'form[action="/forms"] button[type="submit"]'

const { watch, expectNoConsoleErrors } = consoleErrorCheck()
let server: RunningServer
let browser: Browser
let context: BrowserContext
let page: Page

t.before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  ;({ context, page } = await expertInTeam(browser, server, TEAM, EXPERT))
  watch(page)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

function onStep(step: SectionId): Answers {
  return Object.fromEntries(Object.entries(ANSWERS).filter(([id]) => formDefinition.questions.find((q) => q.id === id)?.section === step))
}

/** An answer option's words in Finnish, as the review and the read-only form show it. */
function optionWords(id: string, code: string): string {
  const q = formDefinition.questions.find((q) => q.id === id)
  const option = q && (q.type === 'single' || q.type === 'multiple') ? q.options.find((o) => o.code === code) : undefined
  if (!option) throw new Error(`no option ${code} in ${id}`)
  return option.labels.fi
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

async function stepPage(step: SectionId): Promise<void> {
  await page.waitForURL((url) => url.pathname === `/forms/new/${step}`)
  await page.waitForLoadState('load')
}

async function hasSessionCookie(): Promise<boolean> {
  return (await context.cookies()).some((c) => c.name === SESSION_COOKIE)
}

/**
 * Logs in on the login page the browser is on (keeping its `next`): the password, then the SMS code.
 * A password step refused for a code asked for moments ago is tried again after the wait it names;
 * a code still waiting to be used and handed back instead of a new SMS is read from the outbox.
 */
async function logInHere(account: Expert): Promise<void> {
  const deadline = Date.now() + 100_000
  for (;;) {
    const before = await server.smsCount(account.phoneE164)
    await page.fill('#field-email', account.email)
    await page.fill('#field-password', account.password)
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.locator('#field-password').press('Enter'),
    ])
    await page.waitForLoadState('load')
    if (response.status() === 303) {
      await page.waitForURL((url) => url.pathname === '/login/code')
      const code = (await server.smsCount(account.phoneE164)) > before ? await server.waitForCode(account.phoneE164, { after: before }) : await server.waitForCode(account.phoneE164)
      await page.fill('#field-code', code)
      await Promise.all([page.waitForURL((url) => url.pathname !== '/login/code'), page.locator('#field-code').press('Enter')])
      await page.waitForLoadState('load')
      return
    }
    const wait = Number(response.headers()['retry-after'] ?? '10')
    if (response.status() !== 429 || Date.now() + wait * 1000 > deadline) {
      throw new Error(`the password step was refused (${response.status()}): ${await page.locator('main').textContent()}`)
    }
    await page.waitForTimeout(wait * 1000 + 500)
  }
}

t.test('shortly before an idle session would end the page warns, and staying logged in starts the count again', async (t) => {
  const lang: Lang = 'fi'
  // The page's clock is made to run fast; the server's session is the real one (the same login).
  const idle = await browser.newContext({ baseURL: server.baseUrl, locale: 'fi-FI', viewport: { width: 1280, height: 900 }, storageState: await context.storageState() })
  t.teardown(() => idle.close())
  await idle.clock.install()
  const tab = await idle.newPage()
  watch(tab)
  await tab.goto('/forms/new')
  await tab.waitForURL((url) => url.pathname === '/forms/new/meeting')

  const template = tab.locator('template#session-warning')
  t.equal(await template.getAttribute('data-idle-seconds'), String(SESSION_IDLE_TIMEOUT_MS / 1000), 'the page knows the idle timeout of the session (30 minutes)')
  t.equal(await template.getAttribute('data-warn-seconds'), '120', 'and warns 2 minutes before')
  const warning = tab.locator('.session-warning')
  t.equal(await warning.count(), 0, 'no warning to begin with')

  await tab.clock.fastForward('27:50')
  t.equal(await warning.count(), 0, 'none after 27 minutes 50 seconds')
  await tab.clock.fastForward('00:15')
  await warning.waitFor({ state: 'visible', timeout: 5_000 })
  t.pass('the warning is shown 28 minutes after the page was loaded')
  t.equal(await warning.getAttribute('role'), 'alertdialog', 'as an alert dialog')
  t.equal(((await warning.locator('#session-warning-text').textContent()) ?? '').trim(), tr(lang, 'forms.session_warning'), 'saying the session will end and the answers are saved at every step')
  t.ok(await tab.evaluate(() => document.activeElement?.matches('.session-warning [data-session-continue]') ?? false), 'the focus is on its button')
  t.equal(((await warning.locator('[data-session-continue]').textContent()) ?? '').trim(), tr(lang, 'forms.session_continue'))
  await expectNoAxeViolations(tab, t, `step with the session warning (${lang})`)

  // Enter on the focused button: the page asks the server, which counts the session as used.
  const [response] = await Promise.all([
    tab.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session'),
    tab.keyboard.press('Enter'),
  ])
  t.equal(response.status(), 200, 'staying logged in asked the server for the session')
  await warning.waitFor({ state: 'detached', timeout: 5_000 })
  t.pass('the warning went away')
  t.equal(new URL(tab.url()).pathname, '/forms/new/meeting', 'and the page stayed')

  // The count starts again: the next warning comes 28 minutes later.
  await tab.clock.fastForward('27:50')
  t.equal(await warning.count(), 0, 'no new warning 27 minutes 50 seconds later')
  await tab.clock.fastForward('00:15')
  await warning.waitFor({ state: 'visible', timeout: 5_000 })
  t.pass('a new warning after another 28 minutes')
  expectNoConsoleErrors(t)
})

t.test('the session ends in the middle of the form: the answers are kept through a new login and the form is filed', async (t) => {
  const lang: Lang = 'fi'
  await page.goto('/forms/new')
  await stepPage('meeting')
  await fillStep(page, onStep('meeting'))
  await continueStep(page)
  await stepPage('background')
  await fillStep(page, onStep('background'))
  await continueStep(page)
  await stepPage('service')
  await fillStep(page, onStep('service'))

  // Meanwhile the expert logs out in another tab of the same browser.
  const other = await context.newPage()
  watch(other)
  await other.goto('/')
  await other.getByRole('button', { name: tr(lang, 'nav.logout') }).click()
  await other.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('loggedOut') === '1')
  await other.close()
  t.notOk(await hasSessionCookie(), 'the session has ended')

  // Continue on step 3: the login page, with the answers of the step kept.
  await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.locator('form.statistics-form button[name="go"][value="next"]').click()])
  await page.waitForLoadState('load')
  const url = new URL(page.url())
  t.equal(url.searchParams.get('next'), '/forms/new/impact', 'the login leads on to the next step')
  t.equal(url.searchParams.get('answersKept'), '1', 'and the address says the answers were kept')
  t.equal(await h1(page), tr(lang, 'login.title'))
  t.equal(await page.locator('input[type="hidden"][name="next"]').inputValue(), '/forms/new/impact', 'the login form carries the next step')
  t.equal(
    ((await page.locator('main .notice[role="status"]', { hasText: tr(lang, 'forms.answers_kept_login') }).textContent()) ?? '').trim(),
    tr(lang, 'forms.answers_kept_login'),
    'the login page says the session had ended and the answers are kept',
  )
  await expectNoAxeViolations(page, t, `login page with the answers kept (${lang})`)
  t.ok((await context.cookies()).some((c) => c.name === 'anchor_form_answers'), 'the browser holds the pointer to the kept answers')

  await logInHere(EXPERT)
  t.equal(new URL(page.url()).pathname, '/forms/new/impact', 'after the login the expert is on step 4')
  t.equal(await h1(page), formDefinition.sections[3]!.labels[lang])
  const [keptBefore] = tr(lang, 'forms.draft_kept').split('{time}') as [string]
  t.match(await page.locator('main .notice--info[role="status"]').textContent(), new RegExp(`^\\s*${escapeRegExp(keptBefore)}\\d`), 'the page says when the answers were saved')
  t.ok(await page.locator('#question-responseTimeDays').isVisible(), 'the first meeting of step 1 is known: the response time is asked')
  t.notOk((await context.cookies()).some((c) => c.name === 'anchor_form_answers'), 'the kept answers are taken over')

  await fillStep(page, onStep('impact'))
  await continueStep(page)
  await page.waitForURL((url) => url.pathname === '/forms/review')
  t.equal(await h1(page), tr(lang, 'forms.review_title'), 'the review')
  t.equal(await page.locator('.summary-list dt').count(), Object.keys(ANSWERS).length + 1, 'every answer of the four steps (and the month) is there')
  const review = (await page.locator('main').textContent()) ?? ''
  const expected = [
    '13 vuotta',
    '4 kertaa',
    optionWords('meetingTopics', 'vandalism'),
    // the answers of step 3, sent after the session had ended
    optionWords('informationSources', 'youth_services'),
    optionWords('referralServices', 'student_welfare'),
    optionWords('referralServices', 'hobby_leisure'),
    optionWords('meetingParticipants', 'guardian'),
    '2 arkipäivää',
  ]
  for (const words of expected) {
    t.match(review, words, `the review says "${words}"`)
  }

  // The session ends again, on the review: the browser loses its session cookie before Submit.
  await context.clearCookies({ name: SESSION_COOKIE })
  await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.locator(SUBMIT).click()])
  await page.waitForLoadState('load')
  const again = new URL(page.url())
  t.equal(again.searchParams.get('next'), '/forms/review', 'Submit without a session leads through the login back to the review')
  t.equal(again.searchParams.get('answersKept'), '1')
  t.equal(await page.locator('main .notice[role="status"]', { hasText: tr(lang, 'forms.answers_kept_login') }).count(), 1, 'and the login page says the answers are kept')
  await logInHere(EXPERT)
  t.equal(new URL(page.url()).pathname, '/forms/review', 'after the login the review')
  t.equal(await page.locator('.summary-list dt').count(), Object.keys(ANSWERS).length + 1, 'with every answer still there')

  await Promise.all([page.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/), page.locator(SUBMIT).click()])
  t.equal(await h1(page), tr(lang, 'forms.receipt_title'), 'the form is filed')
  const formUrl = page.url().replace(/\/receipt$/, '')
  await page.goto(formUrl)
  const stored = (await page.locator('main').textContent()) ?? ''
  for (const words of [optionWords('referralServices', 'student_welfare'), optionWords('meetingParticipants', 'guardian'), '2 arkipäivää']) t.match(stored, words, `the stored form says "${words}"`)
  await page.goto('/forms')
  t.match(await page.locator('main').textContent(), tr(lang, 'forms.list_intro', { count: 1 }), 'exactly one form')
  expectNoConsoleErrors(t)
})
