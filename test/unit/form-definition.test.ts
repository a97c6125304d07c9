// The statistics form definition's own invariants: ids, columns, codes, labels, show-when rules,
// integer bands, sections, the questions other code relies on, and the handbook's Swedish wording.
import t, { type Test } from 'tap'
import { formDefinition } from '../../src/features/forms/definition.js'
import { SECTION_IDS, type Labels, type Question } from '../../src/features/forms/definition-types.js'

const { questions, sections } = formDefinition
const LANGS = ['fi', 'sv', 'en'] as const

// PostgreSQL's reserved key words (those that cannot be a column name unquoted).
const PG_RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation ' +
    'column concurrently constraint create cross current_catalog current_date current_role current_schema ' +
    'current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch ' +
    'for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral ' +
    'leading left like limit localtime localtimestamp natural not notnull null offset on only or order outer ' +
    'overlaps placing primary references returning right select session_user similar some symmetric system_user ' +
    'table tablesample then to trailing true union unique user using variadic verbose when where window with'
  ).split(' '),
)

// Columns meeting_forms holds besides the answers: submitter, bookkeeping, and the values derived from age.
const NON_QUESTION_COLUMNS = new Set([
  'id',
  'team_id',
  'user_id',
  'submitted_by',
  'definition_version',
  'idempotency_key',
  'created_at',
  'under_15',
  'adult_client',
])

const byId = (id: string): Question => {
  const q = questions.find((x) => x.id === id)
  if (!q) throw new Error(`no question ${id}`)
  return q
}

const codesOf = (q: Question): string[] => (q.type === 'single' || q.type === 'multiple' ? q.options.map((o) => o.code) : [])

const checkLabels = (t: Test, labels: Labels | undefined, where: string): void => {
  t.ok(labels, `${where} has labels`)
  for (const lang of LANGS) {
    const text = labels?.[lang]
    t.ok(typeof text === 'string' && text.trim().length > 0, `${where}: ${lang} label is not empty`)
    if (typeof text === 'string') t.equal(text, text.trim(), `${where}: ${lang} label has no stray whitespace`)
  }
}

t.test('version is a positive integer', async (t) => {
  t.ok(Number.isInteger(formDefinition.version) && formDefinition.version >= 1)
})

t.test('question ids and columns', async (t) => {
  t.ok(questions.length > 0)
  t.equal(new Set(questions.map((q) => q.id)).size, questions.length, 'ids are unique')
  t.equal(new Set(questions.map((q) => q.column)).size, questions.length, 'columns are unique')
  for (const q of questions) {
    t.match(q.id, /^[a-z][a-zA-Z0-9]*$/, `${q.id} is camelCase`)
    t.match(q.column, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, `${q.column} is snake_case`)
    t.ok(q.column.length <= 40, `${q.column} is at most 40 characters`)
    t.notOk(PG_RESERVED.has(q.column), `${q.column} is not a reserved word`)
    t.notOk(NON_QUESTION_COLUMNS.has(q.column), `${q.column} is not a bookkeeping or derived column`)
  }
})

t.test('no free text, every question required and reported', async (t) => {
  for (const q of questions) {
    t.ok(['single', 'multiple', 'integer', 'municipality', 'month'].includes(q.type), `${q.id} has a closed type`)
    t.equal(q.required, true, `${q.id} is required when shown`)
    t.equal(q.reported, true, `${q.id} is reported`)
  }
})

t.test('answer options', async (t) => {
  for (const q of questions) {
    if (q.type !== 'single' && q.type !== 'multiple') continue
    t.ok(q.options.length >= 2, `${q.id} has at least two options`)
    const codes = codesOf(q)
    t.equal(new Set(codes).size, codes.length, `${q.id}: option codes are unique`)
    for (const o of q.options) {
      t.match(o.code, /^[a-z0-9_]+$/, `${q.id}.${o.code} is a lowercase code`)
      checkLabels(t, o.labels, `${q.id}.${o.code}`)
      if (o.retiredInVersion !== undefined) {
        t.ok(o.retiredInVersion <= formDefinition.version, `${q.id}.${o.code} retired in a known version`)
      }
      if (o.exclusive) t.equal(q.type, 'multiple', `${q.id}.${o.code}: exclusive only makes sense in a multiple choice`)
    }
    if (q.type === 'multiple') {
      t.ok(Number.isInteger(q.minSelected) && q.minSelected >= 1, `${q.id}: minSelected is at least 1`)
      t.ok(q.minSelected <= q.options.length, `${q.id}: minSelected is reachable`)
    }
  }
})

t.test('every label and help text exists in fi, sv and en', async (t) => {
  for (const s of sections) checkLabels(t, s.labels, `section ${s.id}`)
  for (const q of questions) {
    checkLabels(t, q.labels, q.id)
    if (q.help !== undefined) checkLabels(t, q.help, `${q.id} help`)
    if (q.type === 'integer') for (const b of q.bands ?? []) checkLabels(t, b.labels, `${q.id} band ${b.code}`)
  }
})

t.test('show-when rules refer to an earlier choice question and its codes', async (t) => {
  questions.forEach((q, index) => {
    if (!q.showWhen) return
    const { question, anyOf } = q.showWhen
    const targetIndex = questions.findIndex((x) => x.id === question)
    t.ok(targetIndex >= 0, `${q.id}: ${question} exists`)
    t.ok(targetIndex < index, `${q.id}: ${question} comes earlier`)
    const target = questions[targetIndex]
    if (!target) return
    t.ok(target.type === 'single' || target.type === 'multiple', `${q.id}: ${question} is a choice question`)
    t.ok(anyOf.length > 0, `${q.id}: anyOf is not empty`)
    const codes = new Set(codesOf(target))
    for (const code of anyOf) t.ok(codes.has(code), `${q.id}: ${question} has the code ${code}`)
  })
})

t.test('integer bounds and bands', async (t) => {
  for (const q of questions) {
    if (q.type !== 'integer') continue
    t.ok(Number.isInteger(q.min) && Number.isInteger(q.max), `${q.id}: bounds are integers`)
    t.ok(q.min <= q.max, `${q.id}: min <= max`)
    if (!q.bands) continue
    t.ok(q.bands.length > 0, `${q.id}: bands are not empty`)
    const codes = q.bands.map((b) => b.code)
    t.equal(new Set(codes).size, codes.length, `${q.id}: band codes are unique`)
    let next = q.min
    for (const b of q.bands) {
      t.match(b.code, /^[a-z0-9_]+$/, `${q.id} band ${b.code} is a lowercase code`)
      t.ok(Number.isInteger(b.from) && Number.isInteger(b.to), `${q.id} band ${b.code}: integer ends`)
      t.ok(b.from <= b.to, `${q.id} band ${b.code}: from <= to`)
      t.equal(b.from, next, `${q.id} band ${b.code} starts right after the previous one (no gap, no overlap)`)
      next = b.to + 1
    }
    t.equal(next, q.max + 1, `${q.id}: the last band ends at max`)
  }
})

t.test('sections', async (t) => {
  t.same(
    sections.map((s) => s.id),
    [...SECTION_IDS],
    'the meeting and the young person, background, service, impact, in that order',
  )
  for (const s of sections) t.ok(questions.some((q) => q.section === s.id), `section ${s.id} has a question`)
  let last = 0
  for (const q of questions) {
    const at = SECTION_IDS.indexOf(q.section)
    t.ok(at >= last, `${q.id} (${q.section}) does not go back to an earlier section`)
    last = at
  }
})

t.test('the questions the rest of the service relies on', async (t) => {
  const expected: Record<string, { type: Question['type']; section: Question['section'] }> = {
    meetingMonth: { type: 'month', section: 'meeting' },
    meetingKind: { type: 'single', section: 'meeting' },
    gender: { type: 'single', section: 'meeting' },
    age: { type: 'integer', section: 'meeting' },
    homeMunicipality: { type: 'municipality', section: 'meeting' },
    hasHobby: { type: 'single', section: 'background' },
    guidedHobby: { type: 'single', section: 'background' },
    firstTimeInAnchor: { type: 'single', section: 'background' },
    timesInAnchor: { type: 'integer', section: 'background' },
    meetingTopics: { type: 'multiple', section: 'background' },
    referredOnward: { type: 'single', section: 'service' },
    referralServices: { type: 'multiple', section: 'service' },
    responseTimeDays: { type: 'integer', section: 'impact' },
    regretOwn: { type: 'single', section: 'impact' },
    regretTeam: { type: 'single', section: 'impact' },
    usefulness: { type: 'single', section: 'impact' },
  }
  for (const [id, { type, section }] of Object.entries(expected)) {
    const q = questions.find((x) => x.id === id)
    t.ok(q, `${id} exists`)
    t.equal(q?.type, type, `${id} is ${type}`)
    t.equal(q?.section, section, `${id} is in ${section}`)
  }

  t.equal(byId('meetingMonth').column, 'meeting_month')
  t.same(codesOf(byId('meetingKind')), ['first', 'follow_up'])
  t.same(codesOf(byId('gender')), ['girl', 'boy', 'other', 'unknown'])
  t.same(codesOf(byId('hasHobby')), ['yes', 'no', 'unknown'])
  t.same(codesOf(byId('firstTimeInAnchor')), ['yes', 'no'])
  t.same(codesOf(byId('referredOnward')), ['yes', 'no'])
  t.same(byId('guidedHobby').showWhen, { question: 'hasHobby', anyOf: ['yes'] })
  t.same(byId('timesInAnchor').showWhen, { question: 'firstTimeInAnchor', anyOf: ['no'] })
  t.same(byId('referralServices').showWhen, { question: 'referredOnward', anyOf: ['yes'] })

  const age = byId('age')
  if (age.type !== 'integer') throw new Error('age is not an integer question')
  t.same([age.min, age.max], [6, 29])
  t.same(
    age.bands?.map((b) => [b.code, b.from, b.to]),
    [
      ['under_12', 6, 11],
      ['12_14', 12, 14],
      ['15_17', 15, 17],
      ['18_plus', 18, 29],
    ],
  )
  const times = byId('timesInAnchor')
  if (times.type !== 'integer') throw new Error('timesInAnchor is not an integer question')
  t.same([times.min, times.max], [2, 99])
  const response = byId('responseTimeDays')
  if (response.type !== 'integer') throw new Error('responseTimeDays is not an integer question')
  t.same([response.min, response.max], [0, 365])
  t.same(
    response.bands?.map((b) => b.code),
    ['0_7', '8_14', '15_30', '31_plus'],
  )

  t.equal(codesOf(byId('meetingTopics')).length, 20, 'twenty meeting topics')
  t.equal(codesOf(byId('referralServices')).length, 13, 'thirteen referral services')
  for (const id of ['regretOwn', 'regretTeam']) t.same(codesOf(byId(id)), ['yes', 'partly', 'no', 'not_applicable', 'unknown'])
  t.same(codesOf(byId('usefulness')), ['1', '2', '3', '4', '5', 'unknown'])

  const plan = byId('continuationPlan')
  if (plan.type !== 'multiple') throw new Error('continuationPlan is not a multiple choice')
  t.same(
    plan.options.filter((o) => o.exclusive).map((o) => o.code),
    ['no_further_measures'],
    'only "no further measures" excludes the others',
  )
})

t.test('session and derived values are not questions', async (t) => {
  for (const q of questions) {
    t.notMatch(q.id, /^(team|expert|user|submitter|under15|adultClient)/i, `${q.id} is not taken from the session or derived`)
  }
})

t.test("Swedish labels follow the handbook's list word for word", async (t) => {
  const handbook: Record<string, string> = {
    gender: 'Kön',
    age: 'Ålder',
    homeMunicipality: 'Hemkommun',
    childWelfareNotification: 'Har en barnskyddsanmälan gjorts?',
    earlierWelfareClient: 'Har klienten tidigare varit klient inom barnskyddet eller socialvården?',
    hasHobby: 'Har barnet eller den unga en hobby?',
    guidedHobby: 'Är det i så fall fråga om ledd hobbyverksamhet?',
    gangLikeGroup:
      'Hör barnet eller den unga till någon grupp av unga, såsom ett ungdomsgäng eller någon annan grupp som kan ha drag av gängbildning?',
    firstTimeInAnchor: 'Är det här första gången klienten upptas i ankarverksamheten?',
    timesInAnchor:
      'Om det inte är fråga om en ny klient, hur många gånger totalt har klienten upptagits i ankarverksamheten?',
    meetingTopics: 'Vad handlar träffen om?',
    underInfluence: 'Har gärningen begåtts i berusat tillstånd?',
    clientRole: 'Klientens roll',
    informationSources: 'Av vem har ankarteamet fått information om den unga?',
    referredOnward: 'Hänvisning vidare: Har klienten efter ankarträffarna hänvisats till en tjänst?',
    meetingParticipants: 'Vem träffade klienten/deltog i träffen?',
    responseTimeDays: 'Ankarteamets reaktionstid (antal vardagar från anmälan till 1:a träffen)',
    workingMethods: 'Hur arbetade teamet med klienten?',
    continuationPlan: 'Plan för fortsättningen',
    regretOwn: 'Ångrar den unga vad han eller hon gjort? Den ungas egen bedömning',
    regretTeam: 'Ångrar den unga vad han eller hon gjort? Teamets bedömning',
    usefulness: 'Var träffen till nytta för den unga? Teamets bedömning efter träffen',
  }
  for (const [id, sv] of Object.entries(handbook)) t.equal(byId(id).labels.sv, sv, `${id}: "${sv}"`)
  // the handbook's three sections, its background asked in two steps (the meeting and the young
  // person first, as the handbook lists them, then the rest of the background)
  t.same(
    sections.map((s) => s.labels.sv),
    ['Träffen och den unga', 'Bakgrundsuppgifter', 'Tjänst inom ankarverksamheten', 'Genomslagskraft'],
  )
})
