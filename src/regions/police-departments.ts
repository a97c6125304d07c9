// Finland's 11 police departments (poliisilaitokset) and which one serves each mainland municipality.
//
// The areas are set by the Government decree on police department areas (valtioneuvoston asetus
// poliisilaitosten toimialueista, in force 1.6.2022), which builds them from whole regions (maakunnat) or, in
// Uusimaa, from municipalities. Outside Uusimaa a wellbeing services county is one region, so the department is
// looked up by county; inside Uusimaa the counties and the police areas cut differently, and the municipalities
// where they disagree are listed as exceptions below. Åland has its own police authority outside these 11 and maps to none.
// The police have no published numeric department codes, so the codes are our own stable slugs.
import type { WellbeingCountyCode } from './wellbeing-counties.js'

export const POLICE_DEPARTMENT_CODES = [
  'helsinki',
  'ita-uusimaa',
  'lansi-uusimaa',
  'lounais-suomi',
  'hame',
  'kaakkois-suomi',
  'sisa-suomi',
  'pohjanmaa',
  'ita-suomi',
  'oulu',
  'lappi',
] as const

export type PoliceDepartmentCode = (typeof POLICE_DEPARTMENT_CODES)[number]

export interface PoliceDepartment {
  readonly code: PoliceDepartmentCode
  readonly nameFi: string
  readonly nameSv: string
  readonly nameEn: string
}

const departmentNames: Record<PoliceDepartmentCode, readonly [fi: string, sv: string, en: string]> = {
  'helsinki': ['Helsingin poliisilaitos', 'Helsingfors polisinrättning', 'Helsinki Police Department'],
  'ita-uusimaa': ['Itä-Uudenmaan poliisilaitos', 'Östra Nylands polisinrättning', 'Eastern Uusimaa Police Department'],
  'lansi-uusimaa': ['Länsi-Uudenmaan poliisilaitos', 'Västra Nylands polisinrättning', 'Western Uusimaa Police Department'],
  'lounais-suomi': ['Lounais-Suomen poliisilaitos', 'Sydvästra Finlands polisinrättning', 'Southwestern Finland Police Department'],
  'hame': ['Hämeen poliisilaitos', 'Tavastlands polisinrättning', 'Häme Police Department'],
  'kaakkois-suomi': ['Kaakkois-Suomen poliisilaitos', 'Sydöstra Finlands polisinrättning', 'Southeastern Finland Police Department'],
  'sisa-suomi': ['Sisä-Suomen poliisilaitos', 'Inre Finlands polisinrättning', 'Central Finland Police Department'],
  'pohjanmaa': ['Pohjanmaan poliisilaitos', 'Österbottens polisinrättning', 'Ostrobothnia Police Department'],
  'ita-suomi': ['Itä-Suomen poliisilaitos', 'Östra Finlands polisinrättning', 'Eastern Finland Police Department'],
  'oulu': ['Oulun poliisilaitos', 'Uleåborgs polisinrättning', 'Oulu Police Department'],
  'lappi': ['Lapin poliisilaitos', 'Lapplands polisinrättning', 'Lapland Police Department'],
}

export const policeDepartments: readonly PoliceDepartment[] = Object.freeze(
  POLICE_DEPARTMENT_CODES.map((code) => {
    const [nameFi, nameSv, nameEn] = departmentNames[code]
    return Object.freeze({ code, nameFi, nameSv, nameEn })
  }),
)

export const policeDepartmentByCounty: Readonly<Record<WellbeingCountyCode, PoliceDepartmentCode>> = Object.freeze({
  '90': 'helsinki',
  '04': 'ita-uusimaa', // Vantaa and Kerava
  '01': 'ita-uusimaa',
  '02': 'ita-uusimaa', // except Nurmijärvi, below
  '03': 'lansi-uusimaa',
  '05': 'lounais-suomi', // Varsinais-Suomi
  '06': 'lounais-suomi', // Satakunta
  '07': 'hame', // Kanta-Häme
  // Päijät-Häme. Iitti moved into this region from Kymenlaakso on 1.1.2021; it is assumed to have followed its
  // region into the Häme department rather than staying with Kaakkois-Suomi. Not checked against the decree text.
  '09': 'hame',
  '10': 'kaakkois-suomi', // Kymenlaakso
  '11': 'kaakkois-suomi', // Etelä-Karjala
  '08': 'sisa-suomi', // Pirkanmaa
  '15': 'sisa-suomi', // Keski-Suomi
  '16': 'pohjanmaa', // Etelä-Pohjanmaa
  '17': 'pohjanmaa', // Pohjanmaa
  '18': 'pohjanmaa', // Keski-Pohjanmaa
  '12': 'ita-suomi', // Etelä-Savo
  '13': 'ita-suomi', // Pohjois-Savo
  '14': 'ita-suomi', // Pohjois-Karjala
  '19': 'oulu', // Pohjois-Pohjanmaa
  '20': 'oulu', // Kainuu
  '21': 'lappi',
})

// Municipalities whose police department differs from the one their county maps to above.
export const policeDepartmentExceptions: ReadonlyMap<string, PoliceDepartmentCode> = new Map([
  // Nurmijärvi belongs to the Keski-Uusimaa county but is policed by the Länsi-Uusimaa department.
  ['543', 'lansi-uusimaa'],
])
