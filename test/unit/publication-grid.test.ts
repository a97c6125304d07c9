// Which aggregates are published: safe groups only, and no two published aggregates that differ by
// a few forms, even after a reader takes away one team's forms (their own, or ones they planted).
import t from 'tap'
import { aggregateKey, decideAggregates, publishedColumns, unsafeGroup, type Aggregate, type Atom } from '../../src/features/publication/publication-grid.js'

const N = 20
const atom = (teamId: string, month: string, forms: number, county = '08', police = 'sisa-suomi', release = 1): Atom => ({ month, teamId, county, police, release, forms })
const year = (area: Aggregate['area'], cutoff = 1): Aggregate => ({ key: aggregateKey({ type: 'year', year: 2025 }, area), period: { type: 'year', year: 2025 }, area, cutoff })
const quarter = (q: number, area: Aggregate['area'], cutoff = 1): Aggregate => ({ key: aggregateKey({ type: 'quarter', year: 2025, quarter: q }, area), period: { type: 'quarter', year: 2025, quarter: q }, area, cutoff })

t.test('a safe group is empty, or has at least N forms and at least N (or none) without any one team', async (t) => {
  t.equal(unsafeGroup(new Map(), N), null)
  t.equal(unsafeGroup(new Map([['a', 19]]), N), 'too_few_forms')
  t.equal(unsafeGroup(new Map([['a', 40]]), N), null, 'one team alone: nothing is left to learn once it is taken away')
  t.equal(unsafeGroup(new Map([['a', 40], ['b', 3]]), N), 'one_team', 'three forms of another team would be left')
  t.equal(unsafeGroup(new Map([['a', 40], ['b', 25]]), N), null)
})

t.test('a county that is one large team plus a tiny one is withheld, and so is nothing else that reveals the tiny one', async (t) => {
  const atoms = [atom('big', '2025-03', 100), atom('tiny', '2025-05', 2)]
  const decisions = decideAggregates([year({ level: 'county', code: '08' }), year({ level: 'team', code: 'big' }), year({ level: 'team', code: 'tiny' })], [], atoms, N)
  t.match(decisions.get('2025|county:08'), { status: 'withheld', reason: 'one_team' })
  t.match(decisions.get('2025|team:big'), { status: 'published' })
  t.match(decisions.get('2025|team:tiny'), { status: 'withheld', reason: 'too_few_forms' })
})

t.test('two areas that differ by a few forms are not both published', async (t) => {
  // police department = county + one small team in another county
  const atoms = [atom('a', '2025-02', 60), atom('b', '2025-02', 50), atom('c', '2025-02', 4, '07')]
  const decisions = decideAggregates([year({ level: 'county', code: '08' }), year({ level: 'police', code: 'sisa-suomi' })], [], atoms, N)
  t.match(decisions.get('2025|county:08'), { status: 'published' })
  t.match(decisions.get('2025|police:sisa-suomi'), { status: 'withheld', reason: 'close_to_other', other: '2025|county:08' })
})

t.test('a year and a quarter that differ by a few forms are not both published', async (t) => {
  const atoms = [atom('a', '2025-11', 40), atom('b', '2025-12', 30), atom('b', '2025-02', 3)]
  const decisions = decideAggregates([year({ level: 'country' }), quarter(4, { level: 'country' }), quarter(1, { level: 'country' })], [], atoms, N)
  t.match(decisions.get('2025|country'), { status: 'published' })
  t.match(decisions.get('2025-Q4|country'), { status: 'withheld', reason: 'close_to_other' })
  t.match(decisions.get('2025-Q1|country'), { status: 'withheld', reason: 'too_few_forms' })
})

t.test('planted forms do not isolate another team\'s form: the group without the planter is what counts', async (t) => {
  // an expert of team "attacker" files 30 forms in the quarter the victim team filed one
  const atoms = [atom('victim', '2025-04', 1), atom('attacker', '2025-04', 30), atom('others', '2025-01', 200)]
  const decisions = decideAggregates([quarter(2, { level: 'county', code: '08' }), year({ level: 'county', code: '08' }), quarter(1, { level: 'county', code: '08' })], [], atoms, N)
  t.match(decisions.get('2025-Q2|county:08'), { status: 'withheld', reason: 'one_team' }, 'without the planted forms one form is left')
  t.match(decisions.get('2025|county:08'), { status: 'published' })
  t.match(decisions.get('2025-Q1|county:08'), { status: 'withheld', reason: 'close_to_other' }, 'the year minus Q1 is the planted forms plus one')
})

t.test('decisions made earlier stand: a later candidate that conflicts with a published aggregate is withheld', async (t) => {
  const first = [atom('a', '2025-01', 50), atom('b', '2025-01', 50)]
  const q1 = quarter(1, { level: 'country' })
  t.match(decideAggregates([q1], [], first, N).get(q1.key), { status: 'published' })
  // a late form for 2025-03 enters release 2; the year (cutoff 2) then differs from Q1 (cutoff 1) by it
  const later = [...first, atom('a', '2025-03', 1, '08', 'sisa-suomi', 2)]
  const y = year({ level: 'country' }, 2)
  t.match(decideAggregates([y], [q1], later, N).get(y.key), { status: 'withheld', reason: 'close_to_other', other: q1.key })
})

t.test('split columns are shown only when the column and the rest are safe groups', async (t) => {
  const aggregate = new Map([['a', 60], ['b', 60]])
  const columns = new Map([
    ['girl', new Map([['a', 30], ['b', 28]])],
    ['boy', new Map([['a', 29], ['b', 31]])],
    ['other', new Map([['a', 1], ['b', 1]])],
  ])
  t.same([...publishedColumns(columns, aggregate, N)].sort(), ['boy', 'girl'])
})

t.test('a year minus its published quarters is never a small withheld quarter', async (t) => {
  // three quarters of two teams each, and a fourth of three forms: each quarter differs from the year
  // by a safe group, but the year minus the first three would be those three forms
  const county = { level: 'county' as const, code: '08' }
  const atoms = [1, 2, 3].flatMap((q) => [atom('a', `2025-0${q * 3 - 1}`, 30), atom('b', `2025-0${q * 3 - 1}`, 25)]).concat(atom('b', '2025-11', 3))
  const decisions = decideAggregates([year(county), quarter(1, county), quarter(2, county), quarter(3, county), quarter(4, county)], [], atoms, N)
  t.match(decisions.get('2025|county:08'), { status: 'published' })
  t.match(decisions.get('2025-Q4|county:08'), { status: 'withheld', reason: 'too_few_forms' })
  const shown = [1, 2, 3].filter((q) => decisions.get(`2025-Q${q}|county:08`)!.status === 'published')
  t.equal(shown.length, 2, 'one more quarter is withheld')
  const withheld = [1, 2, 3].find((q) => !shown.includes(q))!
  t.match(decisions.get(`2025-Q${withheld}|county:08`), { status: 'withheld', reason: 'rest_too_small', other: '2025|county:08' })
})

t.test('when the published parts were decided before, the whole is withheld instead', async (t) => {
  const county = { level: 'county' as const, code: '08' }
  const atoms = [1, 2, 3].flatMap((q) => [atom('a', `2025-0${q * 3 - 1}`, 30), atom('b', `2025-0${q * 3 - 1}`, 25)]).concat(atom('b', '2025-11', 3, '08', 'sisa-suomi', 2))
  const earlier = [1, 2, 3].map((q) => quarter(q, county))
  const yearOf = { ...year(county, 2), quarterCutoffs: [1, 1, 1, 2] }
  const decisions = decideAggregates([yearOf, quarter(4, county, 2)], earlier, atoms, N)
  t.match(decisions.get('2025-Q4|county:08'), { status: 'withheld', reason: 'too_few_forms' })
  t.match(decisions.get('2025|county:08'), { status: 'withheld', reason: 'rest_too_small' }, 'published, the year minus the three quarters would be the three forms')
})

t.test('the country minus its published counties is never one small withheld county', async (t) => {
  const atoms = [atom('a', '2025-02', 60, '08'), atom('b', '2025-02', 50, '06'), atom('c', '2025-02', 45, '07'), atom('d', '2025-03', 4, '13')]
  const counties = ['08', '06', '07', '13'].map((code) => year({ level: 'county', code }))
  const decisions = decideAggregates([year({ level: 'country' }), ...counties], [], atoms, N)
  t.match(decisions.get('2025|county:13'), { status: 'withheld', reason: 'too_few_forms' })
  const published = ['08', '06', '07'].filter((code) => decisions.get(`2025|county:${code}`)!.status === 'published')
  t.ok(published.length <= 2, 'at least one more county is withheld with the small one')
  t.match(decisions.get('2025|county:07'), { status: 'withheld', reason: 'rest_too_small' }, 'the smallest published one')
})

t.test('a county year minus the published years of its teams is never a small withheld team', async (t) => {
  // three teams of 36 forms and a tiny one of one form in county 08; three teams of 15 in county 09
  // keep the country minus its published teams a safe group
  const atoms = [
    ...['a', 'b', 'c'].map((team, i) => atom(team, `2025-0${i + 1}`, 36)),
    atom('tiny', '2025-12', 1),
    ...['u1', 'u2', 'u3'].map((team) => atom(team, '2025-06', 15, '09', 'ita-suomi')),
  ]
  const teamCodes = ['a', 'b', 'c', 'tiny', 'u1', 'u2', 'u3']
  const candidates = [year({ level: 'country' }), year({ level: 'county', code: '08' }), year({ level: 'county', code: '09' }), ...teamCodes.map((code) => year({ level: 'team', code }))]
  /** County 08's forms outside its published team years, per team. */
  const restOf08 = (decisions: Map<string, { status: string }>, all: readonly Atom[]) => {
    const rest = new Map<string, number>()
    for (const a of all) {
      const whollyInside = all.filter((b) => b.teamId === a.teamId).every((b) => b.county === '08')
      const covered = whollyInside && decisions.get(`2025|team:${a.teamId}`)?.status === 'published'
      if (a.county === '08' && !covered) rest.set(a.teamId, (rest.get(a.teamId) ?? 0) + a.forms)
    }
    return rest
  }
  const decisions = decideAggregates(candidates, [], atoms, N)
  t.match(decisions.get('2025|county:08'), { status: 'published' })
  t.match(decisions.get('2025|team:tiny'), { status: 'withheld', reason: 'too_few_forms' })
  const withheld = ['a', 'b', 'c'].filter((team) => decisions.get(`2025|team:${team}`)!.status === 'withheld')
  t.ok(withheld.length >= 1, `${withheld.join(' and ')} withheld with the tiny team`)
  for (const team of withheld) t.match(decisions.get(`2025|team:${team}`), { status: 'withheld', reason: 'rest_too_small', other: '2025|county:08' })
  t.equal(unsafeGroup(restOf08(decisions, atoms), N), null, 'the county minus its published teams is a safe group')

  // a team that moved into the county during the year is no part of it: its forms there stay in the rest
  const moved = [...atoms.filter((a) => a.teamId !== 'tiny'), atom('tiny', '2025-02', 30, '07', 'ita-suomi'), atom('tiny', '2025-12', 1)]
  const again = decideAggregates(candidates, [], moved, N)
  t.match(again.get('2025|team:tiny'), { status: 'published' }, 'the moved team has 31 forms in the year')
  t.ok(['a', 'b', 'c'].some((team) => again.get(`2025|team:${team}`)!.status === 'withheld'), 'and its one form in county 08 still needs company')
  t.equal(unsafeGroup(restOf08(again, moved), N), null, 'the county minus its published teams is a safe group')
})
