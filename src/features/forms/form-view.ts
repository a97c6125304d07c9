// The statistics form as a page: sections and questions from the definition, labelled in the
// page's language, with the typed answers and the field errors in place. Also reads an HTML form
// body back into answers.
import type { FieldError } from '../../errors.js'
import type { Lang } from '../../i18n/index.js'
import { translate } from '../../i18n/index.js'
import { municipalities, regionName } from '../../regions/index.js'
import { UNKNOWN_MUNICIPALITY } from './answer-columns.js'
import type { FormDefinition, Labels, Question } from './definition-types.js'
import { monthsBack } from '../../lib/months.js'
import { activeCodes, EARLIEST_MONTH, isShown, type AnswerValue, type Answers } from './submission-schema.js'

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
  options: OptionView[]
  value: string
  min?: number
  max?: number
  showWhenQuestion?: string
  showWhenAnyOf?: string
  isSingle: boolean
  isMultiple: boolean
  isInteger: boolean
  isSelect: boolean
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

export function buildFormView(
  definition: FormDefinition,
  lang: Lang,
  values: Record<string, unknown>,
  errors: readonly FieldError[],
  currentMonth: string,
) {
  const errorOf = (id: string) => errors.find((e) => e.field === id)?.code
  return definition.sections.map((section) => ({
    id: section.id,
    label: label(section.labels, lang),
    questions: definition.questions
      .filter((q) => q.section === section.id)
      .map((question): QuestionView => {
        const raw = values[question.id]
        const chosen = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String))
        const code = errorOf(question.id)
        return {
          id: question.id,
          type: question.type,
          label: label(question.labels, lang),
          help: question.help ? label(question.help, lang) : undefined,
          error: code ? translate(lang, `validation.${code}`) : undefined,
          options: optionsOf(question, lang, currentMonth).map((o) => ({ ...o, selected: chosen.has(o.code) })),
          value: raw === undefined || Array.isArray(raw) ? '' : String(raw),
          ...(question.type === 'integer' ? { min: question.min, max: question.max } : {}),
          ...(question.showWhen ? { showWhenQuestion: question.showWhen.question, showWhenAnyOf: question.showWhen.anyOf.join(' ') } : {}),
          isSingle: question.type === 'single',
          isMultiple: question.type === 'multiple',
          isInteger: question.type === 'integer',
          isSelect: question.type === 'municipality' || question.type === 'month',
        }
      }),
  }))
}

/**
 * Answers from an HTML form body: empty fields are unanswered, a repeated field is a list, whole
 * numbers become numbers (anything else is kept as typed so validation names it), and answers to
 * questions that the other answers hide are dropped, as the page's script would have hidden them.
 */
export function answersFromFormBody(definition: FormDefinition, body: Record<string, unknown>): Record<string, AnswerValue> {
  const answers: Record<string, AnswerValue> = {}
  for (const question of definition.questions) {
    const raw = body[question.id]
    // a form body holds text; from a JSON body anything else is left out
    const values: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
    const list = values.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '')).filter((v) => v !== '')
    if (list.length === 0) continue
    if (question.type === 'multiple') answers[question.id] = list
    else if (question.type === 'integer') answers[question.id] = /^\d{1,6}$/.test(list[0]!) ? Number(list[0]) : list[0]!
    else answers[question.id] = list[0]!
  }
  for (const question of definition.questions) {
    if (isShown(definition, question, answers) === false) delete answers[question.id]
  }
  return answers
}

/** The answers as hidden fields for the review page's form, which sends them on unchanged. */
export function hiddenFields(answers: Answers): { name: string; value: string }[] {
  return Object.entries(answers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: String(v) })),
  )
}

/** Each answered question with its answer in words, section by section, for review and reading. */
export function describeAnswers(definition: FormDefinition, lang: Lang, answers: Answers, currentMonth: string) {
  return definition.sections.map((section) => ({
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
            ? [String(value)]
            : question.type === 'month'
              ? [monthLabel(String(value), lang)]
              : (Array.isArray(value) ? value : [String(value)]).map((code) => options.get(code) ?? code)
        return { question: label(question.labels, lang), answer: words }
      }),
  }))
}
