// A submitted form as stored: the mapping between answers by question id and the columns of
// meeting_forms, and the canonical content that the integrity chain hashes.
import type { Canonical } from '../../lib/canonical-json.js'
import { answerColumns, type AnswerColumn } from './answer-columns.js'
import type { FormDefinition } from './definition-types.js'
import type { AnswerValue, Answers } from './submission-schema.js'

export interface StoredMeetingForm {
  readonly id: string
  readonly teamId: string
  readonly submittedBy: string
  readonly definitionVersion: number
  readonly createdAt: Date
  readonly answers: Answers
  readonly under15: boolean
  readonly adultClient: boolean
  /** The team's areas when the form was filed; reports count the form there for ever. */
  readonly area: FiledArea
}

export interface FiledArea {
  readonly county: string
  readonly police: string
  /** false for forms filed before areas were recorded (filled in from the team afterwards, outside the chain) */
  readonly recordedAtFiling: boolean
}

/** Column values of the answers (month as the first day of the month; unanswered as null). */
export function answersToColumns(definition: FormDefinition, answers: Answers): Record<string, string | number | string[] | null> {
  const columns: Record<string, string | number | string[] | null> = {}
  for (const column of answerColumns(definition)) {
    const value = answers[column.question.id]
    if (value === undefined) columns[column.column] = null
    else if (column.kind === 'month') columns[column.column] = `${String(value)}-01`
    else columns[column.column] = Array.isArray(value) ? [...value] : (value as string | number)
  }
  return columns
}

function columnToAnswer(column: AnswerColumn, value: unknown): AnswerValue | undefined {
  if (value === null || value === undefined) return undefined
  if (column.kind === 'integer') return Number(value)
  if (column.kind === 'codes' && column.array) return (value as string[]).map(String)
  return String(value)
}

/** Answers from a row whose month column was read as YYYY-MM. */
export function columnsToAnswers(definition: FormDefinition, row: Record<string, unknown>): Answers {
  const answers: Record<string, AnswerValue | undefined> = {}
  for (const column of answerColumns(definition)) {
    const value = columnToAnswer(column, row[column.column])
    if (value !== undefined) answers[column.question.id] = value
  }
  return answers
}

/** What the chain hashes for a form: everything stored except the request bookkeeping. */
export function meetingFormContent(form: StoredMeetingForm): Canonical {
  return {
    kind: 'meeting_form',
    id: form.id,
    teamId: form.teamId,
    submittedBy: form.submittedBy,
    definitionVersion: form.definitionVersion,
    createdAt: form.createdAt.toISOString(),
    answers: form.answers as Canonical,
    under15: form.under15,
    adultClient: form.adultClient,
    // forms filed before areas were recorded were hashed without them, and stay so
    ...(form.area.recordedAtFiling ? { area: { county: form.area.county, police: form.area.police } } : {}),
  }
}
