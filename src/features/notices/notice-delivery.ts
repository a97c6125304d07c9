// Sends one notice over one channel and records it: audited as notice_sent with its kind and
// channel only (never the address or the text). A send that fails is logged by kind and channel and
// the error's name or code, and never undoes what the notice is about.
import type { FastifyBaseLogger } from 'fastify'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'

export type NoticeKind = 'approval' | 'rejection' | 'registrations_digest'
export type NoticeChannel = 'email' | 'sms'

interface NoticeContext {
  readonly kind: NoticeKind
  readonly channel: NoticeChannel
  /** whom the notice went to (their user id), for the audit log */
  readonly subjectUserId: string
  readonly actorUserId?: string | null
}

/** What may be logged of a failed send: an SMTP or gateway error's message can hold the address. */
function errorSummary(error: unknown): { error: string; code?: string } {
  const name = error instanceof Error ? error.name : typeof error
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined
  return typeof code === 'string' || typeof code === 'number' ? { error: name, code: String(code) } : { error: name }
}

/** Runs `send`; true when it went out (and was audited), false when it failed (and was logged). */
export async function deliverNotice(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  log: FastifyBaseLogger,
  notice: NoticeContext,
  send: () => Promise<void>,
): Promise<boolean> {
  try {
    await send()
  } catch (error) {
    log.warn({ notice: notice.kind, channel: notice.channel, ...errorSummary(error) }, 'notice not sent')
    return false
  }
  await recordAudit(deps.db, {
    event: 'notice_sent',
    at: deps.clock.now(),
    actorUserId: notice.actorUserId ?? null,
    subjectUserId: notice.subjectUserId,
    details: { kind: notice.kind, channel: notice.channel },
  })
  return true
}
