// The service's log: one JSON object a line, every request line carrying its request id, and
// nothing a person could be recognised by (names, e-mail, phone, address, answers, secrets).
import { PassThrough } from 'node:stream'
import t from 'tap'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs, TEST_PASSWORD } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { TestBrowser } from '../fixtures/browser.js'

function captureLog(): { stream: PassThrough; lines: () => Record<string, unknown>[]; text: () => string } {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

t.test('every request is logged with its id, and without personal data or secrets', async (t) => {
  const log = captureLog()
  // behind a proxy (TRUST_PROXY), whose request ids are kept
  const { app, sms } = await buildTestApp(t, { logStream: log.stream, env: { TRUST_PROXY: '1' } })
  const user = await createUser(app.db, { name: 'Lokitesti Henkilö', email: 'lokitesti.henkilo@example.fi' })

  // a failed login, a full login, a form through the API, a page with a query string
  const stranger = new TestBrowser(app)
  await stranger.get('/login')
  await stranger.post('/login', { email: user.email, password: 'wrong password 123' })
  const browser = await loginAs(app, sms, user)
  const code = sms.lastCode(user.phone)
  const session = await browser.get('/api/v1/session')
  const csrf = (JSON.parse(session.body) as { csrfToken: string }).csrfToken
  const filed = await app.inject({
    method: 'POST',
    url: '/api/v1/meeting-forms',
    headers: { cookie: browser.cookieHeader(), 'x-csrf-token': csrf, 'idempotency-key': newKey(), 'x-request-id': 'lb-0123456789abcdef' },
    payload: validAnswers({ meetingTopics: ['vandalism'] }),
  })
  t.equal(filed.statusCode, 201)
  t.equal(filed.headers['x-request-id'], 'lb-0123456789abcdef', 'the load balancer’s request id is kept')
  await browser.get(`/reports?period=2026&area=country&next=${encodeURIComponent(user.email)}`)
  const page = await browser.get('/')
  t.match(String(page.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'a request without one gets a new id')

  const lines = log.lines()
  const requestLines = lines.filter((line) => 'req' in line || 'res' in line)
  t.ok(requestLines.length >= 10, `${requestLines.length} request lines`)
  for (const line of requestLines) {
    t.type(line.reqId, 'string', `request line "${String(line.msg)}" has its request id`)
    t.type((line.res as { statusCode?: unknown } | undefined)?.statusCode, 'number', 'and the status it was answered with')
  }
  t.equal(new Set(requestLines.map((line) => line.reqId)).size, requestLines.length, 'one line a request, when it is answered')
  t.ok(lines.some((line) => line.reqId === 'lb-0123456789abcdef'))

  const text = log.text()
  for (const secret of [TEST_PASSWORD, 'wrong password 123', code, user.email, 'lokitesti', user.phone, user.phone.slice(4), 'Lokitesti Henkilö', csrf, 'vandalism', '127.0.0.1', 'remoteAddress']) {
    t.notOk(text.includes(secret), `the log does not contain ${JSON.stringify(secret)}`)
  }
  for (const cookie of browser.cookies.values()) t.notOk(text.includes(cookie), 'no cookie value in the log')
})
