// The protected tables of one published aggregate, from answer tallies per atom: every count about
// young people is the perturbed value of its cell (its count and its forms' record keys); the number
// of forms, a volume, is exact. Pure.
import { addTallies, EMPTY_TALLY, publishedValue, type CellTally } from './cell-key.js'
import type { Ptable } from './ptable.js'
import { publishedColumns, type TeamCounts } from './publication-grid.js'

/** An answer tally of one atom (see publication.repository.ts), reduced to what tables need. */
export interface Tally {
  readonly atomKey: string
  readonly teamId: string
  readonly split: string
  readonly code: string
  readonly forms: number
  readonly keySum: bigint
}

export function atomKeyOf(a: { month: string; teamId: string; county: string; police: string; release: number }): string {
  return `${a.month}|${a.teamId}|${a.county}|${a.police}|${a.release}`
}

/** A question's table for one aggregate: published values by answer code (zeros left out). */
export interface OneWayCells {
  readonly values: Readonly<Record<string, number>>
  /** multiple choice: the forms the question was shown on (exact when it is shown on every form) */
  readonly base?: number
}

/** A question split by another at the country level: a column per split answer, or withheld. */
export interface TwoWayCells {
  readonly columns: Readonly<Record<string, Readonly<Record<string, number>>>>
  /**
   * published size of each shown column: the split question's own published value for that answer,
   * or for a multiple choice the published number of forms in the column it was shown on
   */
  readonly columnTotals: Readonly<Record<string, number>>
  /** split answers whose column is not shown: too few forms, or too few without them */
  readonly withheld: readonly string[]
}

function sumByCode(tallies: Iterable<Tally>): Map<string, CellTally> {
  const sums = new Map<string, CellTally>()
  for (const t of tallies) sums.set(t.code, addTallies(sums.get(t.code) ?? EMPTY_TALLY, { forms: t.forms, keySum: t.keySum }))
  return sums
}

function publishAll(ptable: Ptable, sums: ReadonlyMap<string, CellTally>, asked: string, exact = false): Record<string, number> {
  const values: Record<string, number> = {}
  for (const [code, tally] of sums) {
    if (code === asked) continue
    const value = exact ? tally.forms : publishedValue(ptable, tally)
    if (value !== 0) values[code] = value
  }
  return values
}

export function oneWayCells(
  ptable: Ptable,
  tallies: readonly Tally[],
  options: { multiple: boolean; conditional: boolean; asked: string; forms: number; exact?: boolean },
): OneWayCells {
  const sums = sumByCode(tallies)
  // the kind of meeting is a volume (first and follow-up meetings are published exactly)
  const values = publishAll(ptable, sums, options.asked, options.exact)
  if (!options.multiple) return { values }
  // a question shown on every form has the number of forms as its base: a volume, exact
  const base = options.conditional ? publishedValue(ptable, sums.get(options.asked) ?? EMPTY_TALLY) : options.forms
  return { values, base }
}

export function twoWayCells(
  ptable: Ptable,
  tallies: readonly Tally[],
  splitTallies: readonly Tally[],
  aggregateTeams: TeamCounts,
  options: { asked: string; minForms: number; exactColumns?: boolean; multiple?: boolean },
): TwoWayCells {
  // the split question's own tallies tell each column's size per team, and its published total
  const columnTeams = new Map<string, Map<string, number>>()
  for (const t of splitTallies) {
    const teams = columnTeams.get(t.code) ?? new Map<string, number>()
    teams.set(t.teamId, (teams.get(t.teamId) ?? 0) + t.forms)
    columnTeams.set(t.code, teams)
  }
  const shown = publishedColumns(columnTeams, aggregateTeams, options.minForms)
  const splitSums = sumByCode(splitTallies)
  const columns: Record<string, Record<string, number>> = {}
  const columnTotals: Record<string, number> = {}
  for (const code of [...shown].sort()) {
    const sums = sumByCode(tallies.filter((t) => t.split === code))
    columns[code] = publishAll(ptable, sums, options.asked)
    // A multiple choice's column total is the forms it was shown on in that column (its own "asked"
    // tally); for a question shown on every form that is the same set of forms as the column, so the
    // same published value. A single choice's column total is the column's size.
    const column = splitSums.get(code) ?? EMPTY_TALLY
    // a multiple choice never shown in a column (a conditional one) was shown on none of its forms
    const asked = options.multiple ? (sums.get(options.asked) ?? EMPTY_TALLY) : undefined
    // shown on every form of the column: the same set of forms (asked is a subset of the column)
    const everyForm = !asked || asked.forms === column.forms
    const size = everyForm ? column : asked
    columnTotals[code] = options.exactColumns && everyForm ? size.forms : publishedValue(ptable, size)
  }
  const withheld = [...columnTeams.keys()].filter((code) => !shown.has(code)).sort()
  return { columns, columnTotals, withheld }
}
