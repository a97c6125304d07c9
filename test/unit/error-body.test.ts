// JSON errors name the waiting time in words, like the pages do.
import t from 'tap'
import { TooManyAttemptsError, ValidationError } from '../../src/errors.js'
import { errorBody } from '../../src/plugins/errors.js'

t.test('a 429 says how long to wait, in every language', async (t) => {
  t.equal(errorBody('en', new TooManyAttemptsError(125)).error.message, 'Too many attempts. Try again in 3 minutes.')
  t.notMatch(errorBody('fi', new TooManyAttemptsError(30)).error.message, '{', 'no placeholder left (fi)')
  t.notMatch(errorBody('sv', new TooManyAttemptsError(30)).error.message, '{', 'no placeholder left (sv)')
  t.equal(errorBody('en', new TooManyAttemptsError(20, 'resend_too_soon')).error.message, 'A new code can be sent in 20 seconds.')
  t.same(errorBody('en', new ValidationError([{ field: 'age', code: 'required' }])).error.fields.map((f) => f.field), ['age'])
})
