// Public face of the regions module: municipalities, wellbeing services counties and police departments, and
// the lookups between them. Codes are exact strings ("091", "04", "helsinki"); nothing is padded or guessed.
import { municipalities, type Municipality } from './municipalities.js'
import {
  policeDepartmentByCounty,
  policeDepartmentExceptions,
  policeDepartments,
  type PoliceDepartment,
  type PoliceDepartmentCode,
} from './police-departments.js'
import {
  countyCodeByMunicipality,
  municipalityCodesByCounty,
  wellbeingCounties,
  type WellbeingCounty,
  type WellbeingCountyCode,
} from './wellbeing-counties.js'

export type { Municipality, PoliceDepartment, PoliceDepartmentCode, WellbeingCounty, WellbeingCountyCode }
export { ALAND_MUNICIPALITY_CODES } from './municipalities.js'
export { municipalities, policeDepartments, wellbeingCounties }

export type RegionLang = 'fi' | 'sv' | 'en'

const municipalityByCode = new Map(municipalities.map((m) => [m.code, m]))
const countyByCode = new Map<string, WellbeingCounty>(wellbeingCounties.map((c) => [c.code, c]))
const departmentByCode = new Map<string, PoliceDepartment>(policeDepartments.map((d) => [d.code, d]))

// Built once so that every call hands out the same frozen array, in the municipality list's code order.
const municipalitiesByCounty = new Map<string, readonly Municipality[]>(
  wellbeingCounties.map((county) => {
    const members = new Set(municipalityCodesByCounty[county.code])
    return [county.code, Object.freeze(municipalities.filter((m) => members.has(m.code)))]
  }),
)

export function findMunicipality(code: string): Municipality | undefined {
  return municipalityByCode.get(code)
}

export function findCounty(code: string): WellbeingCounty | undefined {
  return countyByCode.get(code)
}

export function findPoliceDepartment(code: string): PoliceDepartment | undefined {
  return departmentByCode.get(code)
}

// Undefined for Åland municipalities and unknown codes alike; use findMunicipality to tell them apart.
export function countyOfMunicipality(code: string): WellbeingCounty | undefined {
  if (!municipalityByCode.has(code)) return undefined
  const countyCode = countyCodeByMunicipality.get(code)
  return countyCode === undefined ? undefined : countyByCode.get(countyCode)
}

// Undefined for Åland (its police is not one of the 11 departments) and for unknown codes.
export function policeDepartmentOfMunicipality(code: string): PoliceDepartment | undefined {
  if (!municipalityByCode.has(code)) return undefined
  const countyCode = countyCodeByMunicipality.get(code)
  if (countyCode === undefined) return undefined
  const departmentCode = policeDepartmentExceptions.get(code) ?? policeDepartmentByCounty[countyCode]
  return departmentByCode.get(departmentCode)
}

export function municipalitiesOfCounty(code: string): readonly Municipality[] {
  return municipalitiesByCounty.get(code) ?? Object.freeze([])
}

// Municipalities have no official English names, and English text uses the Finnish one.
export function regionName(item: Municipality | WellbeingCounty | PoliceDepartment, lang: RegionLang): string {
  switch (lang) {
    case 'fi':
      return item.nameFi
    case 'sv':
      return item.nameSv
    case 'en':
      if ('nameEn' in item) return item.nameEn
      return item.nameFi
  }
}
