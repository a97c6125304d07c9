// Counting a release's answers: every answer has a slot, groups of forms are vectors, an aggregate is
// the sum of its groups, and record keys are summed modulo 2^32 without losing a digit.
import t from 'tap'
import { AnswerCounts, AnswerLayout, ASKED } from '../../src/features/publication/answer-counts.js'
import { RECORD_KEY_RANGE } from '../../src/features/publication/cell-key.js'
import { questionDimensions } from '../../src/features/reports/report-dimensions.js'

const dimensions = questionDimensions()
const gender = dimensions.findIndex((d) => d.id === 'gender')
const topics = dimensions.findIndex((d) => d.id === 'meetingTopics')
const municipality = dimensions.findIndex((d) => d.id === 'homeMunicipality')

function answersOf(values: Record<number, string | string[] | null>): (string | string[] | null)[] {
  return dimensions.map((_, i) => values[i] ?? null)
}

t.test('single answers, multiple choices with their base, and a question not shown', async (t) => {
  const layout = new AnswerLayout(dimensions)
  const counts = new AnswerCounts(layout)
  counts.add('a', layout.slotsOf(answersOf({ [gender]: 'girl', [topics]: ['theft_shoplifting', 'assault'] })), 10)
  counts.add('a', layout.slotsOf(answersOf({ [gender]: 'girl', [topics]: [] })), 20)
  counts.add('b', layout.slotsOf(answersOf({ [gender]: 'boy' })), 40)
  const both = counts.sum(['a', 'b', 'no forms'])
  t.same([...layout.tallyOf(both, gender)], [['girl', { forms: 2, keySum: 30 }], ['boy', { forms: 1, keySum: 40 }]])
  const topicTallies = layout.tallyOf(both, topics)
  t.same(topicTallies.get(ASKED), { forms: 2, keySum: 30 }, 'the base: the two forms it was shown on, not the third')
  t.same(topicTallies.get('theft_shoplifting'), { forms: 1, keySum: 10 })
  t.same(layout.tallyOf(counts.sum(['b']), topics).size, 0, 'not shown: counted nowhere')
})

t.test('record keys are summed modulo 2^32 exactly, however many forms', async (t) => {
  const layout = new AnswerLayout(dimensions)
  const counts = new AnswerCounts(layout)
  const keys = Array.from({ length: 5000 }, (_, i) => RECORD_KEY_RANGE - 1 - i * 7919)
  keys.forEach((key, i) => counts.add(`g${i % 3}`, layout.slotsOf(answersOf({ [gender]: 'other' })), key))
  const expected = Number(keys.reduce((s, k) => s + BigInt(k), 0n) % BigInt(RECORD_KEY_RANGE))
  t.same(layout.tallyOf(counts.sum(['g0', 'g1', 'g2']), gender).get('other'), { forms: 5000, keySum: expected })
})

t.test('a code the definition does not list gets a slot of its own, also in groups filled before it appeared', async (t) => {
  const layout = new AnswerLayout(dimensions)
  const counts = new AnswerCounts(layout)
  counts.add('old', layout.slotsOf(answersOf({ [municipality]: '091' })), 1)
  const before = layout.size
  counts.add('new', layout.slotsOf(answersOf({ [municipality]: '999' })), 2)
  t.equal(layout.size, before + 1)
  counts.add('old', layout.slotsOf(answersOf({ [municipality]: '999' })), 3)
  t.same([...layout.tallyOf(counts.sum(['old', 'new']), municipality)], [['091', { forms: 1, keySum: 1 }], ['999', { forms: 2, keySum: 5 }]])
})
