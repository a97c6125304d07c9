// Personal data is recognised in text: identity codes with a valid check character, phones, e-mails.
import fc from 'fast-check'
import t from 'tap'
import { findPersonalData } from '../../src/lib/personal-data.js'

t.test('Finnish personal identity codes: valid ones are found, look-alikes with a wrong check are not', async (t) => {
  for (const code of ['131052-308T', '010101A123N', '131052308T'.replace('308', '-308')]) t.equal(findPersonalData(`asiakas ${code} tuli`), 'personal_identity_code', code)
  t.equal(findPersonalData('131052-308U'), undefined, 'wrong check character')
  t.equal(findPersonalData('310252-308T'), undefined, 'no such date')
  t.equal(findPersonalData('131052X308T'.replace('X', 'Q')), undefined, 'no such century sign')
  t.equal(findPersonalData('010594Y9032'), 'personal_identity_code', 'the 2023 century signs')
})

t.test('e-mail addresses and phone numbers', async (t) => {
  for (const text of ['matti.meikalainen@example.fi', 'write to a.b@c.org please']) t.equal(findPersonalData(text), 'email', text)
  for (const text of ['040 123 4567', '+358401234567', 'soita 050-765 4321', '0401234567']) t.equal(findPersonalData(text), 'phone', text)
})

t.test('ordinary words, codes and small numbers are not personal data', async (t) => {
  for (const text of ['theft_shoplifting', 'yes', '2026-01', '837', 'Ankkuri Tampere 2', 'age 15, 3 meetings', 'unknown']) {
    t.equal(findPersonalData(text), undefined, text)
  }
})

// The patterns this module used to run: correct, but their time grew with the square of the input.
// Kept here as the reference the linear checks must agree with on short texts.
const REFERENCE = {
  email: /[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z]{2,}/i,
  phone: /(?:^|[^\dA-Za-z])(\+?\d(?:[ -]?\d){6,14})(?![\dA-Za-z])/,
}

t.test('the linear checks find exactly what the reference patterns find', async (t) => {
  const alphabet = [...'0123456789 -+@.aZb_x:()\t'] as const
  const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((chars) => chars.join(''))
  fc.assert(
    fc.property(text, (s) => {
      const found = findPersonalData(s)
      if (found === 'personal_identity_code') return true
      const expected = REFERENCE.email.test(s) ? 'email' : REFERENCE.phone.test(s) ? 'phone' : undefined
      return found === expected
    }),
    { numRuns: 20_000 },
  )
  t.pass('20,000 random texts agree')
  for (const s of ['a@b.cd', 'a@@b.cd', '@b.cd', 'a@.cd', 'a@b.c', 'x a@b.c1d', 'a@b.cd.ef', '1 2 3 4 5 6 7', '123456', '+358 40 123 4567', 'x1234567', '1234567x', '12345678901234567', '1 2345678901234567', '1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6']) {
    const expected = REFERENCE.email.test(s) ? 'email' : REFERENCE.phone.test(s) ? 'phone' : undefined
    t.equal(findPersonalData(s), expected, JSON.stringify(s))
  }
})

t.test('the time is linear in the text, whatever it holds', async (t) => {
  // 256 KB is the largest body the service accepts. The old e-mail pattern took about 26 s on
  // 128 KB of one letter; each of these takes milliseconds now. The bound is generous for a busy
  // machine, and still far below what a quadratic check needs at this size.
  const size = 256 * 1024
  const hostile = {
    'one letter': 'a'.repeat(size),
    'one digit': '1'.repeat(size),
    'digits and spaces': '1 '.repeat(size / 2),
    'digits and hyphens': '1-'.repeat(size / 2),
    'at signs': 'a@'.repeat(size / 2),
    'at signs and dots': 'a@a.'.repeat(size / 4),
    'dots': '.'.repeat(size),
    'identity code look-alikes': '010101-'.repeat(size / 7),
    'plus signs': '+1'.repeat(size / 2),
  }
  for (const [name, text] of Object.entries(hostile)) {
    const started = performance.now()
    findPersonalData(text)
    const ms = performance.now() - started
    t.ok(ms < 500, `${name}: ${ms.toFixed(1)} ms`)
  }
})
