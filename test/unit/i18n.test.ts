// Every page works in Finnish, Swedish and English: no key may be missing in any language.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { AUDIT_EVENTS, LOGIN_METHODS, PROFESSIONS, USER_ROLES, USER_STATUSES } from '../../src/db/schema.js'
import { ERROR_CODES } from '../../src/errors.js'
import { dictionaries, flattenKeys, hasKey, LANGUAGES, pickLanguage, translate } from '../../src/i18n/index.js'
import { viewsDir } from '../../src/lib/paths.js'

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path, ending) : path.endsWith(ending) ? [path] : []
  })
}

t.test('the three languages have exactly the same keys, none empty', async (t) => {
  const fi = new Set(flattenKeys(dictionaries.fi))
  t.ok(fi.size > 100)
  for (const lang of LANGUAGES) {
    const keys = new Set(flattenKeys(dictionaries[lang]))
    t.same([...fi].filter((k) => !keys.has(k)), [], `${lang} has every Finnish key`)
    t.same([...keys].filter((k) => !fi.has(k)), [], `${lang} has no key Finnish lacks`)
    for (const key of keys) if (translate(lang, key).trim() === '') t.fail(`${lang}: ${key} is empty`)
  }
})

t.test('every literal key used in a template exists in every language', async (t) => {
  const used = new Set<string>()
  for (const file of filesUnder(viewsDir, '.hbs')) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:\{\{|\()t "([a-z0-9_.]*[a-z0-9_])"/g)) used.add(match[1]!)
    for (const match of text.matchAll(/(?:hintKey|titleKey)="([a-z0-9_.]+)"/g)) used.add(match[1]!)
  }
  t.ok(used.size > 50, `found ${used.size} keys in templates`)
  for (const key of used) for (const lang of LANGUAGES) if (!hasKey(lang, key)) t.fail(`${lang} lacks ${key}`)
})

t.test('every key built from a code list exists in every language', async (t) => {
  const keys = [
    ...ERROR_CODES.flatMap((c) => [`errors.${c}`, `error_help.${c}`]),
    ...AUDIT_EVENTS.map((e) => `audit_events.${e}`),
    ...PROFESSIONS.map((p) => `professions.${p}`),
    ...USER_ROLES.map((r) => `roles.${r}`),
    ...USER_STATUSES.map((s) => `statuses.${s}`),
    ...LOGIN_METHODS.map((m) => `login_methods.${m}`),
  ]
  // reason codes written in the sources: field errors ({ field, code: '…' }) and zod schema messages
  const srcDir = join(viewsDir, '..', 'src')
  for (const file of filesUnder(srcDir, '.ts')) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/field: [^}]*?code: '([a-z_]+)'/g)) keys.push(`validation.${match[1]}`)
    if (file.endsWith('.schemas.ts')) {
      for (const match of text.matchAll(/[(,] ?'([a-z_]+)'\)/g)) keys.push(`validation.${match[1]}`)
    }
  }
  for (const key of keys) for (const lang of LANGUAGES) if (!hasKey(lang, key)) t.fail(`${lang} lacks ${key}`)
  t.pass(`checked ${keys.length} keys`)
})

t.test('placeholders are the same in every language', async (t) => {
  for (const key of flattenKeys(dictionaries.en)) {
    const names = (lang: (typeof LANGUAGES)[number]) => [...translate(lang, key).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    t.same(names('fi'), names('en'), `fi ${key}`)
    t.same(names('sv'), names('en'), `sv ${key}`)
  }
})

t.test('language choice: cookie first, then Accept-Language, then Finnish', async (t) => {
  t.equal(pickLanguage(undefined, undefined), 'fi')
  t.equal(pickLanguage(undefined, 'sv-FI,sv;q=0.9,en;q=0.8'), 'sv')
  t.equal(pickLanguage(undefined, 'de-DE,en;q=0.5'), 'en')
  t.equal(pickLanguage(undefined, 'de-DE'), 'fi')
  t.equal(pickLanguage(undefined, 'en;q=0.2, sv;q=0.9'), 'sv')
  t.equal(pickLanguage('en', 'sv'), 'en')
  t.equal(pickLanguage('xx', 'sv'), 'sv')
  t.equal(translate('en', 'code.attempts_left', { count: 3 }), 'Attempts left: 3.')
  t.equal(translate('en', 'no.such.key'), 'no.such.key')
})
