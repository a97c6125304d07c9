// The most common and leaked passwords are refused (NIST SP 800-63B), with a message saying why.
import t from 'tap'
import { isCommonPassword } from '../../src/lib/common-passwords.js'
import { registrationSchema } from '../../src/features/users/users.schemas.js'
import { translate } from '../../src/i18n/index.js'

t.test('listed passwords and their trivial variants are common; passphrases are not', async (t) => {
  for (const p of ['123456789012', 'passwordpassword', 'qwertyuiop123', 'Password 2024!', 'qwertyqwerty', 'iloveyou1234', 'aaaaaaaaaaaa', 'abcabcabcabc', '1q2w3e4r5t6y']) {
    t.ok(isCommonPassword(p), p)
  }
  for (const p of ['correct horse battery staple', 'kolme kevättä ja kaksi kesää', 'seitsemän veljestä metsässä', 'Ankkuri-tiimi kokoontuu torstaisin']) {
    t.notOk(isCommonPassword(p), p)
  }
})

t.test('registration refuses a common password with its own reason, in every language', async (t) => {
  const result = registrationSchema.safeParse({ name: 'Ville', email: 'v@example.fi', phone: '0401234567', role: 'expert', teamId: crypto.randomUUID(), profession: 'police', password: 'passwordpassword', passwordConfirm: 'passwordpassword' })
  t.notOk(result.success)
  t.same(result.error?.issues.filter((i) => i.path[0] === 'password').map((i) => i.message), ['password_common'])
  for (const lang of ['fi', 'sv', 'en'] as const) t.match(translate(lang, 'validation.password_common'), 'NIST SP 800-63B', lang)
})
