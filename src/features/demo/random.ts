// A small seeded random source for demo data: the same seed gives the same data.
export class SeededRandom {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0 || 1
  }
  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  chance(probability: number): boolean {
    return this.next() < probability
  }
  /** One item, by weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as [T, number][]
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0)
    for (const [item, weight] of entries) {
      roll -= weight
      if (roll < 0) return item
    }
    return entries[entries.length - 1]![0]
  }
  /** Between min and max distinct items, each drawn by weight. */
  several<T extends string>(weights: Readonly<Record<T, number>>, min: number, max: number): T[] {
    const count = this.int(min, max)
    const chosen = new Set<T>()
    for (let i = 0; chosen.size < count && i < 50; i++) chosen.add(this.weighted(weights))
    return [...chosen]
  }
}
