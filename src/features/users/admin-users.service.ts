// What administrators do to accounts: approve or reject registrations (the role asked for, as is,
// and the registrant is told), change role, team and profession, disable (ending every session of
// the user at once) and enable. Each change is audited.
import type { FastifyBaseLogger } from 'fastify'
import type { Transaction } from 'kysely'
import { sql } from 'kysely'
import type { AuditEvent, Database, UserStatus } from '../../db/schema.js'
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../errors.js'
import { parseInput } from '../../lib/parse-input.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { endSessionsOfUser } from '../auth/session.repository.js'
import { sendDecisionNotice } from '../notices/decision-notices.js'
import { findTeam } from '../teams/teams.repository.js'
import { roleChangeSchema } from './users.schemas.js'
import { countActiveAdmins, findUserById, setUserStatus, updateUserRoleAndTeam } from './users.repository.js'
import { supersedeOpenResets } from '../password-reset/password-reset.repository.js'

/**
 * Moves a user from one of `from` to `to`, audited; a user already moved by someone else is a
 * conflict, a missing one is not found. `after` runs in the same transaction (ending sessions).
 */
async function changeStatus(
  deps: AppDeps,
  change: { actorUserId: string; userId: string; from: UserStatus[]; to: UserStatus; event: AuditEvent },
  after?: (trx: Transaction<Database>, now: Date) => Promise<Record<string, number>>,
): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const moved = await setUserStatus(trx, change.userId, { from: change.from, to: change.to, by: change.actorUserId, now })
    if (!moved) {
      throw (await findUserById(trx, change.userId)) ? new ConflictError([{ field: 'status', code: 'already_decided' }]) : new NotFoundError()
    }
    const details = after ? await after(trx, now) : {}
    await recordAudit(trx, { event: change.event, at: now, actorUserId: change.actorUserId, subjectUserId: change.userId, details })
  })
}

/** Changes that could leave the service without an active administrator take turns. */
export async function lockAdministrators(trx: Transaction<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7240003)`.execute(trx)
}

/** The decision stands whatever happens to its notice; the failure is logged without the message. */
const noticeFailed = (log: FastifyBaseLogger) => (error: unknown) =>
  log.error({ error: error instanceof Error ? error.name : typeof error }, 'decision notice failed')

/**
 * Approves a registration in the role it asked for (an expert with the team and profession given,
 * a researcher with no team), then tells the registrant. The notice goes after the decision has
 * committed: a failed send is logged and the decision stands.
 */
export async function approveRegistration(deps: AppDeps, log: FastifyBaseLogger, actorUserId: string, userId: string): Promise<void> {
  await changeStatus(deps, { actorUserId, userId, from: ['pending'], to: 'active', event: 'approval' })
  await sendDecisionNotice(deps, log, { kind: 'approval', userId, actorUserId }).catch(noticeFailed(log))
}

export async function rejectRegistration(deps: AppDeps, log: FastifyBaseLogger, actorUserId: string, userId: string): Promise<void> {
  await changeStatus(deps, { actorUserId, userId, from: ['pending'], to: 'rejected', event: 'rejection' })
  await sendDecisionNotice(deps, log, { kind: 'rejection', userId, actorUserId }).catch(noticeFailed(log))
}

export async function changeRoleAndTeam(deps: AppDeps, actorUserId: string, userId: string, input: unknown): Promise<void> {
  const change = parseInput(roleChangeSchema, input)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId)
    if (!user || user.status === 'rejected') throw new NotFoundError()
    if (change.role === 'expert') {
      const missing: FieldError[] = []
      if (!change.teamId) missing.push({ field: 'teamId', code: 'team_required' })
      if (!change.profession) missing.push({ field: 'profession', code: 'profession_required' })
      if (missing.length > 0) throw new ValidationError(missing)
    }
    // a researcher's registration names an organisation (users_researcher_registration_has_organisation)
    if (change.role === 'researcher' && user.status === 'pending' && !user.organisation) {
      throw new ValidationError([{ field: 'role', code: 'decide_registration_first' }])
    }
    if (change.teamId && !(await findTeam(trx, change.teamId))) throw new ValidationError([{ field: 'teamId', code: 'invalid_choice' }])
    await lockAdministrators(trx)
    if (user.role === 'admin' && change.role !== 'admin' && user.status === 'active' && (await countActiveAdmins(trx)) <= 1) {
      throw new ValidationError([{ field: 'role', code: 'last_admin' }])
    }
    // a researcher belongs to no team (users_researcher_has_no_team): the team's exact figures are its members'
    const teamId = change.role === 'researcher' ? null : change.teamId
    await updateUserRoleAndTeam(trx, userId, { role: change.role, teamId, profession: change.profession, now })
    if (user.role !== change.role) {
      await recordAudit(trx, { event: 'role_change', at: now, actorUserId, subjectUserId: userId, details: { from: user.role, to: change.role } })
      // Permissions are read from the user row on every request, but a demotion should not leave a
      // half-open admin page behind: end the sessions so the user logs in again with the new role.
      await endSessionsOfUser(trx, userId, now, 'role_changed')
    }
    if (user.team_id !== teamId) {
      await recordAudit(trx, { event: 'team_change', at: now, actorUserId, subjectUserId: userId, details: { from: user.team_id, to: teamId } })
    }
  })
}

export async function disableUser(deps: AppDeps, actorUserId: string, userId: string): Promise<void> {
  if (actorUserId === userId) throw new ValidationError([{ field: 'status', code: 'cannot_disable_self' }])
  await changeStatus(deps, { actorUserId, userId, from: ['active', 'pending'], to: 'disabled', event: 'user_disabled' }, async (trx, now) => {
    await lockAdministrators(trx)
    // counted after the change: two admins disabling each other at once must leave one
    if ((await countActiveAdmins(trx)) === 0) throw new ValidationError([{ field: 'status', code: 'last_admin' }])
    // a reset link sent before stays dead when the account is enabled again
    await supersedeOpenResets(trx, userId, now)
    return { sessionsEnded: await endSessionsOfUser(trx, userId, now, 'user_disabled') }
  })
}

export const enableUser = (deps: AppDeps, actorUserId: string, userId: string) =>
  changeStatus(deps, { actorUserId, userId, from: ['disabled'], to: 'active', event: 'user_enabled' })
