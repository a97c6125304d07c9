// What reports can count forms by, derived from the form definition: every reported question becomes
// a dimension with its answer codes in a fixed order (age and other banded numbers by their bands,
// conditional questions with a "not asked" category so that a table adds up to all forms), and the
// questions marked `reportSplit` plus the area levels are what a table may be split by.
import { formDefinition } from '../forms/definition.js'
import type { FormDefinition, Labels, Question } from '../forms/definition-types.js'
import { UNKNOWN_MUNICIPALITY } from '../forms/answer-columns.js'
import { municipalities } from '../../regions/index.js'

/** The category of forms on which a conditional question was not shown. */
export const NOT_ASKED = 'not_asked'

export type AreaLevel = 'team' | 'county' | 'police' | 'municipality'

interface DimensionBase {
  readonly id: string
  readonly labels: Labels | null
}

/** One answer per form: a single choice, a band of a number, a municipality or an area of the team. */
export interface SingleValuedDimension extends DimensionBase {
  readonly kind: 'single'
  /** The question behind it, or the area level of the submitting team. */
  readonly source: { readonly type: 'question'; readonly question: Question } | { readonly type: 'area'; readonly level: AreaLevel }
  /** Fixed codes in display order; areas list theirs at run time. */
  readonly codes: readonly string[]
}

/** Several answers per form: the counts overlap and do not add up to the number of forms. */
export interface MultipleChoiceDimension extends DimensionBase {
  readonly kind: 'multiple'
  readonly question: Question & { readonly type: 'multiple' }
  readonly codes: readonly string[]
}

export type Dimension = SingleValuedDimension | MultipleChoiceDimension

function codesOf(question: Question): readonly string[] {
  const notAsked = question.showWhen ? [NOT_ASKED] : []
  switch (question.type) {
    case 'single':
    case 'multiple':
      return [...question.options.map((o) => o.code), ...(question.type === 'single' ? notAsked : [])]
    case 'integer':
      return [...(question.bands ?? []).map((b) => b.code), ...notAsked]
    case 'municipality':
      return [...municipalities.map((m) => m.code), UNKNOWN_MUNICIPALITY]
    case 'month':
      return []
  }
}

function dimensionOf(question: Question): Dimension | undefined {
  if (!question.reported || question.type === 'month') return undefined
  if (question.type === 'integer' && !question.bands) return undefined
  if (question.type === 'multiple') return { kind: 'multiple', id: question.id, labels: question.labels, question, codes: codesOf(question) }
  return { kind: 'single', id: question.id, labels: question.labels, source: { type: 'question', question }, codes: codesOf(question) }
}

export function questionDimensions(definition: FormDefinition = formDefinition): Dimension[] {
  return definition.questions.flatMap((q) => dimensionOf(q) ?? [])
}

const AREA_SPLITS: readonly AreaLevel[] = ['team', 'county', 'police']

export function areaDimension(level: AreaLevel): SingleValuedDimension {
  const codes = level === 'municipality' ? [...municipalities.map((m) => m.code), UNKNOWN_MUNICIPALITY] : []
  return { kind: 'single', id: level, labels: null, source: { type: 'area', level }, codes }
}

/** What a question's table may be split by: the marked single-valued questions, then the team's areas. */
export function splitDimensions(definition: FormDefinition = formDefinition): SingleValuedDimension[] {
  const questions = definition.questions
    .filter((q) => q.reportSplit)
    .flatMap((q) => {
      const dimension = dimensionOf(q)
      return dimension?.kind === 'single' ? [dimension] : []
    })
  return [...questions, ...AREA_SPLITS.map(areaDimension)]
}

export function findQuestionDimension(id: string): Dimension | undefined {
  return questionDimensions().find((d) => d.id === id)
}

export function findSplitDimension(id: string): SingleValuedDimension | undefined {
  return splitDimensions().find((d) => d.id === id)
}
