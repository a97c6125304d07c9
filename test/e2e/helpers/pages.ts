// Small page helpers shared by the browser tests: translations, the page's heading and language,
// the header's language links, typing into a field, and failing a test on browser console errors.
import type { Page } from 'playwright-core'
import type { Test } from 'tap'
import { translate, type Lang } from '../../../src/i18n/index.js'
import { watchConsole } from './browser.js'

export const LANGS: readonly Lang[] = ['fi', 'sv', 'en']

export const tr = (lang: Lang, key: string, vars: Record<string, string | number> = {}): string => translate(lang, key, vars)

/**
 * Browser console errors (CSP refusals, script errors, missing files) of every watched page, so
 * that the test that caused them fails.
 */
export function consoleErrorCheck(): { watch(page: Page): void; expectNoConsoleErrors(t: Test): void } {
  const errors: string[] = []
  return {
    watch: (page) => void watchConsole(page, errors),
    expectNoConsoleErrors: (t) => void t.same(errors.splice(0), [], 'the browser logged no errors (CSP, scripts, resources)'),
  }
}

export async function h1(page: Page): Promise<string> {
  return ((await page.locator('main h1').textContent()) ?? '').trim()
}

export async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang')
}

/** Uses the header's language links; the page comes back in the chosen language. */
export async function switchLanguage(page: Page, lang: Lang): Promise<void> {
  if ((await htmlLang(page)) === lang) return
  const loaded = page.waitForEvent('load')
  await page.locator(`nav.language-switch a[hreflang="${lang}"]`).click()
  await loaded
  if ((await htmlLang(page)) !== lang) throw new Error(`the page did not change to ${lang}: ${page.url()}`)
}

/** Types into a field as a person would (replacing what is there). */
export async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  const field = page.locator(selector)
  await field.fill('')
  await field.pressSequentially(text)
}

export async function pathOf(page: Page): Promise<string> {
  const url = new URL(page.url())
  return url.pathname + url.search
}
