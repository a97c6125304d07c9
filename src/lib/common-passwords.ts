// Refuses the passwords attackers try first, as NIST SP 800-63B (5.1.1.2) asks: the list is the
// common-password dictionary of @zxcvbn-ts/language-common (about 49,000 passwords from public
// breaches, maintained upstream, shipped in the package so the check works offline). A listed
// password also counts when it only differs by case, spaces, repetition or trailing digits and
// punctuation ("Password 2024!", "qwertyqwerty").
import { dictionary } from '@zxcvbn-ts/language-common'

let common: ReadonlySet<string> | undefined

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))
  return common
}

/** The shortest unit the text repeats ("abcabc" -> "abc"); the text itself when it does not. */
function repeatedUnit(text: string): string {
  for (let size = 1; size <= text.length / 2; size++) {
    if (text.length % size === 0 && text.slice(0, size).repeat(text.length / size) === text) return text.slice(0, size)
  }
  return text
}

export function isCommonPassword(password: string): boolean {
  const list = commonPasswords()
  const folded = password.normalize('NFC').toLowerCase().replace(/\s+/g, '')
  const base = folded.replace(/[\d\W_]+$/u, '')
  const candidates = [folded, base, repeatedUnit(folded), repeatedUnit(base)]
  return candidates.some((c) => list.has(c)) || repeatedUnit(folded).length <= 3
}
