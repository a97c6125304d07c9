// Municipalities, wellbeing services counties and police departments: counts, coverage, and known answers.
import t from 'tap'
import {
  ALAND_MUNICIPALITY_CODES,
  countyOfMunicipality,
  findCounty,
  findMunicipality,
  findPoliceDepartment,
  municipalities,
  municipalitiesOfCounty,
  policeDepartmentOfMunicipality,
  policeDepartments,
  regionName,
  wellbeingCounties,
} from '../../src/regions/index.js'
import { readPackageMunicipalities, unmappedPackageMunicipalityCodes } from '../../src/regions/municipalities.js'
import { municipalityCodesByCounty, WELLBEING_COUNTY_CODES } from '../../src/regions/wellbeing-counties.js'

const packageMunicipalities = readPackageMunicipalities()

t.test('counts', async (t) => {
  // 309 is Finland's count from 2021 (Honkajoki merged into Kankaanpää) through the package's data date,
  // 2024-04-13: 293 on the mainland and 16 in Åland. A package update after a merger should change this.
  t.equal(municipalities.length, 309)
  t.equal(municipalities.filter((m) => m.aland).length, 16)
  t.equal(wellbeingCounties.length, 22)
  t.equal(policeDepartments.length, 11)
  t.equal(new Set(municipalities.map((m) => m.code)).size, municipalities.length, 'codes are unique')
  t.same(
    municipalities.map((m) => m.code),
    [...municipalities.map((m) => m.code)].sort(),
    'sorted by code',
  )
  for (const m of municipalities) t.match(m.code, /^\d{3}$/)
})

t.test('the package list is covered by the county lists', async (t) => {
  t.same(unmappedPackageMunicipalityCodes, [], 'no package municipality is left without a county or Åland')
  t.equal(municipalities.length, packageMunicipalities.length, 'nothing was dropped')
  const packageCodes = new Set(packageMunicipalities.map((m) => m.code))
  for (const county of WELLBEING_COUNTY_CODES) {
    for (const code of municipalityCodesByCounty[county]) {
      t.ok(packageCodes.has(code), `county ${county} lists ${code}, which the package knows`)
    }
  }
  const packageAland = packageMunicipalities.filter((m) => m.regionFi === 'Ahvenanmaa').map((m) => m.code)
  t.same(packageAland, [...ALAND_MUNICIPALITY_CODES], 'typed Åland codes match the package region')
})

t.test('every mainland municipality is in exactly one county, Åland in none', async (t) => {
  const membership = new Map<string, string[]>()
  for (const county of WELLBEING_COUNTY_CODES) {
    for (const code of municipalityCodesByCounty[county]) {
      membership.set(code, [...(membership.get(code) ?? []), county])
    }
  }
  for (const m of municipalities) {
    const counties = membership.get(m.code) ?? []
    if (m.aland) {
      t.same(counties, [], `${m.nameSv} is in no county`)
      t.equal(countyOfMunicipality(m.code), undefined)
      t.equal(policeDepartmentOfMunicipality(m.code), undefined)
    } else {
      t.equal(counties.length, 1, `${m.nameFi} is in one county`)
      t.equal(countyOfMunicipality(m.code)?.code, counties[0])
      t.ok(policeDepartmentOfMunicipality(m.code), `${m.nameFi} has a police department`)
    }
  }
})

t.test('county lists agree with the package regions', async (t) => {
  // Outside Uusimaa each county is one whole region, so every member must share one package region and no two
  // counties may share a region; Uusimaa's five areas together are the package's Helsinki-Uusimaa.
  const uusimaa = new Set(['01', '02', '03', '04', '90'])
  const regionOf = new Map(packageMunicipalities.map((m) => [m.code, m.regionFi]))
  const regionOfCounty = new Map<string, string>()
  for (const county of WELLBEING_COUNTY_CODES) {
    const regions = new Set(municipalityCodesByCounty[county].map((code) => regionOf.get(code)))
    t.equal(regions.size, 1, `county ${county} lies in one region`)
    const [region] = regions
    if (uusimaa.has(county)) {
      t.equal(region, 'Helsinki-Uusimaa', `county ${county} is in Uusimaa`)
    } else if (region !== undefined) {
      t.notOk(regionOfCounty.has(region), `region ${region} is one county`)
      regionOfCounty.set(region, county)
    }
  }
  t.equal(regionOfCounty.size, 17)
})

t.test('every county and police department has municipalities', async (t) => {
  for (const county of wellbeingCounties) {
    t.ok(municipalitiesOfCounty(county.code).length > 0, `${county.nameFi} has municipalities`)
  }
  const served = new Set(municipalities.map((m) => policeDepartmentOfMunicipality(m.code)?.code))
  for (const department of policeDepartments) t.ok(served.has(department.code), `${department.nameFi} serves someone`)
  t.equal(municipalitiesOfCounty('90').map((m) => m.code).join(), '091', 'Helsinki is alone')
  t.same(municipalitiesOfCounty('04').map((m) => m.nameFi), ['Vantaa', 'Kerava'], 'in code order: 092, 245')
  t.same(municipalitiesOfCounty('99'), [])
})

t.test('known municipalities', async (t) => {
  const cases = [
    { code: '091', fi: 'Helsinki', sv: 'Helsingfors', county: '90', countyFi: 'Helsingin kaupunki', police: 'helsinki' },
    { code: '049', fi: 'Espoo', sv: 'Esbo', county: '03', countyFi: 'Länsi-Uudenmaan hyvinvointialue', police: 'lansi-uusimaa' },
    { code: '092', fi: 'Vantaa', sv: 'Vanda', county: '04', countyFi: 'Vantaan ja Keravan hyvinvointialue', police: 'ita-uusimaa' },
    { code: '837', fi: 'Tampere', sv: 'Tammerfors', county: '08', countyFi: 'Pirkanmaan hyvinvointialue', police: 'sisa-suomi' },
    { code: '853', fi: 'Turku', sv: 'Åbo', county: '05', countyFi: 'Varsinais-Suomen hyvinvointialue', police: 'lounais-suomi' },
    { code: '564', fi: 'Oulu', sv: 'Uleåborg', county: '19', countyFi: 'Pohjois-Pohjanmaan hyvinvointialue', police: 'oulu' },
  ]
  for (const c of cases) {
    const m = findMunicipality(c.code)
    t.equal(m?.nameFi, c.fi)
    t.equal(m?.nameSv, c.sv)
    t.equal(m?.aland, false)
    t.equal(countyOfMunicipality(c.code)?.code, c.county, `${c.fi} county`)
    t.equal(countyOfMunicipality(c.code)?.nameFi, c.countyFi)
    t.equal(policeDepartmentOfMunicipality(c.code)?.code, c.police, `${c.fi} police`)
  }
  t.equal(policeDepartmentOfMunicipality('091')?.nameFi, 'Helsingin poliisilaitos')
  t.equal(policeDepartmentOfMunicipality('049')?.nameFi, 'Länsi-Uudenmaan poliisilaitos')
  t.equal(policeDepartmentOfMunicipality('092')?.nameFi, 'Itä-Uudenmaan poliisilaitos')
  t.equal(policeDepartmentOfMunicipality('837')?.nameFi, 'Sisä-Suomen poliisilaitos')
  t.equal(policeDepartmentOfMunicipality('853')?.nameFi, 'Lounais-Suomen poliisilaitos')
  t.equal(policeDepartmentOfMunicipality('564')?.nameFi, 'Oulun poliisilaitos')
})

t.test('the 2021 region moves and Uusimaa police boundaries', async (t) => {
  t.equal(countyOfMunicipality('291')?.code, '08', 'Kuhmoinen: Pirkanmaa')
  t.equal(countyOfMunicipality('142')?.code, '09', 'Iitti: Päijät-Häme')
  t.equal(countyOfMunicipality('171')?.code, '13', 'Joroinen: Pohjois-Savo')
  t.equal(countyOfMunicipality('090')?.code, '14', 'Heinävesi: Pohjois-Karjala')
  t.equal(countyOfMunicipality('152')?.code, '16', 'Isokyrö: Etelä-Pohjanmaa')
  t.equal(countyOfMunicipality('245')?.code, '04', 'Kerava: with Vantaa')
  t.equal(policeDepartmentOfMunicipality('245')?.code, 'ita-uusimaa', 'Kerava police')
  t.equal(countyOfMunicipality('543')?.code, '02', 'Nurmijärvi: Keski-Uusimaa county')
  t.equal(policeDepartmentOfMunicipality('543')?.code, 'lansi-uusimaa', 'Nurmijärvi: Länsi-Uusimaa police')
  t.equal(policeDepartmentOfMunicipality('106')?.code, 'ita-uusimaa', 'Hyvinkää: Itä-Uusimaa police')
})

t.test('Åland', async (t) => {
  const mariehamn = findMunicipality('478')
  t.equal(mariehamn?.nameSv, 'Mariehamn')
  t.equal(mariehamn?.aland, true)
  t.equal(countyOfMunicipality('478'), undefined)
  t.equal(policeDepartmentOfMunicipality('478'), undefined)
})

t.test('unknown codes', async (t) => {
  t.equal(findMunicipality('999'), undefined)
  t.equal(findMunicipality('91'), undefined, 'codes are not padded')
  t.equal(countyOfMunicipality('999'), undefined)
  t.equal(policeDepartmentOfMunicipality('999'), undefined)
  t.equal(findCounty('22'), undefined)
  t.equal(findCounty('91'), undefined, 'Statistics Finland code of Åland is no county here')
  t.equal(findPoliceDepartment('aland'), undefined)
})

t.test('lookups by code', async (t) => {
  t.equal(findCounty('01')?.nameSv, 'Östra Nylands välfärdsområde')
  t.equal(findCounty('90')?.nameEn, 'City of Helsinki')
  t.equal(findPoliceDepartment('hame')?.nameFi, 'Hämeen poliisilaitos')
  for (const county of wellbeingCounties) t.equal(findCounty(county.code), county)
  for (const department of policeDepartments) t.equal(findPoliceDepartment(department.code), department)
})

t.test('regionName', async (t) => {
  const turku = findMunicipality('853')
  const helsinki = findCounty('90')
  const oulu = findPoliceDepartment('oulu')
  if (!turku || !helsinki || !oulu) throw new Error('fixtures missing')
  t.equal(regionName(turku, 'fi'), 'Turku')
  t.equal(regionName(turku, 'sv'), 'Åbo')
  t.equal(regionName(turku, 'en'), 'Turku', 'municipalities fall back to Finnish in English')
  t.equal(regionName(helsinki, 'sv'), 'Helsingfors stad')
  t.equal(regionName(helsinki, 'en'), 'City of Helsinki')
  t.equal(regionName(oulu, 'sv'), 'Uleåborgs polisinrättning')
  t.equal(regionName(oulu, 'en'), 'Oulu Police Department')
})

t.test('lists are frozen', async (t) => {
  t.ok(Object.isFrozen(municipalities))
  t.ok(Object.isFrozen(wellbeingCounties))
  t.ok(Object.isFrozen(policeDepartments))
  t.ok(Object.isFrozen(municipalityCodesByCounty))
  t.ok(municipalities.every((m) => Object.isFrozen(m)))
  t.ok(wellbeingCounties.every((c) => Object.isFrozen(c)))
  t.ok(policeDepartments.every((d) => Object.isFrozen(d)))
  t.ok(Object.isFrozen(municipalitiesOfCounty('05')))
})
