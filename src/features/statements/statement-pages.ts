// The statements and help pages (accessibility statement, privacy notice, help on the form): their
// addresses, titles, and the facts from configuration that their texts name, so the pages always
// say what this installation really does (who runs it, how long a draft is kept).
import type { Config, OperatorConfig } from '../../config.js'
import type { Lang } from '../../i18n/index.js'

export const STATEMENT_PAGES = ['accessibility', 'privacy', 'help'] as const
export type StatementPage = (typeof STATEMENT_PAGES)[number]

/** The address of each page, as the footer links to it. */
export const STATEMENT_PATHS: Readonly<Record<StatementPage, string>> = {
  accessibility: '/accessibility',
  privacy: '/privacy',
  help: '/help',
}

export interface StatementPageView {
  /**
   * views/pages/<template>: one template per page and language, as the long texts are prose. The
   * name keeps its `.hbs`: the view engine would otherwise take `.fi` for the extension and drop it.
   */
  template: string
  titleKey: string
  operator: OperatorConfig
  publicUrl: string
  /** How long a form in progress is kept after its last change (FORM_DRAFT_HOURS). */
  draftHours: number
  /** Day of the month on which other teams' figures are published (RELEASE_DAY). */
  releaseDay: number
  /** How long a password reset link works (PASSWORD_RESET_MINUTES). */
  passwordResetMinutes: number
}

export function statementPageView(page: StatementPage, lang: Lang, config: Config): StatementPageView {
  return {
    template: `statements/${page}.${lang}.hbs`,
    titleKey: `statements.${page}.title`,
    operator: config.operator,
    publicUrl: config.publicUrl,
    draftHours: Math.round(config.formDraftLifetimeMs / 3_600_000),
    releaseDay: config.publication.releaseDay,
    passwordResetMinutes: Math.round(config.passwordResetLifetimeMs / 60_000),
  }
}
