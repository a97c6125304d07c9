// Tells a registrant that their registration was approved or rejected: by e-mail, and by SMS when
// the account has a mobile number and SMS login is on, in the language they registered in. Called after the decision
// has been committed, so a failed send never undoes it.
import type { FastifyBaseLogger } from 'fastify'
import type { AppDeps } from '../../plugins/deps.js'
import { findNoticeRecipient } from './notices.repository.js'
import { deliverNotice } from './notice-delivery.js'
import { decisionNoticeText, type DecisionKind } from './notice-texts.js'

export async function sendDecisionNotice(
  deps: AppDeps,
  log: FastifyBaseLogger,
  decision: { kind: DecisionKind; userId: string; actorUserId: string },
): Promise<void> {
  const recipient = await findNoticeRecipient(deps.db, decision.userId)
  if (!recipient) return
  const text = decisionNoticeText(recipient.language, decision.kind, {
    publicUrl: deps.config.publicUrl,
    operatorEmail: deps.config.operator.email,
  })
  const context = { kind: decision.kind, subjectUserId: recipient.id, actorUserId: decision.actorUserId }
  await deliverNotice(deps, log, { ...context, channel: 'email' }, () =>
    deps.email.send({ to: recipient.email, subject: text.subject, text: text.email }),
  )
  const phone = recipient.phone
  // without SMS login there is no SMS gateway either: the e-mail is the notice
  if (phone && deps.config.sms.enabled) {
    await deliverNotice(deps, log, { ...context, channel: 'sms' }, () => deps.sms.send({ to: phone, body: text.sms }))
  }
}
