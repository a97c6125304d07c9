// The statistics form pages: fill in, review, submit, receipt, and the user's own forms (read-only).
// Works without JavaScript; the idempotency key in the page makes a double click or a reload one form.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError, NotFoundError, ValidationError } from '../../errors.js'
import { renderFormWithError } from '../../plugins/views.js'
import { formDefinition } from './definition.js'
import { answersFromFormBody, buildFormView, describeAnswers, hiddenFields } from './form-view.js'
import { countOwnForms, findStoredForms, listOwnForms } from './forms.repository.js'
import { isIdempotencyKey, parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { assertMayFileForms, submitMeetingForm, validateSubmission } from './forms.service.js'
import { monthOf } from '../../lib/months.js'

const filers = { roles: ['expert', 'admin'] as const }
const PAGE_SIZE = 50

export async function formsRoutes(app: FastifyInstance): Promise<void> {
  const currentMonth = () => monthOf(app.deps.clock.now())

  const formPage = (request: FastifyRequest, values: Record<string, unknown>, idempotencyKey: string, errors: ValidationError | undefined) => ({
    titleKey: 'forms.new_title',
    returnPath: '/forms/new',
    fieldLabels: Object.fromEntries(formDefinition.questions.map((q) => [q.id, q.labels[request.lang]])),
    sections: buildFormView(formDefinition, request.lang, values, errors?.fields ?? [], currentMonth()),
    idempotencyKey,
  })

  // The page's key travels on while the form is changed and reviewed; anything but a UUID is
  // replaced with a fresh one there, and refused when the form is sent.
  const keyOf = (body: Record<string, unknown>): string => (isIdempotencyKey(body.idempotencyKey) ? body.idempotencyKey.toLowerCase() : randomUUID())

  /** Shows the form again with the answers kept and every problem in the summary. */
  const showFormWithErrors = async (request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>, error: unknown) => {
    const values = answersFromFormBody(formDefinition, body)
    const page = formPage(request, values, keyOf(body), error instanceof ValidationError ? error : undefined)
    return renderFormWithError(reply, 'forms/new', page, error)
  }

  app.get('/forms/new', { config: filers }, async (request, reply) => {
    assertMayFileForms(request.actor!)
    return reply.page('forms/new', formPage(request, { meetingMonth: currentMonth() }, randomUUID(), undefined))
  })

  // "Change answers" on the review page comes back here with the answers.
  app.post('/forms/new', { config: filers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    return reply.page('forms/new', formPage(request, answersFromFormBody(formDefinition, body), keyOf(body), undefined))
  })

  app.post('/forms/review', { config: filers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      assertMayFileForms(request.actor!)
      const submission = validateSubmission(app.deps, answersFromFormBody(formDefinition, body))
      return await reply.page('forms/review', {
        titleKey: 'forms.review_title',
        returnPath: '/forms/new',
        sections: describeAnswers(formDefinition, request.lang, submission.answers, currentMonth()),
        hidden: hiddenFields(submission.answers),
        idempotencyKey: keyOf(body),
      })
    } catch (error) {
      return showFormWithErrors(request, reply, body, error)
    }
  })

  app.post('/forms', { config: filers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      const filed = await submitMeetingForm(app.deps, request.actor!, answersFromFormBody(formDefinition, body), parseIdempotencyKey(body.idempotencyKey, 'idempotencyKey'))
      return reply.redirect(`/forms/${filed.id}/receipt`, 303)
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') throw error
      return showFormWithErrors(request, reply, body, error)
    }
  })

  const ownForm = async (request: FastifyRequest) => {
    const parsed = z.object({ id: z.uuid() }).safeParse(request.params)
    const [form] = parsed.success ? await findStoredForms(app.db, formDefinition, [parsed.data.id]) : []
    // Only the person who filed a form sees it here; for anyone else it does not exist.
    if (!form || form.submittedBy !== request.actor!.userId) throw new NotFoundError()
    return form
  }

  app.get('/forms/:id/receipt', async (request, reply) => {
    const form = await ownForm(request)
    return reply.page('forms/receipt', { titleKey: 'forms.receipt_title', form, reference: referenceOf(form.id) })
  })

  app.get('/forms/:id', async (request, reply) => {
    const form = await ownForm(request)
    return reply.page('forms/show', {
      titleKey: 'forms.show_title',
      form,
      reference: referenceOf(form.id),
      sections: describeAnswers(formDefinition, request.lang, form.answers, currentMonth()),
    })
  })

  app.get('/forms', async (request, reply) => {
    const query = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) }).safeParse(request.query)
    const page = query.success ? query.data.page : 1
    const actor = request.actor!
    const [forms, total] = await Promise.all([listOwnForms(app.db, actor.userId, PAGE_SIZE, (page - 1) * PAGE_SIZE), countOwnForms(app.db, actor.userId)])
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    return reply.page('forms/list', {
      titleKey: 'forms.list_title',
      forms: forms.map((f) => ({ ...f, reference: referenceOf(f.id) })),
      total,
      page,
      pages,
      previousPage: page > 1 ? page - 1 : undefined,
      nextPage: page < pages ? page + 1 : undefined,
      mayFile: actor.role !== 'researcher' && actor.teamId !== null,
    })
  })
}

/** A short reference people can read out on the phone: the first eight characters of the id. */
export function referenceOf(id: string): string {
  return id.replace(/-/g, '').slice(0, 8).toUpperCase()
}
