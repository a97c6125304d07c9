// The cell key: every form carries a secret random record key (a whole number below 2^32, drawn when
// it is filed and never shown); a cell's key is the sum of its forms' record keys modulo 2^32, scaled
// to [0, 1). The same set of forms therefore always has the same cell key and the same published
// value, wherever and whenever the cell appears, while a set that differs by one form has an
// unrelated key. Pure.
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

/** The published value of a cell. */
export function publishedValue(ptable: Ptable, tally: CellTally): number {
  return perturb(ptable, tally.forms, cellKeyOf(tally.keySum))
}
