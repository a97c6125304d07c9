// The e-mails of a password reset, in the language of the page the request came from: the link,
// the note to a VIRTU user that there is no password here, and the notice that the password changed.
import type { EmailMessage } from '../../integrations/email/email-sender.js'
import { translate, type Lang } from '../../i18n/index.js'
import { formatTimeOfDay } from '../../lib/time-of-day.js'

const LOCALES: Record<Lang, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }

/** Date and time in Finnish time, as the pages write them. */
function formatDateTime(date: Date, lang: Lang): string {
  return date.toLocaleString(LOCALES[lang], { timeZone: 'Europe/Helsinki', dateStyle: 'medium', timeStyle: 'short' })
}

function message(lang: Lang, to: string, kind: 'link' | 'virtu' | 'changed', vars: Record<string, string | number>): EmailMessage {
  const service = translate(lang, 'app.name')
  return {
    to,
    subject: translate(lang, `reset.email.${kind}_subject`, { service }),
    text: translate(lang, `reset.email.${kind}_text`, { service, ...vars }),
  }
}

export function resetLinkEmail(lang: Lang, to: string, link: string, expiresAt: Date, minutes: number): EmailMessage {
  return message(lang, to, 'link', { link, minutes, time: formatTimeOfDay(expiresAt, lang) })
}

export function virtuAccountEmail(lang: Lang, to: string, loginUrl: string): EmailMessage {
  return message(lang, to, 'virtu', { loginUrl })
}

export function passwordChangedEmail(lang: Lang, to: string, contact: string, at: Date): EmailMessage {
  return message(lang, to, 'changed', { contact, time: formatDateTime(at, lang) })
}
