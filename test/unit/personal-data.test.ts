// Personal data is recognised in text: identity codes with a valid check character, phones, e-mails.
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
