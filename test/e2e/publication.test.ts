// The publication promise as a new expert meets it, in a real browser, on a server with demo data
// and its release: the expert's start page and reports show their own team's figures exactly and
// change at once when they file a form; the national and regional pages name the latest release
// with its dates and link to a plain explanation, and the form filed now changes nothing on them
// (nor on the expert's team as anybody else sees it) until a later release.
// Run with `npx tap --jobs=1 --timeout=600 test/e2e/publication.test.ts` (Chromium at /usr/bin/chromium).
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { adminOnDemoServer, expertInTeam, type Expert, type Team } from './helpers/accounts.js'
import { fillQuickly, QUICK_ANSWERS } from './helpers/form-answers.js'
import { consoleErrorCheck, h1, tr } from './helpers/pages.js'
import type { RunningServer } from './helpers/server.js'

const TEAM: Team = { name: 'Porvoon Ankkuri', policeDepartment: 'ita-uusimaa', wellbeingCounty: '01', municipalityCode: '638' }

const EXPERT: Expert = {
  name: 'Pia Julkaisu',
  email: 'pia.julkaisu@example.fi',
  phone: '050 444 5566',
  phoneE164: '+358504445566',
  password: 'kaksi karhua ja kolme kettua',
  profession: 'police',
}

const SUBMIT = 'form[action="/forms"] button[type="submit"]'
const YEAR = new Date().getFullYear()
/** Where the pages are photographed, for a person to look at. */
const SHOTS = 'test-results/publication'

const { watch, expectNoConsoleErrors } = consoleErrorCheck()
let server: RunningServer
let browser: Browser
let admin: Page
let expert: Page

t.before(async () => {
  ;({ server, browser, page: admin } = await adminOnDemoServer(600, watch))
  ;({ page: expert } = await expertInTeam(browser, server, TEAM, EXPERT, admin))
  watch(expert)
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

/** The start page's own-team summary: forms this month and this year. */
async function ownSummary(page: Page): Promise<{ month: number; year: number }> {
  await page.goto('/')
  const row = page.locator('section[aria-labelledby="team-summary-heading"] tbody tr').first()
  const cells = await row.locator('td').allInnerTexts()
  return { month: Number(cells[0]), year: Number(cells[1]) }
}

/** The main content of a page as a reader sees it (text only). */
async function mainText(page: Page, path: string): Promise<string> {
  await page.goto(path)
  return page.locator('main').innerText()
}

/** The team's id, from the start page's link to its reports. */
async function ownTeamId(page: Page): Promise<string> {
  await page.goto('/')
  const href = await page.locator('section[aria-labelledby="team-summary-heading"] a[href^="/reports"]').getAttribute('href')
  const area = new URL(href!, server.baseUrl).searchParams.get('area')!
  return area.replace(/^team:/, '')
}

t.test('a form filed now: exact at once for its own team, nothing changes for anybody else', async (t) => {
  const before = await ownSummary(expert)
  t.same(before, { month: 0, year: 0 }, 'a new team starts from nothing')
  const teamId = await ownTeamId(expert)

  // what others read now: the country, the team's county and police department, every team side by side, and this team
  const outsiderViews = [
    `/reports?period=${YEAR - 1}&area=country`,
    `/reports?period=${YEAR}&area=country`,
    `/reports?period=${YEAR}&area=county:${TEAM.wellbeingCounty}`,
    `/reports?period=${YEAR}&area=police:${TEAM.policeDepartment}`,
    `/reports/questions/gender?period=${YEAR - 1}&area=country`,
    `/reports/areas?level=team&question=gender&period=${YEAR}`,
    `/reports?period=${YEAR}&area=team:${teamId}`,
    `/reports/questions/gender?period=${YEAR}&area=team:${teamId}`,
  ]
  const outsiderBefore = new Map<string, string>()
  for (const path of outsiderViews) outsiderBefore.set(path, await mainText(admin, path))

  // the national page names its release and explains the protection in plain words
  const national = outsiderBefore.get(`/reports?period=${YEAR - 1}&area=country`)!
  const statement = tr('fi', 'reports.publication.release', { through: '@', date: '@' })
  const pattern = new RegExp(statement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('@', '(.+?)'))
  const [, through, date] = pattern.exec(national) ?? []
  t.ok(through && date, `the national page says which release its figures come from (up to ${through}) and when it was published (${date})`)
  t.match(through, /\d{4}/, 'the last month of the release, with its year')
  await admin.goto(`/reports?period=${YEAR - 1}&area=country`)
  await admin.screenshot({ path: `${SHOTS}/national-${YEAR - 1}.png`, fullPage: true })
  t.match(national, tr('fi', 'reports.publication.explain_link'), 'and links to the explanation')
  await admin.getByRole('link', { name: tr('fi', 'reports.publication.explain_link') }).click()
  await admin.waitForURL('**/reports/about')
  t.ok((await h1(admin)).length > 0, `the explanation opens: "${await h1(admin)}"`)
  t.match(await admin.locator('main').innerText(), tr('fi', 'reports.about.noise', { k: 5, k_minus: 4 }), 'and says in plain words that each team\'s part is changed on its own')
  await admin.setViewportSize({ width: 390, height: 844 })
  await admin.screenshot({ path: `${SHOTS}/about-390.png`, fullPage: true })
  await admin.setViewportSize({ width: 1280, height: 900 })

  // the expert files one form through the pages
  await fillQuickly(expert, QUICK_ANSWERS)
  await Promise.all([expert.waitForURL(/\/forms\/[0-9a-f-]{36}\/receipt$/), expert.locator(SUBMIT).click()])
  t.equal(await h1(expert), tr('fi', 'forms.receipt_title'), 'the form is filed')

  t.same(await ownSummary(expert), { month: 1, year: 1 }, 'the start page counts it at once')
  await expert.screenshot({ path: `${SHOTS}/start-page-after-filing.png`, fullPage: true })
  const own = await mainText(expert, `/reports?period=${YEAR}&area=team:${teamId}`)
  t.match(own, tr('fi', 'reports.publication.team'), 'the own team\'s report says its figures are exact and up to date')
  const girls = await mainText(expert, `/reports/questions/gender?period=${YEAR}&area=team:${teamId}`)
  t.match(girls, /Tyttö\s+1\b/, 'and its gender table has the one girl, exactly')

  for (const [path, text] of outsiderBefore) t.equal(await mainText(admin, path), text, `unchanged for anybody else: ${path}`)
  expectNoConsoleErrors(t)
})
