// The statistics form filled in after every Anchor meeting, as data: its sections, questions, stable
// answer codes with fi/sv/en labels, show-when rules, bounds and report bands. Validation, the HTML
// form, database constraints, reports and the export codebook are all derived from this one object,
// so adding an answer option is one edit here plus a migration (and a raised `version`); a code is
// never reused for another meaning, a retired one keeps `retiredInVersion`. The submitting team and
// expert come from the session, and *under 15* / *adult client* are computed from age: none of them
// is a question. No question takes free text: nothing identifying the young person is ever entered.
import type { AnswerOption, FormDefinition, Labels } from './definition-types.js'

const MULTIPLE_CHOICE_HELP: Labels = {
  fi: 'Voit valita useamman vaihtoehdon.',
  sv: 'Du kan välja fler än ett alternativ.',
  en: 'You can choose more than one option.',
}

const YES: AnswerOption = { code: 'yes', labels: { fi: 'Kyllä', sv: 'Ja', en: 'Yes' } }
const NO: AnswerOption = { code: 'no', labels: { fi: 'Ei', sv: 'Nej', en: 'No' } }
const UNKNOWN: AnswerOption = { code: 'unknown', labels: { fi: 'Ei tiedossa', sv: 'Inte känt', en: 'Not known' } }
const NOT_APPLICABLE: AnswerOption = {
  code: 'not_applicable',
  labels: { fi: 'Ei koske', sv: 'Ej tillämpligt', en: 'Not applicable' },
}
const PARTLY: AnswerOption = { code: 'partly', labels: { fi: 'Osittain', sv: 'Delvis', en: 'Partly' } }

/** The shared answer list of every yes / no / not known question. */
const YES_NO_UNKNOWN: readonly AnswerOption[] = [YES, NO, UNKNOWN]
const YES_NO: readonly AnswerOption[] = [YES, NO]
const REGRET_OPTIONS: readonly AnswerOption[] = [YES, PARTLY, NO, NOT_APPLICABLE, UNKNOWN]

export const formDefinition: FormDefinition = {
  version: 1,
  sections: [
    {
      id: 'meeting',
      labels: { fi: 'Tapaaminen ja nuori', sv: 'Träffen och den unga', en: 'The meeting and the young person' },
    },
    { id: 'background', labels: { fi: 'Taustatiedot', sv: 'Bakgrundsuppgifter', en: 'Background' } },
    {
      id: 'service',
      labels: { fi: 'Ankkuritoiminnan palvelu', sv: 'Tjänst inom ankarverksamheten', en: 'Anchor service' },
    },
    { id: 'impact', labels: { fi: 'Vaikuttavuus', sv: 'Genomslagskraft', en: 'Impact' } },
  ],
  questions: [
    // The meeting and the young person; background
    {
      id: 'meetingMonth',
      column: 'meeting_month',
      section: 'meeting',
      type: 'month',
      labels: { fi: 'Tapaamisen kuukausi', sv: 'Träffens månad', en: 'Month of the meeting' },
      help: {
        fi: 'Merkitse vain vuosi ja kuukausi, ei päivää: kuukausi ratkaisee, mihin tilastojaksoon tapaaminen lasketaan. Lomakkeelle ei koskaan kirjata nuorta yksilöiviä tietoja.',
        sv: 'Ange endast år och månad, inte dag: månaden avgör till vilken statistikperiod träffen räknas. Inga uppgifter som identifierar den unga förs någonsin in på blanketten.',
        en: 'Enter the year and month only, never the day: the month decides which report period the meeting counts in. Nothing that identifies the young person is ever entered on this form.',
      },
      required: true,
      reported: true,
    },
    {
      id: 'meetingKind',
      column: 'meeting_kind',
      section: 'meeting',
      type: 'single',
      labels: {
        fi: 'Onko kyseessä ensimmäinen tapaaminen vai seurantatapaaminen?',
        sv: 'Är det fråga om en första träff eller en uppföljningsträff?',
        en: 'Is this a first meeting or a follow-up meeting?',
      },
      options: [
        { code: 'first', labels: { fi: 'Ensimmäinen tapaaminen', sv: 'Första träffen', en: 'First meeting' } },
        { code: 'follow_up', labels: { fi: 'Seurantatapaaminen', sv: 'Uppföljningsträff', en: 'Follow-up meeting' } },
      ],
      required: true,
      reported: true,
      reportSplit: true,
    },
    {
      id: 'gender',
      column: 'gender',
      section: 'meeting',
      type: 'single',
      labels: { fi: 'Sukupuoli', sv: 'Kön', en: 'Gender' },
      options: [
        { code: 'girl', labels: { fi: 'Tyttö', sv: 'Flicka', en: 'Girl' } },
        { code: 'boy', labels: { fi: 'Poika', sv: 'Pojke', en: 'Boy' } },
        { code: 'other', labels: { fi: 'Muu', sv: 'Annat', en: 'Other' } },
        UNKNOWN,
      ],
      required: true,
      reported: true,
      reportSplit: true,
    },
    {
      id: 'age',
      column: 'age',
      section: 'meeting',
      type: 'integer',
      labels: { fi: 'Ikä', sv: 'Ålder', en: 'Age' },
      help: {
        fi: 'Ikä täysinä vuosina. Älä merkitse syntymäaikaa.',
        sv: 'Åldern i hela år. Ange inte födelsedatum.',
        en: 'Age in whole years. Never enter a date of birth.',
      },
      unit: { one: { fi: 'vuosi', sv: 'år', en: 'year' }, other: { fi: 'vuotta', sv: 'år', en: 'years' } },
      min: 6,
      max: 29,
      bands: [
        { code: 'under_12', from: 6, to: 11, labels: { fi: 'Alle 12-vuotiaat', sv: 'Under 12 år', en: 'Under 12' } },
        { code: '12_14', from: 12, to: 14, labels: { fi: '12–14-vuotiaat', sv: '12–14 år', en: '12–14' } },
        { code: '15_17', from: 15, to: 17, labels: { fi: '15–17-vuotiaat', sv: '15–17 år', en: '15–17' } },
        {
          code: '18_plus',
          from: 18,
          to: 29,
          labels: { fi: '18 vuotta täyttäneet', sv: '18 år och äldre', en: '18 and over' },
        },
      ],
      required: true,
      reported: true,
      reportSplit: true,
    },
    {
      id: 'homeMunicipality',
      column: 'home_municipality',
      section: 'meeting',
      type: 'municipality',
      labels: { fi: 'Kotikunta', sv: 'Hemkommun', en: 'Home municipality' },
      help: {
        fi: 'Jos kotikunta ei ole tiedossa tai asiakas asuu ulkomailla, valitse ”ei tiedossa / ulkomailla”.',
        sv: 'Om hemkommunen inte är känd eller klienten bor utomlands, välj ”inte känd / utomlands”.',
        en: 'If the home municipality is not known or the client lives abroad, choose “not known / abroad”.',
      },
      required: true,
      reported: true,
    },
    {
      id: 'childWelfareNotification',
      column: 'child_welfare_notification',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Onko lastensuojeluilmoitus tehty?',
        sv: 'Har en barnskyddsanmälan gjorts?',
        en: 'Has a child welfare notification been made?',
      },
      options: YES_NO_UNKNOWN,
      required: true,
      reported: true,
    },
    {
      id: 'earlierWelfareClient',
      column: 'earlier_welfare_client',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Onko asiakas ollut aiemmin lastensuojelun tai sosiaalihuollon asiakkaana?',
        sv: 'Har klienten tidigare varit klient inom barnskyddet eller socialvården?',
        en: 'Has the client earlier been a client of child welfare or social services?',
      },
      options: YES_NO_UNKNOWN,
      required: true,
      reported: true,
    },
    {
      id: 'hasHobby',
      column: 'has_hobby',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Onko lapsella tai nuorella harrastus?',
        sv: 'Har barnet eller den unga en hobby?',
        en: 'Does the child or young person have a hobby?',
      },
      options: YES_NO_UNKNOWN,
      required: true,
      reported: true,
    },
    {
      id: 'guidedHobby',
      column: 'guided_hobby',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Onko kyse tällöin ohjatusta harrastustoiminnasta?',
        sv: 'Är det i så fall fråga om ledd hobbyverksamhet?',
        en: 'If so, is it a guided hobby?',
      },
      help: {
        fi: 'Ohjatulla harrastuksella on ohjaaja tai valmentaja, esimerkiksi urheiluseura, kerho tai musiikkiopisto.',
        sv: 'En ledd hobby har en ledare eller tränare, till exempel en idrottsförening, en klubb eller ett musikinstitut.',
        en: 'A guided hobby has an instructor or coach, for example a sports club, a club or a music school.',
      },
      showWhen: { question: 'hasHobby', anyOf: ['yes'] },
      options: YES_NO_UNKNOWN,
      required: true,
      reported: true,
    },
    {
      id: 'gangLikeGroup',
      column: 'gang_like_group',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Kuuluuko lapsi tai nuori johonkin nuorten ryhmään, kuten nuorisojengiin tai muuhun ryhmään, jossa voi olla jengiytymisen piirteitä?',
        sv: 'Hör barnet eller den unga till någon grupp av unga, såsom ett ungdomsgäng eller någon annan grupp som kan ha drag av gängbildning?',
        en: 'Does the child or young person belong to a group of young people, such as a youth gang or another group that may have features of gang formation?',
      },
      options: YES_NO_UNKNOWN,
      required: true,
      reported: true,
    },
    {
      id: 'firstTimeInAnchor',
      column: 'first_time_in_anchor',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Onko asiakas ensimmäistä kertaa ankkuritoiminnassa?',
        sv: 'Är det här första gången klienten upptas i ankarverksamheten?',
        en: 'Is this the first time the client has been taken into Anchor activity?',
      },
      options: YES_NO,
      required: true,
      reported: true,
    },
    {
      id: 'timesInAnchor',
      column: 'times_in_anchor',
      section: 'background',
      type: 'integer',
      labels: {
        fi: 'Jos kyseessä ei ole uusi asiakas, kuinka monta kertaa asiakas on kaikkiaan ollut ankkuritoiminnassa?',
        sv: 'Om det inte är fråga om en ny klient, hur många gånger totalt har klienten upptagits i ankarverksamheten?',
        en: 'If the client is not new, how many times in total has the client been taken into Anchor activity?',
      },
      help: {
        fi: 'Kertojen määrä tämä kerta mukaan lukien.',
        sv: 'Antalet gånger, denna gång inräknad.',
        en: 'The number of times including this one.',
      },
      showWhen: { question: 'firstTimeInAnchor', anyOf: ['no'] },
      unit: { one: { fi: 'kerta', sv: 'gång', en: 'time' }, other: { fi: 'kertaa', sv: 'gånger', en: 'times' } },
      min: 2,
      max: 99,
      bands: [
        { code: '2', from: 2, to: 2, labels: { fi: '2 kertaa', sv: '2 gånger', en: '2 times' } },
        { code: '3_4', from: 3, to: 4, labels: { fi: '3–4 kertaa', sv: '3–4 gånger', en: '3–4 times' } },
        {
          code: '5_plus',
          from: 5,
          to: 99,
          labels: { fi: '5 kertaa tai useammin', sv: '5 gånger eller fler', en: '5 times or more' },
        },
      ],
      required: true,
      reported: true,
    },
    {
      id: 'meetingTopics',
      column: 'meeting_topics',
      section: 'background',
      type: 'multiple',
      labels: { fi: 'Mistä tapaamisessa on kyse?', sv: 'Vad handlar träffen om?', en: 'What is the meeting about?' },
      help: MULTIPLE_CHOICE_HELP,
      minSelected: 1,
      options: [
        { code: 'theft_shoplifting', labels: { fi: 'Varkaus tai näpistys', sv: 'Stöld eller snatteri', en: 'Theft or shoplifting' } },
        { code: 'assault', labels: { fi: 'Pahoinpitely', sv: 'Misshandel', en: 'Assault' } },
        { code: 'vandalism', labels: { fi: 'Vahingonteko', sv: 'Skadegörelse', en: 'Vandalism' } },
        { code: 'unlawful_threat', labels: { fi: 'Laiton uhkaus', sv: 'Olaga hot', en: 'Unlawful threat' } },
        { code: 'robbery', labels: { fi: 'Ryöstö', sv: 'Rån', en: 'Robbery' } },
        { code: 'drug_offence', labels: { fi: 'Huumausainerikos', sv: 'Narkotikabrott', en: 'Drug offence' } },
        { code: 'traffic_offence', labels: { fi: 'Liikennerikos', sv: 'Trafikbrott', en: 'Traffic offence' } },
        { code: 'sexual_offence', labels: { fi: 'Seksuaalirikos', sv: 'Sexualbrott', en: 'Sexual offence' } },
        { code: 'cybercrime', labels: { fi: 'Tietoverkkorikos', sv: 'IT-brott', en: 'Cybercrime' } },
        { code: 'weapon_offence', labels: { fi: 'Aserikos', sv: 'Vapenbrott', en: 'Weapon offence' } },
        { code: 'fraud', labels: { fi: 'Petos', sv: 'Bedrägeri', en: 'Fraud' } },
        { code: 'other_offence', labels: { fi: 'Muu rikos', sv: 'Annat brott', en: 'Other offence' } },
        { code: 'intoxicant_use', labels: { fi: 'Päihteiden käyttö', sv: 'Bruk av rusmedel', en: 'Intoxicant use' } },
        {
          code: 'radicalisation',
          labels: {
            fi: 'Väkivaltainen radikalisoituminen tai ekstremismi',
            sv: 'Våldsbejakande radikalisering eller extremism',
            en: 'Violent radicalisation or extremism',
          },
        },
        {
          code: 'close_relationship_violence',
          labels: { fi: 'Lähisuhdeväkivalta', sv: 'Våld i nära relationer', en: 'Violence in close relationships' },
        },
        { code: 'bullying', labels: { fi: 'Kiusaaminen', sv: 'Mobbning', en: 'Bullying' } },
        { code: 'school_absence', labels: { fi: 'Koulupoissaolot', sv: 'Skolfrånvaro', en: 'School absence' } },
        {
          code: 'mental_health',
          labels: { fi: 'Huoli mielenterveydestä', sv: 'Oro för den psykiska hälsan', en: 'Mental health concern' },
        },
        {
          code: 'risky_online_behaviour',
          labels: { fi: 'Riskialtis toiminta verkossa', sv: 'Riskfyllt beteende på nätet', en: 'Risky online behaviour' },
        },
        { code: 'other_concern', labels: { fi: 'Muu huoli', sv: 'Annan oro', en: 'Other concern' } },
      ],
      required: true,
      reported: true,
    },
    {
      id: 'underInfluence',
      column: 'under_influence',
      section: 'background',
      type: 'single',
      labels: {
        fi: 'Onko teko tehty päihtyneenä?',
        sv: 'Har gärningen begåtts i berusat tillstånd?',
        en: 'Was the act committed under the influence of intoxicants?',
      },
      help: {
        fi: 'Valitse ”Ei koske”, jos tapaaminen ei liity tekoon.',
        sv: 'Välj ”Ej tillämpligt” om träffen inte gäller en gärning.',
        en: 'Choose “Not applicable” when the meeting is not about an act.',
      },
      options: [YES, NO, UNKNOWN, NOT_APPLICABLE],
      required: true,
      reported: true,
    },
    {
      id: 'clientRole',
      column: 'client_role',
      section: 'background',
      type: 'single',
      labels: { fi: 'Asiakkaan rooli', sv: 'Klientens roll', en: "Client's role" },
      options: [
        { code: 'suspect', labels: { fi: 'Epäilty', sv: 'Misstänkt', en: 'Suspect' } },
        {
          code: 'injured_party',
          labels: { fi: 'Asianomistaja tai uhri', sv: 'Målsägande eller offer', en: 'Injured party or victim' },
        },
        {
          code: 'both',
          labels: {
            fi: 'Sekä epäilty että asianomistaja',
            sv: 'Både misstänkt och målsägande',
            en: 'Both suspect and injured party',
          },
        },
        {
          code: 'no_offence',
          labels: { fi: 'Ei rikosta (vain huoli)', sv: 'Inget brott (endast oro)', en: 'No offence (concern only)' },
        },
      ],
      required: true,
      reported: true,
      reportSplit: true,
    },

    // Service
    {
      id: 'informationSources',
      column: 'information_sources',
      section: 'service',
      type: 'multiple',
      labels: {
        fi: 'Keneltä ankkuritiimi on saanut tiedon nuoresta?',
        sv: 'Av vem har ankarteamet fått information om den unga?',
        en: 'Who told the Anchor team about the young person?',
      },
      help: MULTIPLE_CHOICE_HELP,
      minSelected: 1,
      options: [
        { code: 'police', labels: { fi: 'Poliisi', sv: 'Polisen', en: 'Police' } },
        {
          code: 'child_welfare_social_services',
          labels: {
            fi: 'Lastensuojelu tai sosiaalipalvelut',
            sv: 'Barnskyddet eller socialservicen',
            en: 'Child welfare or social services',
          },
        },
        {
          code: 'school',
          labels: { fi: 'Koulu tai oppilaitos', sv: 'Skola eller läroanstalt', en: 'School or educational institution' },
        },
        { code: 'youth_services', labels: { fi: 'Nuorisopalvelut', sv: 'Ungdomstjänster', en: 'Youth services' } },
        { code: 'health_care', labels: { fi: 'Terveydenhuolto', sv: 'Hälso- och sjukvården', en: 'Health care' } },
        {
          code: 'guardian_relative',
          labels: { fi: 'Huoltaja tai läheinen', sv: 'Vårdnadshavare eller anhörig', en: 'Guardian or relative' },
        },
        { code: 'young_person', labels: { fi: 'Nuori itse', sv: 'Den unga själv', en: 'The young person' } },
        {
          code: 'ngo',
          labels: { fi: 'Järjestö tai kolmas sektori', sv: 'Organisation eller tredje sektorn', en: 'NGO or third sector' },
        },
        { code: 'other', labels: { fi: 'Muu', sv: 'Annan', en: 'Other' } },
      ],
      required: true,
      reported: true,
    },
    {
      id: 'referredOnward',
      column: 'referred_onward',
      section: 'service',
      type: 'single',
      labels: {
        fi: 'Jatko-ohjaus: Onko asiakas ohjattu ankkuritapaamisten jälkeen johonkin palveluun?',
        sv: 'Hänvisning vidare: Har klienten efter ankarträffarna hänvisats till en tjänst?',
        en: 'Onward referral: has the client been referred to a service after the Anchor meetings?',
      },
      options: YES_NO,
      required: true,
      reported: true,
      reportSplit: true,
    },
    {
      id: 'referralServices',
      column: 'referral_services',
      section: 'service',
      type: 'multiple',
      labels: {
        fi: 'Mihin palveluihin asiakas on ohjattu?',
        sv: 'Till vilka tjänster har klienten hänvisats?',
        en: 'Which services has the client been referred to?',
      },
      help: MULTIPLE_CHOICE_HELP,
      showWhen: { question: 'referredOnward', anyOf: ['yes'] },
      minSelected: 1,
      options: [
        { code: 'child_welfare', labels: { fi: 'Lastensuojelu', sv: 'Barnskyddet', en: 'Child welfare' } },
        { code: 'social_services', labels: { fi: 'Sosiaalipalvelut', sv: 'Socialservice', en: 'Social services' } },
        {
          code: 'outreach_youth_work',
          labels: { fi: 'Etsivä nuorisotyö', sv: 'Uppsökande ungdomsarbete', en: 'Outreach youth work' },
        },
        {
          code: 'substance_abuse_services',
          labels: { fi: 'Päihdepalvelut', sv: 'Missbrukartjänster', en: 'Substance abuse services' },
        },
        {
          code: 'mental_health_services',
          labels: { fi: 'Mielenterveyspalvelut', sv: 'Mentalvårdstjänster', en: 'Mental health services' },
        },
        {
          code: 'student_welfare',
          labels: { fi: 'Opiskeluhuolto', sv: 'Elev- och studerandevård', en: 'Pupil and student welfare' },
        },
        { code: 'health_care', labels: { fi: 'Terveydenhuolto', sv: 'Hälso- och sjukvård', en: 'Health care' } },
        {
          code: 'hobby_leisure',
          labels: { fi: 'Harrastus- tai vapaa-ajan toiminta', sv: 'Hobby- eller fritidsverksamhet', en: 'Hobby or leisure activity' },
        },
        { code: 'family_services', labels: { fi: 'Perhepalvelut', sv: 'Familjetjänster', en: 'Family services' } },
        {
          code: 'victim_support',
          labels: { fi: 'Rikoksen uhrin tukipalvelut', sv: 'Stöd för brottsoffer', en: 'Victim support' },
        },
        { code: 'mediation', labels: { fi: 'Rikosasioiden sovittelu', sv: 'Medling vid brott', en: 'Mediation' } },
        {
          code: 'exit_deradicalisation',
          labels: {
            fi: 'Exit- tai irtautumistyö',
            sv: 'Exit- eller avradikaliseringsarbete',
            en: 'Exit or deradicalisation work',
          },
        },
        { code: 'other', labels: { fi: 'Muu', sv: 'Annan', en: 'Other' } },
      ],
      required: true,
      reported: true,
    },
    {
      id: 'meetingParticipants',
      column: 'meeting_participants',
      section: 'service',
      type: 'multiple',
      labels: {
        fi: 'Kuka tapasi asiakkaan / osallistui tapaamiseen?',
        sv: 'Vem träffade klienten/deltog i träffen?',
        en: 'Who met the client / took part in the meeting?',
      },
      help: {
        fi: 'Keitä kuului asiakasta tavanneeseen ankkuritiimiin? Valitse kaikki tapaamiseen osallistuneet.',
        sv: 'Vem ingick i det ankarteam som träffade klienten? Välj alla som deltog i träffen.',
        en: 'Who was in the Anchor team that met the client? Choose everyone who took part in the meeting.',
      },
      minSelected: 1,
      options: [
        { code: 'police', labels: { fi: 'Poliisi', sv: 'Polis', en: 'Police officer' } },
        { code: 'social_worker', labels: { fi: 'Sosiaalityöntekijä', sv: 'Socialarbetare', en: 'Social worker' } },
        { code: 'youth_worker', labels: { fi: 'Nuorisotyöntekijä', sv: 'Ungdomsarbetare', en: 'Youth worker' } },
        {
          code: 'nurse_health_care',
          labels: {
            fi: 'Sairaanhoitaja tai muu terveydenhuollon ammattilainen',
            sv: 'Sjukskötare eller annan yrkesutbildad person inom hälso- och sjukvården',
            en: 'Nurse or other health care professional',
          },
        },
        {
          code: 'psychiatric_nurse',
          labels: { fi: 'Psykiatrinen sairaanhoitaja', sv: 'Psykiatrisk sjukskötare', en: 'Psychiatric nurse' },
        },
        {
          code: 'school_representative',
          labels: {
            fi: 'Koulun tai oppilaitoksen edustaja',
            sv: 'Representant för skolan eller läroanstalten',
            en: 'School representative',
          },
        },
        { code: 'guardian', labels: { fi: 'Huoltaja', sv: 'Vårdnadshavare', en: 'Guardian' } },
        { code: 'other', labels: { fi: 'Muu', sv: 'Annan', en: 'Other' } },
      ],
      required: true,
      reported: true,
    },

    // Impact
    {
      id: 'responseTimeDays',
      column: 'response_time_days',
      section: 'impact',
      type: 'integer',
      labels: {
        fi: 'Ankkuritiimin reagointiaika (arkipäivien määrä ilmoituksesta 1. tapaamiseen)',
        sv: 'Ankarteamets reaktionstid (antal vardagar från anmälan till 1:a träffen)',
        en: "Anchor team's response time (working days from the notification to the first meeting)",
      },
      help: {
        fi: 'Reagointiaika arkipäivinä (ma–pe, arkipyhiä lukuun ottamatta) siitä, kun tiimi sai tiedon nuoresta, ensimmäiseen tapaamiseen; 0 = sama päivä. Älä kirjaa päivämääriä.',
        sv: 'Reaktionstiden i vardagar (mån–fre, utom helgdagar) från att teamet fick informationen om den unga till den första träffen; 0 = samma dag. Ange inga datum.',
        en: 'Working days (Monday to Friday, excluding public holidays) from when the team was told about the young person to the first meeting; 0 = the same day. Never enter dates.',
      },
      unit: { one: { fi: 'arkipäivä', sv: 'vardag', en: 'working day' }, other: { fi: 'arkipäivää', sv: 'vardagar', en: 'working days' } },
      min: 0,
      max: 365,
      bands: [
        { code: '0_7', from: 0, to: 7, labels: { fi: '0–7 arkipäivää', sv: '0–7 vardagar', en: '0–7 working days' } },
        { code: '8_14', from: 8, to: 14, labels: { fi: '8–14 arkipäivää', sv: '8–14 vardagar', en: '8–14 working days' } },
        { code: '15_30', from: 15, to: 30, labels: { fi: '15–30 arkipäivää', sv: '15–30 vardagar', en: '15–30 working days' } },
        {
          code: '31_plus',
          from: 31,
          to: 365,
          labels: { fi: 'Yli 30 arkipäivää', sv: 'Över 30 vardagar', en: 'Over 30 working days' },
        },
      ],
      // The response time is the time to the first meeting: asked once, on the first meeting's form.
      showWhen: { question: 'meetingKind', anyOf: ['first'] },
      required: true,
      reported: true,
    },
    {
      id: 'workingMethods',
      column: 'working_methods',
      section: 'impact',
      type: 'multiple',
      labels: {
        fi: 'Miten tiimi työskenteli asiakkaan kanssa?',
        sv: 'Hur arbetade teamet med klienten?',
        en: 'How did the team work with the client?',
      },
      help: MULTIPLE_CHOICE_HELP,
      minSelected: 1,
      options: [
        {
          code: 'police_station_meeting',
          labels: { fi: 'Tapaaminen poliisiasemalla', sv: 'Träff på polisstationen', en: 'Meeting at the police station' },
        },
        { code: 'home_visit', labels: { fi: 'Kotikäynti', sv: 'Hembesök', en: 'Home visit' } },
        { code: 'meeting_elsewhere', labels: { fi: 'Tapaaminen muualla', sv: 'Träff på annat ställe', en: 'Meeting elsewhere' } },
        { code: 'phone', labels: { fi: 'Puhelin', sv: 'Telefon', en: 'Phone' } },
        { code: 'video', labels: { fi: 'Videoyhteys', sv: 'Videosamtal', en: 'Video call' } },
        {
          code: 'accompanied_to_service',
          labels: { fi: 'Saattaminen palveluun', sv: 'Ledsagning till en tjänst', en: 'Accompanied to a service' },
        },
        {
          code: 'consulted_professionals',
          labels: {
            fi: 'Muiden ammattilaisten konsultointi',
            sv: 'Konsultation med andra yrkesutbildade',
            en: 'Consulted other professionals',
          },
        },
      ],
      required: true,
      reported: true,
    },
    {
      id: 'continuationPlan',
      column: 'continuation_plan',
      section: 'impact',
      type: 'multiple',
      labels: { fi: 'Jatkosuunnitelma', sv: 'Plan för fortsättningen', en: 'Plan for continuation' },
      help: {
        fi: 'Voit valita useamman vaihtoehdon. ”Ei jatkotoimenpiteitä tarvita” ei yhdisty muihin vaihtoehtoihin.',
        sv: 'Du kan välja fler än ett alternativ. ”Inga ytterligare åtgärder behövs” kan inte kombineras med andra alternativ.',
        en: 'You can choose more than one option. “No further measures needed” cannot be combined with other options.',
      },
      minSelected: 1,
      options: [
        { code: 'new_anchor_meeting', labels: { fi: 'Uusi ankkuritapaaminen', sv: 'Ny ankarträff', en: 'New Anchor meeting' } },
        {
          code: 'referred_to_other_services',
          labels: { fi: 'Ohjaus muihin palveluihin', sv: 'Hänvisning till andra tjänster', en: 'Referred to other services' },
        },
        { code: 'phone_follow_up', labels: { fi: 'Seuranta puhelimitse', sv: 'Uppföljning per telefon', en: 'Follow-up by phone' } },
        {
          code: 'no_further_measures',
          exclusive: true,
          labels: {
            fi: 'Ei jatkotoimenpiteitä tarvita',
            sv: 'Inga ytterligare åtgärder behövs',
            en: 'No further measures needed',
          },
        },
        { code: 'other', labels: { fi: 'Muu', sv: 'Annat', en: 'Other' } },
      ],
      required: true,
      reported: true,
    },
    {
      id: 'regretOwn',
      column: 'regret_own',
      section: 'impact',
      type: 'single',
      labels: {
        fi: 'Katuuko nuori tekoaan? Nuoren oma arvio',
        sv: 'Ångrar den unga vad han eller hon gjort? Den ungas egen bedömning',
        en: "Does the young person regret what they did? The young person's own assessment",
      },
      options: REGRET_OPTIONS,
      required: true,
      reported: true,
    },
    {
      id: 'regretTeam',
      column: 'regret_team',
      section: 'impact',
      type: 'single',
      labels: {
        fi: 'Katuuko nuori tekoaan? Tiimin arvio',
        sv: 'Ångrar den unga vad han eller hon gjort? Teamets bedömning',
        en: "Does the young person regret what they did? The team's assessment",
      },
      options: REGRET_OPTIONS,
      required: true,
      reported: true,
    },
    {
      id: 'usefulness',
      column: 'usefulness',
      section: 'impact',
      type: 'single',
      labels: {
        fi: 'Oliko tapaamisesta hyötyä nuorelle? Tiimin arvio tapaamisen jälkeen',
        sv: 'Var träffen till nytta för den unga? Teamets bedömning efter träffen',
        en: "Was the meeting useful for the young person? The team's assessment after the meeting",
      },
      options: [
        { code: '1', labels: { fi: '1 – ei lainkaan', sv: '1 – inte alls', en: '1 – not at all' } },
        { code: '2', labels: { fi: '2 – vähän', sv: '2 – lite', en: '2 – a little' } },
        { code: '3', labels: { fi: '3 – jonkin verran', sv: '3 – i viss mån', en: '3 – somewhat' } },
        { code: '4', labels: { fi: '4 – melko paljon', sv: '4 – ganska mycket', en: '4 – quite a lot' } },
        { code: '5', labels: { fi: '5 – erittäin paljon', sv: '5 – väldigt mycket', en: '5 – very much' } },
        UNKNOWN,
      ],
      required: true,
      reported: true,
    },
  ],
}
