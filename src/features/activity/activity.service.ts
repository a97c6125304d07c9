// Recording team activity: append-only, once per idempotency key, in the same integrity chain as
// the statistics forms.
import { randomUUID } from 'node:crypto'
import { ConflictError, ServiceUnavailableError, ValidationError } from '../../errors.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { withPersonalDataErrors } from '../../lib/personal-data.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { assertMayFileForms } from '../forms/forms.service.js'
import { monthOf } from '../../lib/months.js'
import { queueForSeal } from '../integrity/chain.js'
import { activitySchema, type ActivityInput } from './activity.schemas.js'
import { findActivityByKey, insertActivityOnce, type StoredActivity } from './activity.repository.js'

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
  // READ COMMITTED: after waiting for a concurrent insert of the same key, the next statement
  // must see the record the other request committed.
  return deps.db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
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
    if (!(await insertActivityOnce(trx, { ...record, idempotencyKey: key, requestHash }))) {
      const earlier = await findActivityByKey(trx, actor.userId, key)
      // cannot happen (the conflict waited for the other insert to commit); if it did, a retry decides
      if (!earlier) throw new ServiceUnavailableError()
      if (earlier.requestHash !== requestHash) throw new ConflictError([{ field: 'idempotencyKey', code: 'key_reused' }])
      return { id: earlier.id, created: false }
    }
    await queueForSeal(trx, { kind: 'activity_record', id: record.id, content: activityContent(record), createdAt: record.createdAt })
    return { id: record.id, created: true }
  })
}
