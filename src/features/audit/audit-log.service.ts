// The audit log for administrators: pages of 50 entries in words (newest first, over every entry,
// by the filters), and the same entries as a CSV file, whose download is itself audited.
import { translate, type Lang } from '../../i18n/index.js'
import { startOfFinnishDay } from '../../lib/months.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { toCsv, type CsvCell } from '../exports/csv.js'
import { tokenNamesByIds } from '../api-tokens/api-tokens.repository.js'
import { parseArea } from '../reports/report-filters.js'
import { areaLabel, loadTeams } from '../reports/reports.service.js'
import { listUsers } from '../users/users.repository.js'
import { countAudit, listAudit, recordAudit, userNamesByIds, type AuditCursor, type AuditFilter, type AuditRow } from './audit.repository.js'
import { detailsAsLine, detailsInWords, idsInDetails, type DetailInWords } from './audit-details.js'
import type { AuditFilterInput } from './audit.schemas.js'
import { helsinkiDate, helsinkiIsoTime } from './helsinki-time.js'

export type { AuditCursor } from './audit.repository.js'

export const AUDIT_PAGE_SIZE = 50
/** The most entries one CSV file holds; a note at its end says when there were more. */
export const AUDIT_CSV_MAX_ROWS = 100_000
const CSV_CHUNK = 1_000

export interface AuditEntryInWords extends AuditRow {
  eventText: string
  detailsInWords: DetailInWords[]
}

export interface AuditLogPage {
  entries: AuditEntryInWords[]
  /** Positions of the first and last entry shown among all matching ones (1 = the newest), and their number. */
  first: number
  last: number
  total: number
  /** Cursors for the neighbouring pages, when there are entries there. */
  newerThan?: string
  olderThan?: string
}

/** The calendar day after a YYYY-MM-DD day. */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/**
 * Days as typed (YYYY-MM-DD, Finnish time) to moments: `to` includes the whole day, up to the next
 * day's Finnish midnight (a day is 23 or 25 hours long when the clocks change).
 */
export function auditFilterOf(input: AuditFilterInput): AuditFilter {
  return {
    ...(input.event ? { event: input.event } : {}),
    ...(input.user ? { userId: input.user } : {}),
    ...(input.from ? { from: startOfFinnishDay(input.from) } : {}),
    ...(input.to ? { to: startOfFinnishDay(nextDay(input.to)) } : {}),
  }
}

async function inWords(deps: AppDeps, lang: Lang, rows: AuditRow[]): Promise<AuditEntryInWords[]> {
  const ids = idsInDetails(rows)
  const [tokens, teamList, users] = await Promise.all([
    tokenNamesByIds(deps.db, ids.tokens),
    ids.teams.length > 0 || ids.areas ? loadTeams(deps) : [],
    userNamesByIds(deps.db, ids.users),
  ])
  const teams = new Map(teamList.map((t) => [t.id, t.name]))
  const area = (code: string) => {
    const parsed = parseArea(code)
    return parsed ? areaLabel(parsed, teamList, lang) : undefined
  }
  return rows.map((row) => ({
    ...row,
    eventText: translate(lang, `audit_events.${row.event}`),
    detailsInWords: detailsInWords(lang, row.event, row.details, { tokens, teams, users, area }),
  }))
}

export async function auditLogPage(deps: AppDeps, lang: Lang, filter: AuditFilter, cursor: AuditCursor): Promise<AuditLogPage> {
  const rows = await listAudit(deps.db, AUDIT_PAGE_SIZE, filter, cursor)
  const { total, newer } = await countAudit(deps.db, filter, rows[0]?.id)
  const entries = await inWords(deps, lang, rows)
  const first = rows.length > 0 ? newer + 1 : 0
  const last = rows.length > 0 ? newer + rows.length : 0
  return {
    entries,
    first,
    last,
    total,
    ...(rows.length > 0 && newer > 0 ? { newerThan: rows[0]!.id } : {}),
    ...(rows.length > 0 && last < total ? { olderThan: rows[rows.length - 1]!.id } : {}),
  }
}

/** The people the person filter offers: everyone who has an account or asked for one. */
export async function auditFilterPeople(deps: Pick<AppDeps, 'db'>): Promise<{ id: string; name: string; email: string }[]> {
  return (await listUsers(deps.db)).map((u) => ({ id: u.id, name: u.name, email: u.email }))
}

/** `details` in words for people; `details_json` as recorded, with whole ids, for tools. */
export const AUDIT_CSV_COLUMNS = ['time', 'event', 'event_text', 'actor_id', 'actor_name', 'subject_id', 'subject_name', 'ip', 'details', 'details_json'] as const

export interface AuditCsvFile {
  fileName: string
  csv: string
  rows: number
  capped: boolean
}

/**
 * Every matching entry (up to AUDIT_CSV_MAX_ROWS, newest first) as CSV, read in chunks by id; the
 * download is audited with its filter and row count (ids and codes only).
 */
export async function exportAuditCsv(
  deps: AppDeps,
  actor: Actor,
  lang: Lang,
  input: AuditFilterInput,
  ip: string,
  maxRows = AUDIT_CSV_MAX_ROWS,
): Promise<AuditCsvFile> {
  const filter = auditFilterOf(input)
  const lines: CsvCell[][] = [[...AUDIT_CSV_COLUMNS]]
  let cursor: AuditCursor = {}
  let rows = 0
  let capped = false
  for (;;) {
    const wanted = Math.min(CSV_CHUNK, maxRows - rows)
    const chunk = await listAudit(deps.db, wanted, filter, cursor)
    for (const entry of await inWords(deps, lang, chunk)) lines.push(csvLine(entry))
    rows += chunk.length
    if (chunk.length < wanted) break
    if (rows >= maxRows) {
      capped = (await listAudit(deps.db, 1, filter, { olderThan: chunk[chunk.length - 1]!.id })).length > 0
      break
    }
    cursor = { olderThan: chunk[chunk.length - 1]!.id }
  }
  if (capped) lines.push([translate(lang, 'audit_log.csv_capped', { max: maxRows })])
  const now = deps.clock.now()
  await recordAudit(deps.db, {
    event: 'audit_exported',
    at: now,
    actorUserId: actor.userId,
    ip,
    details: { format: 'csv', rows, ...(capped ? { capped } : {}), ...filterDetails(input) },
  })
  return { fileName: `audit-log-${helsinkiDate(now)}.csv`, csv: toCsv(lines, 'standard'), rows, capped }
}

function filterDetails(input: AuditFilterInput): Record<string, string> {
  return Object.fromEntries(Object.entries(input).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''))
}

function csvLine(entry: AuditEntryInWords): CsvCell[] {
  return [
    helsinkiIsoTime(new Date(entry.occurredAt)),
    entry.event,
    entry.eventText,
    entry.actorUserId,
    entry.actorName,
    entry.subjectUserId,
    entry.subjectName,
    entry.ip,
    detailsAsLine(entry.detailsInWords),
    JSON.stringify(entry.details ?? {}),
  ]
}
