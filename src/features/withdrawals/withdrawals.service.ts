// Withdrawing a form filed in error: who may ask, the request (reason from a fixed list), and a
// national administrator's decision. The form itself never changes; each request and decision is an
// append-only record, chained and sealed like the forms, and audited. A confirmation is taken under
// the release lock and records whether the form's answers were already in a decided answer table;
// the statistics read that (publication.repository.ts, reports.repository.ts, docs/disclosure.md).
import { randomUUID } from 'node:crypto'
import { uniqueViolationOf } from '../../db/pg-errors.js'
import { ConflictError, NotFoundError } from '../../errors.js'
import { parseInput } from '../../lib/parse-input.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import type { Actor } from '../auth/session.service.js'
import { formDefinition } from '../forms/definition.js'
import { findStoredForms } from '../forms/forms.repository.js'
import type { StoredMeetingForm } from '../forms/stored-form.js'
import { queueForSeal } from '../integrity/chain.js'
import { lockReleases } from '../publication/publication.repository.js'
import { withdrawalDecisionContent, withdrawalRequestContent } from './withdrawal-records.js'
import { decisionActions, withdrawalRequestSchema, type DecisionAction } from './withdrawals.schemas.js'
import {
  countPendingWithdrawals,
  findWithdrawalRequest,
  formAnswersPublished,
  insertWithdrawalDecision,
  insertWithdrawalRequest,
  listDecidedWithdrawals,
  listPendingWithdrawals,
  listWithdrawalsOfForm,
  type StoredWithdrawalDecision,
  type StoredWithdrawalRequest,
  type WithdrawalRow,
} from './withdrawals.repository.js'

/** A second request while one is open, or a request for a form already withdrawn. */
export class WithdrawalOpenError extends ConflictError {
  constructor(readonly state: 'open' | 'withdrawn') {
    super([{ field: 'reason', code: state === 'open' ? 'withdrawal_open' : 'already_withdrawn' }])
  }
}

/** An administrator deciding a request they made, or a request already decided. */
export class WithdrawalDecisionError extends ConflictError {
  constructor(readonly why: 'own_request' | 'already_decided') {
    super([{ field: 'decision', code: why }])
  }
}

/** Where a form's withdrawal stands: never asked, waiting, withdrawn, or the last request declined. */
export type WithdrawalState = { readonly status: 'none' } | { readonly status: 'pending' | 'confirmed' | 'declined'; readonly latest: WithdrawalRow }

export function stateOf(rows: readonly WithdrawalRow[]): WithdrawalState {
  const confirmed = rows.find((r) => r.decision === 'confirmed')
  if (confirmed) return { status: 'confirmed', latest: confirmed }
  const latest = rows[0]
  if (!latest) return { status: 'none' }
  return { status: latest.decision === null ? 'pending' : 'declined', latest }
}

/**
 * The form, when the actor may ask for its withdrawal: its filer (also after moving to another team),
 * or a member of its team, as long as they file forms (not a researcher). For anyone else it does
 * not exist (404, as on the form's page).
 */
export async function withdrawableForm(deps: Pick<AppDeps, 'db'>, actor: Actor, formId: string): Promise<StoredMeetingForm> {
  const [form] = await findStoredForms(deps.db, formDefinition, [formId])
  const mayAsk =
    form !== undefined && actor.role !== 'researcher' && (form.submittedBy === actor.userId || (actor.teamId !== null && actor.teamId === form.teamId))
  if (!mayAsk) throw new NotFoundError()
  return form
}

export async function withdrawalStateOf(deps: Pick<AppDeps, 'db'>, formId: string): Promise<WithdrawalState> {
  return stateOf(await listWithdrawalsOfForm(deps.db, formId))
}

/** How many decided requests the administrators' page lists (the most recent). */
const DECIDED_SHOWN = 100

/** The administrators' page: requests waiting (oldest first) and the latest decided ones. */
export async function withdrawalOverview(deps: Pick<AppDeps, 'db'>): Promise<{ pending: WithdrawalRow[]; decided: WithdrawalRow[] }> {
  const [pending, decided] = [await listPendingWithdrawals(deps.db), await listDecidedWithdrawals(deps.db, DECIDED_SHOWN)]
  return { pending, decided }
}

/** For the administration's start page. */
export async function pendingWithdrawalCount(deps: Pick<AppDeps, 'db'>): Promise<number> {
  return countPendingWithdrawals(deps.db)
}

/** Records a request to withdraw a form, with its reason; audited without any of the form's answers. */
export async function requestWithdrawal(deps: AppDeps, actor: Actor, formId: string, input: unknown, ip: string | null): Promise<StoredWithdrawalRequest> {
  const form = await withdrawableForm(deps, actor, formId)
  const { reason } = parseInput(withdrawalRequestSchema, input)
  return recordRequest(deps, actor, form, reason, ip).catch((error: unknown) => {
    // two requests at the same moment: the database's rule (a trigger) refuses the second
    if (uniqueViolationOf(error) === 'form_withdrawal_requests_one_open') throw new WithdrawalOpenError('open')
    throw error
  })
}

async function recordRequest(deps: AppDeps, actor: Actor, form: StoredMeetingForm, reason: StoredWithdrawalRequest['reason'], ip: string | null): Promise<StoredWithdrawalRequest> {
  return deps.db.transaction().execute(async (trx) => {
    const state = stateOf(await listWithdrawalsOfForm(trx, form.id))
    if (state.status === 'pending') throw new WithdrawalOpenError('open')
    if (state.status === 'confirmed') throw new WithdrawalOpenError('withdrawn')
    const request: StoredWithdrawalRequest = { id: randomUUID(), formId: form.id, reason, requestedBy: actor.userId, requestedAt: deps.clock.now() }
    // the database refuses a second open request too (a trigger), should two arrive at once
    await insertWithdrawalRequest(trx, request)
    await queueForSeal(trx, { kind: 'withdrawal_request', id: request.id, content: withdrawalRequestContent(request), createdAt: request.requestedAt })
    await recordAudit(trx, {
      event: 'form_withdrawal_requested',
      at: request.requestedAt,
      actorUserId: actor.userId,
      ip,
      details: { form: form.id, request: request.id, reason },
    })
    return request
  })
}

/**
 * Confirms or declines a request. Under the release lock, so that no release decides the form's
 * quarter between reading whether its answers are published and storing the decision.
 */
export async function decideWithdrawal(deps: AppDeps, actor: Actor, requestId: string, action: DecisionAction, ip: string | null): Promise<StoredWithdrawalDecision> {
  const decision = decisionActions[action]
  return deps.db.transaction().execute(async (trx) => {
    await lockReleases(trx)
    const request = await findWithdrawalRequest(trx, requestId)
    if (!request) throw new NotFoundError()
    if (request.decision !== null) throw new WithdrawalDecisionError('already_decided')
    // the database refuses it as well (CHECK decided_by <> requested_by)
    if (request.requestedBy === actor.userId) throw new WithdrawalDecisionError('own_request')
    const stored: StoredWithdrawalDecision = {
      id: randomUUID(),
      requestId: request.requestId,
      formId: request.formId,
      requestedBy: request.requestedBy,
      decision,
      decidedBy: actor.userId,
      decidedAt: deps.clock.now(),
      answersPublished: decision === 'confirmed' ? await formAnswersPublished(trx, request.formId) : null,
    }
    await insertWithdrawalDecision(trx, stored)
    await queueForSeal(trx, { kind: 'withdrawal_decision', id: stored.id, content: withdrawalDecisionContent(stored), createdAt: stored.decidedAt })
    await recordAudit(trx, {
      event: decision === 'confirmed' ? 'form_withdrawal_confirmed' : 'form_withdrawal_declined',
      at: stored.decidedAt,
      actorUserId: actor.userId,
      subjectUserId: request.requestedBy,
      ip,
      details: { form: request.formId, request: request.requestId, reason: request.reason, answers_published: stored.answersPublished },
    })
    return stored
  })
}
