// The start page's summary of one's own team: this month and this year, exactly and at once. The
// team's members filed these forms themselves, so nothing here needs protection; everything beyond
// the team comes from releases (see features/publication).
import { inSnapshot } from '../../db/snapshot.js'
import type { AppDeps } from '../../plugins/deps.js'
import { monthOf } from '../../lib/months.js'
import { countTeamActivityRecords, countTeamVolumes } from '../reports/reports.repository.js'

export interface SummaryColumn {
  readonly forms: number
  readonly first: number
  readonly followUp: number
  readonly activityRecords: number
  readonly activityParticipants: number
}

export interface TeamSummary {
  /** YYYY-MM */
  readonly month: string
  readonly year: number
  readonly thisMonth: SummaryColumn
  readonly thisYear: SummaryColumn
}

async function column(deps: Pick<AppDeps, 'db'>, teamId: string, from: string, to: string): Promise<SummaryColumn> {
  const volumes = await countTeamVolumes(deps.db, teamId, { from, to, meetingKind: null })
  const activity = await countTeamActivityRecords(deps.db, teamId, from, to)
  const ofKind = (kind: string) => volumes.filter((v) => v.kind === kind).reduce((sum, v) => sum + v.forms, 0)
  return {
    forms: volumes.reduce((sum, v) => sum + v.forms, 0),
    first: ofKind('first'),
    followUp: ofKind('follow_up'),
    activityRecords: activity.records,
    activityParticipants: activity.participants,
  }
}

/** The team's meetings (by meeting month) and activity this month and this year, in Finnish time. */
export async function teamSummary(deps: Pick<AppDeps, 'db' | 'clock'>, teamId: string): Promise<TeamSummary> {
  const month = monthOf(deps.clock.now())
  const year = Number(month.slice(0, 4))
  // one snapshot, so this month never shows more forms than this year while forms are being filed
  return inSnapshot(deps, async (deps) => {
    const thisMonth = await column(deps, teamId, month, month)
    const thisYear = await column(deps, teamId, `${year}-01`, `${year}-12`)
    return { month, year, thisMonth, thisYear }
  })
}
