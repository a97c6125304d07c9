// The statistics form in steps: one step per section of the definition, then the review. Which step
// comes before and after, which questions a step asks, a step's answers put in place among the
// answers so far, and the errors that belong on a step.
import type { FieldError } from '../../errors.js'
import type { FormDefinition, Question, SectionId } from './definition-types.js'
import { parseFormAnswers, withoutHiddenAnswers } from './form-view.js'
import type { AnswerValue } from './submission-schema.js'

export const REVIEW = 'review'

export function stepIds(definition: FormDefinition): SectionId[] {
  return definition.sections.map((s) => s.id)
}

export function isStep(definition: FormDefinition, id: unknown): id is SectionId {
  return typeof id === 'string' && stepIds(definition).includes(id as SectionId)
}

export function questionsOnStep(definition: FormDefinition, step: SectionId): Question[] {
  return definition.questions.filter((q) => q.section === step)
}

/** The step before (undefined on the first) and after (the review after the last). */
export function neighbours(definition: FormDefinition, step: SectionId): { previous: SectionId | undefined; next: SectionId | typeof REVIEW } {
  const ids = stepIds(definition)
  const at = ids.indexOf(step)
  return { previous: ids[at - 1], next: ids[at + 1] ?? REVIEW }
}

/**
 * The answers so far with this step's answers from the page in place of the step's earlier ones
 * (a question left empty is unanswered now), without answers that the others now rule out.
 */
export function withStepAnswers(
  definition: FormDefinition,
  saved: Record<string, unknown>,
  step: SectionId,
  body: Record<string, unknown>,
): Record<string, AnswerValue> {
  const onStep = questionsOnStep(definition, step)
  const stepIdsSet = new Set(onStep.map((q) => q.id))
  const kept = parseFormAnswers(
    definition,
    saved,
    definition.questions.filter((q) => !stepIdsSet.has(q.id)),
  )
  return withoutHiddenAnswers(definition, { ...kept, ...parseFormAnswers(definition, body, onStep) })
}

/** The errors about this step's questions, out of a check of the whole form. */
export function errorsOnStep(definition: FormDefinition, errors: readonly FieldError[], step: SectionId): FieldError[] {
  const ids = new Set(questionsOnStep(definition, step).map((q) => q.id))
  return errors.filter((e) => ids.has(e.field.split('.')[0] ?? ''))
}

/** The first step with an error, or undefined when every error is about something else (or none). */
export function firstStepWithErrors(definition: FormDefinition, errors: readonly FieldError[]): SectionId | undefined {
  return stepIds(definition).find((step) => errorsOnStep(definition, errors, step).length > 0)
}
