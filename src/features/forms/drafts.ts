// Answers that outlive a session. A step sent after the session had ended (idle, or a logout in
// another tab) cannot be saved to anyone's draft: its answers are kept without an owner for an hour,
// their id in a signed cookie of that browser, and the first form page opened after the next login
// there adds them to that user's draft. The answers are the form's own (codes and numbers, nothing
// identifying); the cookie only points to them.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { formDefinition } from './definition.js'
import { findDraft, saveDraft, saveOwnerlessDraft, takeOwnerlessDraft } from './drafts.repository.js'
import { withoutHiddenAnswers, parseFormAnswers } from './form-view.js'

const COOKIE = 'anchor_form_answers'
const OWNERLESS_LIFETIME_MS = 60 * 60 * 1000

function cookieOptions(app: FastifyInstance) {
  return { path: '/forms', httpOnly: true, sameSite: 'lax' as const, secure: app.config.secureCookies, signed: true }
}

/** Keeps a step's answers, sent without a session, for the next login in this browser. */
export async function keepAnswersForNextLogin(app: FastifyInstance, reply: FastifyReply, answers: Record<string, unknown>): Promise<void> {
  const id = randomUUID()
  const now = app.deps.clock.now()
  await saveOwnerlessDraft(app.db, { id, answers, idempotencyKey: randomUUID(), now, expiresAt: new Date(now.getTime() + OWNERLESS_LIFETIME_MS) })
  reply.setCookie(COOKIE, id, { ...cookieOptions(app), maxAge: OWNERLESS_LIFETIME_MS / 1000 })
}

/**
 * Adds answers kept at the end of an earlier session in this browser to the user's draft (they are
 * the newer ones, so they win). True when there were some.
 */
export async function claimOwnerlessDraft(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, userId: string): Promise<boolean> {
  const raw = request.cookies[COOKIE]
  if (!raw) return false
  reply.clearCookie(COOKIE, cookieOptions(app))
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return false
  const now = app.deps.clock.now()
  const kept = await takeOwnerlessDraft(app.db, unsigned.value, now)
  if (!kept) return false
  const draft = await findDraft(app.db, userId, now)
  const answers = withoutHiddenAnswers(formDefinition, parseFormAnswers(formDefinition, { ...(draft?.answers ?? {}), ...kept.answers }))
  await saveDraft(app.db, { id: randomUUID(), userId, answers, newKey: randomUUID(), now, expiresAt: new Date(now.getTime() + app.config.formDraftLifetimeMs) })
  return true
}
