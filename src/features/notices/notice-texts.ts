// The words of the notices people get by e-mail and SMS, in the language they registered in. No
// notice carries a password, a code or a link that logs anyone in: only the public login address.
import { translate, type Lang } from '../../i18n/index.js'

export type DecisionKind = 'approval' | 'rejection'

export interface NoticeText {
  readonly subject: string
  readonly email: string
  readonly sms: string
}

/** The registrant's notice of an administrator's decision on their registration. */
export function decisionNoticeText(lang: Lang, kind: DecisionKind, where: { publicUrl: string; operatorEmail: string }): NoticeText {
  const vars = { loginUrl: `${where.publicUrl}/login`, contact: where.operatorEmail }
  return {
    subject: translate(lang, `notices.${kind}_subject`),
    email: translate(lang, `notices.${kind}_email`, vars),
    sms: translate(lang, `notices.${kind}_sms`, vars),
  }
}

/** The administrators' digest: counts only, never a registrant's name or address. */
export function registrationsDigestText(lang: Lang, count: number, publicUrl: string): { subject: string; text: string } {
  const vars = { count, url: `${publicUrl}/admin/registrations` }
  return {
    subject: translate(lang, count === 1 ? 'notices.digest_subject_one' : 'notices.digest_subject', vars),
    text: translate(lang, count === 1 ? 'notices.digest_email_one' : 'notices.digest_email', vars),
  }
}
