// The codebook: every question of the form definition and every code its answers and report
// categories can take, with Finnish, Swedish and English labels and the definition versions a code
// is valid in. Generated from the definition, like every other use of the form.
import { formDefinition } from '../forms/definition.js'
import type { FormDefinition, Labels, Question } from '../forms/definition-types.js'
import { UNKNOWN_MUNICIPALITY } from '../forms/answer-columns.js'
import { dictionaries } from '../../i18n/index.js'
import { municipalities } from '../../regions/index.js'
import { NOT_ASKED } from '../reports/report-dimensions.js'

export const CODEBOOK_COLUMNS = [
  'question',
  'question_fi',
  'question_sv',
  'question_en',
  'type',
  'shown_when',
  'code',
  'label_fi',
  'label_sv',
  'label_en',
  'valid_from_version',
  'valid_until_version',
] as const

export type CodebookRow = Record<(typeof CODEBOOK_COLUMNS)[number], string | number | null>

function translated(path: string): Labels {
  const lookup = (lang: 'fi' | 'sv' | 'en') => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], dictionaries[lang])
  return { fi: String(lookup('fi')), sv: String(lookup('sv')), en: String(lookup('en')) }
}

function codesOf(question: Question): { code: string; labels: Labels; from: number; until: number | null }[] {
  const notAsked = question.showWhen ? [{ code: NOT_ASKED, labels: translated('reports.not_asked'), from: 1, until: null }] : []
  switch (question.type) {
    case 'single':
    case 'multiple':
      return [
        ...question.options.map((o) => ({ code: o.code, labels: o.labels, from: 1, until: o.retiredInVersion === undefined ? null : o.retiredInVersion - 1 })),
        ...notAsked,
      ]
    case 'integer':
      // the stored value is the number itself; reports group it by these bands
      return [
        { code: `${question.min}..${question.max}`, labels: { fi: 'Kokonaisluku', sv: 'Heltal', en: 'Whole number' }, from: 1, until: null },
        ...(question.bands ?? []).map((b) => ({ code: b.code, labels: b.labels, from: 1, until: null })),
        ...notAsked,
      ]
    case 'municipality':
      return [
        ...municipalities.map((m) => ({ code: m.code, labels: { fi: m.nameFi, sv: m.nameSv, en: m.nameFi }, from: 1, until: null })),
        { code: UNKNOWN_MUNICIPALITY, labels: translated('forms.municipality_unknown'), from: 1, until: null },
      ]
    case 'month':
      return [{ code: 'YYYY-MM', labels: { fi: 'Vuosi ja kuukausi', sv: 'År och månad', en: 'Year and month' }, from: 1, until: null }]
  }
}

export function codebookRows(definition: FormDefinition = formDefinition): CodebookRow[] {
  return definition.questions.flatMap((question) =>
    codesOf(question).map((code) => ({
      question: question.id,
      question_fi: question.labels.fi,
      question_sv: question.labels.sv,
      question_en: question.labels.en,
      type: question.type,
      shown_when: question.showWhen ? `${question.showWhen.question} = ${question.showWhen.anyOf.join(' | ')}` : null,
      code: code.code,
      label_fi: code.labels.fi,
      label_sv: code.labels.sv,
      label_en: code.labels.en,
      valid_from_version: code.from,
      valid_until_version: code.until,
    })),
  )
}
