// The administrators' digest of registrations waiting for approval: "N registrations wait", with
// the link to the page, to every active administrator, at most once an hour in the whole service.
// A registration starts a check at once; one that arrives within the hour after a digest is picked
// up by the periodic check (every few minutes, on every instance) once the hour has passed. Whether
// a digest is due is decided under one lock, so two registrations at the same moment send one.
import type { FastifyBaseLogger } from 'fastify'
import type { AppDeps } from '../../plugins/deps.js'
import { deliverNotice } from './notice-delivery.js'
import { registrationsDigestText } from './notice-texts.js'
import {
  countPendingRegistrations,
  latestDigestAt,
  listActiveAdministrators,
  lockRegistrationsDigest,
  markUnmentionedRegistrations,
} from './notices.repository.js'

export const DIGEST_MIN_INTERVAL_MS = 60 * 60 * 1000
export const DIGEST_CHECK_INTERVAL_MS = 5 * 60 * 1000

/**
 * Claims a digest when one is due: some pending registration has not been mentioned yet and the
 * last digest is at least an hour old. Marks those registrations as mentioned and returns how many
 * registrations wait in all; null when no digest is due.
 */
export async function claimRegistrationsDigest(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<number | null> {
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    await lockRegistrationsDigest(trx)
    const latest = await latestDigestAt(trx)
    if (latest && now.getTime() - latest.getTime() < DIGEST_MIN_INTERVAL_MS) return null
    if ((await markUnmentionedRegistrations(trx, now)) === 0) return null
    return countPendingRegistrations(trx)
  })
}

/** Sends the digest when one is due (after the claim has committed); returns the e-mails sent. */
export async function sendRegistrationsDigestIfDue(deps: AppDeps, log: FastifyBaseLogger): Promise<number> {
  const waiting = await claimRegistrationsDigest(deps)
  if (waiting === null) return 0
  let sent = 0
  for (const admin of await listActiveAdministrators(deps.db)) {
    const text = registrationsDigestText(admin.language, waiting, deps.config.publicUrl)
    const delivered = await deliverNotice(deps, log, { kind: 'registrations_digest', channel: 'email', subjectUserId: admin.id }, () =>
      deps.email.send({ to: admin.email, subject: text.subject, text: text.text }),
    )
    if (delivered) sent++
  }
  log.info({ waiting, sent }, 'registrations digest sent')
  return sent
}

/** Starts the periodic check; returns a function that stops it. */
export function startRegistrationsDigestCheck(deps: AppDeps, log: FastifyBaseLogger): () => void {
  const run = () =>
    sendRegistrationsDigestIfDue(deps, log).catch((error: unknown) =>
      log.error({ error: error instanceof Error ? error.name : typeof error }, 'registrations digest check failed; tried again in a few minutes'),
    )
  const every = setInterval(run, DIGEST_CHECK_INTERVAL_MS)
  every.unref()
  return () => clearInterval(every)
}
