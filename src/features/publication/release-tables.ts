// The protected tables of one published aggregate, from its answer tallies team by team: every count
// about young people is the sum of its teams' perturbed parts (each part's count and its forms'
// record keys); the number of forms, a volume, is exact. Pure.
import { NO_FORMS, publishedValue, type TeamTallies } from './cell-key.js'
import type { Ptable } from './ptable.js'
import { publishedColumns, type TeamCounts } from './publication-grid.js'

/** A question's answers in one group of forms: answer code → its forms, team by team. */
export type CodeTallies = ReadonlyMap<string, TeamTallies>

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

function publishAll(ptable: Ptable, sums: CodeTallies, asked: string, exact = false): Record<string, number> {
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
  sums: CodeTallies,
  options: { multiple: boolean; conditional: boolean; asked: string; forms: number; exact?: boolean },
): OneWayCells {
  // the kind of meeting is a volume (first and follow-up meetings are published exactly)
  const values = publishAll(ptable, sums, options.asked, options.exact)
  if (!options.multiple) return { values }
  // a question shown on every form has the number of forms as its base: a volume, exact
  const base = options.conditional ? publishedValue(ptable, sums.get(options.asked) ?? NO_FORMS) : options.forms
  return { values, base }
}

/** An aggregate's forms by the answer of the split question. */
export interface SplitColumns {
  /** each answer's forms: its size (count and record keys) */
  readonly sizes: CodeTallies
  /** each answer's forms per team */
  readonly teams: ReadonlyMap<string, TeamCounts>
  /** the split question's answer → the question's tallies among those forms */
  readonly answers: ReadonlyMap<string, CodeTallies>
}

export function twoWayCells(
  ptable: Ptable,
  split: SplitColumns,
  aggregateTeams: TeamCounts,
  options: { asked: string; minForms: number; exactColumns?: boolean; multiple?: boolean },
): TwoWayCells {
  const shown = publishedColumns(split.teams, aggregateTeams, options.minForms)
  const columns: Record<string, Record<string, number>> = {}
  const columnTotals: Record<string, number> = {}
  for (const code of [...shown].sort()) {
    const sums = split.answers.get(code) ?? new Map<string, TeamTallies>()
    columns[code] = publishAll(ptable, sums, options.asked)
    // A multiple choice's column total is the forms it was shown on in that column (its own "asked"
    // tally); for a question shown on every form that is the same set of forms as the column, so the
    // same published value. A single choice's column total is the column's size.
    const column = split.sizes.get(code) ?? NO_FORMS
    // a multiple choice never shown in a column (a conditional one) was shown on none of its forms
    const asked = options.multiple ? (sums.get(options.asked) ?? NO_FORMS) : undefined
    // shown on every form of the column: the same set of forms (asked is a subset of the column)
    const everyForm = !asked || asked.forms === column.forms
    const size = everyForm ? column : asked
    columnTotals[code] = options.exactColumns && everyForm ? size.forms : publishedValue(ptable, size)
  }
  const withheld = [...split.teams.keys()].filter((code) => !shown.has(code)).sort()
  return { columns, columnTotals, withheld }
}
