// Months in Finnish time, and month lists across year ends.
import t from 'tap'
import { monthOf, monthsBack } from '../../src/lib/months.js'

t.test('the month of a moment is the Finnish one', async (t) => {
  t.equal(monthOf(new Date('2026-01-31T21:59:59Z')), '2026-01')
  t.equal(monthOf(new Date('2026-01-31T22:00:00Z')), '2026-02', 'midnight in Helsinki (UTC+2) starts February')
  t.equal(monthOf(new Date('2026-06-30T21:00:00Z')), '2026-07', 'summer time (UTC+3)')
})

t.test('months back, across a year end, stopping at the earliest', async (t) => {
  t.same(monthsBack('2026-02', 4), ['2026-02', '2026-01', '2025-12', '2025-11'])
  t.same(monthsBack('2020-02', 10, '2020-01'), ['2020-02', '2020-01'])
  t.same(monthsBack('2026-01', 0), [])
})
