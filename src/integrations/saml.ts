// A thin, strict SAML 2.0 service provider over @node-saml/node-saml: the AuthnRequest redirect,
// the SP metadata, and the validation of the IdP's POSTed response. Everything the rest of the app
// learns about a login comes from the signed assertion only; every failure is a SamlError whose
// message names the reason (never the assertion itself).
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml'
import { AppError, SamlError } from '../errors.js'
import { assertResponseEnvelope, assertStrongAlgorithms, decodeBoundedSamlResponse, parseXml } from './saml-envelope.js'

const TRANSIENT_NAME_ID = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
/** Small tolerance for the IdP's clock against ours. */
export const SAML_CLOCK_SKEW_MS = 30_000
/** An assertion is never accepted longer than this after it was issued, whatever it says. */
export const SAML_MAX_ASSERTION_AGE_MS = 10 * 60 * 1000

export interface SamlServiceProviderSettings {
  /** The IdP's single sign-on URL (HTTP-Redirect binding). */
  idpSsoUrl: string
  /** The IdP's signing certificate(s): PEM (one or more blocks) or bare base64. */
  idpCert: string
  /** The IdP's entity id: the Response's (if any) and the assertion's Issuer must be exactly this. */
  idpEntityId: string
  spEntityId: string
  /** The assertion consumer service URL (HTTP-POST binding). */
  acsUrl: string
  /** Signs AuthnRequests and decrypts encrypted assertions; needs spCert. */
  spPrivateKey?: string | undefined
  spCert?: string | undefined
  /** Where outstanding AuthnRequest ids are kept (shared by every instance). */
  requestCache: CacheProvider
  /** How long an AuthnRequest may wait for its answer. */
  requestLifetimeMs: number
}

export interface VerifiedAssertion {
  /** The ID of the signed assertion (the replay key). */
  assertionId: string
  /** The id of our AuthnRequest this assertion answers (checked against the request cache). */
  inResponseTo: string
  issuer: string | null
  nameId: string | null
  /** The last moment any time limit in the assertion allows it to be used. */
  notOnOrAfter: Date
  /**
   * Attribute values by attribute Name (never FriendlyName, which is only a label), one list per
   * Attribute element with that Name: a name that occurs twice is visible as two lists.
   */
  attributes: ReadonlyMap<string, readonly (readonly string[])[]>
}

/** The certificate setting as node-saml wants it: one PEM per certificate (several for rollover). */
export function normalizeCertificates(value: string): string[] {
  const text = value.replace(/\\n/g, '\n').trim()
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
  if (blocks) return blocks.map((b) => `${b}\n`)
  const base64 = text.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('The IdP certificate is neither PEM nor base64')
  const lines = base64.match(/.{1,64}/g) ?? []
  return [`-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`]
}

function pemOrUndefined(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replace(/\\n/g, '\n').trim()
}

// --- reading the xml2js form of the signed assertion (node-saml's Profile.getAssertion()) ---

type XmlNode = { $?: Record<string, string>; _?: string; [child: string]: unknown }

function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return []
  const value = (node as Record<string, unknown>)[name]
  return Array.isArray(value) ? value.filter((v): v is XmlNode => Boolean(v) && typeof v === 'object') : []
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.$?.[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object' && typeof (value as XmlNode)._ === 'string') return (value as XmlNode)._
  return undefined
}

function timeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

function readAttributes(assertion: XmlNode): Map<string, string[][]> {
  const result = new Map<string, string[][]>()
  for (const statement of children(assertion, 'AttributeStatement')) {
    for (const attribute of children(statement, 'Attribute')) {
      const values = (Array.isArray(attribute.AttributeValue) ? attribute.AttributeValue : [])
        .map(textOf)
        .filter((v): v is string => v !== undefined)
      const name = attr(attribute, 'Name')
      if (name !== undefined) result.set(name, [...(result.get(name) ?? []), values])
    }
  }
  return result
}

export class SamlServiceProvider {
  private readonly saml: SAML
  private readonly signingCert: string | undefined

  constructor(private readonly settings: SamlServiceProviderSettings) {
    const privateKey = pemOrUndefined(settings.spPrivateKey)
    this.signingCert = pemOrUndefined(settings.spCert)
    if (privateKey && !this.signingCert) throw new Error('The SP private key needs its certificate (VIRTU_SP_CERT)')
    this.saml = new SAML({
      entryPoint: settings.idpSsoUrl,
      issuer: settings.spEntityId,
      audience: settings.spEntityId,
      callbackUrl: settings.acsUrl,
      idpCert: normalizeCertificates(settings.idpCert),
      // VIRTU signs the assertion; the Response around it may or may not be signed.
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: settings.requestLifetimeMs,
      cacheProvider: settings.requestCache,
      acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
      maxAssertionAgeMs: SAML_MAX_ASSERTION_AGE_MS,
      identifierFormat: TRANSIENT_NAME_ID,
      // The IdP decides how strongly to authenticate (password, smart card); we do not narrow it.
      disableRequestedAuthnContext: true,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      ...(privateKey && this.signingCert ? { privateKey, decryptionPvk: privateKey, publicCert: this.signingCert } : {}),
    })
  }

  /** The IdP URL carrying a fresh AuthnRequest (deflated, base64, signed when we have a key). */
  async authorizeUrl(): Promise<string> {
    return this.saml.getAuthorizeUrlAsync('', undefined, {})
  }

  /** The SP metadata document for the IdP's administrators. */
  metadataXml(): string {
    return this.saml.generateServiceProviderMetadata(this.signingCert ?? null, this.signingCert ?? null)
  }

  /**
   * Validates a POSTed SAMLResponse: a signature by the IdP's key on the assertion, our audience,
   * the time window, InResponseTo naming an outstanding AuthnRequest of ours, and a bearer
   * subject confirmation for our ACS answering that same request. Throws SamlError.
   * `now` is for the subject-confirmation window only and must be the real time, as node-saml
   * checks the other windows against the real clock.
   */
  async validatePostResponse(samlResponse: string, now: Date = new Date()): Promise<VerifiedAssertion> {
    // Bounded and checked before node-saml parses anything: its parsers' time grows faster than
    // the input on hostile documents, and it checks neither Destination nor Status nor algorithms.
    assertResponseEnvelope(parseXml(decodeBoundedSamlResponse(samlResponse)), {
      acsUrl: this.settings.acsUrl,
      idpEntityId: this.settings.idpEntityId,
    })
    let profile: Profile | null
    try {
      ;({ profile } = await this.saml.validatePostResponseAsync({ SAMLResponse: samlResponse }))
    } catch (error) {
      if (error instanceof AppError) throw error // e.g. the request cache's database is away
      throw new SamlError(error instanceof Error ? error.message : 'invalid SAML response')
    }
    if (!profile) throw new SamlError('no assertion in the SAML response')
    // node-saml checks the issuer of logout messages only; the assertion's is checked here.
    if (profile.issuer !== this.settings.idpEntityId) throw new SamlError('the assertion is from another issuer')
    // An encrypted assertion's signature is only visible once decrypted.
    const assertionXml = profile.getAssertionXml?.()
    if (assertionXml) assertStrongAlgorithms(parseXml(assertionXml))

    // xml2js form of the verified assertion: { Assertion: { $: {...}, Subject: [...], ... } }
    const root = profile.getAssertion?.()?.Assertion
    const assertion = root && typeof root === 'object' && !Array.isArray(root) ? (root as XmlNode) : undefined
    if (!assertion) throw new SamlError('the signed assertion could not be read')
    const assertionId = attr(assertion, 'ID')
    if (!assertionId) throw new SamlError('the assertion has no ID')
    const inResponseTo = typeof profile.inResponseTo === 'string' ? profile.inResponseTo : undefined
    if (!inResponseTo) throw new SamlError('the response does not answer a request')

    // The unsigned Response carries InResponseTo; the signed assertion must say the same, or a
    // signed assertion could be wrapped into an answer to some other request.
    const nowMs = now.getTime()
    const confirmations = children(assertion, 'Subject').flatMap((s) => children(s, 'SubjectConfirmation'))
    const confirmation = confirmations
      .filter((c) => attr(c, 'Method') === BEARER)
      .map((c) => children(c, 'SubjectConfirmationData')[0])
      .find((data) => {
        const notOnOrAfter = timeOf(attr(data, 'NotOnOrAfter'))
        return (
          attr(data, 'InResponseTo') === inResponseTo &&
          attr(data, 'Recipient') === this.settings.acsUrl &&
          notOnOrAfter !== undefined &&
          nowMs - SAML_CLOCK_SKEW_MS < notOnOrAfter
        )
      })
    if (!confirmation) throw new SamlError('no bearer subject confirmation for this request and recipient')

    const conditions = children(assertion, 'Conditions')[0]
    const limits = [timeOf(attr(confirmation, 'NotOnOrAfter')), timeOf(attr(conditions, 'NotOnOrAfter'))].filter(
      (v): v is number => v !== undefined,
    )
    const issueInstant = timeOf(attr(assertion, 'IssueInstant'))
    if (issueInstant !== undefined) limits.push(issueInstant + SAML_MAX_ASSERTION_AGE_MS)

    return {
      assertionId,
      inResponseTo,
      issuer: typeof profile.issuer === 'string' ? profile.issuer : null,
      nameId: typeof profile.nameID === 'string' ? profile.nameID : null,
      notOnOrAfter: new Date(Math.min(...limits)),
      attributes: readAttributes(assertion),
    }
  }
}
