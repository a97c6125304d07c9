// Exports: CSV (standard and for Excel), XLSX and JSON carry exactly the page's numbers (from the
// latest release, beyond one's own team) for the same filters, with codes and labels, the release and
// the method; cells cannot run as formulas; the codebook covers every question and code; every
// export is in the audit log.
import ExcelJS from 'exceljs'
import t from 'tap'
import { formDefinition } from '../../src/features/forms/definition.js'
import { neutralise, toCsv } from '../../src/features/exports/csv.js'
import { buildTestApp } from '../fixtures/app.js'
import { createTeam, createUser, loginAs } from '../fixtures/factories.js'
import { fileForms } from '../fixtures/reports.js'
import { makeRelease } from '../../src/features/publication/release.service.js'
import { parseCsv } from '../fixtures/csv.js'

// last year: closed, so its tables are in a release
const YEAR = String(new Date().getFullYear() - 1)

t.test('csv: byte-order mark, quoting, and no formula can run', async (t) => {
  t.equal(neutralise('=1+1'), "'=1+1")
  for (const start of ['=', '+', '-', '@', '\t', '\r']) t.equal(neutralise(`${start}x`)[0], "'", JSON.stringify(start))
  t.equal(neutralise('Tampere'), 'Tampere')
  const csv = toCsv([['a', 'b,c', 'say "hi"'], [1.5, null, '=HYPERLINK("x")']], 'standard')
  t.ok(csv.startsWith('\uFEFF'))
  t.equal(csv, '\uFEFFa,"b,c","say ""hi"""\r\n1.5,,"\'=HYPERLINK(""x"")"\r\n')
  t.equal(toCsv([[12.5, 'a;b']], 'excel'), '\uFEFF12,5;"a;b"\r\n')
})

t.test('every format carries exactly the published numbers of the page, with codes and labels', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const team = await createTeam(app.db, { name: '=HYPERLINK("http://evil.example","click")', wellbeingCounty: '08', policeDepartment: 'sisa-suomi' })
  const other = await createTeam(app.db, { name: '+Ankkuri Pori', wellbeingCounty: '06', policeDepartment: 'lounais-suomi' })
  const user = await createUser(app.db, { teamId: team })
  await fileForms(app.deps, user, 20, { meetingMonth: `${YEAR}-03`, age: 13, meetingTopics: ['theft_shoplifting'] })
  await fileForms(app.deps, user, 20, { meetingMonth: `${YEAR}-03`, age: 16, meetingTopics: ['theft_shoplifting', 'assault'] })
  await fileForms(app.deps, await createUser(app.db, { teamId: other }), 25, { meetingMonth: `${YEAR}-03`, age: 16 })
  await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: null })
  const researcher = await createUser(app.db, { role: 'researcher' })
  const browser = await loginAs(app, sms, researcher)

  const query = `period=${YEAR}&by=age`
  const answer = (await browser.get(`/api/v1/reports/questions/meetingTopics?${query}`)).json()
  t.equal(answer.publication.source, 'release')
  const api = answer.table
  const published = new Map<string, string>()
  for (const row of api.rows) {
    api.columns.forEach((c: { code: string }, j: number) => published.set(`${row.code}|${c.code}`, row.counts[j].status === 'published' ? String(row.counts[j].value) : row.counts[j].status))
    published.set(`${row.code}|*total`, row.total.status === 'published' ? String(row.total.value) : row.total.status)
  }

  const csv = await browser.get(`/api/v1/exports/questions/meetingTopics?${query}&format=csv`)
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.match(csv.headers['content-disposition'], /attachment; filename="anchor-meetingTopics-by-age-\d{4}\.csv"/)
  t.ok(csv.body.startsWith('\uFEFF'), 'a byte-order mark for Excel')
  const rows = parseCsv(csv.body.slice(1), ',')
  t.same(rows[0], ['table', 'table_title', 'row_code', 'row_label', 'column_code', 'column_label', 'value', 'status', 'shown_as', 'share_percent', 'source', 'release', 'release_through_month', 'method_parameters'])
  const body = rows.slice(1)
  const release = String(answer.publication.release.id)
  t.ok(
    body.every((r) => r[10] === 'release' && r[11] === release && r[12] === answer.publication.release.throughMonth && r[13] === 'k=5; D=5; V=1.5; min_forms=20'),
    'every row of a CSV file names its release and the protection\'s parameters',
  )
  let compared = 0
  for (const r of body) {
    if (r[2] === '*total') continue
    const expected = published.get(`${r[2]}|${r[4]}`)
    t.equal(r[6] !== '' ? r[6] : r[7], expected, `${r[2]} × ${r[4]}`)
    if (r[7] === 'withheld') t.equal(r[8], '..')
    compared++
  }
  t.equal(compared, published.size, 'every published and hidden number of the page, and nothing else')
  const theft = body.find((r) => r[2] === 'theft_shoplifting' && r[4] === '12_14')!
  t.same(theft.slice(3, 8), ['Theft or shoplifting', '12_14', '12–14', published.get('theft_shoplifting|12_14'), 'published'], 'codes and labels side by side')

  const excel = await browser.get(`/api/v1/exports/questions/meetingTopics?${query}&format=csv-excel`)
  const excelRows = parseCsv(excel.body.slice(1), ';')
  t.equal(excelRows.length, rows.length, 'the Excel flavour has the same rows')
  t.match(excel.headers['content-disposition'], /attachment; filename="anchor-meetingTopics-by-age-\d{4}-excel\.csv"/, 'under a name of its own, so it never overwrites the other CSV')
  const ages = parseCsv((await browser.get(`/api/v1/exports/questions/age?period=${YEAR}&format=csv`)).body.slice(1), ',')
  const agesExcel = parseCsv((await browser.get(`/api/v1/exports/questions/age?period=${YEAR}&format=csv-excel`)).body.slice(1), ';')
  const twelveToFourteen = ages.findIndex((r) => r[2] === '12_14')
  t.match(ages[twelveToFourteen]![9], /^\d+\.\d+$/, 'a share with a decimal point')
  t.equal(agesExcel[twelveToFourteen]![9], ages[twelveToFourteen]![9]!.replace('.', ','), 'the same share with a decimal comma for Excel')

  const teams = await browser.get(`/api/v1/exports/areas?period=${YEAR}&level=team&question=gender&format=csv`)
  const teamRows = parseCsv(teams.body.slice(1), ',')
  const labels = teamRows.map((r) => r[3])
  t.ok(labels.includes(`'=HYPERLINK("http://evil.example","click")`), 'a team name that looks like a formula is neutralised')
  t.ok(labels.includes("'+Ankkuri Pori"))
  t.notOk(teamRows.flat().some((cell) => /^[=+\-@\t\r]/.test(cell)), 'no cell starts a formula')

  const xlsx = await browser.get(`/api/v1/exports/questions/meetingTopics?${query}&format=xlsx`)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  t.same(workbook.worksheets.map((s) => s.name), ['Data', 'Metadata', 'Codebook'])
  const data: string[][] = []
  workbook.getWorksheet('Data')!.eachRow((row) => data.push(Array.from({ length: 10 }, (_, i) => String(row.getCell(i + 1).value ?? ''))))
  t.same(data, rows.map((r) => r.slice(0, 10)), 'the workbook has the same rows as the CSV (whose last four columns the metadata sheet holds)')
  const metadata: Record<string, string> = {}
  workbook.getWorksheet('Metadata')!.eachRow((row, n) => {
    if (n > 1) metadata[String(row.getCell(1).value)] = String(row.getCell(2).value ?? '')
  })
  t.match(metadata, {
    view: 'questions',
    period: YEAR,
    area: 'country',
    meeting_kind: 'all',
    question: 'meetingTopics',
    split_by: 'age',
    source: 'release',
    release: '1',
    method_threshold_k: '5',
    method_min_forms: '20',
    definition_version: String(formDefinition.version),
  })
  t.match(metadata.statement, /protected/, 'the export says its figures are protected')
  t.ok(metadata.generated_at)

  const json = (await browser.get(`/api/v1/exports/questions/meetingTopics?${query}&format=json`)).json()
  t.equal(json.metadata.question, 'meetingTopics')
  t.equal(json.rows.length, body.length)

  const audit = await app.db.selectFrom('audit_log').select(['event', 'actor_user_id', 'details']).where('event', '=', 'report_exported').orderBy('id').execute()
  t.equal(audit.length, 7, 'every export is in the audit log')
  t.match(audit[0], { actor_user_id: researcher.id, details: { view: 'questions', format: 'csv', period: YEAR, question: 'meetingTopics', split_by: 'age' } })

  await browser.get('/language/fi?next=/')
  const finnish = parseCsv((await browser.get(`/api/v1/exports/questions/meetingTopics?${query}&format=csv`)).body.slice(1), ',')
  t.ok(finnish.some((r) => r[3] === 'Varkaus tai näpistys'), 'labels in the reader\'s language, ä and all')
})

t.test('every report view exports; bad filters and formats are refused', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const user = await createUser(app.db)
  await fileForms(app.deps, user, 6, { meetingMonth: `${YEAR}-01` })
  const browser = await loginAs(app, sms, user)
  for (const path of ['overview', 'questions/gender', 'areas?level=county', 'activity', `annual?team=${user.teamId}`]) {
    for (const format of ['csv', 'csv-excel', 'xlsx', 'json']) {
      const response = await browser.get(`/api/v1/exports/${path}${path.includes('?') ? '&' : '?'}format=${format}`)
      t.equal(response.statusCode, 200, `${path} as ${format}`)
    }
  }
  t.equal((await browser.get('/api/v1/exports/overview?format=pdf')).statusCode, 400)
  t.equal((await browser.get('/api/v1/exports/overview?period=1999&format=csv')).statusCode, 400)
  const page = await browser.get(`/reports?period=${YEAR}`)
  t.match(page.body, `/api/v1/exports/overview?period&#x3D;${YEAR}&amp;area&#x3D;team%3A${user.teamId}&amp;format&#x3D;csv-excel`, 'the page links to its downloads, for the team it shows')
})

t.test('the codebook: every question and code in three languages, with the versions', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const browser = await loginAs(app, sms, await createUser(app.db, { role: 'researcher' }))
  const json = (await browser.get('/api/v1/codebook?format=json')).json()
  for (const question of formDefinition.questions) {
    const rows = json.rows.filter((r: { question: string }) => r.question === question.id)
    t.ok(rows.length > 0, question.id)
    if (question.type === 'single' || question.type === 'multiple') {
      for (const option of question.options) {
        const row = rows.find((r: { code: string }) => r.code === option.code)
        t.match(row, { label_fi: option.labels.fi, label_sv: option.labels.sv, label_en: option.labels.en, valid_from_version: 1 }, `${question.id}.${option.code}`)
      }
    }
  }
  const csv = await browser.get('/api/v1/codebook?format=csv-excel')
  t.ok(csv.body.startsWith('\uFEFFquestion;question_fi;'))
  t.match(csv.headers['content-disposition'], /-excel\.csv"$/)
  t.match(csv.body, 'Tampere')
  t.equal((await browser.get('/api/v1/codebook?format=xlsx')).statusCode, 200)
  t.match(json.method, { method: /cell-key/, method_threshold_k: '5', method_max_noise_d: '5', method_noise_variance_v: '1.5', method_min_forms: '20' }, 'the codebook carries the method and its parameters')
  const audited = await app.db.selectFrom('audit_log').select('details').where('event', '=', 'codebook_exported').execute()
  t.equal(audited.length, 3)
})

t.test('twenty parallel XLSX downloads by one user: at most two are built at once, the rest answer 429 with Retry-After', async (t) => {
  const { app, sms } = await buildTestApp(t)
  const researcher = await createUser(app.db, { role: 'researcher' })
  const browser = await loginAs(app, sms, researcher)
  const answers = await Promise.all(Array.from({ length: 20 }, () => browser.get(`/api/v1/exports/overview?period=${YEAR}&format=xlsx`)))
  const ok = answers.filter((r) => r.statusCode === 200)
  const busy = answers.filter((r) => r.statusCode === 429)
  t.ok(ok.length >= 1 && ok.length < 20, `${ok.length} built`)
  t.equal(ok.length + busy.length, 20, 'nothing else')
  t.ok(busy.length >= 1, `${busy.length} refused at once`)
  t.equal(busy[0]?.headers['retry-after'], '5')
  t.match(busy[0]?.json().error, { code: 'exports_busy', message: /Too many downloads/ })
  const csv = await Promise.all(Array.from({ length: 5 }, () => browser.get(`/api/v1/exports/overview?period=${YEAR}&format=csv`)))
  t.same(csv.map((r) => r.statusCode), [200, 200, 200, 200, 200], 'light formats are not limited')
  t.equal((await browser.get(`/api/v1/exports/overview?period=${YEAR}&format=xlsx`)).statusCode, 200, 'a slot is free again afterwards')
})
