// Finland's 21 wellbeing services counties plus the City of Helsinki, and which municipalities each one covers.
//
// Codes and names (fi/sv/en) are Statistics Finland's wellbeing services county classification
// (hyvinvointialue_1_20230101 in its classification API): 01..21 for the counties and 90 for Helsinki, which
// organises these services itself. Statistics Finland also lists Åland as 91; Åland is no county, so it is left
// out here. Membership follows the implementing act of the reform (616/2021), which lists each county's
// municipalities: outside Uusimaa a county is exactly one region (maakunta) as drawn on 1.1.2021, and Uusimaa is
// split into Helsinki and four counties. The package that supplies municipality names has no county data, so the
// lists are typed here; test/unit/regions.test.ts cross-checks them against the package's region field.

export const WELLBEING_COUNTY_CODES = [
  '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11',
  '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '90',
] as const

export type WellbeingCountyCode = (typeof WELLBEING_COUNTY_CODES)[number]

export interface WellbeingCounty {
  readonly code: WellbeingCountyCode
  readonly nameFi: string
  readonly nameSv: string
  readonly nameEn: string
}

const countyNames: Record<WellbeingCountyCode, readonly [fi: string, sv: string, en: string]> = {
  '01': ['Itä-Uudenmaan hyvinvointialue', 'Östra Nylands välfärdsområde', 'East Uusimaa wellbeing services county'],
  '02': ['Keski-Uudenmaan hyvinvointialue', 'Mellersta Nylands välfärdsområde', 'Central Uusimaa wellbeing services county'],
  '03': ['Länsi-Uudenmaan hyvinvointialue', 'Västra Nylands välfärdsområde', 'West Uusimaa wellbeing services county'],
  '04': ['Vantaan ja Keravan hyvinvointialue', 'Vanda och Kervo välfärdsområde', 'Vantaa and Kerava wellbeing services county'],
  '05': ['Varsinais-Suomen hyvinvointialue', 'Egentliga Finlands välfärdsområde', 'Southwest Finland wellbeing services county'],
  '06': ['Satakunnan hyvinvointialue', 'Satakunta välfärdsområde', 'Satakunta wellbeing services county'],
  '07': ['Kanta-Hämeen hyvinvointialue', 'Egentliga Tavastlands välfärdsområde', 'Kanta-Häme wellbeing services county'],
  '08': ['Pirkanmaan hyvinvointialue', 'Birkalands välfärdsområde', 'Pirkanmaa wellbeing services county'],
  '09': ['Päijät-Hämeen hyvinvointialue', 'Päijänne-Tavastlands välfärdsområde', 'Päijät-Häme wellbeing services county'],
  '10': ['Kymenlaakson hyvinvointialue', 'Kymmenedalens välfärdsområde', 'Kymenlaakso wellbeing services county'],
  '11': ['Etelä-Karjalan hyvinvointialue', 'Södra Karelens välfärdsområde', 'South Karelia wellbeing services county'],
  '12': ['Etelä-Savon hyvinvointialue', 'Södra Savolax välfärdsområde', 'South Savo wellbeing services county'],
  '13': ['Pohjois-Savon hyvinvointialue', 'Norra Savolax välfärdsområde', 'North Savo wellbeing services county'],
  '14': ['Pohjois-Karjalan hyvinvointialue', 'Norra Karelens välfärdsområde', 'North Karelia wellbeing services county'],
  '15': ['Keski-Suomen hyvinvointialue', 'Mellersta Finlands välfärdsområde', 'Central Finland wellbeing services county'],
  '16': ['Etelä-Pohjanmaan hyvinvointialue', 'Södra Österbottens välfärdsområde', 'South Ostrobothnia wellbeing services county'],
  '17': ['Pohjanmaan hyvinvointialue', 'Österbottens välfärdsområde', 'Ostrobothnia wellbeing services county'],
  '18': ['Keski-Pohjanmaan hyvinvointialue', 'Mellersta Österbottens välfärdsområde', 'Central Ostrobothnia wellbeing services county'],
  '19': ['Pohjois-Pohjanmaan hyvinvointialue', 'Norra Österbottens välfärdsområde', 'North Ostrobothnia wellbeing services county'],
  '20': ['Kainuun hyvinvointialue', 'Kajanalands välfärdsområde', 'Kainuu wellbeing services county'],
  '21': ['Lapin hyvinvointialue', 'Lapplands välfärdsområde', 'Lapland wellbeing services county'],
  '90': ['Helsingin kaupunki', 'Helsingfors stad', 'City of Helsinki'],
}

export const wellbeingCounties: readonly WellbeingCounty[] = Object.freeze(
  WELLBEING_COUNTY_CODES.map((code) => {
    const [nameFi, nameSv, nameEn] = countyNames[code]
    return Object.freeze({ code, nameFi, nameSv, nameEn })
  }),
)

// Three-digit municipality codes per county. The trailing names are only there so a reviewer can check the
// list against the law without looking codes up.
export const municipalityCodesByCounty: Readonly<Record<WellbeingCountyCode, readonly string[]>> = Object.freeze({
  // Itä-Uudenmaan hyvinvointialue
  '01': Object.freeze([
    '018', // Askola
    '407', // Lapinjärvi
    '434', // Loviisa
    '504', // Myrskylä
    '616', // Pukkila
    '638', // Porvoo
    '753', // Sipoo
  ]),
  // Keski-Uudenmaan hyvinvointialue
  // Nurmijärvi is in this county but in the Länsi-Uusimaa police department (see police-departments.ts).
  '02': Object.freeze([
    '106', // Hyvinkää
    '186', // Järvenpää
    '505', // Mäntsälä
    '543', // Nurmijärvi
    '611', // Pornainen
    '858', // Tuusula
  ]),
  // Länsi-Uudenmaan hyvinvointialue
  '03': Object.freeze([
    '049', // Espoo
    '078', // Hanko
    '149', // Inkoo
    '224', // Karkkila
    '235', // Kauniainen
    '257', // Kirkkonummi
    '444', // Lohja
    '710', // Raasepori
    '755', // Siuntio
    '927', // Vihti
  ]),
  // Vantaan ja Keravan hyvinvointialue
  '04': Object.freeze([
    '092', // Vantaa
    '245', // Kerava
  ]),
  // Varsinais-Suomen hyvinvointialue
  '05': Object.freeze([
    '019', // Aura
    '202', // Kaarina
    '284', // Koski Tl
    '304', // Kustavi
    '322', // Kemiönsaari
    '400', // Laitila
    '423', // Lieto
    '430', // Loimaa
    '445', // Parainen
    '480', // Marttila
    '481', // Masku
    '503', // Mynämäki
    '529', // Naantali
    '538', // Nousiainen
    '561', // Oripää
    '577', // Paimio
    '631', // Pyhäranta
    '636', // Pöytyä
    '680', // Raisio
    '704', // Rusko
    '734', // Salo
    '738', // Sauvo
    '761', // Somero
    '833', // Taivassalo
    '853', // Turku
    '895', // Uusikaupunki
    '918', // Vehmaa
  ]),
  // Satakunnan hyvinvointialue
  '06': Object.freeze([
    '050', // Eura
    '051', // Eurajoki
    '079', // Harjavalta
    '102', // Huittinen
    '181', // Jämijärvi
    '214', // Kankaanpää
    '230', // Karvia
    '271', // Kokemäki
    '484', // Merikarvia
    '531', // Nakkila
    '608', // Pomarkku
    '609', // Pori
    '684', // Rauma
    '747', // Siikainen
    '783', // Säkylä
    '886', // Ulvila
  ]),
  // Kanta-Hämeen hyvinvointialue
  '07': Object.freeze([
    '061', // Forssa
    '082', // Hattula
    '086', // Hausjärvi
    '103', // Humppila
    '109', // Hämeenlinna
    '165', // Janakkala
    '169', // Jokioinen
    '433', // Loppi
    '694', // Riihimäki
    '834', // Tammela
    '981', // Ypäjä
  ]),
  // Pirkanmaan hyvinvointialue
  // Kuhmoinen moved from the Keski-Suomi region to Pirkanmaa on 1.1.2021 and is in this county.
  '08': Object.freeze([
    '020', // Akaa
    '108', // Hämeenkyrö
    '143', // Ikaalinen
    '177', // Juupajoki
    '211', // Kangasala
    '250', // Kihniö
    '291', // Kuhmoinen
    '418', // Lempäälä
    '508', // Mänttä-Vilppula
    '536', // Nokia
    '562', // Orivesi
    '581', // Parkano
    '604', // Pirkkala
    '619', // Punkalaidun
    '635', // Pälkäne
    '702', // Ruovesi
    '790', // Sastamala
    '837', // Tampere
    '887', // Urjala
    '908', // Valkeakoski
    '922', // Vesilahti
    '936', // Virrat
    '980', // Ylöjärvi
  ]),
  // Päijät-Hämeen hyvinvointialue
  // Iitti moved from the Kymenlaakso region to Päijät-Häme on 1.1.2021 and is in this county.
  '09': Object.freeze([
    '016', // Asikkala
    '081', // Hartola
    '098', // Hollola
    '111', // Heinola
    '142', // Iitti
    '316', // Kärkölä
    '398', // Lahti
    '560', // Orimattila
    '576', // Padasjoki
    '781', // Sysmä
  ]),
  // Kymenlaakson hyvinvointialue
  '10': Object.freeze([
    '075', // Hamina
    '285', // Kotka
    '286', // Kouvola
    '489', // Miehikkälä
    '624', // Pyhtää
    '935', // Virolahti
  ]),
  // Etelä-Karjalan hyvinvointialue
  '11': Object.freeze([
    '153', // Imatra
    '405', // Lappeenranta
    '416', // Lemi
    '441', // Luumäki
    '580', // Parikkala
    '689', // Rautjärvi
    '700', // Ruokolahti
    '739', // Savitaipale
    '831', // Taipalsaari
  ]),
  // Etelä-Savon hyvinvointialue
  '12': Object.freeze([
    '046', // Enonkoski
    '097', // Hirvensalmi
    '178', // Juva
    '213', // Kangasniemi
    '491', // Mikkeli
    '507', // Mäntyharju
    '588', // Pertunmaa
    '593', // Pieksämäki
    '623', // Puumala
    '681', // Rantasalmi
    '740', // Savonlinna
    '768', // Sulkava
  ]),
  // Pohjois-Savon hyvinvointialue
  // Joroinen moved from the Etelä-Savo region to Pohjois-Savo on 1.1.2021 and is in this county.
  '13': Object.freeze([
    '140', // Iisalmi
    '171', // Joroinen
    '204', // Kaavi
    '239', // Keitele
    '263', // Kiuruvesi
    '297', // Kuopio
    '402', // Lapinlahti
    '420', // Leppävirta
    '595', // Pielavesi
    '686', // Rautalampi
    '687', // Rautavaara
    '749', // Siilinjärvi
    '762', // Sonkajärvi
    '778', // Suonenjoki
    '844', // Tervo
    '857', // Tuusniemi
    '915', // Varkaus
    '921', // Vesanto
    '925', // Vieremä
  ]),
  // Pohjois-Karjalan hyvinvointialue
  // Heinävesi moved from the Etelä-Savo region to Pohjois-Karjala on 1.1.2021 and is in this county.
  '14': Object.freeze([
    '090', // Heinävesi
    '146', // Ilomantsi
    '167', // Joensuu
    '176', // Juuka
    '260', // Kitee
    '276', // Kontiolahti
    '309', // Outokumpu
    '422', // Lieksa
    '426', // Liperi
    '541', // Nurmes
    '607', // Polvijärvi
    '707', // Rääkkylä
    '848', // Tohmajärvi
  ]),
  // Keski-Suomen hyvinvointialue
  '15': Object.freeze([
    '077', // Hankasalmi
    '172', // Joutsa
    '179', // Jyväskylä
    '182', // Jämsä
    '216', // Kannonkoski
    '226', // Karstula
    '249', // Keuruu
    '256', // Kinnula
    '265', // Kivijärvi
    '275', // Konnevesi
    '312', // Kyyjärvi
    '410', // Laukaa
    '435', // Luhanka
    '495', // Multia
    '500', // Muurame
    '592', // Petäjävesi
    '601', // Pihtipudas
    '729', // Saarijärvi
    '850', // Toivakka
    '892', // Uurainen
    '931', // Viitasaari
    '992', // Äänekoski
  ]),
  // Etelä-Pohjanmaan hyvinvointialue
  // Isokyrö moved from the Pohjanmaa region to Etelä-Pohjanmaa on 1.1.2021 and is in this county.
  '16': Object.freeze([
    '005', // Alajärvi
    '010', // Alavus
    '052', // Evijärvi
    '145', // Ilmajoki
    '151', // Isojoki
    '152', // Isokyrö
    '218', // Karijoki
    '232', // Kauhajoki
    '233', // Kauhava
    '300', // Kuortane
    '301', // Kurikka
    '403', // Lappajärvi
    '408', // Lapua
    '743', // Seinäjoki
    '759', // Soini
    '846', // Teuva
    '934', // Vimpeli
    '989', // Ähtäri
  ]),
  // Pohjanmaan hyvinvointialue
  '17': Object.freeze([
    '231', // Kaskinen
    '280', // Korsnäs
    '287', // Kristiinankaupunki
    '288', // Kruunupyy
    '399', // Laihia
    '440', // Luoto
    '475', // Maalahti
    '499', // Mustasaari
    '545', // Närpiö
    '598', // Pietarsaari
    '599', // Pedersöre
    '893', // Uusikaarlepyy
    '905', // Vaasa
    '946', // Vöyri
  ]),
  // Keski-Pohjanmaan hyvinvointialue
  '18': Object.freeze([
    '074', // Halsua
    '217', // Kannus
    '236', // Kaustinen
    '272', // Kokkola
    '421', // Lestijärvi
    '584', // Perho
    '849', // Toholampi
    '924', // Veteli
  ]),
  // Pohjois-Pohjanmaan hyvinvointialue
  '19': Object.freeze([
    '009', // Alavieska
    '069', // Haapajärvi
    '071', // Haapavesi
    '072', // Hailuoto
    '139', // Ii
    '208', // Kalajoki
    '244', // Kempele
    '305', // Kuusamo
    '317', // Kärsämäki
    '425', // Liminka
    '436', // Lumijoki
    '483', // Merijärvi
    '494', // Muhos
    '535', // Nivala
    '563', // Oulainen
    '564', // Oulu
    '615', // Pudasjärvi
    '625', // Pyhäjoki
    '626', // Pyhäjärvi
    '630', // Pyhäntä
    '678', // Raahe
    '691', // Reisjärvi
    '746', // Sievi
    '748', // Siikajoki
    '785', // Vaala
    '791', // Siikalatva
    '832', // Taivalkoski
    '859', // Tyrnävä
    '889', // Utajärvi
    '977', // Ylivieska
  ]),
  // Kainuun hyvinvointialue
  '20': Object.freeze([
    '105', // Hyrynsalmi
    '205', // Kajaani
    '290', // Kuhmo
    '578', // Paltamo
    '620', // Puolanka
    '697', // Ristijärvi
    '765', // Sotkamo
    '777', // Suomussalmi
  ]),
  // Lapin hyvinvointialue
  '21': Object.freeze([
    '047', // Enontekiö
    '148', // Inari
    '240', // Kemi
    '241', // Keminmaa
    '261', // Kittilä
    '273', // Kolari
    '320', // Kemijärvi
    '498', // Muonio
    '583', // Pelkosenniemi
    '614', // Posio
    '683', // Ranua
    '698', // Rovaniemi
    '732', // Salla
    '742', // Savukoski
    '751', // Simo
    '758', // Sodankylä
    '845', // Tervola
    '851', // Tornio
    '854', // Pello
    '890', // Utsjoki
    '976', // Ylitornio
  ]),
  // Helsingin kaupunki
  '90': Object.freeze([
    '091', // Helsinki
  ]),
})

function buildCountyIndex(): ReadonlyMap<string, WellbeingCountyCode> {
  const index = new Map<string, WellbeingCountyCode>()
  for (const county of WELLBEING_COUNTY_CODES) {
    for (const municipality of municipalityCodesByCounty[county]) {
      const earlier = index.get(municipality)
      // A typo in the lists above must not silently put a municipality in two counties.
      if (earlier !== undefined) {
        throw new Error(`Municipality ${municipality} is listed in both county ${earlier} and county ${county}`)
      }
      index.set(municipality, county)
    }
  }
  return index
}

export const countyCodeByMunicipality: ReadonlyMap<string, WellbeingCountyCode> = buildCountyIndex()
