// Exports and API tokens in a real browser, as a new user would try them: the administrator makes a
// personal API token on its page, a program (here fetch, as curl would) downloads "meeting topics by
// age group, by wellbeing services county" as CSV for Excel with it, and every number and hidden
// cell equals the page's table; the page's own download link gives a file Excel reads (BOM, ä);
// axe on the token, API documentation and audit pages in three languages.
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import { readFile } from 'node:fs/promises'
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { adminOnDemoServer } from './helpers/accounts.js'
import { expectNoAxeViolations } from './helpers/browser.js'
import { consoleErrorCheck, LANGS, switchLanguage } from './helpers/pages.js'
import type { RunningServer } from './helpers/server.js'
import { parseCsv } from '../fixtures/csv.js'

const { watch, expectNoConsoleErrors } = consoleErrorCheck()
let server: RunningServer
let browser: Browser
let page: Page
const YEAR = new Date().getFullYear() - 1
let token = ''

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

t.test('an API token is made on its page and shown once', async (t) => {
  await page.goto('/account/tokens')
  await switchLanguage(page, 'fi')
  await page.fill('#field-name', 'R-analyysi')
  await page.fill('#field-days', '30')
  await page.locator('main form button[type="submit"]').click()
  await page.waitForURL('**/account/tokens')
  token = await page.locator('#new-token').inputValue()
  t.match(token, /^anc_[A-Za-z0-9_-]{40,}$/)
  await page.goto('/account/tokens')
  t.match(await page.locator('main table').innerText(), 'R-analyysi')
  t.notMatch(await page.content(), token, 'the token is never shown again')
  expectNoConsoleErrors(t)
})

t.test('with the token a program downloads the table the page shows, withheld cells and all', async (t) => {
  const query = `period=${YEAR}&level=county&question=meetingTopics`
  const response = await fetch(`${server.baseUrl}/api/v1/exports/areas?${query}&format=csv-excel`, {
    headers: { authorization: `Bearer ${token}`, 'accept-language': 'fi' },
  })
  t.equal(response.status, 200)
  const bytes = Buffer.from(await response.arrayBuffer())
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark, so Excel reads ä and ö')
  const rows = parseCsv(bytes.toString('utf8').slice(1), ';')
  t.same(rows[0], ['table', 'table_title', 'row_code', 'row_label', 'column_code', 'column_label', 'value', 'status', 'shown_as', 'share_percent', 'source', 'release', 'release_through_month', 'method_parameters'])
  t.ok(rows.some((r) => r[3] === 'Pirkanmaan hyvinvointialue'), 'Finnish labels with their ä')

  // the same view on the page, in Finnish: every cell of the table against the download
  await page.goto(`/reports/areas?${query}`)
  await switchLanguage(page, 'fi')
  const pageCells = await page.evaluate(() => {
    const table = document.querySelector('table.report-table')!
    const columns = Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent!.trim())
    return Array.from(table.querySelectorAll('tbody tr')).flatMap((tr) => {
      const label = tr.querySelector('th')!.textContent!.trim()
      return Array.from(tr.querySelectorAll('td')).slice(0, -2).map((td, j) => ({ row: label, column: columns[j + 1]!, shown: td.querySelector('[aria-hidden="true"]')?.textContent?.trim() ?? td.textContent!.trim() }))
    })
  })
  t.ok(pageCells.length > 100, `${pageCells.length} cells on the page`)
  let hidden = 0
  for (const cell of pageCells) {
    const row = rows.find((r) => r[3] === cell.row && r[5] === cell.column)
    const expected = cell.shown.replace(/\s/g, '')
    t.equal(row?.[8], expected, `${cell.row} / ${cell.column}`)
    if (expected === '..') hidden++
  }
  // a released table: withheld groups show '..', and no published count lies between 1 and k-1
  t.ok(pageCells.every((cell) => !/^[1-4]$/.test(cell.shown.replace(/\s/g, ''))), `no count from 1 to 4 among ${pageCells.length} cells (${hidden} withheld, compared too)`)
  expectNoConsoleErrors(t)
})

t.test('the page\'s own download link gives the file', async (t) => {
  await page.goto(`/reports/questions/meetingTopics?period=${YEAR}&by=age`)
  await switchLanguage(page, 'fi')
  const download = page.waitForEvent('download')
  await page.locator('.report-downloads a[href*="format=csv-excel"]').click()
  const file = await download
  t.match(file.suggestedFilename(), /^anchor-meetingTopics-by-age-\d{4}-excel\.csv$/)
  const text = await readFile((await file.path())!, 'utf8')
  t.ok(text.startsWith('\uFEFFtable;table_title;'))
  t.match(text, 'Varkaus tai näpistys')
})

t.test('axe finds nothing on the token, API documentation and audit pages', async (t) => {
  for (const lang of LANGS) {
    for (const path of ['/account/tokens', '/admin/tokens', '/api/docs', '/admin/audit?event=report_exported']) {
      await page.goto(path)
      await switchLanguage(page, lang)
      await expectNoAxeViolations(page, t, `${path} (${lang})`)
    }
  }
  expectNoConsoleErrors(t)
})
