// An audit entry's details in words: each key gets a label and each value its meaning (a token's
// name for its id, a team's name, a role's label, "yes" for true). A key or code we do not know is
// still shown, as a readable label and its value, so nothing recorded is ever hidden.
import { AUDIT_EVENTS, type AuditEvent } from '../../db/schema.js'
import { hasKey, translate, type Lang } from '../../i18n/index.js'
import { referenceOf } from '../forms/form-reference.js'

/** Names of the things details refer to by id. */
export interface DetailNames {
  readonly tokens: ReadonlyMap<string, string>
  readonly teams: ReadonlyMap<string, string>
  readonly users: ReadonlyMap<string, string>
  /** A report area (`county:08`, `team:<id>`) by its name; undefined for one not known. */
  readonly area: (code: string) => string | undefined
}

export interface DetailInWords {
  readonly label: string
  readonly text: string
  /** A person the value names: the page links to them. */
  readonly userId?: string
}

type ValueKind = 'token' | 'team' | 'user' | 'area' | 'role' | 'method' | 'event' | 'code' | 'number' | 'release' | 'form' | 'withdrawal_reason' | 'text'

/** How each known detail key is read; a key not listed is shown as its value's text. */
const KEY_KINDS: Readonly<Record<string, ValueKind>> = {
  token: 'token',
  teamId: 'team',
  team: 'team',
  user: 'user',
  area: 'area',
  method: 'method',
  event: 'event',
  reason: 'code',
  via: 'code',
  view: 'code',
  format: 'code',
  made_how: 'code',
  scope: 'code',
  kind: 'code',
  channel: 'code',
  split_by: 'code',
  meeting_kind: 'code',
  release: 'release',
  days: 'number',
  minutes: 'number',
  rows: 'number',
  sessionsEnded: 'number',
  tokensRevoked: 'number',
  role: 'role',
  outcome: 'code',
  form: 'form',
  request: 'form',
}

/** The same key means different things in different events: `from` and `to` of a change. */
const EVENT_KEY_KINDS: Partial<Record<AuditEvent, Readonly<Record<string, ValueKind>>>> = {
  role_change: { from: 'role', to: 'role' },
  team_change: { from: 'team', to: 'team' },
  form_withdrawal_requested: { reason: 'withdrawal_reason' },
  form_withdrawal_confirmed: { reason: 'withdrawal_reason' },
  form_withdrawal_declined: { reason: 'withdrawal_reason' },
}

/** The ids inside details that need a name looked up. */
export function idsInDetails(entries: readonly { event: AuditEvent; details: Record<string, unknown> }[]): { tokens: string[]; teams: string[]; users: string[]; areas: boolean } {
  const ids = { tokens: new Set<string>(), teams: new Set<string>(), users: new Set<string>() }
  let areas = false
  for (const entry of entries) {
    for (const [key, value] of Object.entries(entry.details ?? {})) {
      if (typeof value !== 'string') continue
      const kind = kindOf(entry.event, key)
      if (kind === 'token') ids.tokens.add(value)
      else if (kind === 'team') ids.teams.add(value)
      else if (kind === 'user') ids.users.add(value)
      else if (kind === 'area') areas = true
    }
  }
  return { tokens: [...ids.tokens], teams: [...ids.teams], users: [...ids.users], areas }
}

function kindOf(event: AuditEvent, key: string): ValueKind {
  return EVENT_KEY_KINDS[event]?.[key] ?? KEY_KINDS[key] ?? 'text'
}

/** `sessionsEnded` -> "Sessions ended", `made_how` -> "Made how": for keys without a text of their own. */
function readableKey(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function labelOf(lang: Lang, key: string): string {
  const textKey = `audit_log.keys.${key}`
  return hasKey(lang, textKey) ? translate(lang, textKey) : readableKey(key)
}

const LOCALES: Record<Lang, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }

function textOf(lang: Lang, key: string, kind: ValueKind, value: unknown, names: DetailNames): { text: string; userId?: string } {
  if (value === null || value === undefined || value === '') {
    return { text: translate(lang, kind === 'team' ? 'audit_log.no_team' : 'audit_log.none') }
  }
  if (typeof value === 'boolean') return { text: translate(lang, value ? 'audit_log.yes' : 'audit_log.no') }
  if (typeof value === 'number') return { text: new Intl.NumberFormat(LOCALES[lang]).format(value) }
  if (typeof value !== 'string') return { text: JSON.stringify(value) }
  const known = (textKey: string) => (hasKey(lang, textKey) ? translate(lang, textKey) : value)
  switch (kind) {
    case 'token':
      return { text: names.tokens.get(value) ?? translate(lang, 'audit_log.unknown_token', { id: value }) }
    case 'team':
      return { text: names.teams.get(value) ?? value }
    case 'user': {
      const name = names.users.get(value)
      return name ? { text: name, userId: value } : { text: value }
    }
    case 'area':
      return { text: names.area(value) ?? value }
    case 'role':
      return { text: known(`roles.${value}`) }
    case 'method':
      return { text: known(`login_methods.${value}`) }
    case 'event':
      return { text: (AUDIT_EVENTS as readonly string[]).includes(value) ? translate(lang, `audit_events.${value}`) : value }
    case 'code':
      return { text: known(`audit_log.values.${key}.${value}`) }
    case 'number':
      return { text: /^-?\d+$/.test(value) ? new Intl.NumberFormat(LOCALES[lang]).format(Number(value)) : value }
    case 'release':
      return { text: translate(lang, 'audit_log.release_number', { number: value }) }
    case 'form':
      return { text: referenceOf(value) }
    case 'withdrawal_reason':
      return { text: known(`withdrawals.reasons.${value}`) }
    case 'text':
      return { text: value }
  }
}

/**
 * Keys read first, in this order (the database keeps a JSON object's keys in its own order, which
 * would put "to" before "from"); the others follow as stored.
 */
const KEY_ORDER = ['view', 'token', 'teamId', 'team', 'from', 'to', 'event', 'user', 'format', 'rows']
const orderOf = (key: string): number => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length)

export function detailsInWords(lang: Lang, event: AuditEvent, details: Record<string, unknown>, names: DetailNames): DetailInWords[] {
  const entries = Object.entries(details ?? {}).sort(([a], [b]) => orderOf(a) - orderOf(b))
  return entries.map(([key, value]) => {
    const { text, userId } = textOf(lang, key, kindOf(event, key), value, names)
    return { label: labelOf(lang, key), text, ...(userId ? { userId } : {}) }
  })
}

/** Details as one line of text, for the CSV file. */
export function detailsAsLine(details: readonly DetailInWords[]): string {
  return details.map((d) => `${d.label}: ${d.text}`).join('; ')
}
