// Checks on a SAMLResponse before node-saml sees it: first a linear scan of its size and shape (so
// no parser ever works on a hostile document), then the parts node-saml leaves alone: the
// Response's Destination, its Issuer, a success StatusCode, and signature and digest algorithms
// from the SHA-2 family only (SHA-1 collisions are practical).
import { DOMParser } from '@xmldom/xmldom'
import { SamlError } from '../errors.js'
import { checkXmlLimits, type XmlLimits } from '../lib/xml-limits.js'

/** A real VIRTU answer is a few kilobytes, about ten levels deep, with well under 200 elements. */
export const SAML_XML_LIMITS: XmlLimits = { maxLength: 100_000, maxDepth: 32, maxElements: 2000, maxAttributesPerElement: 32 }
/** The base64 text of a document at the size limit (4 characters per 3 bytes, some line breaks). */
export const SAML_RESPONSE_MAX_LENGTH = Math.ceil((SAML_XML_LIMITS.maxLength * 4) / 3) + 4096

const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol'
const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'

export const ALLOWED_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
])
export const ALLOWED_DIGEST_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512',
])

const LIMIT_REASONS = {
  too_large: 'the SAML response is too large',
  too_deep: 'the SAML response is nested too deeply',
  too_many_elements: 'the SAML response has too many elements',
  too_many_attributes: 'the SAML response has an element with too many attributes',
  doctype: 'the SAML response has a document type declaration',
  malformed: 'the SAML response is not well-formed XML',
} as const

/** The decoded XML of a SAMLResponse form value, once its size and shape are known to be sane. */
export function decodeBoundedSamlResponse(samlResponse: string): string {
  if (samlResponse.length > SAML_RESPONSE_MAX_LENGTH) throw new SamlError(LIMIT_REASONS.too_large)
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
  const problem = checkXmlLimits(xml, SAML_XML_LIMITS)
  if (problem) throw new SamlError(LIMIT_REASONS[problem])
  return xml
}

export function parseXml(xml: string): Document {
  const fail = (message: string) => {
    throw new SamlError(`the SAML response is not well-formed XML (${message.split('\n')[0]?.slice(0, 100) ?? ''})`)
  }
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml')
  if (!doc.documentElement) fail('no root element')
  return doc
}

function childElements(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = []
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === localName) found.push(node as Element)
  }
  return found
}

/** Every signature and digest in the document uses a SHA-2 algorithm; throws SamlError otherwise. */
export function assertStrongAlgorithms(doc: Document): void {
  const checks = [
    { tag: 'SignatureMethod', allowed: ALLOWED_SIGNATURE_ALGORITHMS, what: 'signature' },
    { tag: 'DigestMethod', allowed: ALLOWED_DIGEST_ALGORITHMS, what: 'digest' },
  ]
  for (const { tag, allowed, what } of checks) {
    const elements = doc.getElementsByTagNameNS(DSIG_NS, tag)
    for (let i = 0; i < elements.length; i++) {
      if (!allowed.has(elements.item(i)?.getAttribute('Algorithm') ?? '')) {
        throw new SamlError(`the ${what} algorithm is not accepted (SHA-256 or stronger is required)`)
      }
    }
  }
}

export interface EnvelopeExpectations {
  /** Our assertion consumer service URL: the Response's Destination must be exactly this. */
  acsUrl: string
  /** The IdP's entity id: the Response's Issuer, when it has one, must be exactly this. */
  idpEntityId: string
}

/** Checks the Response element around the assertion; throws SamlError naming the first problem. */
export function assertResponseEnvelope(doc: Document, expected: EnvelopeExpectations): void {
  const response = doc.documentElement
  if (!response || response.namespaceURI !== PROTOCOL_NS || response.localName !== 'Response') {
    throw new SamlError('the message is not a SAML Response')
  }
  if (response.getAttribute('Destination') !== expected.acsUrl) throw new SamlError('the response is addressed to another destination')
  const issuers = childElements(response, ASSERTION_NS, 'Issuer')
  if (issuers.length > 1 || (issuers[0] && issuers[0].textContent?.trim() !== expected.idpEntityId)) {
    throw new SamlError('the response is from another issuer')
  }
  const statuses = childElements(response, PROTOCOL_NS, 'Status')
  const codes = statuses.length === 1 ? childElements(statuses[0]!, PROTOCOL_NS, 'StatusCode') : []
  if (codes.length !== 1 || codes[0]!.getAttribute('Value') !== SUCCESS) throw new SamlError('the IdP did not report success')
  assertStrongAlgorithms(doc)
}
