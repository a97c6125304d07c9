// Tests for the Twilio SMS sender against a local HTTP server standing in for Twilio's API.
import t from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TwilioSmsError, TwilioSmsSender } from '../../src/integrations/sms/twilio-sms-sender.js'

/** The `t` a subtest callback receives. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

const config = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'f00dfacecafe0123456789abcdef4242',
  from: '+15005550006',
}
const to = '+358401234567'
const body = 'Anchor-kirjautumiskoodi: 482913'

interface RecordedRequest {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

interface FakeReply {
  status: number
  json: unknown
}

/** Starts a fake Twilio on 127.0.0.1; every request is recorded and answered by `reply`. */
async function fakeTwilio(t: TestContext, reply: (request: RecordedRequest) => FakeReply) {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(recorded)
      const { status, json } = reply(recorded)
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, requests }
}

const messagesPath = `/2010-04-01/Accounts/${config.accountSid}/Messages.json`

function messageResource(form: URLSearchParams) {
  return {
    sid: 'SM0123456789abcdef0123456789abcdef',
    account_sid: config.accountSid,
    to: form.get('To'),
    from: form.get('From'),
    body: form.get('Body'),
    status: 'queued',
    num_segments: '1',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    uri: `${messagesPath.replace('.json', '')}/SM0123456789abcdef0123456789abcdef.json`,
  }
}

function assertSafe(t: TestContext, error: unknown) {
  t.type(error, TwilioSmsError)
  const message = (error as Error).message
  t.notMatch(message, body, 'the error message does not contain the SMS body')
  t.notMatch(message, '482913', 'the error message does not contain the one-time code')
  t.notMatch(message, config.authToken, 'the error message does not contain the auth token')
  t.equal((error as Error).cause, undefined, 'no cause carrying the request along')
  const serialized = JSON.stringify(error, Object.getOwnPropertyNames(error))
  t.notMatch(serialized, '482913', 'no property of the error contains the one-time code')
  t.notMatch(serialized, config.authToken, 'no property of the error contains the auth token')
}

t.test('sends the message as Twilio expects: POST form to the account Messages resource with Basic auth', async (t) => {
  const fake = await fakeTwilio(t, (request) => ({ status: 201, json: messageResource(new URLSearchParams(request.body)) }))
  const sender = new TwilioSmsSender(config, fake.baseUrl)

  await sender.send({ to, body })

  t.equal(fake.requests.length, 1, 'exactly one request')
  const request = fake.requests[0]
  if (!request) throw new Error('no request recorded')
  t.equal(request.method, 'POST')
  t.equal(request.url, messagesPath)
  t.equal(
    request.headers.authorization,
    `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
  )
  t.match(request.headers['content-type'], /^application\/x-www-form-urlencoded/)
  const form = new URLSearchParams(request.body)
  t.strictSame([...form.keys()].sort(), ['Body', 'From', 'To'], 'no other form fields')
  t.equal(form.get('To'), to)
  t.equal(form.get('From'), config.from)
  t.equal(form.get('Body'), body)
  t.equal(sender.name, 'Twilio')
})

t.test('a Twilio error rejects with its code and status, without the body or the auth token', async (t) => {
  const fake = await fakeTwilio(t, () => ({
    status: 400,
    json: { code: 21211, message: "Invalid 'To' Phone Number", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 },
  }))
  const sender = new TwilioSmsSender(config, fake.baseUrl)

  const error = await sender.send({ to, body }).then(
    () => t.fail('send should have rejected'),
    (error: unknown) => error,
  )
  t.equal(fake.requests.length, 1)
  assertSafe(t, error)
  t.match((error as Error).message, /21211/)
  t.match((error as Error).message, /400/)
  t.match((error as Error).message, "Invalid 'To' Phone Number")
  t.equal((error as TwilioSmsError).status, 400)
  t.equal((error as TwilioSmsError).code, 21211)
})

t.test('a Twilio error message quoting the body or the token back is redacted', async (t) => {
  const fake = await fakeTwilio(t, () => ({
    status: 400,
    json: { code: 30007, message: `Message filtered: '${body}' (credentials ${config.authToken})`, status: 400 },
  }))
  const sender = new TwilioSmsSender(config, fake.baseUrl)

  const error = await sender.send({ to, body }).then(
    () => t.fail('send should have rejected'),
    (error: unknown) => error,
  )
  assertSafe(t, error)
  t.match((error as Error).message, /30007/)
  t.match((error as Error).message, /\[redacted\]/)
})

t.test('a network failure rejects without the body or the auth token', async (t) => {
  // A port that was just free: nothing listens there any more.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const sender = new TwilioSmsSender(config, `http://127.0.0.1:${port}`)

  const error = await sender.send({ to, body }).then(
    () => t.fail('send should have rejected'),
    (error: unknown) => error,
  )
  assertSafe(t, error)
  t.match((error as Error).message, /ECONNREFUSED/)
})
