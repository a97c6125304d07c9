// The perturbation table of the cell-key method: for every true count n, the probabilities of the
// values that may be published for it. Built as the Destatis ptable method builds it (Giessing 2016,
// maximum entropy): for each n, the distribution over the allowed values that has the largest entropy
// given that it is unbiased (mean n) and has the set variance V. Allowed values lie within ±D of n,
// are never negative, and are never between 1 and js = k-1; a true zero is always published as zero.
// Pure: no database, no configuration reads.

export interface PerturbationParameters {
  /** k: no published count lies between 1 and k-1. */
  readonly threshold: number
  /** D: the largest change of a count, up or down. */
  readonly maxNoise: number
  /** V: the noise variance aimed at (small counts need more: see varianceFor). */
  readonly variance: number
}

export interface PtableEntry {
  readonly value: number
  readonly probability: number
  /** Upper end of this value's slice of [0, 1): the cell key picks the first entry whose upper end it is below. */
  readonly upper: number
}

export interface Ptable {
  readonly parameters: PerturbationParameters
  /** rows[n] for n = 0 .. lastRow; larger counts use rows[lastRow] shifted by n - lastRow. */
  readonly rows: readonly (readonly PtableEntry[])[]
  readonly lastRow: number
}

/** The values a true count may be published as. */
export function allowedValues(n: number, p: PerturbationParameters): number[] {
  if (n === 0) return [0]
  const values: number[] = []
  for (let v = Math.max(0, n - p.maxNoise); v <= n + p.maxNoise; v++) if (v === 0 || v >= p.threshold) values.push(v)
  return values
}

/**
 * The variance used for n: V where the support allows it; otherwise just inside what the support
 * allows (a count of 1 with k = 5 can only become 0 or at least 5, so its variance is at least 4: it is
 * given that least variance).
 */
export function varianceFor(n: number, support: readonly number[], target: number): number {
  let below = support[0]!
  let above = support[support.length - 1]!
  for (const v of support) {
    if (v <= n) below = v
    if (v >= n && above >= v) above = v
  }
  const smallest = (n - below) * (above - n)
  const largest = (n - support[0]!) * (support[support.length - 1]! - n)
  const margin = (largest - smallest) * 1e-3
  return Math.min(Math.max(target, smallest + margin), largest - margin)
}

/**
 * Maximum-entropy distribution on `support` with mean n and variance `variance`: p(v) ∝
 * exp(a·(v-n) + b·(v-n)²). (a, b) minimise the convex dual log Z(a, b) - b·variance; Newton's method
 * with a backtracking line search finds them from any start.
 */
export function maxEntropyRow(n: number, support: readonly number[], variance: number): number[] {
  if (support.length === 1) return [1]
  if (support.length === 2) {
    // two points: the mean alone fixes the probabilities
    const [lo, hi] = support as [number, number]
    const pHi = (n - lo) / (hi - lo)
    return [1 - pHi, pHi]
  }
  const d = support.map((v) => v - n)
  const logZ = (a: number, b: number) => {
    const exponents = d.map((x) => a * x + b * x * x)
    const top = Math.max(...exponents)
    return top + Math.log(exponents.reduce((s, e) => s + Math.exp(e - top), 0))
  }
  const dual = (a: number, b: number) => logZ(a, b) - b * variance
  const distribution = (a: number, b: number) => {
    const z = logZ(a, b)
    return d.map((x) => Math.exp(a * x + b * x * x - z))
  }
  let a = 0
  let b = 0
  for (let iteration = 0; iteration < 500; iteration++) {
    const p = distribution(a, b)
    const moment = (k: number) => p.reduce((s, pi, i) => s + pi * d[i]! ** k, 0)
    const [m1, m2, m3, m4] = [moment(1), moment(2), moment(3), moment(4)]
    const g1 = m1
    const g2 = m2 - variance
    if (Math.abs(g1) < 1e-13 && Math.abs(g2) < 1e-13) break
    // the Hessian of the dual is the covariance matrix of (x, x²)
    const h11 = m2 - m1 * m1 + 1e-12
    const h12 = m3 - m1 * m2
    const h22 = m4 - m2 * m2 + 1e-12
    const det = h11 * h22 - h12 * h12
    const da = (h22 * g1 - h12 * g2) / det
    const db = (h11 * g2 - h12 * g1) / det
    const before = dual(a, b)
    const slope = g1 * da + g2 * db
    let t = 1
    while (t > 1e-12 && !(dual(a - t * da, b - t * db) <= before - 1e-4 * t * slope)) t /= 2
    if (t <= 1e-12) break
    a -= t * da
    b -= t * db
  }
  return distribution(a, b)
}

export function buildPtable(parameters: PerturbationParameters): Ptable {
  const { threshold, maxNoise, variance } = parameters
  if (!Number.isInteger(threshold) || threshold < 2) throw new Error('threshold must be an integer of at least 2')
  if (!Number.isInteger(maxNoise) || maxNoise < threshold - 1) throw new Error('maxNoise must be at least threshold - 1, so that a count of 1 can reach the threshold')
  if (!(variance > 0)) throw new Error('variance must be positive')
  // beyond threshold + maxNoise every row is the same distribution of the noise, shifted
  const lastRow = threshold + maxNoise
  const rows: PtableEntry[][] = []
  for (let n = 0; n <= lastRow; n++) {
    const support = allowedValues(n, parameters)
    const probabilities = support.length === 1 ? [1] : maxEntropyRow(n, support, varianceFor(n, support, variance))
    let upper = 0
    const row = support.map((value, i) => {
      upper += probabilities[i]!
      return { value, probability: probabilities[i]!, upper }
    })
    // the last slice ends at exactly 1 whatever the rounding
    row[row.length - 1] = { ...row[row.length - 1]!, upper: 1 }
    rows.push(row.filter((entry) => entry.probability > 0))
  }
  return { parameters, rows, lastRow }
}

/** The published value of a true count n whose cell key is `key` (in [0, 1)). */
export function perturb(ptable: Ptable, n: number, key: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error('a count is a whole number of at least 0')
  const row = ptable.rows[Math.min(n, ptable.lastRow)]!
  const shift = n > ptable.lastRow ? n - ptable.lastRow : 0
  for (const entry of row) if (key < entry.upper) return entry.value + shift
  return row[row.length - 1]!.value + shift
}

/** The values a published value may have come from, with their probabilities (for tests and the attacker's view). */
export function transitionProbability(ptable: Ptable, n: number, published: number): number {
  const row = ptable.rows[Math.min(n, ptable.lastRow)]!
  const shift = n > ptable.lastRow ? n - ptable.lastRow : 0
  return row.find((entry) => entry.value + shift === published)?.probability ?? 0
}
