// The statistics form as pages: one step per section of the definition, its questions labelled in
// the page's language, with the answers so far and the field errors in place, each error worded for
// its kind of question. Also reads an HTML form body back into answers, and describes answers in
// words (with units, and the step to change each on) for the review and the read-only view.
import type { FieldError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { translate } from '../../i18n/index.js'
import { municipalities, regionName } from '../../regions/index.js'
import { UNKNOWN_MUNICIPALITY } from './answer-columns.js'
import type { FormDefinition, Labels, Question, SectionId } from './definition-types.js'
import { monthsBack } from '../../lib/months.js'
import { activeCodes, ANSWER_MAX_LENGTH, EARLIEST_MONTH, isShown, type AnswerValue, type Answers } from './submission-schema.js'

export const label = (labels: Labels, lang: Lang): string => labels[lang]

interface OptionView {
  code: string
  label: string
  selected: boolean
}

export interface QuestionView {
  id: string
  type: Question['type']
  label: string
  help: string | undefined
  error: string | undefined
  /** The options; with optionGroups, only those outside the groups (e.g. "not known / abroad"), listed first. */
  options: OptionView[]
  /** For the municipality: the team's own first, then all the others. */
  optionGroups?: { label: string; options: OptionView[] }[]
  value: string
  min?: number
  max?: number
  showWhenQuestion?: string
  showWhenAnyOf?: string
  isSingle: boolean
  isMultiple: boolean
  isInteger: boolean
  isSelect: boolean
  isMunicipality: boolean
}

const MONTH_NAMES: Record<Lang, string[]> = {
  fi: ['tammikuu', 'helmikuu', 'maaliskuu', 'huhtikuu', 'toukokuu', 'kesäkuu', 'heinäkuu', 'elokuu', 'syyskuu', 'lokakuu', 'marraskuu', 'joulukuu'],
  sv: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
}

export function monthLabel(month: string, lang: Lang): string {
  const [year, m] = month.split('-')
  return `${MONTH_NAMES[lang][Number(m) - 1] ?? m} ${year}`
}

function municipalityOptions(lang: Lang): { code: string; label: string }[] {
  const locale = { fi: 'fi', sv: 'sv', en: 'fi' }[lang]
  const named = municipalities.map((m) => ({ code: m.code, label: regionName(m, lang) }))
  named.sort((a, b) => a.label.localeCompare(b.label, locale))
  return [{ code: UNKNOWN_MUNICIPALITY, label: translate(lang, 'forms.municipality_unknown') }, ...named]
}

/** The team's own municipalities first, then the rest, each group in alphabetical order. */
function municipalityGroups(lang: Lang, teamMunicipalities: readonly string[], chosen: ReadonlySet<string>) {
  const own = new Set(teamMunicipalities)
  const named = municipalityOptions(lang).filter((o) => o.code !== UNKNOWN_MUNICIPALITY)
  const option = (o: { code: string; label: string }): OptionView => ({ ...o, selected: chosen.has(o.code) })
  const groups = [
    { label: translate(lang, 'forms.team_municipalities'), options: named.filter((o) => own.has(o.code)).map(option) },
    { label: translate(lang, 'forms.all_municipalities'), options: named.filter((o) => !own.has(o.code)).map(option) },
  ]
  return groups.filter((g) => g.options.length > 0)
}

function optionsOf(question: Question, lang: Lang, currentMonth: string): { code: string; label: string }[] {
  switch (question.type) {
    case 'single':
    case 'multiple': {
      const active = new Set(activeCodes(question))
      return question.options.filter((o) => active.has(o.code)).map((o) => ({ code: o.code, label: label(o.labels, lang) }))
    }
    case 'municipality':
      return municipalityOptions(lang)
    case 'month':
      return monthsBack(currentMonth, 1200, EARLIEST_MONTH).map((m) => ({ code: m, label: monthLabel(m, lang) }))
    case 'integer':
      return []
  }
}

/** What the page says about one question's error: worded for the kind of question where it helps. */
export function errorMessage(question: Question, code: string, lang: Lang, answers: Record<string, unknown>): string {
  if (code === 'required' || (code === 'invalid_choice' && question.type !== 'multiple')) {
    if (question.type === 'single') return translate(lang, 'validation.choose_one')
    if (question.type === 'multiple') return translate(lang, 'validation.choose_at_least_one')
    if (question.type === 'municipality' || question.type === 'month') return translate(lang, 'validation.choose_from_list')
  }
  if (question.type === 'integer' && ['required', 'invalid_number', 'too_small', 'too_big'].includes(code)) {
    return translate(lang, 'validation.number_between', { min: question.min, max: question.max })
  }
  if (code === 'exclusive_choice' && question.type === 'multiple') {
    const chosen = answers[question.id]
    const exclusive = question.options.find((o) => o.exclusive && Array.isArray(chosen) && chosen.includes(o.code))
    if (exclusive) return translate(lang, 'validation.exclusive_choice_named', { option: label(exclusive.labels, lang) })
  }
  return translate(lang, `validation.${code}`)
}

export interface FormViewOptions {
  /** Only this step's questions (a section id); all sections when absent. */
  readonly step?: SectionId
  /** The team's municipalities, offered first in the home municipality choice. */
  readonly teamMunicipalities?: readonly string[]
}

export function buildFormView(
  definition: FormDefinition,
  lang: Lang,
  values: Record<string, unknown>,
  errors: readonly FieldError[],
  currentMonth: string,
  options: FormViewOptions = {},
) {
  const errorOf = (id: string) => errors.find((e) => e.field === id)?.code
  const sectionOf = new Map(definition.questions.map((q) => [q.id, q.section]))
  const sections = options.step ? definition.sections.filter((s) => s.id === options.step) : definition.sections
  return sections.map((section) => ({
    id: section.id,
    label: label(section.labels, lang),
    questions: definition.questions
      .filter((q) => q.section === section.id)
      // a question that an answer on an earlier step rules out is not asked on this one
      .filter((q) => !(q.showWhen && sectionOf.get(q.showWhen.question) !== section.id && isShown(definition, q, values) === false))
      .map((question): QuestionView => {
        const raw = values[question.id]
        const chosen = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String))
        const code = errorOf(question.id)
        const sameStep = question.showWhen && sectionOf.get(question.showWhen.question) === section.id
        const municipality = question.type === 'municipality' && (options.teamMunicipalities?.length ?? 0) > 0
        const choices = optionsOf(question, lang, currentMonth).map((o) => ({ ...o, selected: chosen.has(o.code) }))
        return {
          id: question.id,
          type: question.type,
          label: label(question.labels, lang),
          help: question.help ? label(question.help, lang) : undefined,
          error: code ? errorMessage(question, code, lang, values) : undefined,
          options: municipality ? choices.filter((o) => o.code === UNKNOWN_MUNICIPALITY) : choices,
          ...(municipality ? { optionGroups: municipalityGroups(lang, options.teamMunicipalities ?? [], chosen) } : {}),
          value: raw === undefined || Array.isArray(raw) ? '' : String(raw),
          ...(question.type === 'integer' ? { min: question.min, max: question.max } : {}),
          // the page's script shows and hides a follow-up whose question is on the same step
          ...(question.showWhen && (sameStep || !options.step) ? { showWhenQuestion: question.showWhen.question, showWhenAnyOf: question.showWhen.anyOf.join(' ') } : {}),
          isSingle: question.type === 'single',
          isMultiple: question.type === 'multiple',
          isInteger: question.type === 'integer',
          isSelect: question.type === 'municipality' || question.type === 'month',
          isMunicipality: question.type === 'municipality',
        }
      }),
  }))
}

/**
 * Answers from an HTML form body, for the given questions (all by default): empty fields are
 * unanswered, a repeated field is a list, whole numbers become numbers (anything else is kept as
 * typed so validation names it).
 */
export function parseFormAnswers(
  definition: FormDefinition,
  body: Record<string, unknown>,
  questions: readonly Question[] = definition.questions,
): Record<string, AnswerValue> {
  const answers: Record<string, AnswerValue> = {}
  for (const question of questions) {
    const raw = body[question.id]
    // a form body holds text; from a JSON body anything else is left out
    const values: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
    // A draft keeps whatever was given until the step is checked, so nothing kept is larger than
    // validation needs to say what is wrong with it: one character too long, one choice too many.
    const limit = question.type === 'multiple' ? question.options.length + 1 : 1
    const list = values
      .slice(0, limit)
      .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim().slice(0, ANSWER_MAX_LENGTH + 1) : ''))
      .filter((v) => v !== '')
    if (list.length === 0) continue
    if (question.type === 'multiple') answers[question.id] = list
    else if (question.type === 'integer') answers[question.id] = /^\d{1,6}$/.test(list[0]!) ? Number(list[0]) : list[0]!
    else answers[question.id] = list[0]!
  }
  return answers
}

/** Drops the answers to questions that the other answers hide, as the page's script would have hidden them. */
export function withoutHiddenAnswers(definition: FormDefinition, answers: Record<string, AnswerValue>): Record<string, AnswerValue> {
  const kept = { ...answers }
  for (const question of definition.questions) {
    if (isShown(definition, question, kept) === false) delete kept[question.id]
  }
  return kept
}

/** A number in its unit, e.g. "5 working days" ("1 working day"). */
function withUnit(question: Question, value: AnswerValue, lang: Lang): string {
  if (question.type !== 'integer' || !question.unit || typeof value !== 'number') return String(value)
  const form = new Intl.PluralRules(lang).select(value) === 'one' ? question.unit.one : question.unit.other
  return `${value} ${label(form, lang)}`
}

/** Each answered question with its answer in words, section by section, for review and reading. */
export function describeAnswers(definition: FormDefinition, lang: Lang, answers: Answers, currentMonth: string) {
  return definition.sections.map((section) => ({
    id: section.id,
    label: label(section.labels, lang),
    answers: definition.questions
      .filter((q) => q.section === section.id && answers[q.id] !== undefined)
      .map((question) => {
        const value = answers[question.id]!
        const options = new Map(optionsOf(question, lang, currentMonth).map((o) => [o.code, o.label]))
        if (question.type === 'single' || question.type === 'multiple') {
          for (const o of question.options) options.set(o.code, label(o.labels, lang)) // retired codes too
        }
        const words =
          question.type === 'integer'
            ? [withUnit(question, value, lang)]
            : question.type === 'month'
              ? [monthLabel(String(value), lang)]
              : (Array.isArray(value) ? value : [String(value)]).map((code) => options.get(code) ?? code)
        return { id: question.id, step: section.id, question: label(question.labels, lang), answer: words }
      }),
  }))
}
