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
import { findByIdempotencyKey, insertMeetingFormsOnce, type FormToStore } from './forms.repository.js'
import { batcher } from '../../lib/batcher.js'
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

/** Forms in one batch at most (about 45 parameters each, well under the protocol's 65,535). */
const FORMS_PER_BATCH = 100
/** Batches under way at once: one writes while the next gathers (the pool has more connections). */
const BATCHES_IN_FLIGHT = 2

const formStores = new WeakMap<AppDeps['db'], (entry: FormToStore) => Promise<boolean>>()

/**
 * Stores a form, true unless its filer already used its idempotency key. Forms filed at the same
 * moment share one statement and one commit; if that fails, each is tried alone, so a form is
 * refused only for what is wrong with it.
 */
function storeFormOf(deps: AppDeps): (entry: FormToStore) => Promise<boolean> {
  let store = formStores.get(deps.db)
  if (!store) {
    const db = deps.db
    store = batcher<FormToStore, boolean>(
      async (batch) => {
        const stored = await insertMeetingFormsOnce(db, formDefinition, batch)
        return batch.map((entry) => stored.has(entry.form.id))
      },
      { maxBatch: FORMS_PER_BATCH, maxInFlight: BATCHES_IN_FLIGHT },
    )
    formStores.set(db, store)
  }
  return store
}

/** The team's areas now, for an actor that does not carry them. */
async function teamAreaOf(deps: AppDeps, teamId: string): Promise<{ county: string; police: string }> {
  const team = await findTeam(deps.db, teamId)
  if (!team) throw new ForbiddenError()
  return { county: team.wellbeing_county, police: team.police_department }
}

export async function submitMeetingForm(deps: AppDeps, actor: Actor, input: unknown, idempotencyKey: string): Promise<FiledForm> {
  const teamId = assertMayFileForms(actor)
  const key = parseIdempotencyKey(idempotencyKey, 'idempotencyKey')
  const submission = validateSubmission(deps, input)
  const requestHash = sha256Hex(canonicalJson(submission.answers as Canonical))

  // The form is stored with its entry in the queue for the next seal, in one statement with the
  // forms filed at the same moment (no lock: the sealer alone takes the chain's). Reports count the
  // team's own forms live and build releases in bulk, so nothing else is written. The form keeps
  // the areas its team has now, whatever later becomes of the team.
  const area = actor.teamArea ?? (await teamAreaOf(deps, teamId))
  const form: StoredMeetingForm = {
    id: randomUUID(),
    teamId,
    submittedBy: actor.userId,
    definitionVersion: formDefinition.version,
    createdAt: deps.clock.now(),
    answers: submission.answers,
    under15: submission.under15,
    adultClient: submission.adultClient,
    area: { ...area, recordedAtFiling: true },
  }
  const sealEntry = sealEntryOf({ kind: 'meeting_form', id: form.id, content: meetingFormContent(form), createdAt: form.createdAt })
  if (await storeFormOf(deps)({ form: { ...form, idempotencyKey: key, requestHash }, sealEntry })) {
    return { id: form.id, createdAt: form.createdAt, created: true }
  }
  // The key was used before: the conflict waited for that insert to commit, so this sees it.
  const earlier = await findByIdempotencyKey(deps.db, actor.userId, key)
  // cannot happen (see above); if it did, a retry decides
  if (!earlier) throw new ServiceUnavailableError()
  if (earlier.requestHash !== requestHash) throw new ConflictError([{ field: 'idempotencyKey', code: 'key_reused' }])
  return { id: earlier.id, createdAt: earlier.createdAt, created: false }
}
