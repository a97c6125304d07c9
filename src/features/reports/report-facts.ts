// What one form adds to the running report totals: one fact per answer of every reported question
// (each chosen option of a multiple choice, plus "asked" when it was shown), the form itself, under
// 15 or not, and the response time; each fact for its team (report_counts) and, for the whole
// country, once per stored split answer (report_split_counts).
// Derived from the form definition, like every other report breakdown.
import { createHash } from 'node:crypto'
import { formDefinition } from '../forms/definition.js'
import type { Answers } from '../forms/submission-schema.js'
import { NOT_ASKED, questionDimensions, type Dimension } from './report-dimensions.js'

/** Raised whenever factsOf() changes what a fact means; the definition's shape counts by itself (below). */
const FACTS_VERSION = 1

/** Single-valued questions the totals are also kept split by (besides the kind of meeting, a column). */
export const STORED_SPLITS = ['gender', 'age', 'clientRole', 'referredOnward', 'homeMunicipality'] as const

export const FACT_FORMS = '*forms'
export const FACT_UNDER_15 = '*under15'
export const FACT_RESPONSE_DAYS = '*responseDays'
/** The code counting the forms a multiple-choice question was shown on. */
export const ASKED = '*asked'

export interface FactForm {
  readonly teamId: string
  readonly answers: Answers
  readonly under15: boolean
}

export interface Fact {
  readonly dimension: string
  readonly code: string
}

/** The answer code of a single-valued dimension for one form (a band for a number, "not asked" when not shown). */
export function singleCode(dimension: Dimension & { kind: 'single' }, answers: Answers): string {
  const source = dimension.source
  if (source.type !== 'question') throw new Error('areas are not answers')
  const value = answers[source.question.id]
  if (value === undefined) return NOT_ASKED
  if (source.question.type === 'integer') {
    const band = source.question.bands?.find((b) => Number(value) >= b.from && Number(value) <= b.to)
    return band?.code ?? NOT_ASKED
  }
  return String(value)
}

const dimensions = questionDimensions(formDefinition)
const splitDimensions = STORED_SPLITS.map((id) => {
  const dimension = dimensions.find((d) => d.id === id)
  if (!dimension || dimension.kind !== 'single') throw new Error(`stored split ${id} is not a single-valued reported question`)
  return dimension
})

/**
 * Which layout the running totals are built in: the facts version plus the shape of the reported
 * questions (their ids, kinds and bands) and the stored splits. When any of them changes, the
 * totals are rebuilt from the forms at the next start, so that they never follow an old layout.
 */
export const REPORT_COUNTS_LAYOUT: number = (() => {
  const shape = JSON.stringify({
    facts: FACTS_VERSION,
    splits: STORED_SPLITS,
    dimensions: dimensions.map((d) => [d.id, d.kind, d.kind === 'single' && d.source.type === 'question' && d.source.question.type === 'integer' ? d.source.question.bands : null]),
  })
  // a positive 28-bit number: the builds table keys it as an integer
  return 1 + Number.parseInt(createHash('sha256').update(shape).digest('hex').slice(0, 7), 16)
})()

export function factsOf(form: FactForm): Fact[] {
  const facts: Fact[] = [
    { dimension: FACT_FORMS, code: 'all' },
    { dimension: FACT_UNDER_15, code: form.under15 ? 'yes' : 'no' },
  ]
  const days = form.answers.responseTimeDays
  if (days !== undefined) facts.push({ dimension: FACT_RESPONSE_DAYS, code: String(days) })
  for (const dimension of dimensions) {
    if (dimension.kind === 'single') {
      facts.push({ dimension: dimension.id, code: singleCode(dimension, form.answers) })
      continue
    }
    const chosen = form.answers[dimension.id]
    if (chosen === undefined) continue
    facts.push({ dimension: dimension.id, code: ASKED })
    for (const code of chosen as readonly string[]) facts.push({ dimension: dimension.id, code })
  }
  return facts
}

/** The stored splits' answers of a form, which its facts are also counted under nationally. */
export function splitsOf(form: FactForm): { split: string; code: string }[] {
  return splitDimensions.map((d) => ({ split: d.id, code: singleCode(d, form.answers) }))
}
