// Setting the scene for browser tests that need a logged-in expert in a team: the administrator
// logs in and creates the team, the expert registers for it and is approved, then logs in. Done
// through the pages, quickly (fill() rather than typing); foundation.test.ts is where these steps
// are tested one by one. Or the administrator alone, logged in on a server with demo data.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, newContext } from './browser.js'
import { ADMIN, startServer, type RunningServer } from './server.js'

export interface Team {
  readonly name: string
  readonly policeDepartment: string
  readonly wellbeingCounty: string
  readonly municipalityCode: string
}

export interface Expert {
  readonly name: string
  readonly email: string
  readonly phone: string
  /** E.164, as the SMS outbox records it. */
  readonly phoneE164: string
  readonly password: string
  readonly profession: string
}

interface Credentials {
  readonly email: string
  readonly password: string
  readonly phoneE164: string
}

/** Password, then the SMS code from the outbox; ends on the start page. */
export async function logIn(page: Page, server: RunningServer, account: Credentials): Promise<void> {
  const before = await server.smsCount(account.phoneE164)
  await page.goto('/login')
  await page.fill('#field-email', account.email)
  await page.fill('#field-password', account.password)
  await page.locator('#field-password').press('Enter')
  await page.waitForURL('**/login/code')
  await page.fill('#field-code', await server.waitForCode(account.phoneE164, { after: before }))
  await page.locator('#field-code').press('Enter')
  await page.waitForURL((url) => url.pathname === '/')
}

export async function createTeam(admin: Page, team: Team): Promise<void> {
  await admin.goto('/admin/teams/new')
  await admin.fill('#field-name', team.name)
  await admin.locator('#field-policeDepartment').selectOption(team.policeDepartment)
  await admin.locator('#field-wellbeingCounty').selectOption(team.wellbeingCounty)
  const checkbox = admin.locator(`#municipality-${team.municipalityCode}`)
  await admin.locator('details.municipality-group', { has: checkbox }).evaluate((details) => ((details as HTMLDetailsElement).open = true))
  await checkbox.check()
  await admin.locator('main form button[type="submit"]').click()
  await admin.waitForURL('**/admin/teams?done=created')
}

export async function registerExpert(page: Page, expert: Expert, teamName: string): Promise<void> {
  await page.goto('/register')
  await page.fill('#field-name', expert.name)
  await page.fill('#field-email', expert.email)
  await page.fill('#field-phone', expert.phone)
  await page.locator('#field-role-expert').check()
  await page.locator('#field-teamId').selectOption({ label: teamName })
  await page.locator('#field-profession').selectOption(expert.profession)
  await page.fill('#field-password', expert.password)
  await page.fill('#field-passwordConfirm', expert.password)
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/register' && r.request().method() === 'POST')
  await page.locator('#field-passwordConfirm').press('Enter')
  const response = await answered
  await page.waitForLoadState()
  if (response.status() !== 200) throw new Error(`the registration was refused (${response.status()}): ${await page.locator('main').textContent()}`)
}

export async function approveRegistration(admin: Page, expert: Expert): Promise<void> {
  await admin.goto('/admin/registrations')
  await admin.locator('tbody tr', { hasText: expert.email }).locator('form[action$="/approve"] button').click()
  await admin.waitForURL('**/admin/registrations?done=approved')
}

/**
 * A new expert in a new team, logged in, in a browser context of their own; `page` is the expert's.
 * The team is made and the registration approved by `admin` when given (an administrator's page,
 * logged in), otherwise by the administrator logging in in a context closed again after.
 */
export async function expertInTeam(browser: Browser, server: RunningServer, team: Team, expert: Expert, admin?: Page): Promise<{ context: BrowserContext; page: Page }> {
  const adminContext = admin ? undefined : await newContext(browser, server.baseUrl)
  try {
    const adminPage = admin ?? (await adminContext!.newPage())
    if (!admin) await logIn(adminPage, server, ADMIN)
    await createTeam(adminPage, team)
    const context = await newContext(browser, server.baseUrl)
    const page = await context.newPage()
    await registerExpert(page, expert, team.name)
    await approveRegistration(adminPage, expert)
    await logIn(page, server, expert)
    return { context, page }
  } finally {
    await adminContext?.close()
  }
}

/**
 * A server with `demoForms` demo forms and the administrator logged in on a page of a new browser;
 * `watch` sees the page from the start (console errors). The caller closes the browser and stops
 * the server.
 */
export async function adminOnDemoServer(demoForms: number, watch: (page: Page) => void): Promise<{ server: RunningServer; browser: Browser; page: Page }> {
  const server = await startServer({ demoForms })
  try {
    const browser = await launchBrowser()
    const context = await newContext(browser, server.baseUrl)
    const page = await context.newPage()
    watch(page)
    await logIn(page, server, ADMIN)
    return { server, browser, page }
  } catch (error) {
    await server.stop()
    throw error
  }
}
