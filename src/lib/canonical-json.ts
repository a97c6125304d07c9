// Canonical JSON (keys sorted at every level, no white space) and its SHA-256: the same content
// always hashes the same, whichever database or driver it was read back from.
import { createHash } from 'node:crypto'

export type Canonical = string | number | boolean | null | readonly Canonical[] | { readonly [key: string]: Canonical | undefined }

export function canonicalJson(value: Canonical): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`
  const record = value as { readonly [key: string]: Canonical | undefined }
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key] as Canonical)}`)
  return `{${entries.join(',')}}`
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
