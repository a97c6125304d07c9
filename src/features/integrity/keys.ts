// The integrity keys: the seals' HMAC key and the checkpoints' Ed25519 signing key. Both live only
// in the service's configuration, never in the database. Outside production, keys not given in the
// settings are made once and kept in a file under data/ (gitignored), so seals and checkpoints
// made before a restart still verify after it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseHmacKey, parseSigningKey, type Config } from '../../config.js'

export interface IntegrityKeys {
  readonly hmacKey: Buffer
  readonly signingKey: KeyObject
  readonly publicKey: KeyObject
  /** SPKI PEM of the public key: to print, show and keep outside the database. */
  readonly publicKeyPem: string
  /** SHA-256 (hex) of the public key's SPKI DER. */
  readonly keyId: string
}

interface KeyFile {
  hmacKey: string
  signingKey: string
}

/** Reads the development key file, making it first if there is none (atomically: parallel starts agree). */
function developmentKeys(file: string): KeyFile {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KeyFile
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const made: KeyFile = {
    hmacKey: randomBytes(32).toString('base64'),
    signingKey: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  }
  mkdirSync(dirname(file), { recursive: true })
  const partial = `${file}.${process.pid}.tmp`
  writeFileSync(partial, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 })
  try {
    linkSync(partial, file) // fails when another process made the file first: then its keys win
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    unlinkSync(partial)
  }
  return JSON.parse(readFileSync(file, 'utf8')) as KeyFile
}

export function publicKeyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex')
}

const cache = new WeakMap<Config['integrity'], IntegrityKeys>()

export function integrityKeys(config: Config): IntegrityKeys {
  const cached = cache.get(config.integrity)
  if (cached) return cached
  let { hmacKey, signingKeyPem } = config.integrity
  if (!hmacKey || !signingKeyPem) {
    // loadConfig refuses production without both keys; this is development and tests only
    if (config.env === 'production') throw new Error('The integrity keys are required in production.')
    const file = developmentKeys(config.integrity.keyFile)
    hmacKey ??= parseHmacKey(file.hmacKey)
    signingKeyPem ??= parseSigningKey(file.signingKey)
    if (!hmacKey || !signingKeyPem) throw new Error(`The integrity key file ${config.integrity.keyFile} is not valid: restore it from a copy (seals and checkpoints made with its keys verify only with them).`)
  }
  const signingKey = createPrivateKey(signingKeyPem)
  const publicKey = createPublicKey(signingKey)
  const keys: IntegrityKeys = Object.freeze({
    hmacKey,
    signingKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: publicKeyIdOf(publicKey),
  })
  cache.set(config.integrity, keys)
  return keys
}
