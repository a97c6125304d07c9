// The time of day on the login pages: Finnish time, written per language, and "from" rounded up.
import t from 'tap'
import { formatTimeOfDay, formatTimeOfDayFrom } from '../../src/lib/time-of-day.js'

t.test('hours and minutes in Finnish time, in each language', async (t) => {
  const winter = new Date('2031-03-04T14:42:59Z') // UTC+2
  t.equal(formatTimeOfDay(winter, 'fi'), '16.42')
  t.equal(formatTimeOfDay(winter, 'sv'), '16.42')
  t.equal(formatTimeOfDay(winter, 'en'), '16:42')
  const summer = new Date('2031-07-01T06:05:00Z') // UTC+3
  t.equal(formatTimeOfDay(summer, 'fi'), '9.05')
  t.equal(formatTimeOfDay(summer, 'en'), '09:05')
})

t.test('"from" names the first whole minute at or after the moment', async (t) => {
  t.equal(formatTimeOfDayFrom(new Date('2031-03-04T14:43:00Z'), 'fi'), '16.43', 'a whole minute stays')
  t.equal(formatTimeOfDayFrom(new Date('2031-03-04T14:43:00.001Z'), 'fi'), '16.44', 'any part of a minute moves on')
  t.equal(formatTimeOfDayFrom(new Date('2031-03-04T21:59:30Z'), 'en'), '00:00', 'over midnight')
})
