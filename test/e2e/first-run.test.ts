// The first run as a newcomer meets it: the server prints a set-up address; in the browser that
// page (checked with axe in Finnish, Swedish and English, with and without errors) creates the
// first administrator, who then logs in with the SMS code; the address then only explains that
// the service has been set up.
import t from 'tap'
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js'
import { consoleErrorCheck, h1, LANGS, switchLanguage, tr, typeInto } from './helpers/pages.js'
import { startServer } from './helpers/server.js'

const ADMIN = { name: 'Aino Ylläpitäjä', email: 'aino.yllapitaja@example.fi', phone: '040 765 4321', phoneE164: '+358407654321', password: 'ensimmäinen ylläpitäjä' }

t.test('the printed set-up address creates the first administrator, who logs in by SMS', async (t) => {
  const server = await startServer({ admin: null })
  t.teardown(() => server.stop())
  const port = new URL(server.baseUrl).port
  const line = new RegExp(`Create the first one at: (http://localhost:${port}/setup\\?token=[A-Za-z0-9_-]+)`).exec(server.output())
  t.ok(line, `the set-up address with the real port is printed:\n${server.output()}`)
  const setupUrl = line![1]!.replace('localhost', '127.0.0.1')

  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const { watch, expectNoConsoleErrors } = consoleErrorCheck()
  const context = await newContext(browser, server.baseUrl)
  const page = await context.newPage()
  watch(page)

  for (const lang of LANGS) {
    await page.goto(setupUrl)
    await switchLanguage(page, lang)
    t.equal(await h1(page), tr(lang, 'setup.title'))
    await expectNoAxeViolations(page, t, `set-up form (${lang})`)
    await page.getByRole('button', { name: tr(lang, 'setup.submit') }).click()
    await page.locator('.error-summary').waitFor()
    t.ok((await page.locator('[aria-invalid="true"]').count()) >= 4, 'the missing fields are marked invalid')
    await expectNoAxeViolations(page, t, `set-up form with errors (${lang})`)
  }

  // by keyboard: the error summary has the focus, its links lead to the fields
  await typeInto(page, '#field-name', ADMIN.name)
  await typeInto(page, '#field-email', ADMIN.email)
  await typeInto(page, '#field-phone', ADMIN.phone)
  await typeInto(page, '#field-password', ADMIN.password)
  await typeInto(page, '#field-passwordConfirm', ADMIN.password)
  await page.locator('#field-passwordConfirm').press('Enter')
  await page.waitForURL('**/login?setup=1')
  t.match(await page.locator('.notice').textContent(), tr('en', 'login.setup_done'))

  await typeInto(page, '#field-email', ADMIN.email)
  await typeInto(page, '#field-password', ADMIN.password)
  await page.locator('#field-password').press('Enter')
  await page.waitForURL('**/login/code')
  await typeInto(page, '#field-code', await server.waitForCode(ADMIN.phoneE164))
  await page.locator('#field-code').press('Enter')
  await page.waitForURL((url) => url.pathname === '/')
  t.match(await h1(page), ADMIN.name)

  const again = await (await context.newPage()).goto(setupUrl)
  t.equal(again?.status(), 410, 'the address works once')
  const closed = context.pages().at(-1)!
  t.equal(await h1(closed), tr('en', 'setup.closed_title'))
  await expectNoAxeViolations(closed, t, 'set-up closed')
  expectNoConsoleErrors(t)
})
