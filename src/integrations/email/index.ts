// Chooses the e-mail sender: SMTP when configured, otherwise (never in production, which config
// refuses) the development sender that prints messages.
import type { Config } from '../../config.js'
import { ConsoleEmailSender } from './console-email-sender.js'
import type { EmailSender } from './email-sender.js'
import { SmtpEmailSender } from './smtp-email-sender.js'

export type { EmailMessage, EmailSender } from './email-sender.js'

export function createEmailSender(config: Config): EmailSender {
  if (config.email.smtp) return new SmtpEmailSender(config.email.smtp)
  return new ConsoleEmailSender(undefined, config.email.outboxFile)
}
