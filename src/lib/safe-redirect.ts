// Where to go after login or a language switch: only a path on this site, never another origin.
// The candidate is normalised first (parsed against a fixed base, as a browser would resolve it)
// and only then checked, so dot segments and encodings cannot turn "/./" into "//".
const BASE = 'http://local.invalid'
const MAX_LENGTH = 500

function sameSitePath(candidate: string): string | undefined {
  let url: URL
  try {
    url = new URL(candidate, BASE)
  } catch {
    return undefined
  }
  if (url.origin !== BASE || url.username !== '' || url.password !== '') return undefined
  const path = `${url.pathname}${url.search}${url.hash}`
  // A single leading slash: "//host" and "/\host" are other sites to a browser.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return undefined
  return path
}

export function safeLocalPath(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length > MAX_LENGTH) return fallback
  // Browsers drop tabs and newlines from URLs and read \ as /: "/\t/evil" would become "//evil".
  if (!candidate.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback
  const path = sameSitePath(candidate)
  // The answer must itself resolve to the same path, so a browser reading it cannot go elsewhere.
  if (path === undefined || sameSitePath(path) !== path) return fallback
  return path
}
