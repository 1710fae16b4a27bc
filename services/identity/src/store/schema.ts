// The identity schema: users (with roles, password hashes, MFA secrets, lockout state), care teams,
// oidc-provider's artefacts (sessions, grants, codes, refresh tokens, clients, replay records),
// signing keys and cookie secrets, SMART launch contexts, break-glass grants and subject revocations.
import type { Migration } from '@healthlane/store';

export const identityMigrations: Migration[] = [
  {
    version: 1,
    name: 'create-identity',
    sql: `
CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity.app_user (
  id              text        PRIMARY KEY,
  username        text        NOT NULL UNIQUE,
  display_name    text        NOT NULL DEFAULT '',
  roles           text[]      NOT NULL,
  -- A patient user's own Patient resource id (role 'patient').
  patient_id      text,
  password_hash   text        NOT NULL,
  totp_secret     text,
  totp_last_step  bigint,
  failed_logins   integer     NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  disabled        boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);

-- Care teams for escalation (charge nurse, rapid response team) and the patients they look after.
CREATE TABLE identity.care_team (
  id         text        PRIMARY KEY,
  name       text        NOT NULL,
  kind       text        NOT NULL CHECK (kind IN ('ward', 'charge-nurse', 'rapid-response', 'other')),
  created_at timestamptz NOT NULL
);
CREATE TABLE identity.care_team_member (
  team_id  text NOT NULL REFERENCES identity.care_team (id) ON DELETE CASCADE,
  user_id  text NOT NULL REFERENCES identity.app_user (id) ON DELETE CASCADE,
  position text NOT NULL DEFAULT 'member',
  PRIMARY KEY (team_id, user_id)
);
CREATE TABLE identity.care_team_patient (
  team_id    text NOT NULL REFERENCES identity.care_team (id) ON DELETE CASCADE,
  patient_id text NOT NULL,
  PRIMARY KEY (team_id, patient_id)
);

-- oidc-provider's models, one row per artefact; the columns beside payload are its lookup keys.
CREATE TABLE identity.oidc_model (
  model       text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  uid         text,
  user_code   text,
  account_id  text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_model_grant ON identity.oidc_model (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_model_uid ON identity.oidc_model (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_model_account ON identity.oidc_model (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX oidc_model_expires ON identity.oidc_model (expires_at) WHERE expires_at IS NOT NULL;

-- Token signing keys (private JWKs) and cookie-signing secrets, generated on first start.
CREATE TABLE identity.signing_key (
  kid        text        PRIMARY KEY,
  jwk        jsonb       NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE identity.secret (
  name  text PRIMARY KEY,
  value text NOT NULL
);

-- SMART launch: contexts an EHR registers before launching an app, and the context each grant got.
CREATE TABLE identity.launch_context (
  id         text        PRIMARY KEY,
  patient    text,
  encounter  text,
  created_by text        NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE identity.grant_context (
  grant_id  text PRIMARY KEY,
  patient   text,
  encounter text
);

-- Break-glass: emergency access by one user to one patient, with a reason, for a bounded time.
CREATE TABLE identity.break_glass (
  id         text        PRIMARY KEY,
  user_id    text        NOT NULL REFERENCES identity.app_user (id),
  patient_id text        NOT NULL,
  reason     text        NOT NULL CHECK (length(reason) > 0),
  opened_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX break_glass_user ON identity.break_glass (user_id, expires_at);
`,
  },
  {
    version: 2,
    name: 'subject-revocations',
    sql: `
-- Revocations verifiers must honour (a user disabled, a password reset): the latest per subject.
-- Verifiers load them at start and after a reconnect (GET /auth/revocations); the bus only
-- carries them live.
CREATE TABLE identity.subject_revocation (
  subject    text        PRIMARY KEY,
  revoked_at timestamptz NOT NULL,
  reason     text        NOT NULL
);
CREATE INDEX subject_revocation_at ON identity.subject_revocation (revoked_at);
`,
  },
];
