// Tests for the development SMS sender: printed line and JSON-lines outbox file.
import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ConsoleSmsSender } from '../../src/integrations/sms/console-sms-sender.js'

t.test('prints a line with the recipient and the body through the injected print function', async (t) => {
  const lines: string[] = []
  const dir = t.testdir()
  const sender = new ConsoleSmsSender((line) => lines.push(line))

  await sender.send({ to: '+358401234567', body: 'Anchor code 123456' })

  t.equal(lines.length, 1, 'one line per message')
  t.match(lines[0], '+358401234567')
  t.match(lines[0], 'Anchor code 123456')
  t.strictSame(await readdir(dir), [], 'no outbox file is written when none is configured')
})

t.test('appends one JSON line per message to the outbox file', async (t) => {
  const outbox = join(t.testdir(), 'sms-outbox.jsonl')
  const lines: string[] = []
  const sender = new ConsoleSmsSender((line) => lines.push(line), outbox)

  await sender.send({ to: '+358401234567', body: 'Anchor code 123456' })
  await sender.send({ to: '+358509876543', body: 'Anchor code 654321 "quoted"\nsecond line' })

  const content = await readFile(outbox, 'utf8')
  t.ok(content.endsWith('\n'), 'every record ends with a newline')
  const records = content.trimEnd().split('\n')
  t.equal(records.length, 2, 'two sends, two lines')
  t.strictSame(
    records.map((record) => JSON.parse(record) as unknown),
    [
      { to: '+358401234567', body: 'Anchor code 123456' },
      { to: '+358509876543', body: 'Anchor code 654321 "quoted"\nsecond line' },
    ],
  )
  t.equal(lines.length, 2, 'still printed as well')
})
