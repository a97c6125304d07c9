// What the integrity chain hashes of a withdrawal request and of its decision (their canonical
// content), and how the chain reads them back to check them (record sources for the sealer's
// verification, like the forms' and activity records').
import type { Canonical } from '../../lib/canonical-json.js'
import { findUnsealedWithdrawal } from '../integrity/chain.repository.js'
import type { RecordSource } from '../integrity/verify.service.js'
import { findStoredDecisions, findStoredRequests, type StoredWithdrawalDecision, type StoredWithdrawalRequest } from './withdrawals.repository.js'

export function withdrawalRequestContent(request: StoredWithdrawalRequest): Canonical {
  return {
    kind: 'withdrawal_request',
    id: request.id,
    formId: request.formId,
    reason: request.reason,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt.toISOString(),
  }
}

export function withdrawalDecisionContent(decision: StoredWithdrawalDecision): Canonical {
  return {
    kind: 'withdrawal_decision',
    id: decision.id,
    requestId: decision.requestId,
    formId: decision.formId,
    requestedBy: decision.requestedBy,
    decision: decision.decision,
    decidedBy: decision.decidedBy,
    decidedAt: decision.decidedAt.toISOString(),
    answersPublished: decision.answersPublished,
  }
}

export const withdrawalRequestSource: RecordSource = {
  kind: 'withdrawal_request',
  load: async (db, ids) => new Map((await findStoredRequests(db, ids)).map((r) => [r.id, withdrawalRequestContent(r)])),
  findUnsealed: (db, filedBefore) => findUnsealedWithdrawal(db, 'form_withdrawal_requests', filedBefore),
}

export const withdrawalDecisionSource: RecordSource = {
  kind: 'withdrawal_decision',
  load: async (db, ids) => new Map((await findStoredDecisions(db, ids)).map((d) => [d.id, withdrawalDecisionContent(d)])),
  findUnsealed: (db, filedBefore) => findUnsealedWithdrawal(db, 'form_withdrawal_decisions', filedBefore),
}
