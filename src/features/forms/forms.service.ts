// Filing a statistics form: validated against the definition, stored once per idempotency key,
// linked into the integrity chain in the same transaction. There is no way to change one.
import { randomUUID } from 'node:crypto'
import { ConflictError, ForbiddenError, ServiceUnavailableError, ValidationError } from '../../errors.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { withPersonalDataErrors } from '../../lib/personal-data.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { queueForSeal } from '../integrity/chain.js'
import { formDefinition } from './definition.js'
import { findTeam } from '../teams/teams.repository.js'
import { findByIdempotencyKey, insertMeetingFormOnce } from './forms.repository.js'
import { meetingFormContent, type StoredMeetingForm } from './stored-form.js'
import { monthOf } from '../../lib/months.js'
import { buildSubmissionSchema, toSubmission, type Submission } from './submission-schema.js'


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

// Building the schema takes milliseconds; one per app (its clock) is enough.
const schemas = new WeakMap<AppDeps, ReturnType<typeof buildSubmissionSchema>>()

/** Validates answers against the definition; throws ValidationError naming every bad field. */
export function validateSubmission(deps: AppDeps, input: unknown): Submission {
  let schema = schemas.get(deps)
  if (!schema) {
    schema = buildSubmissionSchema(formDefinition, { currentMonth: () => monthOf(deps.clock.now()) })
    schemas.set(deps, schema)
  }
  const parsed = schema.safeParse(input ?? {})
  // Answers are codes: text that looks like an identity code, phone or e-mail is refused as such.
  const errors = withPersonalDataErrors(input, parsed.success ? [] : fieldErrorsFromZod(parsed.error.issues))
  if (!parsed.success || errors.length > 0) throw new ValidationError(errors)
  return toSubmission(formDefinition, parsed.data)
}

export async function submitMeetingForm(deps: AppDeps, actor: Actor, input: unknown, idempotencyKey: string): Promise<FiledForm> {
  const teamId = assertMayFileForms(actor)
  const key = parseIdempotencyKey(idempotencyKey, 'idempotencyKey')
  const submission = validateSubmission(deps, input)
  const requestHash = sha256Hex(canonicalJson(submission.answers as Canonical))

  // One transaction: the form row (or the earlier form with this key), then the report totals,
  // then the form's entry in the queue for the next seal (no lock: the sealer alone takes the
  // chain's). Forms of the same month still wait for each other on the national totals' rows.
  // READ COMMITTED: after waiting for a lock, or for a concurrent insert of the same key, each
  // statement must see what the other committed.
  return deps.db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
    // the form keeps the areas its team has now, whatever later becomes of the team
    const team = await findTeam(trx, teamId)
    if (!team) throw new ForbiddenError()
    const form: StoredMeetingForm = {
      id: randomUUID(),
      teamId,
      submittedBy: actor.userId,
      definitionVersion: formDefinition.version,
      createdAt: deps.clock.now(),
      answers: submission.answers,
      under15: submission.under15,
      adultClient: submission.adultClient,
      area: { county: team.wellbeing_county, police: team.police_department, recordedAtFiling: true },
    }
    if (!(await insertMeetingFormOnce(trx, formDefinition, { ...form, idempotencyKey: key, requestHash }))) {
      const earlier = await findByIdempotencyKey(trx, actor.userId, key)
      // cannot happen (the conflict waited for the other insert to commit); if it did, a retry decides
      if (!earlier) throw new ServiceUnavailableError()
      if (earlier.requestHash !== requestHash) throw new ConflictError([{ field: 'idempotencyKey', code: 'key_reused' }])
      return { id: earlier.id, createdAt: earlier.createdAt, created: false }
    }
    await queueForSeal(trx, { kind: 'meeting_form', id: form.id, content: meetingFormContent(form), createdAt: form.createdAt })
    return { id: form.id, createdAt: form.createdAt, created: true }
  })
}
