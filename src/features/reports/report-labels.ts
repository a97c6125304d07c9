// Names of what reports count by, in the reader's language: questions and answers from the form
// definition, age and other bands, "not asked", municipalities, counties, police departments, teams.
import { translate, type Lang } from '../../i18n/index.js'
import { findCounty, findMunicipality, findPoliceDepartment, regionName } from '../../regions/index.js'
import { UNKNOWN_MUNICIPALITY } from '../forms/answer-columns.js'
import type { Dimension } from './report-dimensions.js'
import { NOT_ASKED } from './report-dimensions.js'
import type { Category } from './report-table.js'

export function dimensionLabel(dimension: Dimension, lang: Lang): string {
  if (dimension.labels) return dimension.labels[lang]
  return translate(lang, `reports.levels.${dimension.kind === 'single' && dimension.source.type === 'area' ? dimension.source.level : 'country'}`)
}

export function areaName(level: 'county' | 'police' | 'municipality', code: string, lang: Lang): string {
  if (level === 'municipality') {
    if (code === UNKNOWN_MUNICIPALITY) return translate(lang, 'forms.municipality_unknown')
    const municipality = findMunicipality(code)
    return municipality ? regionName(municipality, lang) : code
  }
  const area = level === 'county' ? findCounty(code) : findPoliceDepartment(code)
  return area ? regionName(area, lang) : code
}

/** The label of one code of a dimension; team names come from the caller, who has read them. */
export function codeLabel(dimension: Dimension, code: string, lang: Lang, teamNames: ReadonlyMap<string, string>): string {
  if (code === NOT_ASKED) return translate(lang, 'reports.not_asked')
  if (dimension.kind === 'multiple') return dimension.question.options.find((o) => o.code === code)?.labels[lang] ?? code
  const source = dimension.source
  if (source.type === 'area') return source.level === 'team' ? (teamNames.get(code) ?? code) : areaName(source.level, code, lang)
  const question = source.question
  switch (question.type) {
    case 'single':
      return question.options.find((o) => o.code === code)?.labels[lang] ?? code
    case 'integer':
      return question.bands?.find((b) => b.code === code)?.labels[lang] ?? code
    case 'municipality':
      return areaName('municipality', code, lang)
    default:
      return code
  }
}

export function categoriesOf(dimension: Dimension, codes: readonly string[], lang: Lang, teamNames: ReadonlyMap<string, string>): Category[] {
  const categories = codes.map((code) => ({ code, label: codeLabel(dimension, code, lang, teamNames) }))
  // long lists of places read best alphabetically; answer options keep the definition's order
  if (dimension.kind === 'single' && (dimension.source.type === 'area' || dimension.source.question.type === 'municipality')) {
    const locale = lang === 'sv' ? 'sv' : 'fi'
    categories.sort((a, b) => (a.code === UNKNOWN_MUNICIPALITY ? 1 : b.code === UNKNOWN_MUNICIPALITY ? -1 : a.label.localeCompare(b.label, locale)))
  }
  return categories
}
