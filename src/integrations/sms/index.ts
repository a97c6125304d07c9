// Chooses the SMS sender: Twilio when configured, otherwise (never in production, which config
// refuses) the development sender that prints codes.
import type { Config } from '../../config.js'
import { ConsoleSmsSender } from './console-sms-sender.js'
import type { SmsSender } from './sms-sender.js'
import { TwilioSmsSender } from './twilio-sms-sender.js'

export type { SmsMessage, SmsSender } from './sms-sender.js'

export function createSmsSender(config: Config): SmsSender {
  if (config.sms.twilio) return new TwilioSmsSender(config.sms.twilio)
  return new ConsoleSmsSender(undefined, config.sms.outboxFile)
}
