// Chromium (Debian's, never a downloaded one) through playwright-core, and axe-core checks.
//
// How axe gets into a page under the app's CSP (`script-src 'self'`, no inline script):
// page.addScriptTag() inserts an inline <script> element (with `path` as well as with `content`),
// which the CSP blocks, as it should. Instead the axe source is run with page.evaluate(): that goes
// through the DevTools protocol (Runtime.evaluate), which is not subject to the page's CSP. So the
// pages are tested under their real CSP: no `bypassCSP`, no test-only route on the server, and a
// template that added an inline script would still be refused (and caught by watchConsole()).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const require = createRequire(import.meta.url)

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const

/** The part of tap's Test that the helpers use. */
export interface Assertions {
  pass(message: string): void
  fail(message: string): void
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/**
 * A fresh browser profile (own cookies). Finnish-speaking by default, as the service's users are;
 * the language then follows the header's language links.
 */
export async function newContext(browser: Browser, baseURL: string, options: { locale?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: options.locale ?? 'fi-FI',
    viewport: { width: 1280, height: 900 },
  })
  context.setDefaultTimeout(10_000)
  context.setDefaultNavigationTimeout(15_000)
  return context
}

/**
 * Collects into `sink` what a page logs as an error (a CSP refusal, a script error, a missing
 * file), so a test can require that there were none. The document's own 4xx status (a 404 page,
 * a refused login) is logged by Chromium too; that one is expected and left out.
 */
export function watchConsole(page: Page, sink: string[] = []): string[] {
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const documentStatus = /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) && message.location().url === page.url()
    if (!documentStatus) sink.push(`${page.url()}: ${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => sink.push(`${page.url()}: ${error.message}`))
  return sink
}

let axeSource: string | undefined

interface AxeNode {
  target: unknown[]
  failureSummary?: string
}
interface AxeViolation {
  id: string
  impact: string | null
  help: string
  helpUrl: string
  nodes: AxeNode[]
}

/** One line per violation and one per element it was found on. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => `      at ${n.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(' | ')}`)
      return [`  - ${v.id} (${v.impact ?? 'no impact'}): ${v.help} [${v.helpUrl}]`, ...targets].join('\n')
    })
    .join('\n')
}

/** Runs axe-core with the WCAG 2.0/2.1 A and AA rules on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
  const loaded = await page.evaluate('typeof window.axe === "object"')
  if (!loaded) await page.evaluate(axeSource)
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  }, [...WCAG_TAGS])
}

/** One assertion: passes when axe finds nothing, fails with the list of violations otherwise. */
export async function expectNoAxeViolations(page: Page, t: Assertions, label: string): Promise<void> {
  const started = Date.now()
  const violations = await axeViolations(page)
  if (violations.length === 0) {
    t.pass(`axe: no violations on ${label} (${Date.now() - started} ms)`)
  } else {
    t.fail(`axe: ${violations.length} violation(s) on ${label} (${page.url()}):\n${formatViolations(violations)}`)
  }
}
