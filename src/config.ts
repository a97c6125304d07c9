// The only reader of process.env: parses every setting with zod into a frozen Config, and refuses
// unsafe defaults in production with one message that names every missing setting.
import { createPrivateKey, randomBytes } from 'node:crypto'
import { z } from 'zod'

const DEVELOPMENT_SECRET_NOTE = 'development-only-secret'

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  // false, a number of proxy hops, or a comma-separated list of proxy addresses / CIDR ranges
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      const text = v.trim()
      if (text === '' || text === 'false') return false
      if (/^\d{1,2}$/.test(text)) return Number(text)
      const list = text.split(',').map((s) => s.trim()).filter(Boolean)
      if (text === 'true' || list.some((item) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item))) {
        ctx.addIssue({ code: 'custom', message: 'give a number of proxy hops or the proxies\' addresses (true would let clients choose their own address)' })
        return z.NEVER
      }
      return list
    }),
  DATABASE_URL: optionalText,
  DATABASE_OWNER_URL: optionalText,
  PGLITE_DIR: z.string().default('data/pglite'),
  TEST_DATABASE_URL: optionalText,
  SESSION_SECRET: optionalText,
  SMS_LOGIN_ENABLED: flag.default(true),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  SMS_OUTBOX_FILE: optionalText,
  VIRTU_ENABLED: flag.default(false),
  VIRTU_IDP_SSO_URL: optionalText,
  VIRTU_IDP_CERT: optionalText,
  VIRTU_IDP_ENTITY_ID: optionalText,
  VIRTU_SP_ENTITY_ID: optionalText,
  VIRTU_SP_PRIVATE_KEY: optionalText,
  VIRTU_SP_CERT: optionalText,
  DISCLOSURE_THRESHOLD: z.coerce.number().int().min(3).max(100).default(5),
  INTEGRITY_HMAC_KEY: optionalText,
  INTEGRITY_SIGNING_KEY: optionalText,
  INTEGRITY_KEY_FILE: z.string().default('data/integrity-keys.json'),
  INTEGRITY_SEAL_INTERVAL_MS: z.coerce.number().int().min(200).max(10_000).default(1500),
  INTEGRITY_MAX_SEAL_DELAY_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  INTEGRITY_CHECKPOINT_HOURS: z.coerce.number().min(0.01).max(24).default(24),
  // Slow or stalled clients must not hold connections (and memory) for ever.
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  EXPORTS_MAX_CONCURRENT: z.coerce.number().int().min(1).max(100).default(4),
  EXPORTS_MAX_PER_USER: z.coerce.number().int().min(1).max(20).default(2),
  SETUP_TOKEN: optionalText,
  PUBLICATION_MAX_NOISE: z.coerce.number().int().min(2).max(20).default(5),
  PUBLICATION_NOISE_VARIANCE: z.coerce.number().min(0.5).max(10).default(1.5),
  PUBLICATION_MIN_FORMS: z.coerce.number().int().min(5).max(1000).default(20),
  RELEASE_DAY: z.coerce.number().int().min(1).max(28).default(5),
  RELEASE_SCHEDULE_ENABLED: flag.default(true),
  FORM_DRAFT_HOURS: z.coerce.number().min(1).max(24 * 14).default(72),
  SMTP_HOST: optionalText,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  // true: TLS from the first byte (usually port 465); false: STARTTLS, which is then required
  SMTP_SECURE: flag.default(false),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  MAIL_FROM: optionalText,
  EMAIL_OUTBOX_FILE: optionalText,
  PASSWORD_RESET_MINUTES: z.coerce.number().int().min(5).max(120).default(30),
  OPERATOR_NAME: optionalText,
  OPERATOR_ADDRESS: optionalText,
  OPERATOR_EMAIL: optionalText,
  OPERATOR_PHONE: optionalText,
  PRIVACY_EMAIL: optionalText,
  ACCESSIBILITY_EMAIL: optionalText,
})

export type Environment = 'development' | 'test' | 'production'

export interface TwilioConfig {
  readonly accountSid: string
  readonly authToken: string
  readonly from: string
}

export interface SmtpConfig {
  readonly host: string
  readonly port: number
  readonly secure: boolean
  readonly user: string | undefined
  readonly password: string | undefined
  /** The From address of every message, e.g. `Ankkuri-tilastot <noreply@example.fi>`. */
  readonly from: string
}

/** Who runs the service: shown in the statements, the privacy notice and the help page. */
export interface OperatorConfig {
  readonly name: string
  readonly address: string
  readonly email: string
  readonly phone: string | undefined
  /** Where questions about personal data go (the data protection officer). */
  readonly privacyEmail: string
  /** Where feedback on accessibility goes. */
  readonly accessibilityEmail: string
  /** True when these are the development examples, not the operator's own settings. */
  readonly isExample: boolean
}

export interface VirtuConfig {
  readonly idpSsoUrl: string
  /** PEM (or bare base64) certificate of the IdP's signing key. */
  readonly idpCert: string
  /** The IdP's entity id: the only Issuer accepted on its responses and assertions. */
  readonly idpEntityId: string
  readonly spEntityId: string
  readonly spPrivateKey: string | undefined
  readonly spCert: string | undefined
}

export interface Config {
  readonly env: Environment
  readonly host: string
  readonly port: number
  readonly publicUrl: string
  readonly logLevel: string
  /** false, a hop count, or trusted proxy addresses: which X-Forwarded-For entries to believe. */
  readonly trustProxy: false | number | readonly string[]
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  readonly databaseUrl: string | undefined
  /**
   * PostgreSQL connection of the schema's owner, for migrations and integrity checks. When set,
   * the service's own DATABASE_URL role need not own anything (see README), so not even a
   * RESET ROLE gives it the right to change a form. Defaults to DATABASE_URL.
   */
  readonly databaseOwnerUrl: string | undefined
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  readonly pgliteDir: string
  readonly testDatabaseUrl: string | undefined
  readonly sessionSecret: string
  readonly secureCookies: boolean
  readonly sms: {
    readonly enabled: boolean
    readonly twilio: TwilioConfig | undefined
    readonly outboxFile: string | undefined
  }
  readonly email: {
    /** undefined outside production when SMTP_HOST is not set: messages go to the console. */
    readonly smtp: SmtpConfig | undefined
    readonly outboxFile: string | undefined
  }
  /** How long a password reset link works. */
  readonly passwordResetLifetimeMs: number
  readonly operator: OperatorConfig
  readonly virtu: VirtuConfig | undefined
  readonly disclosureThreshold: number
  /** How published counts are protected (docs/disclosure.md) and when releases are made. */
  readonly publication: PublicationConfig
  readonly integrity: IntegrityConfig
  readonly http: {
    /** The whole request (headers and body) must arrive within this (Node's requestTimeout). */
    readonly requestTimeoutMs: number
    /** The headers must arrive within this (Node's headersTimeout). */
    readonly headersTimeoutMs: number
    /** A connection with no traffic for this long is closed (the socket timeout). */
    readonly connectionTimeoutMs: number
  }
  /** How long a form in progress is kept after its last change (then it is deleted). */
  readonly formDraftLifetimeMs: number
  /** Heavy exports (XLSX) running at once: in the whole instance, and per user. */
  readonly exports: { readonly maxConcurrent: number; readonly maxPerUser: number }
  /**
   * The secret of the set-up address that creates the first administrator while none is active.
   * SETUP_TOKEN, or outside production a fresh random one at each start; in production without
   * SETUP_TOKEN there is no set-up address.
   */
  readonly setupToken: string | undefined
  /** Whether PUBLIC_URL was given; otherwise the address is the host and port the server listens on. */
  readonly publicUrlGiven: boolean
}

export interface PublicationConfig {
  /** k: no published count about young people lies between 1 and k-1 */
  readonly threshold: number
  /** D: the largest change of a count */
  readonly maxNoise: number
  /** V: the variance of the change */
  readonly noiseVariance: number
  /** smallest group of forms whose answers are published, and smallest difference between two published groups */
  readonly minForms: number
  /** day of the month on which the scheduled release for the month before is made */
  readonly releaseDay: number
  readonly scheduleEnabled: boolean
}

export interface IntegrityConfig {
  /** The key of the seals' HMAC; undefined outside production means the development key file. */
  readonly hmacKey: Buffer | undefined
  /** PEM of the Ed25519 key that signs checkpoints; undefined likewise. */
  readonly signingKeyPem: string | undefined
  /** Development and test only: where keys not given in settings are kept between starts. */
  readonly keyFile: string
  readonly sealIntervalMs: number
  /** A record must be under a seal this long after it was filed; verify reports any that is not. */
  readonly maxSealDelayMs: number
  readonly checkpointIntervalMs: number
}

/** A secret of at least 32 bytes, given as hex or base64; undefined when it is neither or too weak. */
export function parseHmacKey(text: string): Buffer | undefined {
  const bytes = /^(?:[0-9a-fA-F]{2}){32,}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined
  // a repeated or patterned value (e.g. "aaaa...") is not random: refuse it
  if (!bytes || bytes.length < 32 || new Set(bytes).size < 16) return undefined
  return bytes
}

/** An Ed25519 private key as PEM, or the base64 of its PKCS#8 DER; undefined when it is neither. */
export function parseSigningKey(text: string): string | undefined {
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey(text.replace(/\\n/g, '\n'))
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' })
    if (key.asymmetricKeyType !== 'ed25519') return undefined
    return key.export({ format: 'pem', type: 'pkcs8' }).toString()
  } catch {
    return undefined
  }
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration is not valid:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

/** Reads the settings from an environment (process.env by default). Throws ConfigError. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  const problems: string[] = []

  if (production) {
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET is required (at least 32 random characters)')
    else if (e.SESSION_SECRET.length < 32 || e.SESSION_SECRET.includes(DEVELOPMENT_SECRET_NOTE) || /change.?me/i.test(e.SESSION_SECRET)) {
      problems.push('SESSION_SECRET must be at least 32 random characters, not an example value')
    }
    if (!e.DATABASE_URL) problems.push('DATABASE_URL is required (the embedded database is for development only)')
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL is required (the https address users reach the service at)')
    if (e.SMS_LOGIN_ENABLED) {
      for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) {
        if (!e[name]) problems.push(`${name} is required when SMS login is on (SMS_LOGIN_ENABLED)`)
      }
      if (e.SMS_OUTBOX_FILE) problems.push('SMS_OUTBOX_FILE must not be set in production (it writes one-time codes to a file)')
    }
  }
  const publicUrlProblem = e.PUBLIC_URL === undefined ? undefined : publicUrlProblemOf(e.PUBLIC_URL, production)
  if (publicUrlProblem) problems.push(publicUrlProblem)
  if (production) {
    if (!e.SMTP_HOST) problems.push('SMTP_HOST is required (password reset links and notices are sent by e-mail)')
    if (!e.MAIL_FROM) problems.push('MAIL_FROM is required (the sender address of the service\'s e-mail)')
    if (e.EMAIL_OUTBOX_FILE) problems.push('EMAIL_OUTBOX_FILE must not be set in production (it writes reset links to a file)')
    if (e.SMTP_USER && !e.SMTP_PASSWORD) problems.push('SMTP_PASSWORD is required when SMTP_USER is set')
    for (const name of ['OPERATOR_NAME', 'OPERATOR_ADDRESS', 'OPERATOR_EMAIL', 'PRIVACY_EMAIL', 'ACCESSIBILITY_EMAIL'] as const) {
      if (!e[name]) problems.push(`${name} is required (the accessibility statement and the privacy notice name the operator)`)
    }
  }
  if (e.VIRTU_ENABLED) {
    for (const name of ['VIRTU_IDP_SSO_URL', 'VIRTU_IDP_CERT', 'VIRTU_IDP_ENTITY_ID', 'VIRTU_SP_ENTITY_ID'] as const) {
      if (!e[name]) problems.push(`${name} is required when VIRTU login is on (VIRTU_ENABLED)`)
    }
    if (production && (!e.VIRTU_SP_PRIVATE_KEY || !e.VIRTU_SP_CERT)) {
      problems.push('VIRTU_SP_PRIVATE_KEY and VIRTU_SP_CERT are required in production when VIRTU login is on')
    }
  }
  const hmacKey = e.INTEGRITY_HMAC_KEY === undefined ? undefined : parseHmacKey(e.INTEGRITY_HMAC_KEY)
  if (e.INTEGRITY_HMAC_KEY !== undefined && !hmacKey) {
    problems.push('INTEGRITY_HMAC_KEY must be at least 32 random bytes, as hex or base64 (e.g. `openssl rand -base64 32`)')
  } else if (production && !hmacKey) {
    problems.push('INTEGRITY_HMAC_KEY is required (at least 32 random bytes as hex or base64; keep a copy outside the database)')
  }
  const signingKeyPem = e.INTEGRITY_SIGNING_KEY === undefined ? undefined : parseSigningKey(e.INTEGRITY_SIGNING_KEY)
  if (e.INTEGRITY_SIGNING_KEY !== undefined && !signingKeyPem) {
    problems.push('INTEGRITY_SIGNING_KEY must be an Ed25519 private key, as PEM or the base64 of its PKCS#8 DER (`openssl genpkey -algorithm ed25519`)')
  } else if (production && !signingKeyPem) {
    problems.push('INTEGRITY_SIGNING_KEY is required (an Ed25519 private key: `openssl genpkey -algorithm ed25519`)')
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) problems.push('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS')
  if (e.EXPORTS_MAX_PER_USER > e.EXPORTS_MAX_CONCURRENT) problems.push('EXPORTS_MAX_PER_USER must not be larger than EXPORTS_MAX_CONCURRENT')
  if (e.DATABASE_OWNER_URL && !e.DATABASE_URL) problems.push('DATABASE_OWNER_URL needs DATABASE_URL as well')
  // a count of 1 must be able to reach the threshold, or small counts could not be published unbiased
  if (e.PUBLICATION_MAX_NOISE < e.DISCLOSURE_THRESHOLD - 1) problems.push('PUBLICATION_MAX_NOISE must be at least DISCLOSURE_THRESHOLD - 1')
  if (!production && e.SESSION_SECRET !== undefined && e.SESSION_SECRET.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters')
  }
  if (e.SETUP_TOKEN !== undefined && (e.SETUP_TOKEN.length < 24 || /change.?me/i.test(e.SETUP_TOKEN))) {
    problems.push('SETUP_TOKEN must be at least 24 random characters, not an example value')
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const twilio =
    e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM }
      : undefined

  const virtu =
    e.VIRTU_ENABLED && e.VIRTU_IDP_SSO_URL && e.VIRTU_IDP_CERT && e.VIRTU_IDP_ENTITY_ID && e.VIRTU_SP_ENTITY_ID
      ? {
          idpSsoUrl: e.VIRTU_IDP_SSO_URL,
          idpCert: e.VIRTU_IDP_CERT,
          idpEntityId: e.VIRTU_IDP_ENTITY_ID,
          spEntityId: e.VIRTU_SP_ENTITY_ID,
          spPrivateKey: e.VIRTU_SP_PRIVATE_KEY,
          spCert: e.VIRTU_SP_CERT,
        }
      : undefined

  const smtp: SmtpConfig | undefined = e.SMTP_HOST
    ? { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER, password: e.SMTP_PASSWORD, from: e.MAIL_FROM ?? `noreply@${e.SMTP_HOST}` }
    : undefined

  // Outside production the statements show clearly marked examples until the operator's own are set.
  const operator: OperatorConfig = {
    name: e.OPERATOR_NAME ?? 'Example operator (set OPERATOR_NAME)',
    address: e.OPERATOR_ADDRESS ?? 'Example street 1, 00100 Helsinki',
    email: e.OPERATOR_EMAIL ?? 'anchor-support@example.invalid',
    phone: e.OPERATOR_PHONE,
    privacyEmail: e.PRIVACY_EMAIL ?? 'privacy@example.invalid',
    accessibilityEmail: e.ACCESSIBILITY_EMAIL ?? 'accessibility@example.invalid',
    isExample: !e.OPERATOR_NAME,
  }

  const publicUrl = (e.PUBLIC_URL ?? `http://${browserHost(e.HOST)}:${e.PORT}`).replace(/\/+$/, '')

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL ?? e.DATABASE_URL,
    pgliteDir: e.PGLITE_DIR,
    testDatabaseUrl: e.TEST_DATABASE_URL,
    // Outside production a missing secret gets a fresh random one: sessions end on restart, which
    // is the safe failure for a development machine.
    sessionSecret: e.SESSION_SECRET ?? `${DEVELOPMENT_SECRET_NOTE}-${randomBytes(24).toString('hex')}`,
    secureCookies: e.NODE_ENV === 'production' || publicUrl.startsWith('https://'),
    sms: Object.freeze({ enabled: e.SMS_LOGIN_ENABLED, twilio, outboxFile: e.SMS_OUTBOX_FILE }),
    email: Object.freeze({ smtp: smtp ? Object.freeze(smtp) : undefined, outboxFile: e.EMAIL_OUTBOX_FILE }),
    passwordResetLifetimeMs: e.PASSWORD_RESET_MINUTES * 60_000,
    operator: Object.freeze(operator),
    virtu: virtu ? Object.freeze(virtu) : undefined,
    disclosureThreshold: e.DISCLOSURE_THRESHOLD,
    publication: Object.freeze({
      threshold: e.DISCLOSURE_THRESHOLD,
      maxNoise: e.PUBLICATION_MAX_NOISE,
      noiseVariance: e.PUBLICATION_NOISE_VARIANCE,
      minForms: e.PUBLICATION_MIN_FORMS,
      releaseDay: e.RELEASE_DAY,
      scheduleEnabled: e.RELEASE_SCHEDULE_ENABLED,
    }),
    integrity: Object.freeze({
      hmacKey,
      signingKeyPem,
      keyFile: e.INTEGRITY_KEY_FILE,
      sealIntervalMs: e.INTEGRITY_SEAL_INTERVAL_MS,
      maxSealDelayMs: e.INTEGRITY_MAX_SEAL_DELAY_SECONDS * 1000,
      checkpointIntervalMs: Math.round(e.INTEGRITY_CHECKPOINT_HOURS * 3_600_000),
    }),
    http: Object.freeze({
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      connectionTimeoutMs: e.HTTP_CONNECTION_TIMEOUT_MS,
    }),
    formDraftLifetimeMs: Math.round(e.FORM_DRAFT_HOURS * 3_600_000),
    exports: Object.freeze({ maxConcurrent: e.EXPORTS_MAX_CONCURRENT, maxPerUser: e.EXPORTS_MAX_PER_USER }),
    setupToken: e.SETUP_TOKEN ?? (production ? undefined : randomBytes(24).toString('base64url')),
    publicUrlGiven: e.PUBLIC_URL !== undefined,
  })
}

/** The host a browser on this computer uses for a listening address: "localhost" for the loopback and any-address. */
export function browserHost(host: string): string {
  if (['127.0.0.1', '0.0.0.0', '::', '::1', '', 'localhost'].includes(host)) return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

/**
 * What is wrong with PUBLIC_URL, if anything: links in e-mails (a password reset link carries its
 * secret) are built on it, so it is an absolute http(s) address with nothing after the path, and in
 * production https, except for a local trial on this machine.
 */
function publicUrlProblemOf(value: string, production: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'PUBLIC_URL must be an absolute address, such as https://ankkuri.example.fi'
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username || url.password) {
    return 'PUBLIC_URL must be an http or https address without a query, fragment or credentials'
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (production && url.protocol !== 'https:' && !local) {
    return 'PUBLIC_URL must start with https:// in production (links sent by e-mail carry secrets); only a local trial on localhost may use http'
  }
  return undefined
}

/** The address users reach a server at: PUBLIC_URL, or the host and the port it really listens on (PORT=0). */
export function serviceUrl(config: Config, listeningPort: number = config.port): string {
  if (config.publicUrlGiven) return config.publicUrl
  return `http://${browserHost(config.host)}:${listeningPort}`
}
