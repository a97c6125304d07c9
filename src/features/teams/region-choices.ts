// The choices of a team form (police departments, wellbeing counties, municipalities grouped by
// county), named in the page's language: the team pages and the first-run set-up page share them.
import { translate, type Lang } from '../../i18n/index.js'
import { ALAND_MUNICIPALITY_CODES, findMunicipality, municipalitiesOfCounty, policeDepartments, regionName, wellbeingCounties } from '../../regions/index.js'

/** Choices for the team form, named in the page's language; municipalities grouped by county. */
export function regionChoices(lang: Lang, selected: readonly string[]) {
  const chosen = new Set(selected)
  const group = (code: string, name: string, members: { code: string; name: string }[]) => {
    const municipalities = members.map((m) => ({ ...m, checked: chosen.has(m.code) }))
    return { code, name, municipalities, open: municipalities.some((m) => m.checked) }
  }
  const counties = wellbeingCounties.map((county) =>
    group(county.code, regionName(county, lang), municipalitiesOfCounty(county.code).map((m) => ({ code: m.code, name: regionName(m, lang) }))),
  )
  const aland = ALAND_MUNICIPALITY_CODES.flatMap((code) => {
    const m = findMunicipality(code)
    return m ? [{ code, name: regionName(m, lang) }] : []
  })
  return {
    policeDepartmentOptions: policeDepartments.map((d) => ({ value: d.code, label: regionName(d, lang) })),
    countyOptions: wellbeingCounties.map((c) => ({ value: c.code, label: regionName(c, lang) })),
    municipalityGroups: [...counties, group('aland', translate(lang, 'teams.aland'), aland)],
  }
}
