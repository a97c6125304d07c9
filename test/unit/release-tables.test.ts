// Tables of a published aggregate split by another question: a multiple choice shown only on some
// forms has, as each column's total, the number of forms of that column it was shown on.
import t from 'tap'
import { publishedValue, type TeamTallies } from '../../src/features/publication/cell-key.js'
import { buildPtable } from '../../src/features/publication/ptable.js'
import { twoWayCells, type SplitColumns } from '../../src/features/publication/release-tables.js'

const ptable = buildPtable({ threshold: 5, maxNoise: 5, variance: 1.5 })
const ASKED = '*asked'
/** A cell of one team's forms. */
const cell = (forms: number, keySum: number): TeamTallies => ({ forms, teams: [{ forms, keySum }] })

t.test('a conditional multiple choice: the column total is the forms it was shown on in the column', async (t) => {
  // 60 boys and 40 girls (two teams each), of whom 25 and 18 were referred onward and so were asked where
  const split: SplitColumns = {
    sizes: new Map([['boy', cell(60, 3_000_004)], ['girl', cell(40, 7_000_016)]]),
    teams: new Map([['boy', new Map([['a', 30], ['b', 30]])], ['girl', new Map([['a', 20], ['b', 20]])]]),
    answers: new Map([
      ['boy', new Map([[ASKED, cell(25, 5_550_001)], ['outreach_youth_work', cell(12, 777_777)]])],
      ['girl', new Map([[ASKED, cell(18, 9_990_001)], ['hobby_leisure', cell(9, 123_457)]])],
    ]),
  }
  const teams = new Map([['a', 50], ['b', 50]])
  const cells = twoWayCells(ptable, split, teams, { asked: ASKED, minForms: 20, multiple: true })
  t.same(Object.keys(cells.columns), ['boy', 'girl'])
  t.equal(cells.columnTotals.boy, publishedValue(ptable, cell(25, 5_550_001)), 'boys: the 25 asked, protected')
  t.equal(cells.columnTotals.girl, publishedValue(ptable, cell(18, 9_990_001)), 'girls: the 18 asked, protected')
  t.ok(Math.abs(cells.columnTotals.boy! - 25) <= 5 && Math.abs(cells.columnTotals.girl! - 18) <= 5, 'near the forms asked, not the column sizes 60 and 40')
  t.notOk('*asked' in cells.columns.boy!, 'the asked count is no answer row')

  // a column in which the question was never shown (e.g. split by "referred onward": no) totals 0
  const never = twoWayCells(ptable, { ...split, answers: new Map([['boy', split.answers.get('boy')!]]) }, teams, { asked: ASKED, minForms: 20, multiple: true })
  t.equal(never.columnTotals.girl, 0, 'shown on none of the girls\' forms')
})

t.test('a question shown on every form: the column total is the column, the same set of forms and so the same value', async (t) => {
  const split: SplitColumns = {
    sizes: new Map([['first', cell(70, 24)]]),
    teams: new Map([['first', new Map([['a', 40], ['b', 30]])]]),
    answers: new Map([['first', new Map([[ASKED, cell(70, 24)], ['police', cell(50, 99)]])]]),
  }
  const teams = new Map([['a', 40], ['b', 30]])
  const perturbed = twoWayCells(ptable, split, teams, { asked: ASKED, minForms: 20, multiple: true })
  t.equal(perturbed.columnTotals.first, publishedValue(ptable, cell(70, 24)))
  const exact = twoWayCells(ptable, split, teams, { asked: ASKED, minForms: 20, exactColumns: true, multiple: true })
  t.equal(exact.columnTotals.first, 70, 'split by a volume (the kind of meeting): the column size is exact')
})

t.test('a column too small, or leaving too little of the aggregate without it, is withheld', async (t) => {
  const split: SplitColumns = {
    sizes: new Map([['girl', cell(80, 1)], ['other', cell(3, 2)]]),
    teams: new Map([['girl', new Map([['a', 40], ['b', 40]])], ['other', new Map([['a', 3]])]]),
    answers: new Map([['girl', new Map([['yes', cell(30, 5)]])], ['other', new Map([['yes', cell(2, 7)]])]]),
  }
  const cells = twoWayCells(ptable, split, new Map([['a', 43], ['b', 40]]), { asked: ASKED, minForms: 20 })
  t.same(cells.withheld, ['girl', 'other'], 'three forms are too few, and the girls are all but those three')
  t.same(cells.columns, {})
})

t.test('a column of two teams: its total is the sum of each team\'s perturbed part of the forms asked', async (t) => {
  const part = (forms: number, keySum: number) => ({ forms, keySum })
  const asked: TeamTallies = { forms: 30, teams: [part(18, 1_234_567), part(12, 7_654_321)] }
  const column: TeamTallies = { forms: 50, teams: [part(28, 2_222_222), part(22, 3_333_333)] }
  const split: SplitColumns = {
    sizes: new Map([['boy', column]]),
    teams: new Map([['boy', new Map([['a', 28], ['b', 22]])]]),
    answers: new Map([['boy', new Map([[ASKED, asked]])]]),
  }
  const cells = twoWayCells(ptable, split, new Map([['a', 28], ['b', 22]]), { asked: ASKED, minForms: 20, multiple: true })
  t.equal(cells.columnTotals.boy, publishedValue(ptable, asked), 'the forms asked, two teams\' parts')
  t.not(cells.columnTotals.boy, undefined)
  // shown on every form of the column: the column's own parts, the same value as the column
  const everyForm = twoWayCells(ptable, { ...split, answers: new Map([['boy', new Map([[ASKED, column]])]]) }, new Map([['a', 28], ['b', 22]]), { asked: ASKED, minForms: 20, multiple: true })
  t.equal(everyForm.columnTotals.boy, publishedValue(ptable, column))
})
