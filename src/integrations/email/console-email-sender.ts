// Development e-mail sender: prints each message (reset links included, which is its purpose) and,
// when an outbox file is configured, appends it there as one JSON line for scripts and browser tests.
import { appendFile } from 'node:fs/promises'
import type { EmailMessage, EmailSender } from './email-sender.js'

export class ConsoleEmailSender implements EmailSender {
  readonly name = 'development console'

  constructor(
    private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly outboxFile?: string,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    this.print(`[development e-mail] to ${message.to}: ${message.subject}\n${message.text}`)
    if (this.outboxFile) {
      await appendFile(this.outboxFile, `${JSON.stringify(message)}\n`, 'utf8')
    }
  }
}
