// The report filters: a period from the fixed grid (a year, a quarter or a month, never an arbitrary
// range), an area (the country, a wellbeing services county, a police department, a team, or a home
// municipality) and the kind of meeting. They live in the URL as `period`, `area` and `kind`, so a
// view can be bookmarked and shared; parsing rejects anything off the grid.
import { z } from 'zod'
import { findCounty, findMunicipality, findPoliceDepartment } from '../../regions/index.js'
import { UNKNOWN_MUNICIPALITY } from '../forms/answer-columns.js'
import { EARLIEST_MONTH } from '../forms/submission-schema.js'

export const EARLIEST_YEAR = Number(EARLIEST_MONTH.slice(0, 4))
export const MEETING_KIND_FILTERS = ['all', 'first', 'follow_up'] as const
export type MeetingKindFilter = (typeof MEETING_KIND_FILTERS)[number]

export type Period =
  | { readonly type: 'year'; readonly year: number }
  | { readonly type: 'quarter'; readonly year: number; readonly quarter: number }
  | { readonly type: 'month'; readonly year: number; readonly month: number }

export type Area =
  | { readonly level: 'country' }
  | { readonly level: 'county'; readonly code: string }
  | { readonly level: 'police'; readonly code: string }
  | { readonly level: 'team'; readonly code: string }
  | { readonly level: 'municipality'; readonly code: string }

export interface ReportFilters {
  readonly period: Period
  readonly area: Area
  readonly kind: MeetingKindFilter
}

const PERIOD = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function parsePeriod(text: string, currentYear: number): Period | undefined {
  const match = PERIOD.exec(text)
  if (!match) return undefined
  const year = Number(match[1])
  if (year < EARLIEST_YEAR || year > currentYear) return undefined
  if (match[2]) return { type: 'quarter', year, quarter: Number(match[2]) }
  if (match[3]) return { type: 'month', year, month: Number(match[3]) }
  return { type: 'year', year }
}

export function formatPeriod(period: Period): string {
  switch (period.type) {
    case 'year':
      return String(period.year)
    case 'quarter':
      return `${period.year}-Q${period.quarter}`
    case 'month':
      return `${period.year}-${String(period.month).padStart(2, '0')}`
  }
}

/** The first and last month (YYYY-MM, inclusive) of a period. */
export function monthRange(period: Period): { from: string; to: string } {
  const month = (m: number) => `${period.year}-${String(m).padStart(2, '0')}`
  switch (period.type) {
    case 'year':
      return { from: month(1), to: month(12) }
    case 'quarter':
      return { from: month(period.quarter * 3 - 2), to: month(period.quarter * 3) }
    case 'month':
      return { from: month(period.month), to: month(period.month) }
  }
}

/** The months of a period in order, e.g. for a trend. */
export function monthsOf(period: Period): string[] {
  const { from, to } = monthRange(period)
  const months: string[] = []
  for (let m = Number(from.slice(5)); m <= Number(to.slice(5)); m++) months.push(`${period.year}-${String(m).padStart(2, '0')}`)
  return months
}

/** Parses `country`, `county:08`, `police:hame`, `team:<uuid>` or `municipality:837`; team ids are checked later. */
export function parseArea(text: string): Area | undefined {
  if (text === 'country') return { level: 'country' }
  const [level, code, ...rest] = text.split(':')
  if (code === undefined || rest.length > 0) return undefined
  switch (level) {
    case 'county':
      return findCounty(code) ? { level, code } : undefined
    case 'police':
      return findPoliceDepartment(code) ? { level, code } : undefined
    case 'team':
      return UUID.test(code) ? { level, code } : undefined
    case 'municipality':
      return findMunicipality(code) || code === UNKNOWN_MUNICIPALITY ? { level, code } : undefined
    default:
      return undefined
  }
}

export function formatArea(area: Area): string {
  return area.level === 'country' ? 'country' : `${area.level}:${area.code}`
}

/** The query parameters every report page and report API endpoint accepts. */
export const reportQuerySchema = z.strictObject(
  {
    period: z.string('invalid_choice').max(10, 'invalid_choice').optional(),
    area: z.string('invalid_choice').max(60, 'invalid_choice').optional(),
    kind: z.enum(MEETING_KIND_FILTERS, 'invalid_choice').optional(),
    by: z.string('invalid_choice').max(40, 'invalid_choice').optional(),
    level: z.string('invalid_choice').max(20, 'invalid_choice').optional(),
    question: z.string('invalid_choice').max(40, 'invalid_choice').optional(),
    team: z.string('invalid_choice').max(40, 'invalid_choice').optional(),
    year: z.string('invalid_choice').max(4, 'invalid_choice').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_choice') },
)
export type ReportQuery = z.output<typeof reportQuerySchema>

/** The filters as URL query text, in a fixed order, defaults left out. */
export function filtersQuery(filters: ReportFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams()
  params.set('period', formatPeriod(filters.period))
  if (filters.area.level !== 'country') params.set('area', formatArea(filters.area))
  if (filters.kind !== 'all') params.set('kind', filters.kind)
  for (const [key, value] of Object.entries(extra)) if (value !== undefined && value !== '') params.set(key, value)
  return params.toString()
}
