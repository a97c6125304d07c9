// Team activity pages and API: record a refusal, a coffee meeting or a stakeholder meeting, and see
// what the team has recorded.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ACTIVITY_KINDS, REFUSAL_AGE_BANDS } from '../../db/schema.js'
import { ValidationError, type FieldError } from '../../errors.js'
import { translate, type Lang } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { monthLabel } from '../forms/form-view.js'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { assertMayFileForms } from '../forms/forms.service.js'
import { monthOf, monthsBack } from '../../lib/months.js'
import { EARLIEST_MONTH } from '../forms/submission-schema.js'
import { MAX_PARTICIPANTS } from './activity.schemas.js'
import { listTeamActivities } from './activity.repository.js'
import { recordActivity } from './activity.service.js'

const filers = { roles: ['expert', 'admin'] as const }

/** The activity form's fields, shaped for the same question partial as the statistics form. */
function activityFields(lang: Lang, values: Record<string, unknown>, errors: readonly FieldError[], currentMonth: string) {
  const error = (field: string) => {
    const code = errors.find((e) => e.field === field)?.code
    return code ? translate(lang, `validation.${code}`) : undefined
  }
  const choice = (field: string, codes: readonly string[], labelPrefix: string) =>
    codes.map((code) => ({ code, label: translate(lang, `${labelPrefix}.${code}`), selected: values[field] === code }))
  const base = { isSingle: false, isMultiple: false, isInteger: false, isSelect: false, help: undefined }
  return [
    { ...base, id: 'kind', type: 'single', isSingle: true, label: translate(lang, 'activity.kind'), error: error('kind'), options: choice('kind', ACTIVITY_KINDS, 'activity.kinds'), value: '' },
    {
      ...base,
      id: 'month',
      type: 'month',
      isSelect: true,
      label: translate(lang, 'activity.month'),
      error: error('month'),
      options: monthsBack(currentMonth, 36, EARLIEST_MONTH).map((m) => ({ code: m, label: monthLabel(m, lang), selected: values.month === m })),
      value: '',
    },
    {
      ...base,
      id: 'ageBand',
      type: 'single',
      isSingle: true,
      label: translate(lang, 'activity.age_band'),
      error: error('ageBand'),
      options: choice('ageBand', REFUSAL_AGE_BANDS, 'activity.age_bands'),
      value: '',
      showWhenQuestion: 'kind',
      showWhenAnyOf: 'refusal',
    },
    {
      ...base,
      id: 'participants',
      type: 'integer',
      isInteger: true,
      label: translate(lang, 'activity.participants'),
      error: error('participants'),
      options: [],
      value: values.participants === undefined ? '' : String(values.participants),
      min: 1,
      max: MAX_PARTICIPANTS,
      showWhenQuestion: 'kind',
      showWhenAnyOf: 'coffee_meeting stakeholder_meeting',
    },
  ]
}

/** Activity input from an HTML form body: empty fields are unanswered; fields that do not apply are dropped. */
function activityFromFormBody(body: Record<string, unknown>): Record<string, unknown> {
  const text = (name: string) => (typeof body[name] === 'string' && (body[name] as string).trim() !== '' ? (body[name] as string).trim() : undefined)
  const kind = text('kind')
  const participants = text('participants')
  return {
    kind,
    month: text('month'),
    ageBand: kind === 'refusal' ? text('ageBand') : undefined,
    participants: kind === 'refusal' || participants === undefined ? undefined : /^\d{1,6}$/.test(participants) ? Number(participants) : participants,
  }
}

export async function activityRoutes(app: FastifyInstance): Promise<void> {
  const currentMonth = () => monthOf(app.deps.clock.now())

  const pageData = async (request: FastifyRequest, values: Record<string, unknown>, errors: readonly FieldError[], extra: Record<string, unknown> = {}) => {
    const teamId = assertMayFileForms(request.actor!)
    const records = await listTeamActivities(app.db, teamId, 100)
    const fields = activityFields(request.lang, values, errors, currentMonth())
    return {
      titleKey: 'activity.title',
      fields,
      fieldLabels: Object.fromEntries(fields.map((f) => [f.id, f.label])),
      idempotencyKey: randomUUID(),
      records: records.map((r) => ({
        ...r,
        monthLabel: monthLabel(r.month, request.lang),
        kindLabel: translate(request.lang, `activity.kinds.${r.kind}`),
        detail: r.ageBand ? translate(request.lang, `activity.age_bands.${r.ageBand}`) : translate(request.lang, 'activity.participants_count', { count: r.participants ?? 0 }),
      })),
      ...extra,
    }
  }

  app.get('/activity', { config: filers }, async (request, reply) => {
    const { done } = request.query as { done?: string }
    return reply.page('activity/index', await pageData(request, { month: currentMonth() }, [], { done: done === '1' }))
  })

  app.post('/activity', { config: filers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const input = activityFromFormBody(body)
    try {
      await recordActivity(app.deps, request.actor!, input, parseIdempotencyKey(body.idempotencyKey, 'idempotencyKey'))
      return reply.redirect('/activity?done=1', 303)
    } catch (error) {
      const fields = error instanceof ValidationError ? error.fields : []
      return renderFormWithError(reply, 'activity/index', await pageData(request, input, fields), error)
    }
  })

  app.post('/api/v1/activity-records', { config: filers }, async (request, reply) => {
    const key = parseIdempotencyKey(request.headers['idempotency-key'], 'Idempotency-Key')
    const recorded = await recordActivity(app.deps, request.actor!, request.body, key)
    return reply.code(201).send({ id: recorded.id })
  })
}
