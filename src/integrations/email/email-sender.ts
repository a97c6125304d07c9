// What the service needs from an e-mail channel: send one plain-text message to one address.
export interface EmailMessage {
  readonly to: string
  readonly subject: string
  /** Plain text; links written out in full so any mail client shows them. */
  readonly text: string
}

export interface EmailSender {
  /** Human-readable name for the start-up log line (never a credential). */
  readonly name: string
  send(message: EmailMessage): Promise<void>
}
