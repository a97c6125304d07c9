// The foundation as people meet it in a real browser: the administrator logs in with the SMS code,
// creates a team, a new expert registers for it and is approved, logs in, changes language and
// logs out. axe-core checks every page visited, in Finnish, Swedish and English.
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { axeViolations, expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js'
import { consoleErrorCheck, h1, htmlLang, LANGS, pathOf, switchLanguage, tr, typeInto } from './helpers/pages.js'
import { ADMIN, startServer, type RunningServer } from './helpers/server.js'

const TEAM = {
  name: 'Itä-Uudenmaan Ankkuri',
  policeDepartment: 'ita-uusimaa',
  wellbeingCounty: '01',
  municipality: { code: '638', nameFi: 'Porvoo' },
}

const EXPERT = {
  name: 'Ville Väinämö',
  email: 'ville.vainamo@example.fi',
  phone: '050 765 4321',
  phoneE164: '+358507654321',
  password: 'kolme kevättä ja kaksi kesää',
  profession: 'youth_work',
}

let server: RunningServer
let browser: Browser
let adminContext: BrowserContext
let admin: Page
let expertContext: BrowserContext
let expert: Page
/** Browser console errors (CSP refusals, script errors, missing files) fail the test that caused them. */
const { watch, expectNoConsoleErrors } = consoleErrorCheck()

t.before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  adminContext = await newContext(browser, server.baseUrl)
  admin = await adminContext.newPage()
  watch(admin)
  expertContext = await newContext(browser, server.baseUrl)
  expert = await expertContext.newPage()
  watch(expert)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

t.test('a wrong password shows the error summary, focused, with a link to the field', async (t) => {
  await admin.goto('/login')
  t.equal(await htmlLang(admin), 'fi', 'Finnish is the default language')
  t.equal(await h1(admin), tr('fi', 'login.title'))
  await expectNoAxeViolations(admin, t, 'login page (fi)')

  await typeInto(admin, '#field-email', ADMIN.email)
  await typeInto(admin, '#field-password', 'not the right password')
  await admin.locator('#field-password').press('Enter')

  const summary = admin.locator('.error-summary')
  await summary.waitFor()
  t.match(await summary.textContent(), tr('fi', 'errors.invalid_credentials'))
  await admin.locator('.error-summary:focus').waitFor({ timeout: 5_000 })
  t.pass('the error summary has the focus')
  t.match(await admin.title(), new RegExp(`^${tr('fi', 'form.error_title_prefix')}`), 'the title says there is an error')
  t.equal(await admin.locator('#field-email').inputValue(), ADMIN.email, 'the e-mail address is kept')
  t.equal(await admin.locator('#field-password').inputValue(), '', 'the password is not sent back')

  const link = summary.locator('a[href="#field-password"]')
  t.equal(await link.count(), 1, 'the summary links to the password field')
  await link.click()
  await admin.locator('#field-password:focus').waitFor({ timeout: 5_000 })
  t.pass('following the link puts the cursor in the password field')
  await expectNoAxeViolations(admin, t, 'login page with an error (fi)')
  expectNoConsoleErrors(t)
})

t.test('the administrator logs in with the password and the SMS code, by keyboard', async (t) => {
  const before = await server.smsCount(ADMIN.phoneE164)
  await typeInto(admin, '#field-email', ADMIN.email)
  await typeInto(admin, '#field-password', ADMIN.password)
  await admin.locator('#field-password').press('Enter')
  await admin.waitForURL('**/login/code')
  t.equal(await h1(admin), tr('fi', 'code.title'))

  // The code page in every language, on the way through one login.
  for (const lang of LANGS) {
    await switchLanguage(admin, lang)
    t.equal(await h1(admin), tr(lang, 'code.title'), `code page heading (${lang})`)
    await expectNoAxeViolations(admin, t, `code page (${lang})`)
  }
  await switchLanguage(admin, 'fi')
  t.equal(await pathOf(admin), '/login/code', 'changing language keeps the login going')

  const code = await server.waitForCode(ADMIN.phoneE164, { after: before })
  await typeInto(admin, '#field-code', code)
  await admin.locator('#field-code').press('Enter')
  await admin.waitForURL((url) => url.pathname === '/')
  t.equal(await h1(admin), tr('fi', 'home.greeting', { name: ADMIN.name }))
  t.match(await admin.locator('.user-box__name').textContent(), ADMIN.name, 'the header names who is logged in')
  await expectNoAxeViolations(admin, t, 'start page of an administrator (fi)')
  expectNoConsoleErrors(t)
})

t.test('the administrator creates a team', async (t) => {
  await admin.locator('main').getByRole('link', { name: tr('fi', 'home.admin_heading') }).click()
  await admin.waitForURL('**/admin')
  await admin.locator('main').getByRole('link', { name: tr('fi', 'teams.title'), exact: true }).click()
  await admin.waitForURL('**/admin/teams')
  t.match(await admin.locator('main').textContent(), tr('fi', 'teams.none'))
  await admin.getByRole('link', { name: tr('fi', 'teams.new_title') }).click()
  await admin.waitForURL('**/admin/teams/new')
  t.equal(await h1(admin), tr('fi', 'teams.new_title'))

  await typeInto(admin, '#field-name', TEAM.name)
  await admin.locator('#field-policeDepartment').selectOption(TEAM.policeDepartment)
  await admin.locator('#field-wellbeingCounty').selectOption(TEAM.wellbeingCounty)
  const checkbox = admin.locator(`#municipality-${TEAM.municipality.code}`)
  t.notOk(await checkbox.isVisible(), 'the municipalities are folded away in their county')
  // Open the county's group with the keyboard, then tick the municipality.
  const group = admin.locator('details.municipality-group', { has: checkbox })
  await group.locator('summary').focus()
  await admin.keyboard.press('Enter')
  await checkbox.waitFor({ state: 'visible' })
  await checkbox.focus()
  await admin.keyboard.press('Space')
  t.ok(await checkbox.isChecked(), `${TEAM.municipality.nameFi} is ticked`)

  await admin.getByRole('button', { name: tr('fi', 'form.save') }).click()
  await admin.waitForURL('**/admin/teams?done=created')
  t.match(await admin.locator('.notice').textContent(), tr('fi', 'teams.done_created'))
  const row = admin.locator('tbody tr', { hasText: TEAM.name })
  t.equal(await row.count(), 1, 'the team is listed')
  t.match(await row.textContent(), TEAM.municipality.nameFi)
  expectNoConsoleErrors(t)
})

t.test('a new expert registers for the team and cannot log in before approval', async (t) => {
  await expert.goto('/login')
  await expert.getByRole('link', { name: tr('fi', 'login.register_link') }).click()
  await expert.waitForURL('**/register')
  t.equal(await h1(expert), tr('fi', 'register.title'))

  await typeInto(expert, '#field-name', EXPERT.name)
  await typeInto(expert, '#field-email', EXPERT.email)
  await typeInto(expert, '#field-phone', EXPERT.phone)
  await expert.locator('#field-role-expert').check()
  await expert.locator('#field-teamId').selectOption({ label: TEAM.name })
  await expert.locator('#field-profession').selectOption(EXPERT.profession)
  await typeInto(expert, '#field-password', EXPERT.password)
  await typeInto(expert, '#field-passwordConfirm', EXPERT.password)
  await expert.locator('#field-passwordConfirm').press('Enter')
  await expert.locator('main h1', { hasText: tr('fi', 'register.received_title') }).waitFor()
  t.pass('the registration was received')

  await expert.getByRole('link', { name: tr('fi', 'register.back_to_login') }).click()
  await expert.waitForURL('**/login')
  const before = await server.smsCount(EXPERT.phoneE164)
  await typeInto(expert, '#field-email', EXPERT.email)
  await typeInto(expert, '#field-password', EXPERT.password)
  await expert.locator('#field-password').press('Enter')
  await expert.locator('.error-summary').waitFor()
  // a pending account answers like a wrong password (nothing confirmed), and the words say why it may be
  t.match(await expert.locator('.error-summary').textContent(), tr('fi', 'errors.invalid_credentials'))
  t.equal(await server.smsCount(EXPERT.phoneE164), before, 'no code is sent before approval')
  expectNoConsoleErrors(t)
})

t.test('the administrator approves the registration', async (t) => {
  await admin.goto('/admin')
  t.match(await admin.locator('main').textContent(), tr('fi', 'admin.pending_count', { count: 1 }))
  await admin.getByRole('link', { name: tr('fi', 'admin.registrations_title') }).click()
  await admin.waitForURL('**/admin/registrations')
  const row = admin.locator('tbody tr', { hasText: EXPERT.email })
  t.match(await row.textContent(), TEAM.name, 'the registration names the team')
  await admin.getByRole('button', { name: tr('fi', 'registration.approve_user_as', { name: EXPERT.name, role: tr('fi', 'roles.expert') }) }).click()
  await admin.waitForURL('**/admin/registrations?done=approved')
  const notices = await server.emailsTo(EXPERT.email)
  t.equal(notices.length, 1, 'the registrant is told by e-mail')
  t.equal(notices[0]?.subject, tr('fi', 'notices.approval_subject'), 'that the account is ready, in the language they registered in')
  t.match(await admin.locator('.notice').textContent(), tr('fi', 'admin.done_approved'))
  t.match(await admin.locator('main').textContent(), tr('fi', 'admin.no_pending'))

  await admin.goto('/admin/users?status=active')
  t.equal(await admin.locator('tbody tr', { hasText: EXPERT.email }).count(), 1, 'the expert is an active user')
  expectNoConsoleErrors(t)
})

t.test('the expert logs in, is greeted by name, changes language and logs out', async (t) => {
  const before = await server.smsCount(EXPERT.phoneE164)
  await typeInto(expert, '#field-email', EXPERT.email)
  await typeInto(expert, '#field-password', EXPERT.password)
  await expert.locator('#field-password').press('Enter')
  await expert.waitForURL('**/login/code')
  const code = await server.waitForCode(EXPERT.phoneE164, { after: before })

  // A mistyped code: the summary says so, links to the field, and tells how many tries are left.
  await typeInto(expert, '#field-code', code === '000000' ? '111111' : '000000')
  await expert.locator('#field-code').press('Enter')
  const summary = expert.locator('.error-summary')
  await summary.waitFor()
  t.match(await summary.textContent(), tr('fi', 'errors.code_invalid'))
  t.equal(await summary.locator('a[href="#field-code"]').count(), 1, 'the summary links to the code field')
  t.match(await expert.locator('main').textContent(), tr('fi', 'code.attempts_left', { count: 4 }))
  await expectNoAxeViolations(expert, t, 'code page with an error (fi)')

  await typeInto(expert, '#field-code', code)
  await expert.locator('#field-code').press('Enter')
  await expert.waitForURL((url) => url.pathname === '/')

  for (const lang of LANGS) {
    await switchLanguage(expert, lang)
    t.equal(await htmlLang(expert), lang, `<html lang="${lang}">`)
    t.equal(await h1(expert), tr(lang, 'home.greeting', { name: EXPERT.name }), `the greeting in ${lang}`)
    t.match(await expert.locator('main').textContent(), tr(lang, 'home.your_team', { team: TEAM.name }))
    t.equal(await expert.locator(`nav.language-switch a[hreflang="${lang}"]`).getAttribute('aria-current'), 'true', 'the current language is marked')
    t.equal(await expert.getByRole('link', { name: tr(lang, 'nav.admin'), exact: true }).count(), 0, 'an expert has no administration link')
    await expectNoAxeViolations(expert, t, `start page of an expert (${lang})`)
  }

  await expert.getByRole('button', { name: tr('en', 'nav.logout') }).click()
  await expert.waitForURL('**/login?loggedOut=1')
  t.equal(await h1(expert), tr('en', 'login.title'), 'the login page again, still in English')
  t.match(await expert.locator('.notice').textContent(), tr('en', 'login.logged_out'))
  await expectNoAxeViolations(expert, t, 'login page after logout (en)')

  await expert.goto('/')
  t.equal(new URL(expert.url()).pathname, '/login', 'the start page now sends to the login page')
  expectNoConsoleErrors(t)
})

t.test('every page has no axe violations in Finnish, Swedish and English', async (t) => {
  // A visitor who is not logged in, and the administrator's session from above. Forms are filled
  // with fill() here (quicker than typing); typing and the keyboard were covered above.
  const visitorContext = await newContext(browser, server.baseUrl)
  t.teardown(() => visitorContext.close())
  const visitor = await visitorContext.newPage()
  watch(visitor)

  // axe itself works here: a page with an image without alt text and faint text fails.
  await visitor.goto('/login')
  await visitor.evaluate(() => {
    const main = document.querySelector('main')
    const image = document.createElement('img')
    image.src = '/static/favicon.svg'
    const faint = document.createElement('p')
    faint.textContent = 'faint text'
    faint.style.color = '#c8c8c8'
    main?.append(image, faint)
  })
  const found = (await axeViolations(visitor)).map((v) => v.id)
  t.ok(found.includes('image-alt') && found.includes('color-contrast'), `axe reports planted problems (${found.join(', ')})`)

  await admin.goto('/admin/users')
  const expertHref = await admin.locator('tbody a', { hasText: EXPERT.name }).getAttribute('href')
  await admin.goto('/admin/teams')
  const teamHref = await admin.locator('tbody a', { hasText: TEAM.name }).getAttribute('href')
  t.ok(expertHref && teamHref, 'links to the user and the team')

  for (const lang of LANGS) {
    await visitor.goto('/login')
    await switchLanguage(visitor, lang)
    await expectNoAxeViolations(visitor, t, `login (${lang})`)

    await visitor.fill('#field-email', `nobody.${lang}@example.fi`)
    await visitor.fill('#field-password', 'wrong password here')
    await visitor.locator('#field-password').press('Enter')
    await visitor.locator('.error-summary').waitFor()
    await expectNoAxeViolations(visitor, t, `login with an error (${lang})`)

    await visitor.goto('/register')
    t.equal(await h1(visitor), tr(lang, 'register.title'))
    await expectNoAxeViolations(visitor, t, `registration form (${lang})`)

    await visitor.getByRole('button', { name: tr(lang, 'register.submit') }).click()
    await visitor.locator('.error-summary').waitFor()
    // without a role, the fields every registrant fills in are checked as well: all problems at once
    t.equal(await visitor.locator('#error-role').count(), 1, 'the role is asked for')
    t.ok((await visitor.locator('[aria-invalid="true"]').count()) >= 4, 'the missing fields are marked invalid')
    await expectNoAxeViolations(visitor, t, `registration form with errors (${lang})`)

    await visitor.fill('#field-name', `Testi Henkilö ${lang}`)
    await visitor.fill('#field-email', `axe.${lang}@example.fi`)
    await visitor.fill('#field-phone', `+358 40 555 000${LANGS.indexOf(lang)}`)
    await visitor.locator('#field-role-expert').check()
    await visitor.locator('#field-teamId').selectOption({ label: TEAM.name })
    await visitor.locator('#field-profession').selectOption('school')
    await visitor.fill('#field-password', EXPERT.password)
    await visitor.fill('#field-passwordConfirm', EXPERT.password)
    await visitor.getByRole('button', { name: tr(lang, 'register.submit') }).click()
    await visitor.locator('main h1', { hasText: tr(lang, 'register.received_title') }).waitFor()
    await expectNoAxeViolations(visitor, t, `registration received (${lang})`)

    await switchLanguage(admin, lang)
    const adminPages: [string, string][] = [
      ['/', 'start page of an administrator'],
      ['/admin', 'administration'],
      ['/admin/registrations', 'registrations'],
      ['/admin/users', 'users'],
      [expertHref!, 'user details'],
      ['/admin/teams', 'teams'],
      ['/admin/teams/new', 'new team form'],
      [teamHref!, 'team form with a municipality ticked'],
      ['/admin/audit', 'audit log'],
      ['/admin/integrity', 'integrity checkpoints'],
      ['/admin/no-such-page', '404 page'],
    ]
    for (const [path, label] of adminPages) {
      const response = await admin.goto(path)
      t.equal(response?.status(), path === '/admin/no-such-page' ? 404 : 200, `${label}: HTTP status`)
      t.equal(await htmlLang(admin), lang, `${label} is in ${lang}`)
      await expectNoAxeViolations(admin, t, `${label} (${lang})`)
    }
  }
  expectNoConsoleErrors(t)
})
