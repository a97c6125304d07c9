// Counting the released forms' answers for a release. Every answer code of every question has a
// slot, so a group of forms (an atom, or one month's forms with one answer of a split question) is a
// vector: per slot, how many of its forms gave that answer and the sum of their record keys modulo
// 2^32. An aggregate's counts are the sum of its groups' vectors, kept team by team. Pure.
import { RECORD_KEY_RANGE, type CellTally, type TeamTallies } from './cell-key.js'
import type { Dimension } from '../reports/report-dimensions.js'

/** The code counting the forms a multiple-choice question was shown on (its base). */
export const ASKED = '*asked'

/**
 * Where each (question, answer code) is counted. The definition's codes come first; a code the
 * definition does not list (a municipality code that has since gone out of use) gets a slot when it
 * is first seen, so nothing a form holds is left out.
 */
export class AnswerLayout {
  private readonly slots: Map<string, number>[]
  private readonly codesOf: string[][]
  private next = 0

  constructor(readonly dimensions: readonly Dimension[]) {
    this.slots = dimensions.map(() => new Map())
    this.codesOf = dimensions.map(() => [])
    dimensions.forEach((dimension, question) => {
      for (const code of dimension.codes) this.slot(question, code)
      if (dimension.kind === 'multiple') this.slot(question, ASKED)
    })
  }

  /** Slots used so far: a vector this long holds every answer. */
  get size(): number {
    return this.next
  }

  slot(question: number, code: string): number {
    const slots = this.slots[question]!
    let slot = slots.get(code)
    if (slot === undefined) {
      slot = this.next++
      slots.set(code, slot)
      this.codesOf[question]!.push(code)
    }
    return slot
  }

  /**
   * The slots of one form's answers: `answers[i]` is dimension i's code, or for a multiple choice its
   * chosen codes (null when the question was not shown: then it counts nowhere, not even as asked).
   */
  slotsOf(answers: readonly (string | readonly string[] | null)[]): number[] {
    const found: number[] = []
    answers.forEach((answer, question) => {
      if (answer === null) return
      if (typeof answer === 'string') {
        found.push(this.slot(question, answer))
        return
      }
      for (const code of answer) found.push(this.slot(question, code))
      found.push(this.slot(question, ASKED))
    })
    return found
  }

  /** One question's answers in a vector: code → tally, answers no form gave left out. */
  tallyOf(vector: AnswerVector, question: number): Map<string, CellTally> {
    const tallies = new Map<string, CellTally>()
    const slots = this.slots[question]!
    for (const code of this.codesOf[question]!) {
      const slot = slots.get(code)!
      const forms = slot < vector.forms.length ? vector.forms[slot]! : 0
      if (forms > 0) tallies.set(code, { forms, keySum: vector.keys[slot]! })
    }
    return tallies
  }

  /** One question's answers in several teams' vectors: code → the forms with it, team by team. */
  teamTalliesOf(vectors: readonly AnswerVector[], question: number): Map<string, TeamTallies> {
    const parts = new Map<string, CellTally[]>()
    for (const vector of vectors) {
      for (const [code, tally] of this.tallyOf(vector, question)) {
        const teams = parts.get(code) ?? []
        teams.push(tally)
        parts.set(code, teams)
      }
    }
    return new Map([...parts].map(([code, teams]) => [code, { forms: teams.reduce((sum, t) => sum + t.forms, 0), teams }]))
  }
}

/** Per slot: forms, and their record keys' sum modulo 2^32 (both below 2^32, so 32 bits hold them exactly). */
export interface AnswerVector {
  readonly forms: Uint32Array
  readonly keys: Uint32Array
}

function emptyVector(size: number): AnswerVector {
  return { forms: new Uint32Array(size), keys: new Uint32Array(size) }
}

function grown(vector: AnswerVector, size: number): AnswerVector {
  const bigger = emptyVector(size)
  bigger.forms.set(vector.forms)
  bigger.keys.set(vector.keys)
  return bigger
}

/** Vectors of named groups of forms, filled one form at a time. */
export class AnswerCounts {
  private readonly groups = new Map<string, AnswerVector>()

  constructor(readonly layout: AnswerLayout) {}

  add(group: string, slots: readonly number[], recordKey: number): void {
    let vector = this.groups.get(group)
    if (!vector || vector.forms.length < this.layout.size) {
      vector = vector ? grown(vector, this.layout.size) : emptyVector(this.layout.size)
      this.groups.set(group, vector)
    }
    const { forms, keys } = vector
    for (const slot of slots) {
      forms[slot]! += 1
      keys[slot] = (keys[slot]! + recordKey) % RECORD_KEY_RANGE
    }
  }

  /** The sum of the given groups' vectors (groups with no forms are simply absent). */
  sum(groups: Iterable<string>): AnswerVector {
    const total = emptyVector(this.layout.size)
    for (const group of groups) {
      const vector = this.groups.get(group)
      if (!vector) continue
      for (let slot = 0; slot < vector.forms.length; slot++) {
        const forms = vector.forms[slot]!
        if (forms === 0) continue
        total.forms[slot]! += forms
        total.keys[slot] = (total.keys[slot]! + vector.keys[slot]!) % RECORD_KEY_RANGE
      }
    }
    return total
  }
}
