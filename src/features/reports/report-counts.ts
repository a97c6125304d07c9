// The counts a report table needs, read from the running totals (report_counts) whenever they hold
// the combination asked for, otherwise counted from the forms themselves. Both give the same
// numbers (a test compares them); the totals just make a page's cost independent of history.
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Dimension, SingleValuedDimension } from './report-dimensions.js'
import { ASKED, FACT_FORMS, FACT_RESPONSE_DAYS, FACT_UNDER_15, STORED_SPLITS } from './report-facts.js'
import { readReportCounts, type CountGroup } from './report-counts.repository.js'
import { rawCountBases, rawCountForms, type CountRow, type FormScope } from './reports.repository.js'

type Db = Kysely<Database> | Transaction<Database>

/** How to group the totals by a single-valued split, or null when they never hold it. */
function groupOf(split: SingleValuedDimension | null, scope: FormScope): CountGroup | null {
  if (split === null) return { by: 'none' }
  const source = split.source
  if (source.type === 'area') {
    if (source.level === 'municipality') return scope.municipality === null ? { by: 'stored-split', split: 'homeMunicipality' } : { by: 'none' }
    return { by: source.level }
  }
  if (split.id === 'meetingKind') return { by: 'kind' }
  if ((STORED_SPLITS as readonly string[]).includes(split.id)) return { by: 'stored-split', split: split.id }
  return null
}

/** Totals the overview always finds (no split): a missing combination is a programming error. */
async function readAlways(db: Db, scope: FormScope, dimension: string, group: CountGroup) {
  const counts = await readReportCounts(db, scope, dimension, group)
  if (counts === null) throw new Error(`the report totals do not hold ${dimension} by ${group.by}`)
  return counts
}

/** The group value of a 'none' group when a municipality filter stands in for a municipality split. */
const groupValue = (group: CountGroup, scope: FormScope, value: string) => (group.by === 'none' && scope.municipality !== null ? scope.municipality : value)

/**
 * Forms per answer of `row` (per option for a multiple choice), and per answer of `split` when
 * given. `row` may also be an area with `split` a question (the area comparison).
 */
export async function countForms(db: Db, scope: FormScope, row: Dimension, split: SingleValuedDimension | null): Promise<CountRow[]> {
  if (row.kind === 'single' && row.source.type === 'area' && split !== null) {
    // areas as rows: read the question, grouped by area
    const group = groupOf(row, scope)
    const counts = group === null ? null : await readReportCounts(db, scope, split.id, group)
    if (group === null || counts === null) return rawCountForms(db, scope, row, split)
    return counts.map((c) => ({ row: groupValue(group, scope, c.group), split: c.code, forms: c.forms }))
  }
  const group = groupOf(split, scope)
  const counts = group === null ? null : await readReportCounts(db, scope, row.id, group)
  if (group === null || counts === null) return rawCountForms(db, scope, row, split)
  return counts.filter((c) => c.code !== ASKED).map((c) => ({ row: c.code, split: split === null ? '' : groupValue(group, scope, c.group), forms: c.forms }))
}

/** Per answer of `split`: the forms a multiple-choice question was asked on. */
export async function countAsked(db: Db, scope: FormScope, question: Dimension & { kind: 'multiple' }, split: SingleValuedDimension | null): Promise<Map<string, number>> {
  const group = groupOf(split, scope)
  const counts = group === null ? null : await readReportCounts(db, scope, question.id, group)
  if (group === null || counts === null) return new Map((await rawCountBases(db, scope, question, split)).filter((b) => b.asked > 0).map((b) => [b.split, b.asked]))
  return new Map(counts.filter((c) => c.code === ASKED).map((c) => [split === null ? '' : groupValue(group, scope, c.group), c.forms]))
}

export interface OverviewCounts {
  readonly byMonth: ReadonlyMap<string, number>
  readonly byKind: ReadonlyMap<string, number>
  readonly under15: ReadonlyMap<string, number>
  readonly referred: ReadonlyMap<string, number>
  /** First meetings per response time in working days. */
  readonly responseDays: readonly { days: number; forms: number }[]
}

export async function countOverview(db: Db, scope: FormScope): Promise<OverviewCounts> {
  const [months, kinds, under15, referred, days] = await Promise.all([
    readAlways(db, scope, FACT_FORMS, { by: 'month' }),
    readAlways(db, scope, FACT_FORMS, { by: 'kind' }),
    readAlways(db, scope, FACT_UNDER_15, { by: 'none' }),
    readAlways(db, scope, 'referredOnward', { by: 'none' }),
    readAlways(db, scope, FACT_RESPONSE_DAYS, { by: 'none' }),
  ])
  return {
    byMonth: new Map(months.map((c) => [c.group, c.forms])),
    byKind: new Map(kinds.map((c) => [c.group, c.forms])),
    under15: new Map(under15.map((c) => [c.code, c.forms])),
    referred: new Map(referred.map((c) => [c.code, c.forms])),
    responseDays: days.map((c) => ({ days: Number(c.code), forms: c.forms })),
  }
}
