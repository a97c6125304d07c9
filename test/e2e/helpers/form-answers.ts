// A valid set of answers and a quick way to put them into the statistics form, step by step (fill(), check() and
// selectOption() rather than typing: the keyboard and touch paths are tested on their own).
import type { Page } from 'playwright-core'
import { formDefinition } from '../../../src/features/forms/definition.js'

export type Answers = Readonly<Record<string, string | number | readonly string[]>>

/** A complete, valid set of answers for the quick (non-keyboard) fills; hasHobby and referredOnward keep their follow-ups hidden. */
export const QUICK_ANSWERS: Answers = {
  meetingKind: 'follow_up',
  gender: 'girl',
  age: 16,
  homeMunicipality: '638',
  childWelfareNotification: 'no',
  earlierWelfareClient: 'unknown',
  hasHobby: 'no',
  gangLikeGroup: 'no',
  firstTimeInAnchor: 'yes',
  meetingTopics: ['bullying', 'school_absence'],
  underInfluence: 'not_applicable',
  clientRole: 'no_offence',
  informationSources: ['school'],
  referredOnward: 'no',
  meetingParticipants: ['youth_worker', 'guardian'],
  workingMethods: ['phone'],
  continuationPlan: ['no_further_measures'],
  regretOwn: 'not_applicable',
  regretTeam: 'not_applicable',
  usefulness: '3',
}

/** Fills in the current step's questions quickly (fill(), check(), selectOption()), in question order so follow-ups show first. */
export async function fillStep(page: Page, answers: Answers): Promise<void> {
  for (const q of formDefinition.questions) {
    const value = answers[q.id]
    if (value === undefined || !(await page.locator(`#question-${q.id}`).isVisible())) continue
    if (q.type === 'single') await page.check(`#field-${q.id}-${String(value)}`)
    else if (q.type === 'multiple') for (const code of value as readonly string[]) await page.check(`#field-${q.id}-${code}`)
    else if (q.type === 'integer') await page.fill(`#field-${q.id}`, String(value))
    else await page.selectOption(`#field-${q.id}`, String(value))
  }
}

/** Continue (or its equivalent) on the current step; waits for the page it leads to. */
export async function continueStep(page: Page): Promise<void> {
  // the next page, or the same step again with its problems: either way a new document loads
  const loaded = page.waitForEvent('load')
  await page.locator('form.statistics-form button[name="go"][value="next"]').click()
  await loaded
}

/**
 * Fills in every step from the first with `answers` and goes on to the review, quickly (the
 * keyboard and touch paths are tested on their own). Starts a new form.
 */
export async function fillQuickly(page: Page, answers: Answers): Promise<void> {
  await page.goto('/forms/new')
  for (let step = 0; step < formDefinition.sections.length; step++) {
    await fillStep(page, answers)
    await continueStep(page)
    if (new URL(page.url()).pathname === '/forms/review') return
    if (await page.locator('.error-summary').isVisible()) throw new Error(`a step was refused: ${await page.locator('.error-summary').innerText()}`)
  }
  throw new Error(`the steps did not lead to the review; the page is ${page.url()}`)
}
