// The basics of the service tried as its users would, in a real browser: the statements and help one
// click from every kind of page; an expert who forgot their password resets it with the e-mail link
// and the SMS code, every session of theirs ends and the new password logs in; a link used once is
// dead; a form filed twice is withdrawn by its filer, confirmed by an administrator and leaves the
// team's own figures at once; the token page is in the navigation and its Copy button copies the
// new token. axe-core checks every page on the way.
// Run with `npx tap --jobs=1 --timeout=300 test/e2e/accounts.test.ts` (Chromium at /usr/bin/chromium).
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { expertInTeam, logIn, type Expert, type Team } from './helpers/accounts.js'
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js'
import { fillQuickly, QUICK_ANSWERS } from './helpers/form-answers.js'
import { consoleErrorCheck, h1, pathOf, tr, typeInto } from './helpers/pages.js'
import { ADMIN, startServer, type RunningServer } from './helpers/server.js'

const TEAM: Team = { name: 'Porin Ankkuri', policeDepartment: 'lounais-suomi', wellbeingCounty: '06', municipalityCode: '609' }
const EXPERT: Expert = {
  name: 'Riikka Rantanen',
  email: 'riikka.rantanen@example.fi',
  phone: '050 333 4455',
  phoneE164: '+358503334455',
  password: 'vanha salasana joka unohtui',
  profession: 'police',
}
const NEW_PASSWORD = 'uusi salasana kahden kertoimen takana'

let server: RunningServer
let browser: Browser
let admin: Page
let expert: Page
const { watch, expectNoConsoleErrors } = consoleErrorCheck()

t.before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  admin = await (await newContext(browser, server.baseUrl)).newPage()
  watch(admin)
  await logIn(admin, server, ADMIN)
  expert = (await expertInTeam(browser, server, TEAM, EXPERT, admin)).page
  watch(expert)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

const STATEMENTS = [
  { path: '/accessibility', key: 'statements.accessibility' },
  { path: '/privacy', key: 'statements.privacy' },
  { path: '/help', key: 'statements.help' },
] as const

t.test('the statements and help are one click from every kind of page', async (t) => {
  const visitor = await (await newContext(browser, server.baseUrl)).newPage()
  watch(visitor)
  const starts: [Page, string][] = [
    [visitor, '/login'],
    [visitor, '/register'],
    [expert, '/'],
    [expert, '/forms/new/meeting'],
    [admin, '/admin/audit'],
  ]
  for (const [page, start] of starts) {
    for (const statement of STATEMENTS) {
      await page.goto(start)
      const link = page.locator('footer').getByRole('link', { name: tr('fi', `${statement.key}.link`), exact: true })
      await Promise.all([page.waitForURL(`**${statement.path}`), link.click()])
      t.equal(await h1(page), tr('fi', `${statement.key}.title`), `${start} → ${statement.path}`)
      t.equal(await page.locator('footer a[aria-current="page"]').getAttribute('href'), statement.path, 'the footer marks the page')
    }
  }
  for (const statement of STATEMENTS) {
    await visitor.goto(statement.path)
    await expectNoAxeViolations(visitor, t, statement.path)
  }
  // the operator's details come from the configuration, and the statement names where to send feedback
  await visitor.goto('/accessibility')
  t.match(await visitor.locator('main').textContent(), /@/, 'an address for feedback')
  await visitor.context().close()
  expectNoConsoleErrors(t)
})

t.test('an expert who forgot their password resets it with the e-mail link and the SMS code', async (t) => {
  const person = await (await newContext(browser, server.baseUrl)).newPage()
  watch(person)
  await person.goto('/login')
  await person.getByRole('link', { name: tr('fi', 'reset.forgot_link') }).click()
  await person.waitForURL('**/password/forgot')
  t.equal(await h1(person), tr('fi', 'reset.forgot_title'))
  await expectNoAxeViolations(person, t, 'forgotten password')

  // an empty address is refused with the summary; nothing is sent
  await person.getByRole('button', { name: tr('fi', 'reset.forgot_submit') }).click()
  await person.locator('.error-summary').waitFor()
  await expectNoAxeViolations(person, t, 'forgotten password with an error')

  const emailsBefore = (await server.emailsTo(EXPERT.email)).length
  await typeInto(person, '#field-email', EXPERT.email)
  await person.locator('#field-email').press('Enter')
  await person.locator('main h1', { hasText: tr('fi', 'reset.sent_title') }).waitFor()
  await expectNoAxeViolations(person, t, 'link sent')

  // an address without an account gets the same page, and no e-mail goes anywhere
  const stranger = await (await newContext(browser, server.baseUrl)).newPage()
  await stranger.goto('/password/forgot')
  await typeInto(stranger, '#field-email', 'ei.ketaan@example.fi')
  await stranger.locator('#field-email').press('Enter')
  await stranger.locator('main h1', { hasText: tr('fi', 'reset.sent_title') }).waitFor()
  t.equal(await stranger.locator('main').textContent(), await person.locator('main').textContent(), 'the same answer for an unknown address')
  t.same(await server.emailsTo('ei.ketaan@example.fi'), [], 'no e-mail to an unknown address')
  await stranger.context().close()

  const link = await server.waitForEmailLink(EXPERT.email, { after: emailsBefore })
  t.match(link, /\/password\/reset\?token=/, 'the e-mail holds the link')
  await person.goto(link)
  t.equal(await h1(person), tr('fi', 'reset.link_title'))
  await expectNoAxeViolations(person, t, 'reset link')

  const smsBefore = await server.smsCount(EXPERT.phoneE164)
  await person.getByRole('button', { name: tr('fi', 'reset.send_code') }).click()
  await person.waitForURL('**/password/reset/code')
  const code = await server.waitForCode(EXPERT.phoneE164, { after: smsBefore })

  // a wrong code first: the summary says so and how many tries are left
  await typeInto(person, '#field-code', code === '000000' ? '111111' : '000000')
  await person.locator('#field-code').press('Enter')
  await person.locator('.error-summary').waitFor()
  await expectNoAxeViolations(person, t, 'reset code with an error')

  await person.locator('#field-code').fill(code)
  await person.locator('#field-code').press('Enter')
  await person.waitForURL('**/password/reset/new')
  t.equal(await h1(person), tr('fi', 'reset.new_title'))
  await expectNoAxeViolations(person, t, 'new password')

  // the expert's session in the other browser is still alive until the password changes
  await expert.goto('/')
  t.equal(await pathOf(expert), '/', 'logged in elsewhere before the change')

  await typeInto(person, '#field-password', NEW_PASSWORD)
  await typeInto(person, '#field-passwordConfirm', NEW_PASSWORD)
  await person.locator('#field-passwordConfirm').press('Enter')
  await person.waitForURL('**/login?passwordChanged=1')
  t.match(await person.locator('main .notice').textContent(), tr('fi', 'reset.password_changed'))

  await expert.goto('/')
  t.equal(new URL(expert.url()).pathname, '/login', 'every session of the account has ended')
  const told = await server.emailsTo(EXPERT.email)
  t.equal(told.length, emailsBefore + 2, 'the link and then a note that the password was changed')

  // the link is used up
  await person.goto(link)
  t.equal(await h1(person), tr('fi', 'reset.dead_title'), 'a used link is dead')
  await expectNoAxeViolations(person, t, 'dead link')

  // the old password no longer works; the new one does, with the SMS code as always
  await person.goto('/login')
  await typeInto(person, '#field-email', EXPERT.email)
  await typeInto(person, '#field-password', EXPERT.password)
  await person.locator('#field-password').press('Enter')
  await person.locator('.error-summary').waitFor()
  t.match(await person.locator('.error-summary').textContent(), tr('fi', 'errors.invalid_credentials'), 'the old password is refused')
  await logIn(person, server, { ...EXPERT, password: NEW_PASSWORD })
  t.equal(await h1(person), tr('fi', 'home.greeting', { name: EXPERT.name }), 'the new password logs in')
  expert = person
  expectNoConsoleErrors(t)
})

/** The team's forms this month on the start page. */
async function formsThisMonth(page: Page): Promise<number> {
  await page.goto('/')
  const row = page.locator('#team-summary-heading ~ .table-scroll tbody tr').first()
  return Number((await row.locator('td').first().textContent())?.trim())
}

async function fileForm(page: Page): Promise<string> {
  await fillQuickly(page, QUICK_ANSWERS)
  await page.locator('form[action="/forms"] button[type="submit"]').click()
  await page.waitForURL(/\/forms\/[^/]+\/receipt/)
  return new URL(page.url()).pathname.replace(/\/receipt$/, '')
}

t.test('a form filed twice is withdrawn: asked by the filer, confirmed by an administrator, out of the team figures at once', async (t) => {
  const before = await formsThisMonth(expert)
  await fileForm(expert)
  const duplicate = await fileForm(expert)
  t.equal(await formsThisMonth(expert), before + 2, 'both forms count')

  await expert.goto(duplicate)
  await expert.getByRole('link', { name: tr('fi', 'withdrawals.show_link') }).click()
  await expert.waitForURL(`**${duplicate}/withdraw`)
  t.equal(await h1(expert), tr('fi', 'withdrawals.title'))
  await expectNoAxeViolations(expert, t, 'withdrawal request')

  // no reason: refused with the summary
  await expert.getByRole('button', { name: tr('fi', 'withdrawals.submit') }).click()
  await expert.locator('.error-summary').waitFor()
  await expectNoAxeViolations(expert, t, 'withdrawal request with an error')

  await expert.locator('#field-reason-duplicate').check()
  await expert.getByRole('button', { name: tr('fi', 'withdrawals.submit') }).click()
  await expert.locator('main .notice[role="status"]').waitFor()
  t.match(await expert.locator('main').textContent(), tr('fi', 'withdrawals.done_requested'))
  await expectNoAxeViolations(expert, t, 'withdrawal requested')
  t.equal(await formsThisMonth(expert), before + 2, 'a request alone changes nothing')

  await admin.goto('/admin')
  await admin.getByRole('link', { name: tr('fi', 'withdrawals.admin_title') }).click()
  await admin.waitForURL('**/admin/withdrawals')
  await expectNoAxeViolations(admin, t, 'withdrawals to decide')
  const row = admin.locator('tbody tr', { hasText: TEAM.name })
  t.equal(await row.count(), 1, 'the request waits for a decision')
  await row.locator('form[action$="/confirm"] button').click()
  await admin.waitForURL('**/admin/withdrawals?done=confirmed')
  await expectNoAxeViolations(admin, t, 'withdrawal confirmed')

  t.equal(await formsThisMonth(expert), before + 1, 'the withdrawn form leaves the team figures at once')
  await expert.goto('/forms')
  t.match(await expert.locator('main table').textContent(), tr('fi', 'withdrawals.list_confirmed'), 'the list marks it withdrawn')
  await expert.goto(`${duplicate}/withdraw`)
  t.equal(await expert.locator('#withdrawal-request').count(), 0, 'it cannot be asked again')
  expectNoConsoleErrors(t)
})

t.test('the token page is in the navigation, and a new token is copied with one button', async (t) => {
  await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl })
  await admin.goto('/')
  await admin.locator('nav.main-nav').getByRole('link', { name: tr('fi', 'tokens_ui.nav'), exact: true }).click()
  await admin.waitForURL('**/account/tokens')
  t.equal(await h1(admin), tr('fi', 'tokens.title'))
  await admin.fill('#field-name', 'Kuntaraportti')
  await admin.fill('#field-days', '30')
  await admin.locator('#field-days').press('Enter')
  await admin.locator('#new-token').waitFor()
  const token = await admin.locator('#new-token').inputValue()
  t.ok(token.length >= 32, 'the token is shown once')
  await admin.getByRole('button', { name: tr('fi', 'tokens_ui.copy') }).click()
  await admin.locator('#token-copy-status', { hasText: tr('fi', 'tokens_ui.copied') }).waitFor()
  t.equal(await admin.evaluate(() => navigator.clipboard.readText()), token, 'the clipboard holds the token')
  await expectNoAxeViolations(admin, t, 'token created')
  expectNoConsoleErrors(t)
})
