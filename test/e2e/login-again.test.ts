// Logging in again in a real browser: the administrator reaches the code page, goes back to the
// password step and logs in with the password again; no new SMS is sent, the code page says when
// the code was sent, and the code from the first SMS works. Then, logged out, straight back in: a
// new code at once. axe-core checks the code page with its notice in Finnish, Swedish and English.
// Run with `npx tap --jobs=1 --timeout=300 test/e2e/login-again.test.ts` (Chromium at /usr/bin/chromium).
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Lang } from '../../src/i18n/index.js'
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js'
import { consoleErrorCheck, h1, LANGS, pathOf, switchLanguage, tr, typeInto } from './helpers/pages.js'
import { ADMIN, startServer, type RunningServer } from './helpers/server.js'

let server: RunningServer
let browser: Browser
let context: BrowserContext
let admin: Page
const { watch, expectNoConsoleErrors } = consoleErrorCheck()

/** The notice text with any time of day in place of {sent} and {next} (16.42 or 16:42). */
function noticePattern(lang: Lang, key: string): RegExp {
  const escaped = tr(lang, key, { sent: '\u0000', next: '\u0000' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replaceAll('\u0000', '\\d{1,2}[.:]\\d{2}')}$`)
}

async function noticeText(page: Page): Promise<string> {
  return ((await page.locator('main .notice--info[role="status"]').textContent()) ?? '').trim()
}

async function passwordStep(page: Page): Promise<void> {
  await typeInto(page, '#field-email', ADMIN.email)
  await typeInto(page, '#field-password', ADMIN.password)
  await page.locator('#field-password').press('Enter')
  await page.waitForURL('**/login/code')
}

t.before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  context = await newContext(browser, server.baseUrl)
  admin = await context.newPage()
  watch(admin)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

t.test('back to the password step and in again: the code page says when the code was sent, and the first code works', async (t) => {
  const before = await server.smsCount(ADMIN.phoneE164)
  await admin.goto('/login')
  await passwordStep(admin)
  t.equal(await h1(admin), tr('fi', 'code.title'))
  const firstCode = await server.waitForCode(ADMIN.phoneE164, { after: before })
  t.equal(await server.smsCount(ADMIN.phoneE164), before + 1, 'the password step sent one SMS')
  t.equal(await admin.locator('main .notice--info').count(), 0, 'a code sent just now needs no notice')

  // The browser's back button returns to the password step; the password is typed again.
  await admin.goBack()
  await admin.waitForURL((url) => url.pathname === '/login')
  t.equal(await h1(admin), tr('fi', 'login.title'))
  await passwordStep(admin)
  t.equal(await h1(admin), tr('fi', 'code.title'), 'the code page, not an error')
  t.equal(await admin.locator('.error-summary').count(), 0, 'no error summary')
  t.match(await noticeText(admin), noticePattern('fi', 'code.sent_earlier'), 'the notice says when the code was sent')

  for (const lang of LANGS) {
    await switchLanguage(admin, lang)
    t.equal(await h1(admin), tr(lang, 'code.title'), `code page heading (${lang})`)
    t.match(await noticeText(admin), noticePattern(lang, 'code.sent_earlier'), `the notice in ${lang}`)
    await expectNoAxeViolations(admin, t, `code page with the notice of the code already sent (${lang})`)
  }
  await switchLanguage(admin, 'fi')
  t.equal(await pathOf(admin), '/login/code', 'changing language keeps the login going')
  t.equal(await server.smsCount(ADMIN.phoneE164), before + 1, 'no new SMS was sent')

  await typeInto(admin, '#field-code', firstCode)
  await admin.locator('#field-code').press('Enter')
  await admin.waitForURL((url) => url.pathname === '/')
  t.equal(await h1(admin), tr('fi', 'home.greeting', { name: ADMIN.name }), 'the code from the first SMS logs in')
  expectNoConsoleErrors(t)
})

t.test('logged out and straight back in: a new code at once', async (t) => {
  await admin.getByRole('button', { name: tr('fi', 'nav.logout') }).click()
  await admin.waitForURL('**/login?loggedOut=1')
  const before = await server.smsCount(ADMIN.phoneE164)
  await passwordStep(admin)
  t.equal(await admin.locator('main .notice--info').count(), 0, 'no notice: this is a new code')
  const code = await server.waitForCode(ADMIN.phoneE164, { after: before })
  t.equal(await server.smsCount(ADMIN.phoneE164), before + 1, 'a new SMS, without waiting for the cool-down')
  await typeInto(admin, '#field-code', code)
  await admin.locator('#field-code').press('Enter')
  await admin.waitForURL((url) => url.pathname === '/')
  t.equal(await h1(admin), tr('fi', 'home.greeting', { name: ADMIN.name }))
  expectNoConsoleErrors(t)
})
