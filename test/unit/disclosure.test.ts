// Disclosure control by example: which counts are hidden, and why, in each kind of table.
import t from 'tap'
import {
  type ProtectedCount,
  protectMultipleChoice,
  protectMultipleChoiceTwoWay,
  protectMultipleChoiceTwoWayDetailed,
  protectOneWay,
  protectOneWayDetailed,
  protectTwoWay,
  protectTwoWayDetailed,
  protectSingleCount,
  publishedShare,
  statisticVisible,
} from '../../src/features/reports/disclosure.js'

const rules = { threshold: 5 }
const published = (value: number): ProtectedCount => ({ value, status: 'published' })
const primary: ProtectedCount = { value: null, status: 'primary' }
const secondary: ProtectedCount = { value: null, status: 'secondary' }
const statuses = (counts: readonly ProtectedCount[]): string[] => counts.map((count) => count.status)
const hiddenCount = (counts: readonly ProtectedCount[]): number => counts.filter((count) => count.status !== 'published').length

t.test('small counts are hidden as primary, zeros and large counts are shown', async (t) => {
  const table = protectOneWay([0, 3, 12, 20, 7, 0], rules)
  t.same(table.cells[0], published(0))
  t.same(table.cells[1], primary, 'shown as <5, with no value')
  t.same(table.cells[5], published(0))
  t.same(protectSingleCount(4, rules), primary)
  t.same(protectSingleCount(0, rules), published(0), 'a zero is shown')
  t.same(protectSingleCount(5, rules), published(5))
})

t.test('a single small count in a one-way table gets a partner, the cheapest one', async (t) => {
  // 3 = 42 - 12 - 20 - 7 if only the 3 were hidden
  const table = protectOneWay([3, 12, 20, 7], rules)
  t.same(statuses(table.cells), ['primary', 'published', 'published', 'secondary'], 'the 7 is hidden: the smallest partner')
  t.same(table.total, published(42), 'the total stays shown')
})

t.test('two small counts that can only both be 4 force the total to be hidden', async (t) => {
  // a + b = 8 with both in 1..4 pins both to 4
  const table = protectOneWay([4, 4], rules)
  t.same(table.cells, [primary, primary])
  t.same(table.total, secondary)
  // with the total 7 there is room: (3, 4) or (4, 3)
  t.same(protectOneWay([3, 4], rules).total, published(7))
})

t.test('a 2 x 2 block of ones cannot protect itself: each 1 can only go up', async (t) => {
  const table = protectTwoWayDetailed([[1, 1, 10], [1, 1, 12], [8, 9, 20]], rules)
  t.same(table.stillExposed, [])
  t.same(statuses(table.cells.flatMap((row) => row.slice(0, 2)).slice(0, 4)), ['primary', 'primary', 'primary', 'primary'])
  t.ok(hiddenCount([...table.cells[2]!, ...table.cells[0]!.slice(2), ...table.cells[1]!.slice(2), ...table.rowTotals, ...table.columnTotals]) > 0, 'cells outside the block are hidden too')
})

t.test('a table made only of small counts gives itself away, and the audit says so', async (t) => {
  // Four cells of at least 1 and a grand total of at most 4: all are 1. Nothing non-zero is left to hide.
  const table = protectTwoWayDetailed([[1, 1], [1, 1]], rules)
  t.equal(table.stillExposed.length, 9)
  t.same(protectTwoWayDetailed([[1, 1], [1, 1]], { threshold: 6 }).stillExposed, [], 'with k = 6 the grand total may be 5')
})

t.test('a hidden cell alone in its row and column gets partners in both', async (t) => {
  const table = protectTwoWay([[3, 10, 12], [8, 9, 20], [7, 7, 7]], rules)
  t.same(table.cells[0]![0], primary)
  t.ok(hiddenCount(table.cells[0]!) >= 2, 'another cell of its row is hidden')
  t.ok(hiddenCount(table.cells.map((row) => row[0]!)) >= 2, 'another cell of its column is hidden')
  t.same(table.grandTotal, published(83))
  t.same(statuses(table.rowTotals), ['published', 'published', 'published'], 'interior cells are hidden before totals')
})

t.test('a small row total is primary, and so its row needs a second hidden total', async (t) => {
  const table = protectTwoWayDetailed([[1, 2, 0], [10, 20, 30]], rules)
  t.same(table.stillExposed, [])
  t.same(table.rowTotals[0], primary)
  t.same(table.cells[0]![2], published(0), 'the zero stays shown')
  t.ok(hiddenCount(table.columnTotals) + hiddenCount(table.cells[1]!) >= 2)
})

t.test('a multiple-choice count close to its base is hidden: it would reveal the few who did not choose it', async (t) => {
  const question = protectMultipleChoice([98, 50, 3, 100, 0], 100, rules)
  t.same(question.cells, [secondary, published(50), primary, published(100), published(0)])
  t.same(question.base, published(100), 'the base is never hidden to protect an option')
  const small = protectMultipleChoice([0, 2, 3], 3, rules)
  t.same(small.base, primary)
  t.same(small.cells, [published(0), primary, primary])
})

t.test('multiple choice across columns: the complement in each column is protected', async (t) => {
  // 18 of 20 in the first column chose the first option: 2 did not.
  const table = protectMultipleChoiceTwoWayDetailed([[18, 2, 30], [0, 10, 5]], [20, 10, 33], rules)
  t.same(table.stillExposed, [])
  t.same(table.cells[0]![0], secondary)
  t.same(table.cells[0]![1], primary)
  t.same(table.cells[1], [published(0), published(10), published(5)])
  t.same(table.columnBases, [published(20), published(10), published(33)])
  t.same(table.grandBase, published(63))
  const small = protectMultipleChoiceTwoWay([[1, 0], [2, 7]], [3, 20], rules)
  t.same(small.columnBases, [primary, secondary], 'a small base needs a partner in the base table')
  t.same(small.grandBase, published(23))
})

t.test('hidden bases are shared by all options: one option cannot move them in a way another rules out', async (t) => {
  // Found by the property test. Had option 1's 5 (all of column 1) been shown, the base of column 1
  // would be at least 5, so column 2's base is 2 (the two add up to 7), and then option 0's hidden
  // 3 and 2 are the only values adding up to its total of 5.
  const table = protectMultipleChoiceTwoWayDetailed([[0, 3, 2], [4, 5, 0]], [18, 5, 2], { threshold: 4 })
  t.same(table.stillExposed, [])
  t.same(statuses(table.columnBases), ['published', 'secondary', 'primary'])
  t.same(statuses(table.cells[0]!), ['published', 'primary', 'primary'])
  t.not(table.cells[1]![1]!.status, 'published', 'the 5 is hidden')
})

t.test('an option made only of small counts gives itself away, and no base is hidden in vain', async (t) => {
  // 1 + 1 = total with all three in 1..2 (k = 3): only 1, 1 and 2. Hiding bases cannot change that.
  const table = protectMultipleChoiceTwoWayDetailed([[1, 1], [12, 20]], [20, 30], { threshold: 3 })
  t.same(table.stillExposed, ['cells[0][0]', 'cells[0][1]', 'rowTotals[0]'])
  t.same(table.columnBases, [published(20), published(30)])
  t.same(table.grandBase, published(50))
})

t.test('a move of several bases at once is beyond the audit: it may report a safe cell as exposed', async (t) => {
  // With the grand base 4 shown, base 2 is pinned: hidden bases are all primary (1..2 with k = 3) and
  // each option's total 3 needs its column-2 count to be 2. Hiding the grand base lets all three bases
  // move together (2, 2, 1), which the audit, checking one pair of bases at a time, cannot see.
  const table = protectMultipleChoiceTwoWayDetailed([[1, 0, 2], [0, 1, 2]], [1, 1, 2], { threshold: 3 })
  t.same(table.grandBase, secondary, 'the grand base is hidden, which does protect base 2')
  t.same(table.stillExposed, ['columnBases[2]'], 'a false alarm, on the safe side')
})

t.test('a share is shown only when both numbers are', async (t) => {
  t.equal(publishedShare(published(10), published(80)), 12.5)
  t.equal(publishedShare(published(1), published(3)), 33.3)
  t.equal(publishedShare(primary, published(80)), null)
  t.equal(publishedShare(published(10), secondary), null)
  t.equal(publishedShare(published(0), published(0)), null, 'no share of nothing')
})

t.test('other thresholds', async (t) => {
  t.same(statuses(protectOneWay([2, 3, 9, 10, 30], { threshold: 3 }).cells), ['primary', 'secondary', 'published', 'published', 'published'], '3 is no longer small, and the cheapest partner')
  t.same(statuses(protectOneWay([2, 3, 9, 10, 30], { threshold: 10 }).cells), ['primary', 'primary', 'primary', 'published', 'published'])
  t.same(protectSingleCount(9, { threshold: 10 }), primary)
  t.equal(statisticVisible(4, rules), false)
  t.equal(statisticVisible(5, rules), true)
  t.equal(statisticVisible(9, { threshold: 10 }), false)
  t.equal(statisticVisible(3, { threshold: 3 }), true)
})

t.test('empty tables', async (t) => {
  t.same(protectOneWay([], rules), { cells: [], total: published(0) })
  t.same(protectTwoWay([], rules), { cells: [], rowTotals: [], columnTotals: [], grandTotal: published(0) })
  t.same(protectMultipleChoice([], 0, rules), { cells: [], base: published(0) })
})

t.test('bad input is refused with a clear message', async (t) => {
  t.throws(() => protectOneWay([1, -1], rules), /counts\[1\] must be a non-negative integer/)
  t.throws(() => protectOneWay([1.5], rules), /non-negative integer/)
  t.throws(() => protectOneWay([Number.NaN], rules), /non-negative integer/)
  t.throws(() => protectOneWay([1], { threshold: 2 }), /threshold must be an integer of at least 3/)
  t.throws(() => protectOneWay([1], { threshold: 4.5 }), /threshold/)
  t.throws(() => protectTwoWay([[1, 2], [3]], rules), /rectangular/)
  t.throws(() => protectMultipleChoice([101], 100, rules), /larger than the base/)
  t.throws(() => protectMultipleChoiceTwoWay([[5, 30]], [10, 20], rules), /larger than its column base/)
  t.throws(() => protectMultipleChoiceTwoWay([[5]], [10, 20], rules), /rectangular/)
  t.throws(() => statisticVisible(-1, rules), /non-negative integer/)
})

t.test('large tables protect quickly (a guard against exponential behaviour)', async (t) => {
  // Deterministic pseudo-random counts, most of them small, like municipalities by age group.
  let seed = 7
  const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  const table = (rows: number, columns: number): number[][] =>
    Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.floor(next() * next() * 40)))
  for (const [rows, columns] of [[310, 6], [25, 25]] as const) {
    const cells = table(rows, columns)
    let started = performance.now()
    const result = protectTwoWayDetailed(cells, rules)
    const first = performance.now() - started
    started = performance.now()
    protectTwoWay(cells, rules)
    const again = performance.now() - started
    t.ok(first < 1000, `${rows} x ${columns} in ${first.toFixed(0)} ms, ${again.toFixed(0)} ms once warmed up`)
    t.same(result.stillExposed, [])
  }
})

t.test('a total hidden in another table is hidden here too, and protected around', async (t) => {
  t.same(protectOneWay([0, 13], rules).total, { status: 'published', value: 13 })
  const forced = protectOneWayDetailed([0, 13], rules, { hideTotal: true })
  t.same(forced.total, { status: 'secondary', value: null })
  t.same(forced.cells, [{ status: 'published', value: 0 }, { status: 'secondary', value: null }], 'otherwise 13 = 0 + 13 would give the total away')
  t.same(forced.stillExposed, [])
  t.same(protectOneWay([1, 2], rules, { hideTotal: true }).total, { status: 'primary', value: null }, 'a small total stays primary')
  t.same(protectOneWay([0, 0], rules, { hideTotal: true }).total, { status: 'published', value: 0 }, 'zero is never hidden')
})
