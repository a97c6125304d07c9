// Chooses the SMS sender: Twilio when configured; in production without it (possible only while
// SMS login is off, config requires Twilio otherwise) a sender that refuses, so no text ever goes to
// the console there; otherwise the development sender that prints codes.
import type { Config } from '../../config.js'
import { ConsoleSmsSender } from './console-sms-sender.js'
import type { SmsSender } from './sms-sender.js'
import { TwilioSmsSender } from './twilio-sms-sender.js'

export type { SmsMessage, SmsSender } from './sms-sender.js'

/** Production without an SMS gateway: every send fails (callers log the failure, never the text). */
const NO_SMS_GATEWAY: SmsSender = {
  name: 'none (SMS login is off)',
  send: () => Promise.reject(new Error('no SMS gateway is configured')),
}

export function createSmsSender(config: Config): SmsSender {
  if (config.sms.twilio) return new TwilioSmsSender(config.sms.twilio)
  if (config.env === 'production') return NO_SMS_GATEWAY
  return new ConsoleSmsSender(undefined, config.sms.outboxFile)
}
