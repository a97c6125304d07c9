// A cheap, linear scan of an XML document's shape before any XML parser sees it: size, nesting
// depth, element and attribute counts, and no DTD. Parsers (and the signature code over them) can
// take time that grows faster than the input; this bounds the input first. It does not check that
// the document is well formed; the parser does that once the shape is known to be small.

export interface XmlLimits {
  /** Characters of the decoded document. */
  readonly maxLength: number
  readonly maxDepth: number
  readonly maxElements: number
  readonly maxAttributesPerElement: number
}

export type XmlLimitProblem = 'too_large' | 'too_deep' | 'too_many_elements' | 'too_many_attributes' | 'doctype' | 'malformed'

/** Skips past the end marker from `from`; -1 when the document ends first. */
function after(xml: string, marker: string, from: number): number {
  const at = xml.indexOf(marker, from)
  return at === -1 ? -1 : at + marker.length
}

/**
 * The first limit the document breaks, or undefined. Every character is looked at a bounded
 * number of times, so the time is linear in the length whatever the content.
 */
export function checkXmlLimits(xml: string, limits: XmlLimits): XmlLimitProblem | undefined {
  if (xml.length > limits.maxLength) return 'too_large'
  let depth = 0
  let elements = 0
  let i = xml.indexOf('<')
  while (i !== -1) {
    const next = xml[i + 1]
    if (next === '/') {
      depth -= 1
      if (depth < 0) return 'malformed'
      i = after(xml, '>', i + 2)
    } else if (next === '?') {
      i = after(xml, '?>', i + 2)
    } else if (xml.startsWith('<!--', i)) {
      i = after(xml, '-->', i + 4)
    } else if (xml.startsWith('<![CDATA[', i)) {
      i = after(xml, ']]>', i + 9)
    } else if (next === '!') {
      // DOCTYPE or an entity declaration: SAML never needs one, and entities are how XML bombs work.
      return 'doctype'
    } else {
      elements += 1
      depth += 1
      if (elements > limits.maxElements) return 'too_many_elements'
      if (depth > limits.maxDepth) return 'too_deep'
      // The start tag ends at the first '>' outside quotes; '=' outside quotes starts an attribute.
      let quote: string | undefined
      let attributes = 0
      let j = i + 1
      for (; j < xml.length; j++) {
        const c = xml[j]
        if (quote !== undefined) {
          if (c === quote) quote = undefined
        } else if (c === '"' || c === "'") {
          quote = c
        } else if (c === '=') {
          attributes += 1
          if (attributes > limits.maxAttributesPerElement) return 'too_many_attributes'
        } else if (c === '>') {
          break
        }
      }
      if (j >= xml.length) return 'malformed'
      if (xml[j - 1] === '/') depth -= 1
      i = j + 1
    }
    if (i === -1) return 'malformed'
    i = xml.indexOf('<', i)
  }
  return depth === 0 ? undefined : 'malformed'
}
