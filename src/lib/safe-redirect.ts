// Where to go after login or a language switch: only a path on this site, never another origin.
const BASE = 'http://local.invalid'

export function safeLocalPath(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length > 500) return fallback
  // Browsers drop tabs and newlines from URLs and read \ as /: "/\t/evil" would become "//evil".
  if (!candidate.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback
  let url: URL
  try {
    url = new URL(candidate, BASE)
  } catch {
    return fallback
  }
  if (url.origin !== BASE) return fallback
  return `${url.pathname}${url.search}${url.hash}`
}
