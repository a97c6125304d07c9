// E-mail over SMTP with nodemailer: one pooled transport per process, TLS as configured.
import { createTransport } from 'nodemailer'
import type { SmtpConfig } from '../../config.js'
import type { EmailMessage, EmailSender } from './email-sender.js'

export class SmtpEmailSender implements EmailSender {
  readonly name: string
  private readonly transport: ReturnType<typeof createTransport>

  /** `trustedCa`: an extra certificate authority to trust (tests use a self-signed server). */
  constructor(
    private readonly config: SmtpConfig,
    trustedCa?: string,
  ) {
    this.name = `SMTP ${config.host}:${config.port}`
    this.transport = createTransport({
      pool: true,
      host: config.host,
      port: config.port,
      // true: TLS from the first byte (port 465); false: STARTTLS, which is then required
      secure: config.secure,
      requireTLS: !config.secure,
      auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      tls: trustedCa ? { ca: trustedCa } : undefined,
    })
  }

  async send(message: EmailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.config.from, to: message.to, subject: message.subject, text: message.text })
  }

  /** Closes the pooled connections (at shutdown, and in tests). */
  close(): void {
    this.transport.close()
  }
}
