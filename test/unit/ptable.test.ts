// The perturbation table: unbiased, the set variance where the support allows it, never a value
// between 1 and k-1 nor a negative one, zeros stay zeros, and the cell-key lookup draws each value
// with its probability.
import t from 'tap'
import { cellKeyOf, newRecordKey, perturbedPart, publishedValue, RECORD_KEY_RANGE } from '../../src/features/publication/cell-key.js'
import { allowedValues, buildPtable, perturb } from '../../src/features/publication/ptable.js'

const parameters = { threshold: 5, maxNoise: 5, variance: 1.5 }
const ptable = buildPtable(parameters)

t.test('every row is a distribution with mean n; rows that can have variance V have it', async (t) => {
  for (let n = 0; n <= ptable.lastRow; n++) {
    const row = ptable.rows[n]!
    const total = row.reduce((s, e) => s + e.probability, 0)
    const mean = row.reduce((s, e) => s + e.value * e.probability, 0)
    const variance = row.reduce((s, e) => s + (e.value - n) ** 2 * e.probability, 0)
    t.ok(Math.abs(total - 1) < 1e-9, `row ${n} sums to 1`)
    t.ok(Math.abs(mean - n) < 1e-6, `row ${n} is unbiased (${mean})`)
    if (n >= parameters.threshold) t.ok(Math.abs(variance - parameters.variance) < 1e-4, `row ${n} has variance V (${variance})`)
    t.ok(row.every((e) => e.value === 0 || e.value >= parameters.threshold), `row ${n} publishes no value from 1 to k-1`)
    t.ok(row.every((e) => Math.abs(e.value - n) <= parameters.maxNoise && e.value >= 0), `row ${n} stays within ±D and at or above 0`)
  }
  t.same(ptable.rows[0]!.map((e) => e.value), [0], 'a true zero is always published as zero')
})

t.test('small counts can be published as 0 or as k and above, so a published 0 or k hides them', async (t) => {
  for (let n = 1; n < parameters.threshold; n++) {
    const values = ptable.rows[n]!.map((e) => e.value)
    t.ok(values.includes(0) && values.includes(parameters.threshold), `${n} may become 0 or ${parameters.threshold}`)
  }
  t.same(allowedValues(3, parameters), [0, 5, 6, 7, 8])
})

t.test('the cell-key lookup draws each value with its probability; large counts reuse the last row shifted', async (t) => {
  const draws = 200_000
  for (const n of [1, 3, 7, 40]) {
    const seen = new Map<number, number>()
    for (let i = 0; i < draws; i++) {
      const v = perturb(ptable, n, (i + 0.5) / draws)
      seen.set(v, (seen.get(v) ?? 0) + 1)
    }
    const row = ptable.rows[Math.min(n, ptable.lastRow)]!
    const shift = Math.max(0, n - ptable.lastRow)
    for (const entry of row) {
      const share = (seen.get(entry.value + shift) ?? 0) / draws
      t.ok(Math.abs(share - entry.probability) < 1e-4, `n=${n}: ${entry.value + shift} drawn ${share}, expected ${entry.probability}`)
    }
  }
})

t.test('the same set of forms always gets the same value; its cell key is the sum of record keys modulo 2^32', async (t) => {
  const keys = [123, 4_000_000_000, 77, 2 ** 31]
  const sum = keys.reduce((s, k) => s + BigInt(k), 0n)
  t.equal(cellKeyOf(sum), Number(sum % BigInt(RECORD_KEY_RANGE)) / RECORD_KEY_RANGE)
  const reordered = [...keys].reverse().reduce((s, k) => s + BigInt(k), 0n)
  const modulo = (total: bigint) => Number(total % BigInt(RECORD_KEY_RANGE))
  const one = (keySum: number) => ({ forms: 4, teams: [{ forms: 4, keySum }] })
  t.equal(publishedValue(ptable, one(modulo(sum))), publishedValue(ptable, one(modulo(reordered))))
  t.ok(cellKeyOf(sum) >= 0 && cellKeyOf(sum) < 1)
})

t.test('parameters that cannot keep the promise are refused', async (t) => {
  t.throws(() => buildPtable({ threshold: 5, maxNoise: 3, variance: 1 }), /maxNoise must be at least/)
  t.throws(() => buildPtable({ threshold: 5, maxNoise: 5, variance: 0 }), /variance/)
})

t.test('a cell of several teams is the sum of its teams\' perturbed parts, and a team\'s part is perturbed anew in every other cell', async (t) => {
  const part = (forms: number, keySum: number) => ({ forms, keySum })
  let same = 0
  const trials = 2000
  for (let i = 0; i < trials; i++) {
    // one team's 30 forms of a cell, with another team's 1 to 4 in one cell and another 1 to 4 in a second
    const own = part(30, newRecordKey())
    const first = part(1 + (i % 4), newRecordKey())
    const second = part(1 + ((i + 1) % 4), newRecordKey())
    const whole = (other: typeof first) => ({ forms: own.forms + other.forms, teams: [own, other] })
    const wholeKey = (other: typeof first) => (own.keySum + other.keySum) % RECORD_KEY_RANGE
    const value = publishedValue(ptable, whole(first))
    t.equal(value, perturbedPart(ptable, own, wholeKey(first)) + perturbedPart(ptable, first, wholeKey(first)), 'the sum of the parts')
    t.ok(value === 0 || value >= 5, 'never between 1 and k-1')
    if (perturbedPart(ptable, own, wholeKey(first)) === perturbedPart(ptable, own, wholeKey(second))) same++
  }
  // the team's part in two cells: as two independent draws from its row (the chance that they agree
  // is the sum of the row's squared probabilities, about 0.23), never the same value every time
  const row = ptable.rows[ptable.lastRow]!
  const agree = row.reduce((s, e) => s + e.probability ** 2, 0)
  t.ok(Math.abs(same / trials - agree) < 0.05, `the same 30 forms got the same change in two cells ${same} times of ${trials} (independent draws: ${(agree * trials).toFixed(0)})`)
  t.equal(publishedValue(ptable, { forms: 7, teams: [part(7, 99)] }), perturb(ptable, 7, cellKeyOf(198)), 'a cell of one team: its forms\' key counted twice')
  t.equal(publishedValue(ptable, { forms: 0, teams: [] }), 0, 'an empty cell: 0')
})
