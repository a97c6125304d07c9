// The shape of the statistics form definition: questions, answer codes with labels in three
// languages, sections, show-when rules and bounds. The definition itself is data
// (definition.ts); validation, pages, database constraints, reports and exports are derived from it.

export interface Labels {
  readonly fi: string
  readonly sv: string
  readonly en: string
}

/** The form's sections, in order; each is one step of the form on the page. */
export const SECTION_IDS = ['meeting', 'background', 'service', 'impact'] as const
export type SectionId = (typeof SECTION_IDS)[number]

export interface Section {
  readonly id: SectionId
  readonly labels: Labels
}

export interface AnswerOption {
  /** Stable code stored in the database and exports; never reused for another meaning. */
  readonly code: string
  readonly labels: Labels
  /** Set when the option may no longer be chosen; old forms keep it. */
  readonly retiredInVersion?: number
  /** In a multiple choice, an option that excludes every other (e.g. "no further measures"). */
  readonly exclusive?: boolean
}

/** Shown (and required, when required) only when another question's answer is one of `anyOf`. */
export interface ShowWhen {
  readonly question: string
  readonly anyOf: readonly string[]
}

interface QuestionBase {
  /** camelCase id used in the API and the HTML form. */
  readonly id: string
  /** snake_case column in meeting_forms. */
  readonly column: string
  readonly section: SectionId
  readonly labels: Labels
  readonly help?: Labels
  /** Required whenever the question is shown. */
  readonly required: boolean
  readonly showWhen?: ShowWhen
  /** Whether reports offer a breakdown by this question. */
  readonly reported: boolean
  /** Whether reports may split another question's table by this one (single-valued questions only). */
  readonly reportSplit?: boolean
}

export interface SingleChoiceQuestion extends QuestionBase {
  readonly type: 'single'
  readonly options: readonly AnswerOption[]
}

export interface MultipleChoiceQuestion extends QuestionBase {
  readonly type: 'multiple'
  readonly options: readonly AnswerOption[]
  /** At least this many options when the question is shown and required (usually 1). */
  readonly minSelected: number
}

export interface IntegerQuestion extends QuestionBase {
  readonly type: 'integer'
  readonly min: number
  readonly max: number
  /** The unit a number is read in ("5 working days"): the singular for 1, the plural otherwise. */
  readonly unit?: { readonly one: Labels; readonly other: Labels }
  /** Report groups: [from, to] inclusive ranges with labels, e.g. age groups. */
  readonly bands?: readonly { readonly code: string; readonly from: number; readonly to: number; readonly labels: Labels }[]
}

/** One of Finland's municipalities (code from the regions module), or `unknown` (not known / abroad). */
export interface MunicipalityQuestion extends QuestionBase {
  readonly type: 'municipality'
}

/** Year and month only (YYYY-MM): the report period. Never a day. */
export interface MonthQuestion extends QuestionBase {
  readonly type: 'month'
}

export type Question = SingleChoiceQuestion | MultipleChoiceQuestion | IntegerQuestion | MunicipalityQuestion | MonthQuestion

export interface FormDefinition {
  /** Raised whenever a question or an option changes; each submission records it. */
  readonly version: number
  readonly sections: readonly Section[]
  readonly questions: readonly Question[]
}
