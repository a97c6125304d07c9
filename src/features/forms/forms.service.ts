// Filing a statistics form: validated against the definition, stored once per idempotency key,
// linked into the integrity chain in the same transaction. There is no way to change one.
import { randomUUID } from 'node:crypto'
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { withPersonalDataErrors } from '../../lib/personal-data.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { appendToChain } from '../integrity/chain.js'
import { lockChain } from '../integrity/chain.repository.js'
import { formDefinition } from './definition.js'
import { findByIdempotencyKey, insertMeetingForms } from './forms.repository.js'
import { meetingFormContent, type StoredMeetingForm } from './stored-form.js'
import { monthOf } from '../../lib/months.js'
import { buildSubmissionSchema, toSubmission, type Submission } from './submission-schema.js'

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/

export interface FiledForm {
  id: string
  createdAt: Date
  /** false when this was a repeat of an earlier request with the same key and content */
  created: boolean
}

/** Experts and administrators of a team file forms; the team comes from the account, never the form. */
export function assertMayFileForms(actor: Actor): string {
  if (actor.role === 'researcher' || !actor.teamId) throw new ForbiddenError()
  return actor.teamId
}

/** Validates answers against the definition; throws ValidationError naming every bad field. */
export function validateSubmission(deps: AppDeps, input: unknown): Submission {
  const schema = buildSubmissionSchema(formDefinition, { currentMonth: () => monthOf(deps.clock.now()) })
  const parsed = schema.safeParse(input ?? {})
  // Answers are codes: text that looks like an identity code, phone or e-mail is refused as such.
  const errors = withPersonalDataErrors(input, parsed.success ? [] : fieldErrorsFromZod(parsed.error.issues))
  if (!parsed.success || errors.length > 0) throw new ValidationError(errors)
  return toSubmission(formDefinition, parsed.data)
}

export async function submitMeetingForm(deps: AppDeps, actor: Actor, input: unknown, idempotencyKey: string): Promise<FiledForm> {
  const teamId = assertMayFileForms(actor)
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw new ValidationError([{ field: 'idempotencyKey', code: 'invalid' }])
  const submission = validateSubmission(deps, input)
  const requestHash = sha256Hex(canonicalJson(submission.answers as Canonical))

  // READ COMMITTED: after waiting for the chain's lock, each statement must see the link the
  // previous holder committed (a snapshot taken before the wait would not).
  return deps.db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
    // Taking the chain's lock first also serialises two requests with the same key: the second
    // sees the first's row and answers as a repeat instead of failing on the unique index.
    await lockChain(trx)
    const earlier = await findByIdempotencyKey(trx, actor.userId, idempotencyKey)
    if (earlier) {
      if (earlier.requestHash !== requestHash) throw new ConflictError([{ field: 'idempotencyKey', code: 'key_reused' }])
      return { id: earlier.id, createdAt: earlier.createdAt, created: false }
    }
    const form: StoredMeetingForm = {
      id: randomUUID(),
      teamId,
      submittedBy: actor.userId,
      definitionVersion: formDefinition.version,
      createdAt: deps.clock.now(),
      answers: submission.answers,
      under15: submission.under15,
      adultClient: submission.adultClient,
    }
    await insertMeetingForms(trx, formDefinition, [{ ...form, idempotencyKey, requestHash }])
    await appendToChain(trx, { kind: 'meeting_form', id: form.id, content: meetingFormContent(form), createdAt: form.createdAt })
    return { id: form.id, createdAt: form.createdAt, created: true }
  })
}
