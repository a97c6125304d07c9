// The statistics form pages: the form in steps (one per section, answers kept in a draft as the
// expert goes), the review with a Change link per answer, submit, receipt, and the user's own forms
// (read-only). Works without JavaScript. The draft's idempotency key makes a double click or a
// reload one form. A step or the submit sent after the session ended keeps its answers: they wait
// for the next login in the same browser (see drafts.ts).
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { NotFoundError, ValidationError, type FieldError } from '../../errors.js'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { monthOf } from '../../lib/months.js'
import { translate } from '../../i18n/index.js'
import { renderFormWithError } from '../../plugins/views.js'
import { findTeam } from '../teams/teams.repository.js'
import { formDefinition } from './definition.js'
import type { SectionId } from './definition-types.js'
import { claimOwnerlessDraft, keepAnswersForNextLogin } from './drafts.js'
import { deleteDraft, findDraft, saveDraft } from './drafts.repository.js'
import { errorsOnStep, firstStepWithErrors, isStep, neighbours, questionsOnStep, REVIEW, stepIds, withStepAnswers } from './form-steps.js'
import { buildFormView, describeAnswers, errorMessage, monthLabel, parseFormAnswers } from './form-view.js'
import { countOwnForms, findByIdempotencyKey, findStoredForms, listOwnForms } from './forms.repository.js'
import { assertMayFileForms, submitMeetingForm, validateSubmission } from './forms.service.js'
import { referenceOf } from './form-reference.js'

const filers = { roles: ['expert', 'admin'] as const }
const PAGE_SIZE = 50
const FIRST_STEP = stepIds(formDefinition)[0]!
/**
 * Sent after the session ended, a step's answers wait for the login (see drafts.ts). Those sends
 * store a row without an owner, so they are few per address; a logged-in expert's steps are
 * counted per person and generously.
 */
const keepsAnswersWhenLoggedOut = {
  ...filers,
  loggedOutHandler: true,
  rateLimit: {
    keyGenerator: (request: FastifyRequest) => (request.actor ? `user:${request.actor.userId}` : `anonymous:${request.ip}`),
    max: (request: FastifyRequest) => (request.actor ? 300 : 10),
    timeWindow: '1 minute',
  },
}

/** The steps for the progress indicator, the one at index `at` current (the review is the last). */
const progressSteps = (request: FastifyRequest, at: number) =>
  [...formDefinition.sections.map((s) => s.labels[request.lang]), translate(request.lang, 'forms.review_step')].map((label, i) => ({ label, current: i === at, done: i < at }))

const stepPath = (step: SectionId | typeof REVIEW, query = '') => (step === REVIEW ? '/forms/review' : `/forms/new/${step}${query}`)

export async function formsRoutes(app: FastifyInstance): Promise<void> {
  const currentMonth = () => monthOf(app.deps.clock.now())
  const now = () => app.deps.clock.now()

  /** Every problem with the answers so far, as field errors (none when the form could be sent). */
  const problemsOf = (answers: Record<string, unknown>) => {
    try {
      validateSubmission(app.deps, answers)
      return []
    } catch (error) {
      if (error instanceof ValidationError) return [...error.fields]
      throw error
    }
  }

  const stepPage = async (
    request: FastifyRequest,
    step: SectionId,
    values: Record<string, unknown>,
    options: { errors?: readonly FieldError[]; returnToReview?: boolean; draftSavedAt?: Date; deleted?: boolean },
  ) => {
    const lang = request.lang
    const team = request.actor?.teamId ? await findTeam(app.db, request.actor.teamId) : undefined
    const ids = stepIds(formDefinition)
    const at = ids.indexOf(step)
    const errors = options.errors ?? []
    const questions = questionsOnStep(formDefinition, step)
    const { previous } = neighbours(formDefinition, step)
    return {
      titleText: `${formDefinition.sections[at]!.labels[lang]} – ${translate(request.lang, 'forms.new_title')}`,
      returnPath: stepPath(step),
      step,
      stepNumber: at + 1,
      stepCount: ids.length + 1,
      steps: progressSteps(request, at),
      fieldLabels: Object.fromEntries(questions.map((q) => [q.id, q.labels[lang]])),
      fieldMessages: Object.fromEntries(errors.flatMap((e) => {
        const question = questions.find((q) => q.id === e.field)
        return question ? [[e.field, errorMessage(question, e.code, lang, values)]] : []
      })),
      sections: buildFormView(formDefinition, lang, values, errors, currentMonth(), { step, teamMunicipalities: team?.municipalities ?? [] }),
      previous,
      isLast: at === ids.length - 1,
      returnToReview: options.returnToReview === true,
      draftSavedAt: options.draftSavedAt,
      draftHours: Math.round(app.config.formDraftLifetimeMs / 3_600_000),
      deleted: options.deleted === true,
    }
  }

  const saveAnswers = (userId: string, answers: Record<string, unknown>) =>
    saveDraft(app.db, { id: randomUUID(), userId, answers, newKey: randomUUID(), now: now(), expiresAt: new Date(now().getTime() + app.config.formDraftLifetimeMs) })

  const stepParam = (request: FastifyRequest): SectionId => {
    const step = (request.params as { step?: unknown }).step
    if (!isStep(formDefinition, step)) throw new NotFoundError()
    return step
  }

  app.get('/forms/new', { config: filers }, async (request, reply) => {
    assertMayFileForms(request.actor!)
    const draft = await findDraft(app.db, request.actor!.userId, now())
    return reply.redirect(stepPath(FIRST_STEP, draft ? '?resume=1' : ''), 303)
  })

  app.get('/forms/new/:step', { config: filers }, async (request, reply) => {
    const actor = request.actor!
    assertMayFileForms(actor)
    const step = stepParam(request)
    const query = request.query as { check?: string; return?: string; resume?: string; deleted?: string }
    const claimed = await claimOwnerlessDraft(app, request, reply, actor.userId)
    const draft = await findDraft(app.db, actor.userId, now())
    // the month of the meeting is this month until another is chosen
    const values = { meetingMonth: currentMonth(), ...(draft?.answers ?? {}) }
    // ?check=1: the review found problems on this step; they are shown at once
    const errors = query.check === '1' ? errorsOnStep(formDefinition, problemsOf(values), step) : []
    const page = await stepPage(request, step, values, {
      errors,
      returnToReview: query.return === REVIEW,
      draftSavedAt: draft && (query.resume === '1' || claimed) ? draft.updatedAt : undefined,
      deleted: query.deleted === '1',
    })
    if (errors.length > 0) return renderFormWithError(reply, 'forms/step', page, new ValidationError(errors))
    return reply.page('forms/step', page)
  })

  app.post('/forms/new/:step', { config: keepsAnswersWhenLoggedOut }, async (request, reply) => {
    const step = stepParam(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const go = body.go === 'back' ? 'back' : 'next'
    const returnToReview = body.return === REVIEW
    const { previous, next } = neighbours(formDefinition, step)
    const target = go === 'back' ? (previous ?? step) : returnToReview ? REVIEW : next
    const actor = request.actor
    if (!actor) {
      // The session ended while the step was filled in: its answers wait for the next login here.
      await keepAnswersForNextLogin(app, reply, parseFormAnswers(formDefinition, body, questionsOnStep(formDefinition, step)))
      return reply.redirect(`/login?next=${encodeURIComponent(stepPath(target))}&answersKept=1`, 303)
    }
    assertMayFileForms(actor)
    const draft = await findDraft(app.db, actor.userId, now())
    const answers = withStepAnswers(formDefinition, draft?.answers ?? {}, step, body)
    await saveAnswers(actor.userId, answers)
    // Back keeps what was given, checked or not; forward only from a step without problems.
    if (go === 'back') return reply.redirect(stepPath(target, returnToReview ? `?return=${REVIEW}` : ''), 303)
    const errors = errorsOnStep(formDefinition, problemsOf(answers), step)
    if (errors.length > 0) {
      const page = await stepPage(request, step, answers, { errors, returnToReview })
      return renderFormWithError(reply, 'forms/step', page, new ValidationError(errors))
    }
    return reply.redirect(stepPath(target), 303)
  })

  app.get('/forms/review', { config: filers }, async (request, reply) => {
    const actor = request.actor!
    assertMayFileForms(actor)
    await claimOwnerlessDraft(app, request, reply, actor.userId)
    const draft = await findDraft(app.db, actor.userId, now())
    if (!draft) return reply.redirect('/forms/new', 303)
    const answers = parseFormAnswers(formDefinition, draft.answers)
    const problems = problemsOf(answers)
    if (problems.length > 0) return reply.redirect(stepPath(firstStepWithErrors(formDefinition, problems) ?? FIRST_STEP, '?check=1'), 303)
    const submission = validateSubmission(app.deps, answers)
    return reply.page('forms/review', {
      titleKey: 'forms.review_title',
      returnPath: '/forms/review',
      stepNumber: stepIds(formDefinition).length + 1,
      stepCount: stepIds(formDefinition).length + 1,
      steps: progressSteps(request, stepIds(formDefinition).length),
      sections: describeAnswers(formDefinition, request.lang, submission.answers, currentMonth()),
      idempotencyKey: draft.idempotencyKey,
    })
  })

  app.post('/forms', { config: keepsAnswersWhenLoggedOut }, async (request, reply) => {
    const actor = request.actor
    // The session ended on the review page: the answers are in the draft already.
    if (!actor) return reply.redirect(`/login?next=${encodeURIComponent('/forms/review')}&answersKept=1`, 303)
    assertMayFileForms(actor)
    const body = (request.body ?? {}) as Record<string, unknown>
    const draft = await findDraft(app.db, actor.userId, now())
    if (!draft) {
      // Sent twice (a double click, a reload): the first one filed the form and removed the draft.
      const key = parseIdempotencyKey(body.idempotencyKey, 'idempotencyKey')
      const earlier = await findByIdempotencyKey(app.db, actor.userId, key)
      return reply.redirect(earlier ? `/forms/${earlier.id}/receipt` : '/forms/new', 303)
    }
    const answers = parseFormAnswers(formDefinition, draft.answers)
    try {
      const filed = await submitMeetingForm(app.deps, actor, answers, draft.idempotencyKey)
      await deleteDraft(app.db, actor.userId)
      return await reply.redirect(`/forms/${filed.id}/receipt`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply.redirect(stepPath(firstStepWithErrors(formDefinition, error.fields) ?? FIRST_STEP, '?check=1'), 303)
    }
  })

  app.post('/forms/draft/delete', { config: filers }, async (request, reply) => {
    await deleteDraft(app.db, request.actor!.userId)
    return reply.redirect(stepPath(FIRST_STEP, '?deleted=1'), 303)
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
      forms: forms.map((f) => ({ ...f, reference: referenceOf(f.id), meetingMonthLabel: monthLabel(f.meetingMonth, request.lang) })),
      total,
      page,
      pages,
      previousPage: page > 1 ? page - 1 : undefined,
      nextPage: page < pages ? page + 1 : undefined,
      mayFile: actor.role !== 'researcher' && actor.teamId !== null,
    })
  })
}
