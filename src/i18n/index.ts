// Finnish, Swedish and English texts: loading, lookup with {placeholders}, and choosing a
// language from the visitor's cookie or Accept-Language header (Finnish by default).
// A language's texts are `<lang>.json` plus, for larger areas, one file per area in `<lang>/`:
// `fi/reset.json` holds the keys under `reset.` (an area is in one place only).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../lib/paths.js'

export const LANGUAGES = ['fi', 'sv', 'en'] as const
export type Lang = (typeof LANGUAGES)[number]
export const DEFAULT_LANG: Lang = 'fi'
export const LANG_COOKIE = 'lang'

type Dictionary = { readonly [key: string]: string | Dictionary }

function loadDictionary(lang: Lang): Dictionary {
  const dir = join(projectRoot, 'src', 'i18n')
  const dictionary = JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8')) as Record<string, string | Dictionary>
  const areaDir = join(dir, lang)
  if (!existsSync(areaDir)) return dictionary
  for (const file of readdirSync(areaDir).filter((name) => name.endsWith('.json')).sort()) {
    const area = file.slice(0, -'.json'.length)
    if (area in dictionary) throw new Error(`i18n: "${area}" is in both ${lang}.json and ${lang}/${file}`)
    dictionary[area] = JSON.parse(readFileSync(join(areaDir, file), 'utf8')) as Dictionary
  }
  return dictionary
}

export const dictionaries: Readonly<Record<Lang, Dictionary>> = Object.freeze({
  fi: loadDictionary('fi'),
  sv: loadDictionary('sv'),
  en: loadDictionary('en'),
})

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/** Every dotted key of a dictionary, e.g. `login.title`. */
export function flattenKeys(dictionary: Dictionary, prefix = ''): string[] {
  return Object.entries(dictionary).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : flattenKeys(value, `${prefix}${key}.`),
  )
}

export function hasKey(lang: Lang, key: string): boolean {
  return typeof lookup(dictionaries[lang], key) === 'string'
}

function lookup(dictionary: Dictionary, key: string): string | Dictionary | undefined {
  let node: string | Dictionary | undefined = dictionary
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined
    node = node[part]
  }
  return node
}

/**
 * The text for a key, with `{name}` placeholders filled in. A missing key returns the key itself,
 * visibly, rather than an empty string; the i18n test makes sure none is missing.
 */
export function translate(lang: Lang, key: string, vars: Record<string, string | number> = {}): string {
  const text = lookup(dictionaries[lang], key)
  if (typeof text !== 'string') return key
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
}

/** The language from the cookie, else the best of Accept-Language, else Finnish. */
export function pickLanguage(cookieValue: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookieValue)) return cookieValue
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part, index) => {
        const [tag = '', ...params] = part.trim().split(';')
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
        return { lang: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1, index }
      })
      .filter((entry) => entry.q > 0)
      .sort((a, b) => b.q - a.q || a.index - b.index)
    for (const entry of ranked) if (isLang(entry.lang)) return entry.lang
  }
  return DEFAULT_LANG
}
