// The zod schema of a statistics form submission, generated from the form definition: types,
// codes and bounds per question, then the rules across questions (show-when, exclusive options,
// derived age fields). Every bad field is reported at once, each with a reason code.
import { z } from 'zod'
import { findMunicipality } from '../../regions/index.js'
import { monthOf } from '../../lib/months.js'
import { UNKNOWN_MUNICIPALITY } from './answer-columns.js'
import type { FormDefinition, Question } from './definition-types.js'

export type AnswerValue = string | number | readonly string[]
/** Answers by question id; a question that is not shown has no answer. */
export type Answers = Readonly<Record<string, AnswerValue | undefined>>

export const EARLIEST_MONTH = '2020-01'
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/
/** Answers are codes (the longest a few dozen characters): anything longer is refused at once. */
export const ANSWER_MAX_LENGTH = 64
const code = () => z.string('invalid_choice').max(ANSWER_MAX_LENGTH, 'too_long')

/** The options a new form may use (retired ones stay valid only for old forms). */
export function activeCodes(question: Question): string[] {
  if (question.type !== 'single' && question.type !== 'multiple') return []
  return question.options.filter((o) => o.retiredInVersion === undefined).map((o) => o.code)
}


function answerSchema(question: Question, currentMonth: () => string): z.ZodType<AnswerValue> {
  switch (question.type) {
    case 'single': {
      const codes = activeCodes(question)
      return code().refine((v) => codes.includes(v), 'invalid_choice')
    }
    case 'multiple': {
      const codes = activeCodes(question)
      return z
        .array(code().refine((v) => codes.includes(v), 'invalid_choice'), 'invalid_choice')
        .min(question.minSelected, 'required')
        .max(codes.length, 'too_many_items')
        .refine((list) => new Set(list).size === list.length, 'duplicate_choice')
    }
    case 'integer':
      return z
        .number('invalid_number')
        .int('invalid_number')
        .min(question.min, 'too_small')
        .max(question.max, 'too_big')
    case 'municipality':
      return code().refine((v) => v === UNKNOWN_MUNICIPALITY || findMunicipality(v) !== undefined, 'invalid_choice')
    case 'month':
      return z
        .string('invalid_month')
        .max(ANSWER_MAX_LENGTH, 'invalid_month')
        .regex(MONTH, 'invalid_month')
        .refine((v) => v >= EARLIEST_MONTH, 'month_too_early')
        .refine((v) => v <= currentMonth(), 'month_in_future')
  }
}

function answerGiven(value: unknown): boolean {
  return value !== undefined && value !== null
}

/** Whether a question is shown, given the answers; undefined when that cannot be known yet. */
export function isShown(definition: FormDefinition, question: Question, answers: Record<string, unknown>): boolean | undefined {
  if (!question.showWhen) return true
  const controlling = definition.questions.find((q) => q.id === question.showWhen?.question)
  const value = answers[question.showWhen.question]
  if (!controlling || !answerGiven(value)) return undefined
  // only text and numbers can be codes; anything else chooses nothing (validation names it)
  const chosen: unknown[] = Array.isArray(value) ? value : [value]
  return chosen.some((code) => (typeof code === 'string' || typeof code === 'number') && question.showWhen?.anyOf.includes(String(code)))
}

export interface SubmissionSchemaOptions {
  /** The current month as YYYY-MM (from the service's clock): no meeting is in the future. */
  currentMonth?: () => string
}

export function buildSubmissionSchema(definition: FormDefinition, options: SubmissionSchemaOptions = {}) {
  const currentMonth = options.currentMonth ?? (() => monthOf(new Date()))
  const shape: Record<string, z.ZodType> = {}
  for (const question of definition.questions) shape[question.id] = answerSchema(question, currentMonth).optional()
  // Derived from age by the service; a client may send them, but never contradicting the age.
  shape.under15 = z.boolean('invalid').optional()
  shape.adultClient = z.boolean('invalid').optional()

  return z
    .strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_body') })
    .superRefine(
      (answers: Record<string, unknown>, ctx) => {
        for (const question of definition.questions) {
          const shown = isShown(definition, question, answers)
          const given = answerGiven(answers[question.id])
          if (shown === true && question.required && !given) {
            ctx.addIssue({ code: 'custom', path: [question.id], message: 'required' })
          } else if (shown === false && given) {
            ctx.addIssue({ code: 'custom', path: [question.id], message: 'not_applicable' })
          }
          if (question.type === 'multiple' && Array.isArray(answers[question.id])) {
            const chosen = answers[question.id] as string[]
            const exclusive = question.options.find((o) => o.exclusive && chosen.includes(o.code))
            if (exclusive && chosen.length > 1) ctx.addIssue({ code: 'custom', path: [question.id], message: 'exclusive_choice' })
          }
        }
        const age = answers.age
        const ageQuestion = definition.questions.find((q) => q.id === 'age')
        const ageValid = typeof age === 'number' && Number.isInteger(age) && ageQuestion?.type === 'integer' && age >= ageQuestion.min && age <= ageQuestion.max
        if (ageValid) {
          if (answers.under15 !== undefined && answers.under15 !== age < 15) ctx.addIssue({ code: 'custom', path: ['under15'], message: 'contradicts_age' })
          if (answers.adultClient !== undefined && answers.adultClient !== age >= 18) ctx.addIssue({ code: 'custom', path: ['adultClient'], message: 'contradicts_age' })
        }
      },
      // Run the cross-question rules even when a single answer is already wrong, so every problem is named at once.
      { when: () => true },
    )
}

/** A valid submission, its answers in definition order, multiple choices in option order. */
export interface Submission {
  readonly answers: Answers
  readonly under15: boolean
  readonly adultClient: boolean
}

export function toSubmission(definition: FormDefinition, parsed: Record<string, unknown>): Submission {
  const answers: Record<string, AnswerValue | undefined> = {}
  for (const question of definition.questions) {
    const value = parsed[question.id] as AnswerValue | undefined
    if (value === undefined) continue
    answers[question.id] =
      question.type === 'multiple' && Array.isArray(value)
        ? question.options.map((o) => o.code).filter((code) => value.includes(code))
        : value
  }
  const age = Number(answers.age)
  return { answers, under15: age < 15, adultClient: age >= 18 }
}
