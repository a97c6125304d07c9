// Every page at a screen size, in every language (test/e2e/screens-<width>.test.ts, one file per
// width so that each runs in minutes): on a server with demo data, an administrator, an expert of a
// team (with a form of their own) and a visitor who is not logged in open every page at the width
// in Finnish, Swedish and English. On each: the page is no wider than
// the screen (nothing scrolls sideways but a table's own labelled region), every chart labels each
// of its table's categories and draws exactly the numbers the table publishes, and axe-core (WCAG
// 2.1 A and AA) finds nothing. A full-page screenshot of each page, in Finnish (in every language with
// SCREENSHOTS=all), is written to test-results/screens/<width>/ for a person to look at.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import type { Lang } from '../../../src/i18n/index.js'
import { adminOnDemoServer, expertInTeam, type Expert, type Team } from './accounts.js'
import { axeViolations, formatViolations, newContext } from './browser.js'
import { chartsMatchTables } from './charts.js'
import { fillQuickly, QUICK_ANSWERS } from './form-answers.js'
import { consoleErrorCheck, LANGS } from './pages.js'
import type { RunningServer } from './server.js'

/** Phone (small and common), tablet, laptop; the height is the screen's, the page may be longer. */
export const SCREENS = {
  320: { width: 320, height: 640 },
  390: { width: 390, height: 844 },
  768: { width: 768, height: 1024 },
  1366: { width: 1366, height: 900 },
} as const

const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screens')
const SCREENSHOT_LANGS: readonly Lang[] = process.env.SCREENSHOTS === 'all' ? LANGS : ['fi']
const YEAR = new Date().getFullYear()
const LAST_YEAR = YEAR - 1

const TEAM: Team = { name: 'Lohjan Ankkuri', policeDepartment: 'lansi-uusimaa', wellbeingCounty: '03', municipalityCode: '444' }
const EXPERT: Expert = {
  name: 'Ville Välimaa',
  email: 'ville.valimaa@example.fi',
  phone: '050 222 3344',
  phoneE164: '+358502223344',
  password: 'kolme pientä porsasta ja susi',
  profession: 'youth_work',
}

/** The three who open pages, each in a browser context of their own. */
interface People {
  readonly admin: Page
  readonly expert: Page
  readonly visitor: Page
}

/** A page to open: who opens it, a name for messages and file names, and how to get there. */
interface Screen {
  readonly label: string
  readonly who: keyof People
  /** Goes to the page (usually an address; some pages are the answer to a posted form). */
  readonly open: (page: Page) => Promise<unknown>
}

const at = (path: string) => (page: Page) => page.goto(path)


/** The pages, with the ids they need (a user, a team, the expert's own form) found through the pages. */
async function listScreens({ admin, expert }: People): Promise<Screen[]> {
  await admin.goto('/admin/users')
  const userPath = await admin.locator('main table a[href^="/admin/users/"]').first().getAttribute('href')
  await admin.goto('/admin/teams')
  const teamPath = await admin.locator('main table a[href^="/admin/teams/"]').first().getAttribute('href')
  const teamId = teamPath!.split('/').pop()!
  await expert.goto('/forms')
  const formPath = await expert.locator('main table a[href^="/forms/"]').first().getAttribute('href')
  const session = (await (await expert.request.get('/api/v1/session')).json()) as { user: { teamId: string } }

  const byAdmin = (label: string, path: string): Screen => ({ label, who: 'admin', open: at(path) })
  const byExpert = (label: string, path: string): Screen => ({ label, who: 'expert', open: at(path) })
  const byVisitor = (label: string, path: string): Screen => ({ label, who: 'visitor', open: at(path) })
  return [
    byVisitor('login', '/login'),
    byVisitor('register', '/register'),
    byVisitor('accessibility', '/accessibility'),
    byVisitor('privacy', '/privacy'),
    byVisitor('help', '/help'),
    byVisitor('password-forgot', '/password/forgot'),
    {
      label: 'password-forgot-sent',
      who: 'visitor',
      open: async (page) => {
        await page.goto('/password/forgot')
        await page.fill('#field-email', 'ei.ketaan@example.fi')
        await Promise.all([page.waitForLoadState(), page.locator('#field-email').press('Enter')])
        await page.locator('main h1').waitFor()
      },
    },
    byVisitor('password-link-dead', '/password/reset?token=not-a-link'),
    byAdmin('start', '/'),
    byAdmin('reports-overview', '/reports'),
    byAdmin('reports-overview-released', `/reports?period=${LAST_YEAR}&area=county:08`),
    byAdmin('reports-questions', `/reports/questions?period=${LAST_YEAR}`),
    byAdmin('reports-question', `/reports/questions/gender?period=${LAST_YEAR}`),
    byAdmin('reports-question-split', `/reports/questions/meetingTopics?period=${LAST_YEAR}&by=age`),
    byAdmin('reports-areas-county', `/reports/areas?period=${LAST_YEAR}&level=county&question=referredOnward`),
    byAdmin('reports-areas-team-multiple', `/reports/areas?period=${LAST_YEAR}&level=team&question=meetingTopics`),
    byAdmin('reports-activity', '/reports/activity'),
    byAdmin('reports-annual', `/reports/annual?team=${teamId}&year=${LAST_YEAR}`),
    byAdmin('reports-releases', '/reports/releases'),
    byAdmin('reports-about', '/reports/about'),
    byAdmin('reports-invalid', '/reports?period=1999'),
    byAdmin('admin', '/admin'),
    byAdmin('admin-registrations', '/admin/registrations'),
    byAdmin('admin-users', '/admin/users'),
    byAdmin('admin-user', userPath!),
    byAdmin('admin-teams', '/admin/teams'),
    byAdmin('admin-team', teamPath!),
    byAdmin('admin-team-new', '/admin/teams/new'),
    byAdmin('admin-audit', '/admin/audit'),
    byAdmin('admin-audit-filtered', '/admin/audit?event=login_success'),
    byAdmin('admin-audit-invalid', '/admin/audit?from=2026-13-01'),
    byAdmin('admin-withdrawals', '/admin/withdrawals'),
    byAdmin('admin-integrity', '/admin/integrity'),
    byAdmin('admin-tokens', '/admin/tokens'),
    byAdmin('account-tokens', '/account/tokens'),
    byAdmin('api-docs', '/api/docs'),
    byExpert('expert-start', '/'),
    byExpert('form-step-meeting', '/forms/new/meeting'),
    byExpert('form-step-background', '/forms/new/background'),
    byExpert('form-step-service', '/forms/new/service'),
    byExpert('form-step-impact', '/forms/new/impact'),
    {
      label: 'form-errors',
      who: 'expert',
      open: async (page) => {
        // a new form (the unfinished one started again), its second step sent empty
        await page.goto('/forms/new')
        const startOver = page.locator('form[action="/forms/draft/delete"] button')
        if (await startOver.isVisible()) await Promise.all([page.waitForURL('**/forms/new/meeting?deleted=1'), startOver.click()])
        await page.goto('/forms/new/background')
        await page.locator('form.statistics-form button[name="go"][value="next"]').click()
        await page.locator('.error-summary').waitFor()
      },
    },
    {
      label: 'form-review',
      who: 'expert',
      open: async (page) => {
        await fillQuickly(page, QUICK_ANSWERS)
        await page.locator('.summary-list').first().waitFor()
      },
    },
    byExpert('forms', '/forms'),
    byExpert('form', formPath!),
    byExpert('form-receipt', `${formPath!}/receipt`),
    byExpert('form-withdraw', `${formPath!}/withdraw`),
    byExpert('activity', '/activity'),
    byExpert('reports-own-team', `/reports?area=team:${session.user.teamId}`),
    byExpert('reports-own-team-question', `/reports/questions/meetingTopics?area=team:${session.user.teamId}`),
  ]
}

/** What sticks out to the right of the screen, outside a scrolling region (for the failure message). */
async function overflow(page: Page): Promise<{ documentWidth: number; viewportWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const viewportWidth = document.documentElement.clientWidth
    const culprits = Array.from(document.querySelectorAll<HTMLElement>('body *'))
      .filter((e) => e.getBoundingClientRect().right > viewportWidth + 0.5 && !e.parentElement?.closest('.table-scroll, pre'))
      .slice(0, 5)
      .map((e) => `<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''}> right edge ${Math.round(e.getBoundingClientRect().right)}`)
    return { documentWidth: document.documentElement.scrollWidth, viewportWidth, culprits }
  })
}

async function checkScreen(t: Test, page: Page, name: string, screenshot: string | undefined): Promise<void> {
  const wide = await overflow(page)
  if (wide.documentWidth <= wide.viewportWidth) t.pass(`${name}: no wider than the screen`)
  else t.fail(`${name}: the page is ${wide.documentWidth} px wide on a ${wide.viewportWidth} px screen: ${wide.culprits.join(', ')}`)

  const charts = await chartsMatchTables(page)
  t.same(charts.mismatches, [], `${name}: ${charts.charts} chart(s) label every category and draw the table's published numbers`)
  t.equal(charts.drawn, charts.charts, `${name}: every chart was drawn`)

  const violations = await axeViolations(page)
  if (violations.length === 0) t.pass(`${name}: axe finds no violations`)
  else t.fail(`${name}: axe finds ${violations.length} violation(s) (${page.url()}):\n${formatViolations(violations)}`)

  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true })
}

/** Opens every page at one screen size in the three languages, as one tap test. */
export function testEveryPageAt(width: keyof typeof SCREENS): void {
  const screen = SCREENS[width]
  const { watch, expectNoConsoleErrors } = consoleErrorCheck()
  let server: RunningServer
  let browser: Browser
  let people: People
  let screens: Screen[] = []

  t.before(async () => {
    const start = await adminOnDemoServer(600, watch)
    server = start.server
    browser = start.browser
    const asExpert = await expertInTeam(browser, server, TEAM, EXPERT, start.page)
    const expert = asExpert.page
    watch(expert)
    const visitor = await (await newContext(browser, server.baseUrl)).newPage()
    watch(visitor)
    people = { admin: start.page, expert, visitor }
    // one form of the expert's own, for the form pages and the team's own figures
    await fillQuickly(expert, QUICK_ANSWERS)
    await expert.locator('form[action="/forms"] button[type="submit"]').click()
    await expert.waitForURL(/\/forms\/[^/]+\/receipt/)
    screens = await listScreens(people)
  })

  t.teardown(async () => {
    await browser?.close()
    await server?.stop()
  })

  t.test(`every page at ${screen.width} px in Finnish, Swedish and English`, async (t) => {
    const dir = join(SCREENSHOT_DIR, String(screen.width))
    await mkdir(dir, { recursive: true })
    for (const page of Object.values(people)) await page.setViewportSize(screen)
    for (const lang of LANGS) {
      for (const context of browser.contexts()) await context.addCookies([{ name: 'lang', value: lang, url: server.baseUrl }])
      for (const s of screens) {
        const page = people[s.who]
        await s.open(page)
        await page.waitForLoadState('load')
        await checkScreen(t, page, `${s.label} (${lang}, ${screen.width} px)`, SCREENSHOT_LANGS.includes(lang) ? join(dir, `${s.label}-${lang}.png`) : undefined)
      }
    }
    expectNoConsoleErrors(t)
  })
}
