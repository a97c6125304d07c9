// The cell key: every form carries a secret random record key (a whole number below 2^32, drawn when
// it is filed and never shown); a set of forms' key is the sum of their record keys modulo 2^32,
// scaled to [0, 1). A published cell is perturbed team by team: each team's forms in the cell are
// perturbed with their own key, and the cell's value is the sum. The same set of forms therefore
// always gets the same published value, wherever and whenever the cell appears, while a set that
// differs by one form has an unrelated key; and an expert who knows (or files) their own team's
// forms of a cell finds only the other teams' perturbed values behind the rest. Pure.
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

export const EMPTY_TALLY: CellTally = { forms: 0, keySum: 0 }

/** A cell counted from the forms team by team: its number of forms, and each team's forms in it. */
export interface TeamTallies {
  readonly forms: number
  /** one tally per team with forms in the cell (teams with none may be left out) */
  readonly teams: readonly CellTally[]
}

export const NO_FORMS: TeamTallies = { forms: 0, teams: [] }

/** The published value of one team's forms in a cell. */
export function perturbedPart(ptable: Ptable, tally: CellTally): number {
  return perturb(ptable, tally.forms, cellKeyOf(tally.keySum))
}

/** The published value of a cell: the sum of its teams' perturbed parts (0 or at least k, as each part is). */
export function publishedValue(ptable: Ptable, cell: TeamTallies): number {
  return cell.teams.reduce((sum, part) => sum + perturbedPart(ptable, part), 0)
}
