// The report pages in a real browser, on a server filled with demo data: the overview with its chart
// and table, changing filters (kept in the address), a question split by age group, the area
// comparison, team activity and the annual report; every chart draws exactly the table's published
// numbers. (axe-core on every report page, at every screen size and in every language: screens-<width>.test.ts.)
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { adminOnDemoServer } from './helpers/accounts.js'
import { chartsMatchTables } from './helpers/charts.js'
import { consoleErrorCheck, h1, switchLanguage, tr } from './helpers/pages.js'
import type { RunningServer } from './helpers/server.js'

const { watch, expectNoConsoleErrors } = consoleErrorCheck()
let server: RunningServer
let browser: Browser
let page: Page
const YEAR = new Date().getFullYear()

t.before(async () => {
  const admin = await adminOnDemoServer(800, watch)
  server = admin.server
  browser = admin.browser
  page = admin.page
})

t.teardown(async () => {
  await browser?.close()
  await server?.stop()
})

async function pageChecks(t: Test, label: string): Promise<void> {
  const check = await chartsMatchTables(page)
  t.same(check.mismatches, [], `${label}: every chart draws its table's published numbers and nothing else`)
  t.equal(check.drawn, check.charts, `${label}: every chart was drawn`)
  t.notMatch(await page.locator('main').innerText(), /reports\.[a-z_]+\./, `${label}: no missing translation`)
}

t.test('the overview: key figures, the monthly chart and its table', async (t) => {
  await page.locator('nav.main-nav a[href="/reports"]').click()
  await page.waitForURL('**/reports')
  await switchLanguage(page, 'en')
  t.equal(await h1(page), tr('en', 'reports.pages.overview'))
  // this year: the exact volumes at once; answers wait for the year's release
  t.ok(await page.locator('.figure').count() >= 2, 'key figures are shown')
  t.ok(await page.locator('#table-trend tbody tr').count() === 12, 'twelve months in the trend table')
  await pageChecks(t, 'overview')
  await page.goto(`/reports?period=${YEAR - 1}`)
  t.ok(await page.locator('.figure').count() >= 4, 'last year, released: the key figures about young people too')
  await pageChecks(t, 'overview of a released year')
  expectNoConsoleErrors(t)
})

t.test('changing the filters keeps them in the address and shows the chosen view', async (t) => {
  await page.goto('/reports')
  await switchLanguage(page, 'en')
  await page.selectOption('#field-period', String(YEAR - 1))
  await page.selectOption('#field-area', 'county:08')
  await page.selectOption('#field-kind', 'first')
  await page.locator('form.report-filters button[type="submit"]').click()
  await page.waitForURL((url) => url.searchParams.get('area') === 'county:08')
  const url = new URL(page.url())
  t.equal(url.searchParams.get('period'), String(YEAR - 1))
  t.equal(url.searchParams.get('kind'), 'first')
  t.match(await page.locator('.report-summary').innerText(), 'Pirkanmaa')
  t.equal(await page.locator('#field-area').inputValue(), 'county:08', 'the chosen area stays selected')
  await pageChecks(t, 'overview, filtered')

  // the same view, opened from its address alone (bookmark or shared link)
  const shared = await page.context().newPage()
  await shared.goto(url.pathname + url.search)
  t.equal(await shared.locator('#field-period').inputValue(), String(YEAR - 1))
  t.equal(await shared.locator('.report-summary').innerText(), await page.locator('.report-summary').innerText())
  await shared.close()
  expectNoConsoleErrors(t)
})

t.test('a question split by age group, chosen with the keyboard', async (t) => {
  await page.goto(`/reports/questions/meetingTopics?period=${YEAR - 1}`)
  await switchLanguage(page, 'en')
  await page.locator('#field-by').focus()
  await page.selectOption('#field-by', 'age')
  await page.keyboard.press('Tab') // from the last filter to the Show button
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'submit')
  await page.keyboard.press('Enter')
  await page.waitForURL((url) => url.searchParams.get('by') === 'age')
  // the age groups whose columns are safe groups are shown; the others are named as not published
  const ages = ['Under 12', '12–14', '15–17', '18 and over']
  const headers = await page.locator('#table-meetingTopics thead th').allInnerTexts()
  const shown = headers.filter((h) => ages.includes(h))
  t.ok(shown.length >= 2, `age group columns shown: ${shown.join(', ')}`)
  const withheld = ages.filter((age) => !shown.includes(age))
  if (withheld.length > 0) t.match(await page.locator('main').innerText(), withheld.join(', '), 'the others are named as not published')
  t.match(await page.locator('#table-meetingTopics caption').innerText(), 'What is the meeting about?')
  const datasets = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-chart-for="table-meetingTopics"]')!
    return (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: unknown[] } } } }).Chart.getChart(canvas)!.data.datasets.length
  })
  t.equal(datasets, shown.length, 'one bar series per age group shown')
  await pageChecks(t, 'question split by age')
  expectNoConsoleErrors(t)
})

t.test('area comparison, team activity and the printable annual report', async (t) => {
  await page.goto(`/reports/areas?period=${YEAR}&level=team&question=referredOnward`)
  await switchLanguage(page, 'en')
  t.equal(await page.locator('#table-referredOnward-by-team tbody tr').count(), 12, 'one row per demo team')
  t.match(await page.locator('#table-referredOnward-by-team tfoot').innerText(), 'Whole country')
  await pageChecks(t, 'area comparison')

  await page.locator('nav.report-nav a[href="/reports/activity"]').click()
  await page.waitForURL('**/reports/activity')
  t.equal(await page.locator('table.report-table').count(), 3)
  await pageChecks(t, 'team activity')

  await page.locator('nav.report-nav a[href="/reports/annual"]').click()
  await page.waitForURL('**/reports/annual')
  const team = await page.locator('#field-team option').nth(1).getAttribute('value')
  await page.selectOption('#field-team', team!)
  await page.selectOption('#field-year', String(YEAR))
  await page.locator('form.report-filters button[type="submit"]').click()
  await page.waitForURL((url) => url.searchParams.get('team') === team)
  t.ok(await page.locator('button[data-print]').isVisible(), 'a print button')
  await page.emulateMedia({ media: 'print' })
  t.notOk(await page.locator('form.report-filters').isVisible(), 'filters are not printed')
  t.notOk(await page.locator('header.site-header').isVisible(), 'the site header is not printed')
  t.ok(await page.locator('table.report-table').first().isVisible(), 'the tables are printed')
  await page.emulateMedia({ media: 'screen' })
  await pageChecks(t, 'annual report')
  expectNoConsoleErrors(t)
})

t.test('an address with a period off the grid explains itself', async (t) => {
  await page.goto('/reports?period=2019-02-30')
  await switchLanguage(page, 'en')
  t.match(await page.locator('.error-summary').innerText(), 'There is a problem')
  t.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true, 'the summary has the focus')
})
