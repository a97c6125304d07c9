// Where to go after login: only a path on this site, never another origin.
export function safeLocalPath(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string') return fallback
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback
  if (/[\r\n]/.test(candidate) || candidate.length > 500) return fallback
  return candidate
}
