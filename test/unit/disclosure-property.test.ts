// Random tables against an independent attacker: an exact integer search over each table's own equations
// must find at least two possible values for every hidden count, unless the engine itself reports it exposed.
import fc from 'fast-check'
import t, { type Test } from 'tap'
import {
  type ProtectedCount,
  protectMultipleChoiceDetailed,
  protectMultipleChoiceTwoWayDetailed,
  protectOneWayDetailed,
  protectTwoWayDetailed,
  publishedShare,
} from '../../src/features/reports/disclosure.js'

// ---------------------------------------------------------------------------------------------
// The attacker: unknowns with the bounds the page reveals, and the table's linear equations.

type Known = { readonly value: number } | { readonly unknown: number }
interface Unknown { readonly name: string; readonly truth: number; readonly lo: number; readonly hi: number; readonly sensitive: boolean }
/** sum of plus - sum of minus + constant = 0 */
interface Equation { readonly plus: number[]; readonly minus: number[]; readonly constant: number }

/** Searches stop with an error past this many nodes, so a slow case fails loudly instead of hanging. */
const SEARCH_LIMIT = 200_000

class Attacker {
  readonly unknowns: Unknown[] = []
  private readonly equations: Equation[] = []
  private nodes = 0

  /** `cap` stands in for "no upper bound": it only needs to exceed every true value by more than one. */
  constructor(private readonly k: number, private readonly cap: number) {}

  /** A shown or hidden count as the attacker sees it. */
  count(name: string, truth: number, shown: ProtectedCount): Known {
    if (shown.status === 'published') return { value: truth }
    const [lo, hi] = shown.status === 'primary' ? [1, this.k - 1] : [this.k, this.cap]
    return this.add({ name, truth, lo, hi, sensitive: true })
  }

  /** A number derivable but never shown: only >= 0 is known; sensitive when small. */
  implicit(name: string, truth: number): Known {
    return this.add({ name, truth, lo: 0, hi: this.cap, sensitive: truth >= 1 && truth < this.k })
  }

  private add(unknown: Unknown): Known {
    this.unknowns.push(unknown)
    return { unknown: this.unknowns.length - 1 }
  }

  /** sum(left) = sum(right) */
  equal(left: readonly Known[], right: readonly Known[]): void {
    const unknowns = (terms: readonly Known[]): number[] => terms.flatMap((term) => ('unknown' in term ? [term.unknown] : []))
    const known = (terms: readonly Known[]): number => add(terms.map((term) => ('value' in term ? term.value : 0)))
    this.equations.push({ plus: unknowns(left), minus: unknowns(right), constant: known(left) - known(right) })
  }

  /** Names of sensitive unknowns that every solution pins to their true value. */
  determined(): string[] {
    return this.unknowns.flatMap((unknown, index) => (unknown.sensitive && !this.canDiffer(index) ? [unknown.name] : []))
  }

  private canDiffer(index: number): boolean {
    const unknown = this.unknowns[index]!
    const lo = this.unknowns.map((u) => u.lo)
    const hi = this.unknowns.map((u) => u.hi)
    const below = hi.slice()
    below[index] = unknown.truth - 1
    const above = lo.slice()
    above[index] = unknown.truth + 1
    this.nodes = 0
    return this.solvable(lo.slice(), below) || this.solvable(above, hi.slice())
  }

  /** Depth-first search, halving one domain at a time, pruned by interval propagation. */
  private solvable(lo: number[], hi: number[]): boolean {
    if (++this.nodes > SEARCH_LIMIT) throw new Error('the attacker search is too large: make the generated tables smaller')
    if (!this.propagate(lo, hi)) return false
    let pick = -1
    for (let i = 0; i < lo.length; i++) {
      if (lo[i]! < hi[i]! && (pick < 0 || hi[i]! - lo[i]! < hi[pick]! - lo[pick]!)) pick = i
    }
    if (pick < 0) return this.equations.every((e) => sum(e.plus, lo) - sum(e.minus, lo) + e.constant === 0)
    const middle = Math.floor((lo[pick]! + hi[pick]!) / 2)
    const lower = hi.slice()
    lower[pick] = middle
    if (this.solvable(lo.slice(), lower)) return true
    const upper = lo.slice()
    upper[pick] = middle + 1
    return this.solvable(upper, hi.slice())
  }

  /** Narrows every domain by every equation until nothing changes; false when one becomes empty. */
  private propagate(lo: number[], hi: number[]): boolean {
    for (let changed = true; changed;) {
      changed = false
      for (const { plus, minus, constant } of this.equations) {
        // The equation's left side ranges over [least, most].
        const least = sum(plus, lo) - sum(minus, hi) + constant
        const most = sum(plus, hi) - sum(minus, lo) + constant
        if (least > 0 || most < 0) return false
        for (const i of plus) {
          // x = -(rest); rest ranges over [least - lo[i], most - hi[i]]
          const newLo = Math.max(lo[i]!, -(most - hi[i]!))
          const newHi = Math.min(hi[i]!, -(least - lo[i]!))
          if (newLo !== lo[i] || newHi !== hi[i]) [lo[i], hi[i], changed] = [newLo, newHi, true]
          if (newLo > newHi) return false
        }
        for (const i of minus) {
          // x = rest; rest ranges over [least + hi[i], most + lo[i]]
          const newLo = Math.max(lo[i]!, least + hi[i]!)
          const newHi = Math.min(hi[i]!, most + lo[i]!)
          if (newLo !== lo[i] || newHi !== hi[i]) [lo[i], hi[i], changed] = [newLo, newHi, true]
          if (newLo > newHi) return false
        }
        if (changed) break
      }
    }
    return true
  }
}

function sum(indices: readonly number[], values: readonly number[]): number {
  let total = 0
  for (const i of indices) total += values[i]!
  return total
}

const add = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

// ---------------------------------------------------------------------------------------------
// What must hold for every protected table.

/** One count of a table as the engine showed it. */
interface Shown { readonly name: string; readonly truth: number; readonly shown: ProtectedCount; readonly neverSecondary?: boolean }
/** Writes a table's equations, given each shown count as the attacker knows it. */
type Equations = (attacker: Attacker, known: (name: string) => Known) => void

function attackerFor(k: number, counts: readonly Shown[], equations: Equations): Attacker {
  const cap = 2 * Math.max(0, ...counts.map((c) => c.truth)) + k + 2
  const attacker = new Attacker(k, cap)
  const known = new Map(counts.map((c) => [c.name, attacker.count(c.name, c.truth, c.shown)]))
  equations(attacker, (name) => {
    const found = known.get(name)
    if (!found) throw new Error(`no count named ${name}`)
    return found
  })
  return attacker
}

/**
 * Every count is shown truly or hidden under the right mark; the engine's audit agrees with the
 * attacker both ways; and a count left exposed stays exposed even when every count that could be
 * hidden is, so that nothing the engine could have done would have helped. `falseAlarmAllowed`
 * tolerates a reported exposure the attacker cannot confirm (see the multiple-choice test).
 */
function checkTable(k: number, counts: readonly Shown[], equations: Equations, stillExposed: readonly string[], stats: Stats, falseAlarmAllowed = false): string[] {
  const problems: string[] = []
  for (const { name, truth, shown } of counts) {
    if (shown.status === 'published') {
      if (shown.value !== truth) problems.push(`${name}: published ${shown.value}, true ${truth}`)
      if (truth >= 1 && truth < k) problems.push(`${name}: the small count ${truth} is published`)
    } else {
      if (shown.value !== null) problems.push(`${name}: hidden but carries a value`)
      if (truth === 0) problems.push(`${name}: a zero is hidden`)
      if (shown.status === 'primary' && !(truth >= 1 && truth < k)) problems.push(`${name}: ${truth} marked primary`)
      if (shown.status === 'secondary' && truth < k) problems.push(`${name}: ${truth} marked secondary`)
    }
  }
  const attacker = attackerFor(k, counts, equations)
  const determined = attacker.determined()
  for (const name of determined) if (!stillExposed.includes(name)) problems.push(`the attacker pins down ${name}, which the engine thinks is protected`)
  const falseAlarms = stillExposed.filter((name) => !determined.includes(name))
  if (falseAlarms.length > 0 && !falseAlarmAllowed) problems.push(`the engine reports ${falseAlarms.join(', ')} exposed, but the attacker cannot pin it down`)
  if (falseAlarms.length > 0) stats.falseAlarms += 1
  const exposed = stillExposed.filter((name) => determined.includes(name))
  if (exposed.length > 0) {
    const secondary: ProtectedCount = { value: null, status: 'secondary' }
    const hideAll = counts.map((c) => (c.shown.status === 'published' && c.truth >= k && !c.neverSecondary ? { ...c, shown: secondary } : c))
    const inherent = attackerFor(k, hideAll, equations).determined()
    for (const name of exposed) if (!inherent.includes(name)) problems.push(`${name} is exposed, but hiding more would have protected it`)
    stats.exposedTables += 1
  }
  stats.tables += 1
  stats.sensitive += attacker.unknowns.filter((u) => u.sensitive).length
  return problems
}

function checkShare(problems: string[], name: string, part: number, partShown: ProtectedCount, base: number, baseShown: ProtectedCount): void {
  const share = publishedShare(partShown, baseShown)
  const expected = partShown.status === 'published' && baseShown.status === 'published' && base > 0 ? Math.round((1000 * part) / base) / 10 : null
  if (share !== expected) problems.push(`${name}: share ${share}, expected ${expected}`)
}

function fail(problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(problems.join('\n'))
}

interface Stats { tables: number; sensitive: number; exposedTables: number; falseAlarms: number }
const newStats = (): Stats => ({ tables: 0, sensitive: 0, exposedTables: 0, falseAlarms: 0 })
const report = (t: Test, stats: Stats): void => {
  const alarms = stats.falseAlarms > 0 ? `, ${stats.falseAlarms} with a false alarm` : ''
  t.pass(`${stats.tables} tables, ${stats.sensitive} sensitive unknowns checked, ${stats.exposedTables} tables exposed by their own small counts${alarms}`)
}

/** Just at the threshold or one above: a secondary cell there can only grow, the hard case. */
const atThreshold = (k: number): fc.Arbitrary<number> => fc.constantFrom(k, k + 1)

/** Counts that are mostly small: zeros, counts under the threshold, and some larger. */
const count = (k: number, largest: number): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.constant(0), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: k - 1 }), weight: 3 },
    { arbitrary: atThreshold(k), weight: 1 },
    { arbitrary: fc.integer({ min: k, max: largest }), weight: 2 },
  )

/** A part of a base: anything up to it, at the threshold, or just under the base so that the complement is small. */
const part = (k: number, base: number): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: 0, max: base }),
    atThreshold(k).map((value) => Math.min(value, base)),
    fc.integer({ min: 0, max: Math.min(base, k + 1) }).map((gap) => base - gap),
  )

const threshold = fc.constantFrom(3, 4, 5, 10)

// ---------------------------------------------------------------------------------------------

const oneWayTable = threshold.chain((k) => fc.tuple(fc.constant(k), fc.array(count(k, 40), { minLength: 1, maxLength: 12 })))

t.test('one-way tables', async (t) => {
  const stats = newStats()
  fc.assert(
    fc.property(oneWayTable, ([k, counts]) => {
      const table = protectOneWayDetailed(counts, { threshold: k })
      const total = add(counts)
      const shown: Shown[] = [
        ...counts.map((truth, i) => ({ name: `cells[${i}]`, truth, shown: table.cells[i]! })),
        { name: 'total', truth: total, shown: table.total },
      ]
      const problems = checkTable(k, shown, (attacker, known) => attacker.equal(counts.map((_, i) => known(`cells[${i}]`)), [known('total')]), table.stillExposed, stats)
      counts.forEach((c, i) => checkShare(problems, `cells[${i}]`, c, table.cells[i]!, total, table.total))
      fail(problems)
    }),
    { numRuns: 10_000 },
  )
  report(t, stats)
})

const twoWayTable = threshold.chain((k) =>
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).chain(([rows, columns]) =>
    fc.tuple(
      fc.constant(k),
      fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: k }), atThreshold(k)), { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }),
    ),
  ),
)

t.test('two-way tables', async (t) => {
  const stats = newStats()
  fc.assert(
    fc.property(twoWayTable, ([k, cells]) => {
      const table = protectTwoWayDetailed(cells, { threshold: k })
      const rows = cells.length
      const columns = cells[0]!.length
      const rowTotals = cells.map(add)
      const columnTotals = Array.from({ length: columns }, (_, j) => add(cells.map((row) => row[j]!)))
      const grand = add(rowTotals)
      const shown: Shown[] = [
        ...cells.flatMap((row, i) => row.map((truth, j) => ({ name: `cells[${i}][${j}]`, truth, shown: table.cells[i]![j]! }))),
        ...rowTotals.map((truth, i) => ({ name: `rowTotals[${i}]`, truth, shown: table.rowTotals[i]! })),
        ...columnTotals.map((truth, j) => ({ name: `columnTotals[${j}]`, truth, shown: table.columnTotals[j]! })),
        { name: 'grandTotal', truth: grand, shown: table.grandTotal },
      ]
      const problems = checkTable(k, shown, (attacker, known) => {
        const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
        for (const i of range(rows)) attacker.equal(range(columns).map((j) => known(`cells[${i}][${j}]`)), [known(`rowTotals[${i}]`)])
        for (const j of range(columns)) attacker.equal(range(rows).map((i) => known(`cells[${i}][${j}]`)), [known(`columnTotals[${j}]`)])
        attacker.equal(range(rows).map((i) => known(`rowTotals[${i}]`)), [known('grandTotal')])
        attacker.equal(range(columns).map((j) => known(`columnTotals[${j}]`)), [known('grandTotal')])
      }, table.stillExposed, stats)
      rowTotals.forEach((c, i) => checkShare(problems, `rowTotals[${i}]`, c, table.rowTotals[i]!, grand, table.grandTotal))
      fail(problems)
    }),
    { numRuns: 4000 },
  )
  report(t, stats)
})

const multipleChoice = threshold.chain((k) =>
  fc.integer({ min: 0, max: 60 }).chain((base) => fc.tuple(fc.constant(k), fc.constant(base), fc.array(part(k, base), { minLength: 1, maxLength: 6 }))),
)

t.test('multiple choice', async (t) => {
  const stats = newStats()
  fc.assert(
    fc.property(multipleChoice, ([k, base, counts]) => {
      const question = protectMultipleChoiceDetailed(counts, base, { threshold: k })
      const shown: Shown[] = [
        ...counts.map((truth, i) => ({ name: `cells[${i}]`, truth, shown: question.cells[i]! })),
        { name: 'base', truth: base, shown: question.base, neverSecondary: true },
      ]
      const problems = checkTable(k, shown, (attacker, known) => {
        counts.forEach((c, i) => attacker.equal([known(`cells[${i}]`), attacker.implicit(`notChosen[${i}]`, base - c)], [known('base')]))
      }, question.stillExposed, stats)
      if (question.base.status === 'secondary') problems.push('the base is hidden to protect an option')
      counts.forEach((c, i) => checkShare(problems, `cells[${i}]`, c, question.cells[i]!, base, question.base))
      fail(problems)
    }),
    { numRuns: 10_000 },
  )
  report(t, stats)
})

const multipleChoiceTwoWay = threshold.chain((k) =>
  fc.array(fc.oneof(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: k }), atThreshold(k)), { minLength: 1, maxLength: 3 }).chain((bases) =>
    fc.tuple(fc.constant(k), fc.constant(bases), fc.array(fc.tuple(...bases.map((base) => part(k, base))), { minLength: 1, maxLength: 3 })),
  ),
)

t.test('multiple choice across columns', async (t) => {
  const stats = newStats()
  fc.assert(
    fc.property(multipleChoiceTwoWay, ([k, bases, cells]) => {
      const table = protectMultipleChoiceTwoWayDetailed(cells, bases, { threshold: k })
      const grand = add(bases)
      const rowTotals = cells.map(add)
      const shown: Shown[] = [
        ...cells.flatMap((row, i) => row.map((truth, j) => ({ name: `cells[${i}][${j}]`, truth, shown: table.cells[i]![j]! }))),
        ...rowTotals.map((truth, i) => ({ name: `rowTotals[${i}]`, truth, shown: table.rowTotals[i]! })),
        ...bases.map((truth, j) => ({ name: `columnBases[${j}]`, truth, shown: table.columnBases[j]! })),
        { name: 'grandBase', truth: grand, shown: table.grandBase },
      ]
      // The engine certifies a cell that relies on the hidden bases moving only when a single unit
      // shift of two bases (one up, one down, or one and the grand base) serves every option. A move
      // of several bases at once can protect a cell it cannot certify: then it reports the cell
      // exposed (safe, but a false alarm), after first hiding every base it could.
      const everyBaseHidden = [...table.columnBases, table.grandBase].every((c, j) => c.status !== 'published' || (bases[j] ?? grand) === 0)
      // The attacker sees every option at once: a hidden base is one unknown, shared by all options.
      const problems = checkTable(k, shown, (attacker, known) => {
        attacker.equal(bases.map((_, j) => known(`columnBases[${j}]`)), [known('grandBase')])
        cells.forEach((row, i) => {
          const chosen = row.map((_, j) => known(`cells[${i}][${j}]`))
          const notChosen = row.map((c, j) => attacker.implicit(`notChosen[${i}][${j}]`, bases[j]! - c))
          const notTotal = attacker.implicit(`notChosenTotals[${i}]`, grand - rowTotals[i]!)
          row.forEach((_, j) => attacker.equal([chosen[j]!, notChosen[j]!], [known(`columnBases[${j}]`)]))
          attacker.equal(chosen, [known(`rowTotals[${i}]`)])
          attacker.equal(notChosen, [notTotal])
          attacker.equal([known(`rowTotals[${i}]`), notTotal], [known('grandBase')])
        })
      }, table.stillExposed, stats, everyBaseHidden)
      cells.forEach((row, i) => row.forEach((c, j) => checkShare(problems, `cells[${i}][${j}]`, c, table.cells[i]![j]!, bases[j]!, table.columnBases[j]!)))
      fail(problems)
    }),
    { numRuns: 4000 },
  )
  report(t, stats)
})
