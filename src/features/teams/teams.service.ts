// Creating and editing teams (administrators only), with an audit entry for each change.
import { NotFoundError } from '../../errors.js'
import { parseInput } from '../../lib/parse-input.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { teamFieldsSchema } from './teams.schemas.js'
import { insertTeam, updateTeam } from './teams.repository.js'

export async function createTeam(deps: AppDeps, actorUserId: string, input: unknown): Promise<string> {
  const team = parseInput(teamFieldsSchema, input)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const id = await insertTeam(trx, team, now)
    await recordAudit(trx, { event: 'team_created', at: now, actorUserId, details: { teamId: id } })
    return id
  })
}

export async function editTeam(deps: AppDeps, actorUserId: string, teamId: string, input: unknown): Promise<void> {
  const team = parseInput(teamFieldsSchema, input)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    if (!(await updateTeam(trx, teamId, team, now))) throw new NotFoundError()
    await recordAudit(trx, { event: 'team_updated', at: now, actorUserId, details: { teamId } })
  })
}
