// Development SMS sender: prints each message (one-time codes included, which is its purpose) and,
// when an outbox file is configured, appends it there as one JSON line for scripts and browser tests.
import { appendFile } from 'node:fs/promises'
import type { SmsMessage, SmsSender } from './sms-sender.js'

export class ConsoleSmsSender implements SmsSender {
  readonly name = 'development console'

  constructor(
    private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly outboxFile?: string,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    this.print(`[development SMS] to ${message.to}: ${message.body}`)
    if (this.outboxFile) {
      await appendFile(this.outboxFile, `${JSON.stringify({ to: message.to, body: message.body })}\n`, 'utf8')
    }
  }
}
