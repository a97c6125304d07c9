// Tests for the e-mail senders: the SMTP sender against a fake SMTP server on 127.0.0.1 (it must
// never send a message over a connection without TLS), and the development sender's outbox file.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { TLSSocket } from 'node:tls'
import { loadConfig } from '../../src/config.js'
import { createEmailSender } from '../../src/integrations/email/index.js'
import { ConsoleEmailSender } from '../../src/integrations/email/console-email-sender.js'
import { SmtpEmailSender } from '../../src/integrations/email/smtp-email-sender.js'

type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

const key = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'smtp', 'smtp-key.pem'), 'utf8')
const cert = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'smtp', 'smtp-cert.pem'), 'utf8')

interface Received {
  /** Commands in the order they came, with whether the connection was encrypted then. */
  commands: { line: string; tls: boolean }[]
  /** The DATA of each message. */
  messages: string[]
}

/** A minimal SMTP server: EHLO (offering STARTTLS when `offerTls`), STARTTLS, MAIL, RCPT, DATA, QUIT. */
async function fakeSmtp(t: TestContext, offerTls: boolean): Promise<{ port: number; received: Received }> {
  const received: Received = { commands: [], messages: [] }
  const sockets = new Set<Socket>()
  const serve = (socket: Socket, tls: boolean) => {
    sockets.add(socket)
    let buffer = ''
    let inData = false
    let data = ''
    const reply = (line: string) => socket.write(`${line}\r\n`)
    socket.setEncoding('utf8')
    socket.on('error', () => {})
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let end: number
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (inData) {
          if (line === '.') {
            inData = false
            received.messages.push(data)
            data = ''
            reply('250 queued')
          } else data += `${line}\n`
          continue
        }
        received.commands.push({ line, tls })
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') {
          reply(offerTls && !tls ? '250-localhost\r\n250-STARTTLS\r\n250 8BITMIME' : '250-localhost\r\n250 8BITMIME')
        } else if (verb === 'STAR' && !offerTls) {
          reply('502 command not implemented')
        } else if (verb === 'STAR') {
          reply('220 ready for TLS')
          socket.removeAllListeners('data')
          const secure = new TLSSocket(socket, { isServer: true, key, cert })
          serve(secure, true)
          return
        } else if (verb === 'MAIL' || verb === 'RCPT') reply('250 ok')
        else if (verb === 'DATA') {
          inData = true
          reply('354 go ahead')
        } else if (verb === 'QUIT') {
          reply('221 bye')
          socket.end()
        } else reply('250 ok')
      }
    })
  }
  const server = createServer((socket) => {
    socket.write('220 localhost fake SMTP\r\n')
    serve(socket, false)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  return { port: (server.address() as AddressInfo).port, received }
}

const message = { to: 'aino@example.fi', subject: 'Salasanan vaihto', text: 'Avaa linkki: https://ankkuri.example.fi/password/reset?token=abc' }

t.test('sends over STARTTLS: the message and its envelope only after the connection is encrypted', async (t) => {
  const { port, received } = await fakeSmtp(t, true)
  const sender = new SmtpEmailSender({ host: '127.0.0.1', port, secure: false, user: undefined, password: undefined, from: 'Ankkuri <noreply@example.fi>' }, cert)
  t.teardown(() => sender.close())
  await sender.send(message)
  t.equal(received.messages.length, 1, 'one message arrived')
  t.match(received.messages[0], 'Subject: Salasanan vaihto')
  t.match(received.messages[0], 'To: aino@example.fi')
  t.match(received.messages[0], 'https://ankkuri.example.fi/password/reset?token=abc')
  const envelope = received.commands.filter((c) => /^(MAIL|RCPT|DATA)/i.test(c.line))
  t.ok(envelope.length >= 3 && envelope.every((c) => c.tls), 'MAIL, RCPT and DATA were sent only over TLS')
  t.ok(received.commands.some((c) => /^STARTTLS/i.test(c.line) && !c.tls), 'STARTTLS was asked for')
})

t.test('refuses to send when the server does not offer TLS', async (t) => {
  const { port, received } = await fakeSmtp(t, false)
  const sender = new SmtpEmailSender({ host: '127.0.0.1', port, secure: false, user: undefined, password: undefined, from: 'noreply@example.fi' }, cert)
  t.teardown(() => sender.close())
  await t.rejects(sender.send(message), 'the send fails')
  t.equal(received.messages.length, 0, 'no message was sent in clear text')
  t.notOk(received.commands.some((c) => /^(MAIL|RCPT|DATA)/i.test(c.line)), 'not even the envelope')
})

t.test('refuses a server whose certificate it cannot trust', async (t) => {
  const { port, received } = await fakeSmtp(t, true)
  const sender = new SmtpEmailSender({ host: '127.0.0.1', port, secure: false, user: undefined, password: undefined, from: 'noreply@example.fi' })
  t.teardown(() => sender.close())
  await t.rejects(sender.send(message))
  t.equal(received.messages.length, 0)
})

t.test('the development sender prints each message and appends it to the outbox file', async (t) => {
  const outbox = join(t.testdir(), 'email-outbox.jsonl')
  const lines: string[] = []
  const sender = new ConsoleEmailSender((line) => lines.push(line), outbox)
  await sender.send(message)
  await sender.send({ ...message, to: 'ville@example.fi' })
  t.equal(lines.length, 2)
  t.match(lines[0], 'aino@example.fi')
  t.match(lines[0], message.text)
  const records = (await readFile(outbox, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)
  t.strictSame(records, [message, { ...message, to: 'ville@example.fi' }])
})

t.test('SMTP when SMTP_HOST is set, otherwise the development sender', async (t) => {
  const smtp = createEmailSender(loadConfig({ SMTP_HOST: 'smtp.example.fi', MAIL_FROM: 'noreply@example.fi' }))
  t.ok(smtp instanceof SmtpEmailSender)
  t.equal(smtp.name, 'SMTP smtp.example.fi:587')
  ;(smtp as SmtpEmailSender).close()
  t.ok(createEmailSender(loadConfig({})) instanceof ConsoleEmailSender)
})
