-- Single sign-on with OpenID Connect: people linked to an issuer's stable subject, people who
-- signed in through an issuer and wait for an administrator to give them a role, and what a
-- session knows about how it was authenticated.

-- Shared with the TOTP work (023): "this session has passed a second factor" (Lantern's own code,
-- or an issuer that asserted multi-factor authentication).
ALTER TABLE session ADD COLUMN IF NOT EXISTS second_factor_done boolean NOT NULL DEFAULT false;
-- When this session last proved who it is at its issuer (sign-in or re-authentication), real time.
ALTER TABLE session ADD COLUMN IF NOT EXISTS authenticated_at timestamptz;

-- A person at an issuer: (iss, sub) is stable for life, unlike an email address.
CREATE TABLE sso_identity (
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user(id),
  issuer_id text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identity_user ON sso_identity(user_id);

-- Someone the issuer vouched for but Lantern does not know: no access until an administrator
-- gives them a role, agency and team (decided_at set), or refuses them (row removed).
CREATE TABLE sso_pending_person (
  id uuid PRIMARY KEY,
  issuer text NOT NULL,
  subject text NOT NULL,
  issuer_id text NOT NULL,
  email text NOT NULL DEFAULT '',
  email_verified boolean NOT NULL DEFAULT false,
  display_name text NOT NULL DEFAULT '',
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer, subject)
);
