// What the service needs from an SMS gateway: send one text message to one E.164 number.
export interface SmsMessage {
  /** E.164, e.g. +358401234567 */
  readonly to: string
  readonly body: string
}

export interface SmsSender {
  /** Human-readable name for the start-up log line (never a credential). */
  readonly name: string
  send(message: SmsMessage): Promise<void>
}
