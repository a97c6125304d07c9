// How a report says where its numbers come from: the reader's own team (exact, live) or a release
// (its months and date, protected), the method and its parameters, and plain words for a table that
// cannot be shown. Every page, API answer and export uses these.
import { translate, type Lang } from '../../i18n/index.js'
import type { AppDeps } from '../../plugins/deps.js'
import { monthLabel } from '../forms/form-view.js'
import { methodOf, methodOfRelease, type ReleaseMethod } from '../publication/release.service.js'
import type { Notice } from './report-source.js'
import type { ReportOrigin } from './reports.service.js'

const LOCALES: Record<Lang, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }

const dayFormats = new Map<Lang, Intl.DateTimeFormat>()

export function formatDay(date: Date, lang: Lang): string {
  let format = dayFormats.get(lang)
  if (!format) dayFormats.set(lang, (format = new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Helsinki' })))
  return format.format(date)
}

export interface Publication {
  readonly source: ReportOrigin['source']
  readonly release: { readonly id: number; readonly throughMonth: string; readonly madeAt: string } | null
  readonly statement: string
  readonly method: ReleaseMethod
}

export function publicationOf(deps: Pick<AppDeps, 'config'>, origin: ReportOrigin, lang: Lang): Publication {
  const method = origin.release ? methodOfRelease(origin.release, deps.config.publication) : methodOf(deps.config.publication)
  const release = origin.release ? { id: origin.release.id, throughMonth: origin.release.throughMonth, madeAt: origin.release.madeAt.toISOString() } : null
  const statement =
    origin.source === 'team'
      ? translate(lang, 'reports.publication.team')
      : origin.release
        ? translate(lang, 'reports.publication.release', { through: monthLabel(origin.release.throughMonth, lang), date: formatDay(origin.release.madeAt, lang) })
        : translate(lang, 'reports.publication.none')
  return { source: origin.source, release, statement, method }
}

export function noticeMessage(notice: Notice, lang: Lang): string {
  if (notice.code === 'withheld') {
    return translate(lang, 'reports.notice.withheld', { reason: translate(lang, `reports.notice.reasons.${notice.reason}`), forms: notice.forms })
  }
  return translate(lang, `reports.notice.${notice.code}`)
}

export function noticeOf(notice: Notice | null, lang: Lang): { code: string; message: string } | null {
  return notice ? { code: notice.code, message: noticeMessage(notice, lang) } : null
}
