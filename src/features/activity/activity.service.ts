// Recording team activity: append-only, once per idempotency key, in the same integrity chain as
// the statistics forms.
import { randomUUID } from 'node:crypto'
import { ConflictError, ValidationError } from '../../errors.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { withPersonalDataErrors } from '../../lib/personal-data.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { assertMayFileForms } from '../forms/forms.service.js'
import { monthOf } from '../../lib/months.js'
import { appendToChain } from '../integrity/chain.js'
import { lockChain } from '../integrity/chain.repository.js'
import { activitySchema, type ActivityInput } from './activity.schemas.js'
import { findActivityByKey, insertActivity, type StoredActivity } from './activity.repository.js'

export function activityContent(record: StoredActivity): Canonical {
  return {
    kind: 'activity_record',
    id: record.id,
    teamId: record.teamId,
    submittedBy: record.submittedBy,
    createdAt: record.createdAt.toISOString(),
    activityKind: record.kind,
    month: record.month,
    ageBand: record.ageBand,
    participants: record.participants,
  }
}

export function validateActivity(deps: AppDeps, input: unknown): ActivityInput {
  const parsed = activitySchema(() => monthOf(deps.clock.now())).safeParse(input ?? {})
  const errors = withPersonalDataErrors(input, parsed.success ? [] : fieldErrorsFromZod(parsed.error.issues))
  if (!parsed.success || errors.length > 0) throw new ValidationError(errors)
  return parsed.data
}

export async function recordActivity(
  deps: AppDeps,
  actor: Actor,
  input: unknown,
  idempotencyKey: string,
): Promise<{ id: string; created: boolean }> {
  const teamId = assertMayFileForms(actor)
  const key = parseIdempotencyKey(idempotencyKey, 'idempotencyKey')
  const activity = validateActivity(deps, input)
  const requestHash = sha256Hex(canonicalJson(activity as Canonical))
  // READ COMMITTED: after waiting for the chain's lock, each statement must see the link the
  // previous holder committed (a snapshot taken before the wait would not).
  return deps.db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
    await lockChain(trx)
    const earlier = await findActivityByKey(trx, actor.userId, key)
    if (earlier) {
      if (earlier.requestHash !== requestHash) throw new ConflictError([{ field: 'idempotencyKey', code: 'key_reused' }])
      return { id: earlier.id, created: false }
    }
    const record: StoredActivity = {
      id: randomUUID(),
      teamId,
      submittedBy: actor.userId,
      createdAt: deps.clock.now(),
      kind: activity.kind,
      month: activity.month,
      ageBand: activity.ageBand ?? null,
      participants: activity.participants ?? null,
    }
    await insertActivity(trx, { ...record, idempotencyKey: key, requestHash })
    await appendToChain(trx, { kind: 'activity_record', id: record.id, content: activityContent(record), createdAt: record.createdAt })
    return { id: record.id, created: true }
  })
}
