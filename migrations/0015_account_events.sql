-- Accounts and the basics of an e-service: the audit log learns password resets, notices sent to
-- users, withdrawals of forms filed in error and downloads of the log itself; a password reset ends
-- every session of the account.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event IN (
  'login_success', 'login_failure', 'code_sent', 'code_failure', 'lockout', 'logout',
  'registration', 'approval', 'rejection', 'role_change', 'team_change',
  'user_disabled', 'user_enabled', 'team_created', 'team_updated', 'admin_created',
  'report_exported', 'codebook_exported', 'token_created', 'token_revoked', 'token_used',
  'saml_failure', 'release_made',
  'password_reset_requested', 'password_reset', 'notice_sent',
  'form_withdrawal_requested', 'form_withdrawal_confirmed', 'form_withdrawal_declined',
  'audit_exported'));

ALTER TABLE sessions DROP CONSTRAINT sessions_end_reason_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_end_reason_check
  CHECK (end_reason IN ('logout', 'user_disabled', 'idle', 'expired', 'role_changed', 'password_reset'));
