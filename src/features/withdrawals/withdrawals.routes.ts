// The withdrawal pages: a form's filer or a member of its team asks to withdraw it with a reason
// (/forms/:id/withdraw, which also shows where the withdrawal stands), and national administrators
// confirm or decline the requests (/admin/withdrawals). Works without JavaScript; CSRF on every POST.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NotFoundError } from '../../errors.js'
import { translate, type Lang } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { monthLabel } from '../forms/form-view.js'
import { referenceOf } from '../forms/form-reference.js'
import type { StoredMeetingForm } from '../forms/stored-form.js'
import { formIdParams, requestIdParams, type DecisionAction } from './withdrawals.schemas.js'
import {
  decideWithdrawal,
  requestWithdrawal,
  WithdrawalDecisionError,
  withdrawableForm,
  withdrawalOverview,
  WithdrawalOpenError,
  withdrawalStateOf,
  type WithdrawalState,
} from './withdrawals.service.js'
import { WITHDRAWAL_REASONS } from '../../db/schema.js'
import type { WithdrawalRow } from './withdrawals.repository.js'

const adminOnly = { roles: ['admin'] as const }
const DONE = new Set(['requested', 'confirmed', 'declined'])

const idOf = (params: unknown, schema: typeof formIdParams | typeof requestIdParams): string => {
  const parsed = schema.safeParse(params)
  if (!parsed.success) throw new NotFoundError()
  return parsed.data.id
}

const doneOf = (request: FastifyRequest): string | undefined => {
  const done = (request.query as { done?: unknown }).done
  return typeof done === 'string' && DONE.has(done) ? done : undefined
}

/** A request as the pages show it: texts in the reader's language. */
function rowView(row: WithdrawalRow, lang: Lang) {
  return {
    ...row,
    reference: referenceOf(row.formId),
    meetingMonthLabel: monthLabel(row.meetingMonth, lang),
    reasonLabel: translate(lang, `withdrawals.reasons.${row.reason}`),
  }
}

export async function withdrawalsRoutes(app: FastifyInstance): Promise<void> {
  const requestPage = (request: FastifyRequest, form: StoredMeetingForm, state: WithdrawalState, extra: Record<string, unknown> = {}) => {
    const lang = request.lang
    const mayRequest = state.status === 'none' || state.status === 'declined'
    return {
      titleKey: 'withdrawals.title',
      returnPath: `/forms/${form.id}/withdraw`,
      form,
      reference: referenceOf(form.id),
      meetingMonthLabel: monthLabel(String(form.answers.meetingMonth), lang),
      isFiler: form.submittedBy === request.actor!.userId,
      state: state.status,
      latest: state.status === 'none' ? undefined : rowView(state.latest, lang),
      mayRequest,
      reasons: WITHDRAWAL_REASONS.map((code) => ({ code, label: translate(lang, `withdrawals.reasons.${code}`) })),
      fieldLabels: { reason: translate(lang, 'withdrawals.reason_legend') },
      fieldMessages: { reason: translate(lang, 'withdrawals.reason_required') },
      done: doneOf(request),
      ...extra,
    }
  }

  app.get('/forms/:id/withdraw', async (request, reply) => {
    const form = await withdrawableForm(app.deps, request.actor!, idOf(request.params, formIdParams))
    return reply.page('withdrawals/request', requestPage(request, form, await withdrawalStateOf(app.deps, form.id)))
  })

  app.post('/forms/:id/withdraw', async (request, reply) => {
    const actor = request.actor!
    const formId = idOf(request.params, formIdParams)
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      await requestWithdrawal(app.deps, actor, formId, body, request.ip)
      return await reply.redirect(`/forms/${formId}/withdraw?done=requested`, 303)
    } catch (error) {
      const form = await withdrawableForm(app.deps, actor, formId)
      const state = await withdrawalStateOf(app.deps, form.id)
      if (error instanceof WithdrawalOpenError) {
        const conflictKey = error.state === 'open' ? 'withdrawals.already_open' : 'withdrawals.already_withdrawn'
        return reply.page('withdrawals/request', requestPage(request, form, state, { conflictKey }), 409)
      }
      const reason = typeof body.reason === 'string' ? body.reason : undefined
      return renderFormWithError(reply, 'withdrawals/request', requestPage(request, form, state, { values: { reason } }), error)
    }
  })

  const adminPage = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const { pending, decided } = await withdrawalOverview(app.deps)
    return {
      titleKey: 'withdrawals.admin_title',
      returnPath: '/admin/withdrawals',
      pending: pending.map((row) => ({ ...rowView(row, request.lang), ownRequest: row.requestedBy === request.actor!.userId })),
      decided: decided.map((row) => rowView(row, request.lang)),
      done: doneOf(request),
      ...extra,
    }
  }

  app.get('/admin/withdrawals', { config: adminOnly }, async (request, reply) => reply.page('withdrawals/admin', await adminPage(request)))

  const decide = (action: DecisionAction) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await decideWithdrawal(app.deps, request.actor!, idOf(request.params, requestIdParams), action, request.ip)
      return await reply.redirect(`/admin/withdrawals?done=${action === 'confirm' ? 'confirmed' : 'declined'}`, 303)
    } catch (error) {
      if (error instanceof WithdrawalDecisionError) {
        return reply.page('withdrawals/admin', await adminPage(request, { conflictKey: `withdrawals.${error.why}` }), 409)
      }
      throw error
    }
  }
  app.post('/admin/withdrawals/:id/confirm', { config: adminOnly }, decide('confirm'))
  app.post('/admin/withdrawals/:id/decline', { config: adminOnly }, decide('decline'))
}
