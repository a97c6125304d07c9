// Tables of a published aggregate split by another question: a multiple choice shown only on some
// forms has, as each column's total, the number of forms of that column it was shown on.
import t from 'tap'
import { publishedValue } from '../../src/features/publication/cell-key.js'
import { buildPtable } from '../../src/features/publication/ptable.js'
import { twoWayCells, type Tally } from '../../src/features/publication/release-tables.js'

const ptable = buildPtable({ threshold: 5, maxNoise: 5, variance: 1.5 })
const ASKED = '*asked'
const tally = (split: string, code: string, forms: number, keySum: bigint, teamId = 'a'): Tally => ({ atomKey: `2025-01|${teamId}|08|sisa-suomi|1`, teamId, split, code, forms, keySum })

t.test('a conditional multiple choice: the column total is the forms it was shown on in the column', async (t) => {
  // 60 boys and 40 girls (two teams each), of whom 25 and 18 were referred onward and so were asked where
  const split = [tally('', 'boy', 30, 1_000_001n), tally('', 'boy', 30, 2_000_003n, 'b'), tally('', 'girl', 20, 3_000_007n), tally('', 'girl', 20, 4_000_009n, 'b')]
  const answers = [
    tally('boy', ASKED, 25, 5_550_001n),
    tally('boy', 'outreach_youth_work', 12, 777_777n),
    tally('girl', ASKED, 18, 9_990_001n),
    tally('girl', 'hobby_leisure', 9, 123_457n),
  ]
  const teams = new Map([['a', 50], ['b', 50]])
  const cells = twoWayCells(ptable, answers, split, teams, { asked: ASKED, minForms: 20, multiple: true })
  t.same(Object.keys(cells.columns), ['boy', 'girl'])
  t.equal(cells.columnTotals.boy, publishedValue(ptable, { forms: 25, keySum: 5_550_001n }), 'boys: the 25 asked, protected')
  t.equal(cells.columnTotals.girl, publishedValue(ptable, { forms: 18, keySum: 9_990_001n }), 'girls: the 18 asked, protected')
  t.ok(Math.abs(cells.columnTotals.boy! - 25) <= 5 && Math.abs(cells.columnTotals.girl! - 18) <= 5, 'near the forms asked, not the column sizes 60 and 40')
  t.notOk('*asked' in cells.columns.boy!, 'the asked count is no answer row')

  // a column in which the question was never shown (e.g. split by "referred onward": no) totals 0
  const never = twoWayCells(ptable, answers.filter((a) => a.split === 'boy'), split, teams, { asked: ASKED, minForms: 20, multiple: true })
  t.equal(never.columnTotals.girl, 0, 'shown on none of the girls\' forms')
})

t.test('a question shown on every form: the column total is the column, the same set of forms and so the same value', async (t) => {
  const split = [tally('', 'first', 40, 11n), tally('', 'first', 30, 13n, 'b')]
  const answers = [tally('first', ASKED, 70, 24n), tally('first', 'police', 50, 99n)]
  const teams = new Map([['a', 40], ['b', 30]])
  const perturbed = twoWayCells(ptable, answers, split, teams, { asked: ASKED, minForms: 20, multiple: true })
  t.equal(perturbed.columnTotals.first, publishedValue(ptable, { forms: 70, keySum: 24n }))
  const exact = twoWayCells(ptable, answers, split, teams, { asked: ASKED, minForms: 20, exactColumns: true, multiple: true })
  t.equal(exact.columnTotals.first, 70, 'split by a volume (the kind of meeting): the column size is exact')
})
