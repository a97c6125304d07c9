// Personal API tokens: made by a researcher or administrator in a session that began with strong
// identification (a token cannot make another), shown once, stored only as a hash, read-only (the
// routes a token reaches are marked `token: true`), expiring within 90 days, revocable by the owner
// and by an administrator. Every use is audited.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { z } from 'zod'
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js'
import { findPersonalData } from '../../lib/personal-data.js'
import { noBidiControls, noControlCharacters } from '../../lib/text-rules.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import type { Actor } from '../auth/session.service.js'
import { recordAudit } from '../audit/audit.repository.js'
import { findUserById } from '../users/users.repository.js'
import { findToken, findTokenByHash, insertToken, noteTokenUse, revokeToken, type TokenRow, listTokensOf } from './api-tokens.repository.js'

export const TOKEN_PREFIX = 'anc_'
export const MAX_TOKEN_DAYS = 90
const DAY_MS = 24 * 60 * 60 * 1000
export const TOKEN_ROLES = ['researcher', 'admin'] as const

export const newTokenSchema = z.strictObject(
  {
    // Token names are kept as long as the token's audit trail; no personal data in them.
    name: z
      .string('required')
      .trim()
      .refine(noControlCharacters, 'invalid')
      .refine(noBidiControls, 'bidi_control')
      .min(1, 'required')
      .max(80, 'too_long')
      .refine((name) => name.length > 80 || findPersonalData(name) === undefined, 'personal_data'),
    days: z.coerce.number('invalid_number').int('invalid_number').min(1, 'too_small').max(MAX_TOKEN_DAYS, 'too_big'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_body') },
)

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

function assertMayHoldTokens(actor: Actor): void {
  if (actor.tokenId) throw new ForbiddenError() // a token never makes or manages tokens
  if (!(TOKEN_ROLES as readonly string[]).includes(actor.role)) throw new ForbiddenError()
}

export async function createApiToken(deps: AppDeps, actor: Actor, input: unknown, ip: string): Promise<{ id: string; token: string; name: string; expiresAt: Date }> {
  assertMayHoldTokens(actor)
  const parsed = newTokenSchema.safeParse(input)
  if (!parsed.success) throw new ValidationError(fieldErrorsFromZod(parsed.error.issues))
  const now = deps.clock.now()
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  const created = { id: randomUUID(), userId: actor.userId, name: parsed.data.name, hash: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + parsed.data.days * DAY_MS) }
  await deps.db.transaction().execute(async (trx) => {
    await insertToken(trx, created)
    await recordAudit(trx, { event: 'token_created', at: now, actorUserId: actor.userId, ip, details: { token: created.id, days: parsed.data.days } })
  })
  return { id: created.id, token, name: created.name, expiresAt: created.expiresAt }
}

export async function listOwnTokens(deps: AppDeps, actor: Actor): Promise<TokenRow[]> {
  assertMayHoldTokens(actor)
  return listTokensOf(deps.db, actor.userId)
}

/** The owner revokes their own token; an administrator any token. */
export async function revokeApiToken(deps: AppDeps, actor: Actor, tokenId: string, ip: string): Promise<void> {
  if (actor.tokenId) throw new ForbiddenError()
  const token = /^[0-9a-f-]{36}$/.test(tokenId) ? await findToken(deps.db, tokenId) : undefined
  if (!token) throw new NotFoundError()
  if (token.userId !== actor.userId && actor.role !== 'admin') throw new ForbiddenError()
  const now = deps.clock.now()
  if (await revokeToken(deps.db, tokenId, actor.userId, now)) {
    await recordAudit(deps.db, { event: 'token_revoked', at: now, actorUserId: actor.userId, subjectUserId: token.userId, ip, details: { token: tokenId } })
  }
}

/** The actor a bearer token stands for, or null when it is unknown, expired, revoked or its owner may no longer hold one. */
export async function resolveApiToken(deps: AppDeps, bearer: string): Promise<Actor | null> {
  if (!bearer.startsWith(TOKEN_PREFIX) || bearer.length > 100) return null
  const token = await findTokenByHash(deps.db, hashToken(bearer))
  const now = deps.clock.now()
  if (!token || token.revokedAt || token.expiresAt.getTime() <= now.getTime()) return null
  const user = await findUserById(deps.db, token.userId)
  if (!user || user.status !== 'active' || !(TOKEN_ROLES as readonly string[]).includes(user.role)) return null
  return {
    userId: user.id,
    sessionId: `token:${token.id}`,
    name: user.name,
    email: user.email,
    role: user.role,
    teamId: user.team_id,
    loginMethod: user.login_method,
    tokenId: token.id,
  }
}

/** Each request made with a token: noted on the token and in the audit log. */
export async function auditTokenUse(deps: AppDeps, actor: Actor, route: string, ip: string): Promise<void> {
  if (!actor.tokenId) return
  const now = deps.clock.now()
  await noteTokenUse(deps.db, actor.tokenId, now)
  await recordAudit(deps.db, { event: 'token_used', at: now, actorUserId: actor.userId, ip, details: { token: actor.tokenId, route } })
}
