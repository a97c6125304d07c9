// The accessibility statement, the privacy notice and the help page: public in three languages, also
// inside a logged-in session, naming the operator from configuration, with a visible note while the
// operator's details are the development examples; and the footer links to them on every page.
import Handlebars from 'handlebars'
import t from 'tap'
import { LANGUAGES, translate, type Lang } from '../../src/i18n/index.js'
import { buildTestApp } from '../fixtures/app.js'
import { createUser, loginAs } from '../fixtures/factories.js'

const OPERATOR_ENV = {
  OPERATOR_NAME: 'Koeylläpitäjä Ankkuri Oy',
  OPERATOR_ADDRESS: 'Koekatu 7, 00990 Helsinki',
  OPERATOR_EMAIL: 'tuki.koe@example.fi',
  OPERATOR_PHONE: '+358 9 8765 4321',
  PRIVACY_EMAIL: 'tietosuoja.koe@example.fi',
  ACCESSIBILITY_EMAIL: 'saavutettavuus.koe@example.fi',
} as const

/** Each page, and the address from configuration it must give for contact. */
const PAGES = [
  { path: '/accessibility', page: 'accessibility', email: OPERATOR_ENV.ACCESSIBILITY_EMAIL },
  { path: '/privacy', page: 'privacy', email: OPERATOR_ENV.PRIVACY_EMAIL },
  { path: '/help', page: 'help', email: OPERATOR_ENV.OPERATOR_EMAIL },
] as const

const escape = (text: string): string => Handlebars.escapeExpression(text)

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

/** Text between tags that looks like an i18n key printed because it had no text (e.g. `statements.help.title`). */
function untranslatedKeys(body: string): string[] {
  const texts = [...body.matchAll(/>([^<]*)</g)].map((m) => m[1]!.trim())
  // a web address such as tietosuoja.fi is not a key
  const keyLike = texts.filter((text) => /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(text) && !/\.(fi|invalid)$/.test(text))
  return [...keyLike, ...[...body.matchAll(/statements\.[a-z_.]+/g)].map((m) => m[0])]
}

function checkPage(t: Test, body: string, lang: Lang, page: (typeof PAGES)[number]): void {
  t.match(body, new RegExp(`<html lang="${lang}">`), `${page.path} ${lang}: the page's language`)
  t.equal(body.match(/<h1[\s>]/g)?.length, 1, `${page.path} ${lang}: one h1`)
  t.match(body, `<h1>${escape(translate(lang, `statements.${page.page}.title`))}</h1>`, `${page.path} ${lang}: the page's own title`)
  t.match(body, escape(OPERATOR_ENV.OPERATOR_NAME), `${page.path} ${lang}: names the operator`)
  t.match(body, `href="mailto:${page.email}"`, `${page.path} ${lang}: links to ${page.email}`)
  t.notMatch(body, escape(translate(lang, 'statements.example_note')), `${page.path} ${lang}: no example note with real settings`)
  t.notMatch(body, 'undefined', `${page.path} ${lang}: nothing undefined`)
  t.same(untranslatedKeys(body), [], `${page.path} ${lang}: no untranslated key`)
  t.match(body, new RegExp(`<a href="${page.path}" aria-current="page">`), `${page.path} ${lang}: the footer marks the current page`)
  t.equal(body.match(/aria-current="page"/g)?.length, 1, `${page.path} ${lang}: and only it`)
}

t.test('each page answers in each language without logging in, naming the operator from the settings', async (t) => {
  const { app } = await buildTestApp(t, { env: { ...OPERATOR_ENV } })
  for (const page of PAGES) {
    for (const lang of LANGUAGES) {
      const response = await app.inject({ method: 'GET', url: page.path, headers: { 'accept-language': lang } })
      t.equal(response.statusCode, 200, `${page.path} ${lang}: 200`)
      t.notMatch(response.body, 'action="/logout"', `${page.path} ${lang}: no logged-in header`)
      checkPage(t, response.body, lang, page)
    }
  }
})

t.test('a logged-in user reads the same pages inside the normal header', async (t) => {
  const { app, sms } = await buildTestApp(t, { env: { ...OPERATOR_ENV } })
  const user = await createUser(app.db, { name: 'Kaisa Kirjautunut' })
  const browser = await loginAs(app, sms, user)
  for (const page of PAGES) {
    for (const lang of LANGUAGES) {
      const response = await browser.get(page.path, { 'accept-language': lang })
      t.equal(response.statusCode, 200, `${page.path} ${lang}: 200`)
      t.match(response.body, 'action="/logout"', `${page.path} ${lang}: the logged-in header`)
      t.match(response.body, 'Kaisa Kirjautunut', `${page.path} ${lang}: names the user in the header`)
      checkPage(t, response.body, lang, page)
    }
  }
})

t.test('the pages give the configured phone number, draft lifetime and reset link lifetime', async (t) => {
  const { app } = await buildTestApp(t, { env: { ...OPERATOR_ENV, FORM_DRAFT_HOURS: '48', PASSWORD_RESET_MINUTES: '20' } })
  for (const lang of LANGUAGES) {
    const help = await app.inject({ method: 'GET', url: '/help', headers: { 'accept-language': lang } })
    t.match(help.body, OPERATOR_ENV.OPERATOR_PHONE, `help ${lang}: the phone number`)
    t.match(help.body, /\b48 (tuntia|timmar|hours)\b/, `help ${lang}: drafts are kept 48 hours`)
    t.notMatch(help.body, /\b72 (tuntia|timmar|hours)\b/, `help ${lang}: not the default`)
    const privacy = await app.inject({ method: 'GET', url: '/privacy', headers: { 'accept-language': lang } })
    t.match(privacy.body, /\b48 (tuntia|timmar|hours)\b/, `privacy ${lang}: drafts are kept 48 hours`)
    t.match(privacy.body, escape(OPERATOR_ENV.OPERATOR_ADDRESS), `privacy ${lang}: the controller's address`)
    t.match(privacy.body, /\b20 (minutes|minuutin|minuter)\b/, `privacy ${lang}: a reset link works 20 minutes`)
  }
})

t.test('while the operator settings are missing, every page says its details are examples', async (t) => {
  const { app, config } = await buildTestApp(t)
  t.ok(config.operator.isExample)
  for (const page of PAGES) {
    for (const lang of LANGUAGES) {
      const response = await app.inject({ method: 'GET', url: page.path, headers: { 'accept-language': lang } })
      t.equal(response.statusCode, 200)
      t.match(response.body, `<p class="warning-box">${escape(translate(lang, 'statements.example_note'))}</p>`, `${page.path} ${lang}: the example note`)
      t.match(response.body, escape(config.operator.name), `${page.path} ${lang}: the example operator`)
      t.notMatch(response.body, OPERATOR_ENV.OPERATOR_PHONE, `${page.path} ${lang}: no phone when none is set`)
    }
  }
})

t.test('the footer links to the three pages on the login page, a logged-in start page and an error page', async (t) => {
  const { app, sms } = await buildTestApp(t, { env: { ...OPERATOR_ENV } })
  const footerLinks = (body: string, lang: Lang) => {
    const footer = /<footer[\s\S]*<\/footer>/.exec(body)?.[0] ?? ''
    t.match(footer, `<nav class="footer-nav" aria-label="${escape(translate(lang, 'statements.footer_nav'))}">`, 'a named navigation list')
    t.match(footer, escape(translate(lang, 'layout.footer')), 'the footer sentence stays')
    for (const page of PAGES) t.match(footer, `<a href="${page.path}">${escape(translate(lang, `statements.${page.page}.link`))}</a>`, `links to ${page.path}`)
    t.notMatch(footer, 'aria-current', 'no statement is the current page')
  }
  const login = await app.inject({ method: 'GET', url: '/login', headers: { 'accept-language': 'sv' } })
  t.equal(login.statusCode, 200)
  footerLinks(login.body, 'sv')

  const browser = await loginAs(app, sms, await createUser(app.db))
  const home = await browser.get('/', { 'accept-language': 'fi' })
  t.equal(home.statusCode, 200)
  footerLinks(home.body, 'fi')

  const missing = await browser.get('/no-such-page', { 'accept-language': 'en' })
  t.equal(missing.statusCode, 404)
  footerLinks(missing.body, 'en')
})
