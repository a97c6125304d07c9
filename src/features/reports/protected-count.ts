// One number as a report shows it: published with its value, or withheld (its group of forms is not
// published: too few forms, or too close to another published group). Counts about young people
// beyond one's own team are published values of a release (docs/disclosure.md); a team's own are exact.

export type CountStatus = 'published' | 'withheld'
export interface ProtectedCount {
  readonly value: number | null
  readonly status: CountStatus
}

export const publishedCount = (value: number): ProtectedCount => ({ value, status: 'published' })
export const WITHHELD: ProtectedCount = { value: null, status: 'withheld' }

/** A share in percent from published numbers only; null when either is withheld or the whole is 0. */
export function publishedShare(part: ProtectedCount, whole: ProtectedCount): number | null {
  if (part.status !== 'published' || whole.status !== 'published' || !whole.value) return null
  return (100 * part.value!) / whole.value
}
