// The secret of a reset link and its stored form: the link carries 32 random bytes, the database
// only their SHA-256, so a copy of the table opens no account.
import { createHash, randomBytes } from 'node:crypto'

export function newResetToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
