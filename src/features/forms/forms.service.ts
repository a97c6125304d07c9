// Filing a statistics form: validated against the definition, stored once per idempotency key,
// queued for the integrity chain in the same statement. There is no way to change one.
import { randomUUID } from 'node:crypto'
import { ConflictError, ForbiddenError, ServiceUnavailableError, ValidationError } from '../../errors.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { withPersonalDataErrors } from '../../lib/personal-data.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { sealEntryOf } from '../integrity/chain.js'
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

  // One statement stores the form and its entry in the queue for the next seal (no lock: the
  // sealer alone takes the chain's). Reports count the team's own forms live and build releases in
  // bulk, so nothing else is written. The form keeps the areas its team has now, whatever later
  // becomes of the team.
  const team = await findTeam(deps.db, teamId)
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
  const sealEntry = sealEntryOf({ kind: 'meeting_form', id: form.id, content: meetingFormContent(form), createdAt: form.createdAt })
  if (await insertMeetingFormOnce(deps.db, formDefinition, { ...form, idempotencyKey: key, requestHash }, sealEntry)) {
    return { id: form.id, createdAt: form.createdAt, created: true }
  }
  // The key was used before: the conflict waited for that insert to commit, so this sees it.
  const earlier = await findByIdempotencyKey(deps.db, actor.userId, key)
  // cannot happen (see above); if it did, a retry decides
  if (!earlier) throw new ServiceUnavailableError()
  if (earlier.requestHash !== requestHash) throw new ConflictError([{ field: 'idempotencyKey', code: 'key_reused' }])
  return { id: earlier.id, createdAt: earlier.createdAt, created: false }
}
