// How each question of the form definition is stored: its column, SQL type and the values the
// database accepts. The repository maps answers with it, and a test compares it with the CHECK
// constraints of meeting_forms, so the definition and the database cannot drift apart.
import type { FormDefinition, Question } from './definition-types.js'

export type AnswerColumn =
  | { kind: 'codes'; question: Question; column: string; codes: readonly string[]; array: boolean }
  | { kind: 'integer'; question: Question; column: string; min: number; max: number }
  | { kind: 'municipality'; question: Question; column: string }
  | { kind: 'month'; question: Question; column: string }

/** Every code ever defined for a question, retired ones included: old forms keep them. */
export function storedCodes(question: Question): readonly string[] {
  return question.type === 'single' || question.type === 'multiple' ? question.options.map((o) => o.code) : []
}

export function answerColumns(definition: FormDefinition): AnswerColumn[] {
  return definition.questions.map((question): AnswerColumn => {
    switch (question.type) {
      case 'single':
      case 'multiple':
        return { kind: 'codes', question, column: question.column, codes: storedCodes(question), array: question.type === 'multiple' }
      case 'integer':
        return { kind: 'integer', question, column: question.column, min: question.min, max: question.max }
      case 'municipality':
        return { kind: 'municipality', question, column: question.column }
      case 'month':
        return { kind: 'month', question, column: question.column }
    }
  })
}

/** The answer code of a home municipality that is not known or is abroad. */
export const UNKNOWN_MUNICIPALITY = 'unknown'
