// `npm run demo`: demo data for a newcomer, added once, when the database has no forms yet, so
// that restarting the demo never doubles the data and a database in real use is never touched.
import type { AppDeps } from '../../plugins/deps.js'
import { makeRelease } from '../publication/release.service.js'
import { seedDemoData } from './demo-seed.service.js'

export const DEMO_FORMS = 2000

export type DemoStartOutcome = { seeded: true; forms: number; activities: number; release: number | null } | { seeded: false; existingForms: number }

export async function seedDemoIfEmpty(
  deps: AppDeps,
  options: { forms?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<DemoStartOutcome> {
  const { n } = await deps.db
    .selectFrom('meeting_forms')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  if (Number(n) > 0) return { seeded: false, existingForms: Number(n) }
  const result = await seedDemoData(deps, { forms: options.forms ?? DEMO_FORMS, ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
  // and a release of the closed months, so that national and regional pages have figures at once
  const release = await makeRelease(deps, { now: deps.clock.now(), madeBy: null, madeHow: 'command' })
  return { seeded: true, forms: result.forms, activities: result.activities, release: release?.id ?? null }
}
