// VIRTU login: the AuthnRequest redirect, the checks on the IdP's answer (signature, audience,
// time window, InResponseTo, replay), and what a verified identity leads to: a session for an
// active user, nothing for a pending or disabled one, a registration form for an unknown one.
import { inflateRawSync } from 'node:zlib'
import { translateDatabaseError } from '../../db/pg-errors.js'
import type { UserLanguage } from '../../db/schema.js'
import { ConflictError, SamlError, ValidationError } from '../../errors.js'
import { SamlServiceProvider, type VerifiedAssertion } from '../../integrations/saml.js'
import { fieldErrorsFromZod } from '../../lib/zod-fields.js'
import type { AppDeps } from '../../plugins/deps.js'
import { recordAudit } from '../audit/audit.repository.js'
import { createSession } from '../auth/session.service.js'
import { findTeam } from '../teams/teams.repository.js'
import { findUserByEmail, findUserByVirtuIdentity, insertUser } from '../users/users.repository.js'
import { consumeAssertion, createSamlRequestCache } from './saml-cache.repository.js'
import { virtuIdentitySchema, virtuRegistrationSchema, type VirtuIdentity } from './virtu.schemas.js'

export const VIRTU_ACS_PATH = '/auth/virtu/acs'
/** How long an AuthnRequest may wait for the IdP's answer (the person logs in meanwhile). */
export const VIRTU_REQUEST_LIFETIME_MS = 15 * 60 * 1000
/** An accepted assertion is remembered this long past its own expiry, whatever the clocks say. */
const CONSUMED_ASSERTION_MARGIN_MS = 24 * 60 * 60 * 1000

/**
 * Attribute Names, matched against the Name only (a FriendlyName is a label anyone can choose):
 * the URI form VIRTU sends, and the basic form. An attribute given under both is a duplicate.
 */
const LOCAL_ID = ['urn:oid:1.3.6.1.4.1.31350.1.8', 'virtuLocalID']
const HOME_ORGANIZATION = ['urn:oid:1.3.6.1.4.1.31350.1.5', 'virtuHomeOrganization']
const DISPLAY_NAME = ['urn:oid:2.16.840.1.113730.3.1.241', 'displayName', 'urn:oid:2.5.4.3', 'cn']
const GIVEN_NAME = ['urn:oid:2.5.4.42', 'givenName']
const SURNAME = ['urn:oid:2.5.4.4', 'sn']
const MAIL = ['urn:oid:0.9.2342.19200300.100.1.3', 'mail', 'email']

export type VirtuLoginOutcome =
  | { kind: 'session'; sessionId: string }
  | { kind: 'pending'; status: 'pending' | 'disabled' }
  | { kind: 'register'; identity: VirtuIdentity }

export type VirtuRegistrationOutcome = 'registered' | 'already_registered'

const providers = new WeakMap<AppDeps, SamlServiceProvider>()

/** The service provider of this app (built once; throws when VIRTU is off or misconfigured). */
export function virtuServiceProvider(deps: AppDeps): SamlServiceProvider {
  const existing = providers.get(deps)
  if (existing) return existing
  const virtu = deps.config.virtu
  if (!virtu) throw new Error('VIRTU login is not configured')
  const provider = new SamlServiceProvider({
    idpSsoUrl: virtu.idpSsoUrl,
    idpCert: virtu.idpCert,
    idpEntityId: virtu.idpEntityId,
    spEntityId: virtu.spEntityId,
    acsUrl: `${deps.config.publicUrl}${VIRTU_ACS_PATH}`,
    spPrivateKey: virtu.spPrivateKey,
    spCert: virtu.spCert,
    requestCache: createSamlRequestCache(deps.db, deps.clock, VIRTU_REQUEST_LIFETIME_MS),
    requestLifetimeMs: VIRTU_REQUEST_LIFETIME_MS,
  })
  providers.set(deps, provider)
  return provider
}

/** The IdP address to send the browser to, carrying a fresh AuthnRequest remembered in the database. */
/** The IdP address to send the browser to, and the id of the AuthnRequest in it. */
export async function startVirtuLogin(deps: AppDeps): Promise<{ url: string; requestId: string }> {
  const url = await virtuServiceProvider(deps).authorizeUrl()
  return { url, requestId: authnRequestIdOf(url) }
}

/** The ID attribute of the deflated, base64-encoded AuthnRequest in a redirect-binding URL. */
function authnRequestIdOf(url: string): string {
  const encoded = new URL(url).searchParams.get('SAMLRequest') ?? ''
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')
  const id = /\sID="([^"]+)"/.exec(xml)?.[1]
  if (!id) throw new Error('the AuthnRequest has no ID')
  return id
}

function valuesOf(assertion: VerifiedAssertion, names: readonly string[]): string[] {
  for (const name of names) {
    const values = assertion.attributes.get(name)?.flat().map((v) => v.trim()).filter((v) => v !== '')
    if (values && values.length > 0) return values
  }
  return []
}

/**
 * The one value of an identity attribute. None is a refusal, and so is any doubt about which one
 * is meant: the attribute given twice (under one Name or its two forms) or with several values.
 */
function identityPart(assertion: VerifiedAssertion, names: readonly string[], label: string): string {
  const occurrences = names.flatMap((name) => assertion.attributes.get(name) ?? [])
  if (occurrences.length > 1) throw new SamlError(`the assertion has ${label} more than once`)
  const values = (occurrences[0] ?? []).map((v) => v.trim())
  if (values.length !== 1 || values[0] === undefined || values[0] === '') {
    throw new SamlError(`the assertion has ${values.length > 1 ? 'several values of' : 'no'} ${label}`)
  }
  return values[0]
}

function identityOf(assertion: VerifiedAssertion): VirtuIdentity {
  const displayName = valuesOf(assertion, DISPLAY_NAME)[0]
  const given = valuesOf(assertion, GIVEN_NAME)[0]
  const surname = valuesOf(assertion, SURNAME)[0]
  const name = displayName ?? ([given, surname].filter(Boolean).join(' ') || undefined)
  const email = valuesOf(assertion, MAIL)[0]?.toLowerCase()
  const parsed = virtuIdentitySchema.safeParse({
    localId: identityPart(assertion, LOCAL_ID, 'virtuLocalID'),
    homeOrganization: identityPart(assertion, HOME_ORGANIZATION, 'virtuHomeOrganization'),
    // Name and e-mail only prefill the form; drop any the form could not take anyway.
    ...(name && name.length <= 200 ? { name } : {}),
    ...(email && email.length <= 254 ? { email } : {}),
  })
  if (!parsed.success) throw new SamlError('the VIRTU identity attributes are out of bounds')
  return parsed.data
}

/**
 * Checks the IdP's POSTed answer and says what it leads to. Any failed check is a SamlError and a
 * saml_failure in the audit log (never the assertion itself), which the password login throttle
 * does not count.
 */
/**
 * Completes a VIRTU login. `startedRequestId` is the AuthnRequest this browser started (from its
 * cookie): an answer to anyone else's request is refused, so nobody can post their own valid
 * assertion into a victim's browser and log the victim in as themselves.
 */
export async function completeVirtuLogin(deps: AppDeps, samlBody: unknown, ip: string, startedRequestId: string | undefined): Promise<VirtuLoginOutcome> {
  const now = deps.clock.now()
  let identity: VirtuIdentity
  try {
    const samlResponse = (samlBody as { SAMLResponse?: unknown } | null | undefined)?.SAMLResponse
    if (typeof samlResponse !== 'string' || samlResponse.trim() === '') throw new SamlError('no SAMLResponse')
    const assertion = await virtuServiceProvider(deps).validatePostResponse(samlResponse)
    identity = identityOf(assertion)
    if (!startedRequestId || startedRequestId !== assertion.inResponseTo) {
      throw new SamlError('the answer is to a login that this browser did not start')
    }
    // Single use: an assertion (or a second answer to one AuthnRequest) is accepted only once,
    // even if its request id were still outstanding.
    const firstUse = await consumeAssertion(deps.db, {
      assertionId: assertion.assertionId,
      inResponseTo: assertion.inResponseTo,
      seenAt: now,
      expiresAt: new Date(Math.max(assertion.notOnOrAfter.getTime(), now.getTime()) + CONSUMED_ASSERTION_MARGIN_MS),
    })
    if (!firstUse) throw new SamlError('the assertion has been used already')
    await deps.db.deleteFrom('virtu_authn_requests').where('id', '=', assertion.inResponseTo).execute()
  } catch (error) {
    if (error instanceof SamlError) {
      await recordAudit(deps.db, { event: 'saml_failure', at: now, ip, details: { method: 'virtu', reason: 'saml_invalid' } })
    }
    throw error
  }

  const user = await findUserByVirtuIdentity(deps.db, identity.homeOrganization, identity.localId)
  if (!user) return { kind: 'register', identity }
  if (user.status !== 'active') {
    await recordAudit(deps.db, {
      event: 'saml_failure',
      at: now,
      subjectUserId: user.id,
      ip,
      details: { method: 'virtu', reason: user.status === 'pending' ? 'account_pending' : 'account_disabled' },
    })
    return { kind: 'pending', status: user.status === 'pending' ? 'pending' : 'disabled' }
  }
  const { sessionId } = await createSession(deps, user.id, 'virtu')
  await recordAudit(deps.db, { event: 'login_success', at: now, actorUserId: user.id, subjectUserId: user.id, ip, details: { method: 'virtu' } })
  return { kind: 'session', sessionId }
}

/**
 * Registration after a verified VIRTU login with an unknown identity: a pending expert account
 * whose identity comes from the assertion and whose name, e-mail, team and profession come from
 * the form. An identity or address already registered gets the same answer.
 */
export async function registerVirtuUser(deps: AppDeps, identity: VirtuIdentity, input: unknown, ip: string, lang: UserLanguage = 'fi'): Promise<VirtuRegistrationOutcome> {
  const parsed = virtuRegistrationSchema.safeParse(input)
  if (!parsed.success) throw new ValidationError(fieldErrorsFromZod(parsed.error.issues))
  const data = parsed.data
  if (!(await findTeam(deps.db, data.teamId))) throw new ValidationError([{ field: 'teamId', code: 'invalid_choice' }])

  if (await findUserByVirtuIdentity(deps.db, identity.homeOrganization, identity.localId)) return 'already_registered'
  if (await findUserByEmail(deps.db, data.email)) return 'already_registered'
  const now = deps.clock.now()
  try {
    await deps.db.transaction().execute(async (trx) => {
      const id = await insertUser(trx, {
        name: data.name,
        email: data.email,
        phone: null,
        team_id: data.teamId,
        profession: data.profession,
        role: 'expert',
        language: lang,
        login_method: 'virtu',
        password_hash: null,
        virtu_local_id: identity.localId,
        virtu_home_organization: identity.homeOrganization,
        status: 'pending',
        created_at: now,
        updated_at: now,
      })
      await recordAudit(trx, { event: 'registration', at: now, subjectUserId: id, ip, details: { method: 'virtu' } })
    })
  } catch (error) {
    // Two registrations of one identity or address at once: the database's unique indexes decide.
    if (translateDatabaseError(error) instanceof ConflictError) return 'already_registered'
    throw error
  }
  return 'registered'
}
