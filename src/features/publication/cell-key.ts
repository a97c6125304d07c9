// The cell key: every form carries a secret random record key (a whole number below 2^32, drawn when
// it is filed and never shown); a set of forms' key is the sum of their record keys modulo 2^32,
// scaled to [0, 1). A published cell is perturbed team by team: each team's forms in the cell are
// perturbed with a key of their own (their record keys with the whole cell's), and the cell's value
// is the sum. The same set of forms therefore always gets the same published value, wherever and
// whenever the cell appears, while a set that differs by one form has unrelated keys; and an expert
// who knows (or files) their own team's forms of a cell finds the other teams' parts behind the rest
// still perturbed as small counts, and their own part's change unknown to them. Pure.
import { randomInt } from 'node:crypto'
import { perturb, type Ptable } from './ptable.js'

export const RECORD_KEY_RANGE = 2 ** 32

/** A new form's record key, from the operating system's cryptographic random source. */
export function newRecordKey(): number {
  // randomInt's upper bound is exclusive and must stay below 2^48
  return randomInt(0, RECORD_KEY_RANGE)
}

/** Cell key of a set of forms from the sum of their record keys (any size: taken modulo 2^32). */
export function cellKeyOf(recordKeySum: bigint | number): number {
  const sum = typeof recordKeySum === 'bigint' ? recordKeySum : BigInt(recordKeySum)
  const range = BigInt(RECORD_KEY_RANGE)
  return Number(((sum % range) + range) % range) / RECORD_KEY_RANGE
}

/**
 * A cell as counted from the forms: how many, and the sum of their record keys modulo 2^32 (the
 * cell key needs nothing more, and the sum stays an exact whole number).
 */
export interface CellTally {
  readonly forms: number
  readonly keySum: number
}

/** A cell counted from the forms team by team: its number of forms, and each team's forms in it. */
export interface TeamTallies {
  readonly forms: number
  /** one tally per team with forms in the cell (teams with none may be left out) */
  readonly teams: readonly CellTally[]
}

export const NO_FORMS: TeamTallies = { forms: 0, teams: [] }

/**
 * The published value of one team's forms in a cell. Its key is the sum of the part's record keys
 * and the whole cell's, so the same part gets unrelated values in cells that differ (a county's year
 * and the team's own year, say): subtracting one published cell from another never cancels a team's
 * part exactly, while the same cell, the same set of forms, always gets the same value.
 */
export function perturbedPart(ptable: Ptable, part: CellTally, wholeKeySum: number): number {
  return perturb(ptable, part.forms, cellKeyOf(part.keySum + wholeKeySum))
}

/** The published value of a cell: the sum of its teams' perturbed parts (0 or at least k, as each part is). */
export function publishedValue(ptable: Ptable, cell: TeamTallies): number {
  const wholeKeySum = cell.teams.reduce((sum, part) => (sum + part.keySum) % RECORD_KEY_RANGE, 0)
  return cell.teams.reduce((sum, part) => sum + perturbedPart(ptable, part, wholeKeySum), 0)
}
