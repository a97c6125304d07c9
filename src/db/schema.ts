// Kysely table types: the TypeScript view of the migrations in migrations/.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/** timestamptz: written as a Date, read back as a Date. */
type Timestamp = ColumnType<Date, Date, Date>

export const USER_ROLES = ['expert', 'admin', 'researcher'] as const
export type UserRole = (typeof USER_ROLES)[number]

export const USER_STATUSES = ['pending', 'active', 'disabled', 'rejected'] as const
export type UserStatus = (typeof USER_STATUSES)[number]

export const LOGIN_METHODS = ['sms', 'virtu'] as const
export type LoginMethod = (typeof LOGIN_METHODS)[number]

export const PROFESSIONS = [
  'police',
  'social_work',
  'youth_work',
  'health_care',
  'psychiatric_nursing',
  'school',
  'other',
] as const
export type Profession = (typeof PROFESSIONS)[number]

/** The languages a person can register in (users.language). */
export const USER_LANGUAGES = ['fi', 'sv', 'en'] as const
export type UserLanguage = (typeof USER_LANGUAGES)[number]

export const SESSION_END_REASONS = ['logout', 'user_disabled', 'idle', 'expired', 'role_changed', 'password_reset'] as const
export type SessionEndReason = (typeof SESSION_END_REASONS)[number]

export const AUDIT_EVENTS = [
  'login_success',
  'login_failure',
  'code_sent',
  'code_failure',
  'lockout',
  'logout',
  'registration',
  'approval',
  'rejection',
  'role_change',
  'team_change',
  'user_disabled',
  'user_enabled',
  'team_created',
  'team_updated',
  'admin_created',
  'report_exported',
  'codebook_exported',
  'token_created',
  'token_revoked',
  'token_used',
  'saml_failure',
  'release_made',
  'password_reset_requested',
  'password_reset',
  'notice_sent',
  'form_withdrawal_requested',
  'form_withdrawal_confirmed',
  'form_withdrawal_declined',
  'audit_exported',
] as const
export type AuditEvent = (typeof AUDIT_EVENTS)[number]

export interface TeamsTable {
  id: Generated<string>
  name: string
  police_department: string
  wellbeing_county: string
  municipalities: ColumnType<string[], string[] | undefined, string[]>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface UsersTable {
  id: Generated<string>
  team_id: string | null
  name: string
  email: string
  phone: string | null
  /** null for researchers and administrators (migrations/0018_registration_roles.sql); an expert always has one */
  profession: Profession | null
  /** the organisation a researcher registered for (2-160 characters) */
  organisation: ColumnType<string | null, string | null | undefined, string | null>
  /** the language the person registered in, used for their notices */
  language: ColumnType<UserLanguage, UserLanguage | undefined, UserLanguage>
  /** when the administrators' registrations digest first mentioned this registration */
  admins_notified_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  role: ColumnType<UserRole, UserRole | undefined, UserRole>
  login_method: LoginMethod
  password_hash: string | null
  virtu_local_id: string | null
  virtu_home_organization: string | null
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>
  created_at: Timestamp
  updated_at: Timestamp
  decided_at: Date | null
  decided_by: string | null
}

export interface SessionsTable {
  id: Generated<string>
  user_id: string
  method: LoginMethod
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
  ended_at: Date | null
  end_reason: SessionEndReason | null
}

export interface SmsChallengesTable {
  id: Generated<string>
  user_id: string
  code_hash: string
  created_at: Timestamp
  expires_at: Timestamp
  attempts: Generated<number>
  consumed_at: Date | null
  superseded_at: Date | null
}

export interface AuditLogTable {
  id: Generated<string>
  occurred_at: Timestamp
  event: AuditEvent
  actor_user_id: string | null
  subject_user_id: string | null
  account_key: string | null
  ip: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, never>
}

export interface SchemaMigrationsTable {
  name: string
  applied_at: Generated<Date>
}

export interface Database {
  teams: TeamsTable
  users: UsersTable
  sessions: SessionsTable
  sms_challenges: SmsChallengesTable
  audit_log: AuditLogTable
  schema_migrations: SchemaMigrationsTable
  meeting_forms: MeetingFormsTable
  activity_records: ActivityRecordsTable
  integrity_chain: IntegrityChainTable
  integrity_pending: IntegrityPendingTable
  integrity_seals: IntegritySealsTable
  integrity_checkpoints: IntegrityCheckpointsTable
  wellbeing_counties: WellbeingCountiesTable
  police_departments: PoliceDepartmentsTable
  municipalities: MunicipalitiesTable
  virtu_authn_requests: VirtuAuthnRequestsTable
  virtu_consumed_assertions: VirtuConsumedAssertionsTable
  api_tokens: ApiTokensTable
  rate_limit_counters: RateLimitCountersTable
  releases: ReleasesTable
  release_forms: ReleaseFormsTable
  release_aggregates: ReleaseAggregatesTable
  release_tables: ReleaseTablesTable
  release_volumes: ReleaseVolumesTable
  release_activity: ReleaseActivityTable
  form_drafts: FormDraftsTable
  form_withdrawal_requests: FormWithdrawalRequestsTable
  form_withdrawal_decisions: FormWithdrawalDecisionsTable
  password_resets: PasswordResetsTable
}

/** A password reset link, stored as the SHA-256 of its secret (migrations/0016_password_resets.sql). */
export interface PasswordResetsTable {
  id: Generated<string>
  user_id: string
  token_hash: string
  created_at: Timestamp
  expires_at: Timestamp
  sms_challenge_id: string | null
  code_failures: Generated<number>
  code_verified_at: Date | null
  used_at: Date | null
  superseded_at: Date | null
}

/** A form in progress (migrations/0014_form_drafts.sql); user_id NULL: answers waiting for a login. */
export interface FormDraftsTable {
  id: string
  user_id: string | null
  answers: ColumnType<Record<string, unknown>, string, string>
  idempotency_key: string
  created_at: Timestamp
  updated_at: Timestamp
  expires_at: Timestamp
}

/** Releases and what they published (migrations/0013_publication.sql); append-only. */
export const RELEASE_MAKERS = ['schedule', 'administrator', 'command'] as const
export type ReleaseMaker = (typeof RELEASE_MAKERS)[number]

export interface ReleasesTable {
  id: number
  /** date, first day of the last closed month the release holds */
  through_month: string
  made_at: Timestamp
  made_by: string | null
  made_how: ReleaseMaker
  method: ColumnType<unknown, string, never>
}
export interface ReleaseFormsTable {
  form_id: string
  release_id: number
}
export interface ReleaseAggregatesTable {
  aggregate_key: string
  release_id: number
  period: string
  area: string
  forms: number
  status: 'published' | 'withheld'
  reason: string | null
  cutoff_release: number
}
export interface ReleaseTablesTable {
  aggregate_key: string
  table_key: string
  cells: ColumnType<unknown, string, never>
}
export interface ReleaseVolumesTable {
  release_id: number
  month: string
  team_id: string
  wellbeing_county: string
  police_department: string
  meeting_kind: string
  forms: number
}
export interface ReleaseActivityTable {
  release_id: number
  month: string
  team_id: string
  kind: string
  age_band: string
  records: number
  participants: number
}

export type Team = Selectable<TeamsTable>
export type NewTeam = Insertable<TeamsTable>
export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
export type Session = Selectable<SessionsTable>

/** AuthnRequests sent to the VIRTU IdP and not yet answered (migrations/0002_virtu.sql). */
export interface VirtuAuthnRequestsTable {
  id: string
  created_at: Timestamp
}

/** SAML assertions already accepted once, so a replay is refused (migrations/0002_virtu.sql). */
export interface VirtuConsumedAssertionsTable {
  assertion_id: string
  in_response_to: string
  seen_at: Timestamp
  expires_at: Timestamp
}

/** Multiple-choice answers: text[] in PostgreSQL. */
type Codes = string[]

/**
 * meeting_forms: metadata, then one column per question of the form definition (version 1) and
 * the two derived age fields. The definition is the source; test/features/forms-storage.test.ts
 * checks that these columns and the table's constraints agree with it.
 */
export interface MeetingFormsTable {
  id: string
  team_id: string
  submitted_by: string
  definition_version: number
  idempotency_key: string
  request_hash: string
  created_at: Timestamp
  /** date, first day of the month; read back with to_char(..., 'YYYY-MM') */
  meeting_month: string
  meeting_kind: string
  gender: string
  age: number
  home_municipality: string
  /** generated: the municipality code, or null for "not known / abroad" */
  home_municipality_known: ColumnType<string | null, never, never>
  child_welfare_notification: string
  earlier_welfare_client: string
  has_hobby: string
  guided_hobby: string | null
  gang_like_group: string
  first_time_in_anchor: string
  times_in_anchor: number | null
  meeting_topics: Codes
  under_influence: string
  client_role: string
  information_sources: Codes
  referred_onward: string
  referral_services: Codes | null
  meeting_participants: Codes
  response_time_days: number | null
  working_methods: Codes
  continuation_plan: Codes
  regret_own: string
  regret_team: string
  usefulness: string
  under_15: boolean
  adult_client: boolean
  /** the team's areas when the form was filed (migrations/0013_publication.sql) */
  wellbeing_county: string
  police_department: string
  /** false for forms filed before areas were recorded: their areas were filled in afterwards */
  area_recorded_at_filing: ColumnType<boolean, boolean | undefined, never>
  /** secret random record key of the cell-key method (bigint: read back as a string); never shown */
  record_key: ColumnType<string, number, never>
}

export const ACTIVITY_KINDS = ['refusal', 'coffee_meeting', 'stakeholder_meeting'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]
export const REFUSAL_AGE_BANDS = ['under_15', '15_plus'] as const
export type RefusalAgeBand = (typeof REFUSAL_AGE_BANDS)[number]

export interface ActivityRecordsTable {
  id: string
  team_id: string
  submitted_by: string
  idempotency_key: string
  request_hash: string
  created_at: Timestamp
  kind: ActivityKind
  /** date, first day of the month */
  activity_month: string
  age_band: RefusalAgeBand | null
  participants: number | null
}

/** The kinds of record the integrity chain covers (migrations 0004 and 0017). */
export type IntegrityRecordKind = 'meeting_form' | 'activity_record' | 'withdrawal_request' | 'withdrawal_decision'

export interface IntegrityChainTable {
  /** bigint: read back as a string */
  seq: ColumnType<string, string, never>
  record_kind: IntegrityRecordKind
  record_id: string
  content_hash: string
  /** the plain SHA-256 link of a record chained before sealing (migration 0012); null when sealed */
  chain_hash: string | null
  /** bigint: the seal that covers this link (null for older links) */
  seal_seq: ColumnType<string | null, string | null | undefined, never>
  created_at: Timestamp
}

export interface IntegrityPendingTable {
  record_id: string
  record_kind: IntegrityRecordKind
  content_hash: string
  filed_at: Timestamp
}

export interface IntegritySealsTable {
  /** bigint columns: read back as strings */
  seal_seq: ColumnType<string, string, never>
  scheme: 'hmac-sha256-merkle-v1'
  first_leaf: ColumnType<string, string, never>
  leaf_count: number
  tree_size: ColumnType<string, string, never>
  merkle_root: string
  previous_hash: string
  seal_hash: string
  sealed_at: Timestamp
}

export interface IntegrityCheckpointsTable {
  id: ColumnType<string, never, never>
  tree_size: ColumnType<string, string, never>
  root_hash: string
  made_at: Timestamp
  key_id: string
  signature: string
  reason: 'start' | 'daily' | 'administrator'
  made_by: string | null
}

export interface WellbeingCountiesTable {
  code: string
}

export interface PoliceDepartmentsTable {
  code: string
}

export interface MunicipalitiesTable {
  code: string
  wellbeing_county: string | null
  police_department: string | null
  aland: boolean
}

export interface ApiTokensTable {
  id: string
  user_id: string
  name: string
  token_hash: string
  created_at: Timestamp
  expires_at: Timestamp
  last_used_at: Date | null
  revoked_at: Date | null
  revoked_by: string | null
}

/** Rate limiter counters shared by every instance (migrations/0008_rate_limits.sql). */
export interface RateLimitCountersTable {
  key: string
  hits: number
  window_ends: Timestamp
}

/** Withdrawals of forms filed in error (migrations/0017_form_withdrawals.sql); append-only. */
export const WITHDRAWAL_REASONS = ['duplicate', 'wrong_team', 'not_anchor_meeting', 'test'] as const
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number]
export const WITHDRAWAL_DECISIONS = ['confirmed', 'declined'] as const
export type WithdrawalDecision = (typeof WITHDRAWAL_DECISIONS)[number]

export interface FormWithdrawalRequestsTable {
  id: string
  form_id: string
  reason: WithdrawalReason
  requested_by: string
  requested_at: Timestamp
}
export interface FormWithdrawalDecisionsTable {
  id: string
  request_id: string
  form_id: string
  requested_by: string
  decision: WithdrawalDecision
  decided_by: string
  decided_at: Timestamp
  /** set on a confirmation: whether the form's answers were already in a decided answer table */
  answers_published: boolean | null
}
