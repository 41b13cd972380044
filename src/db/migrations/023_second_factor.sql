-- A second factor for local accounts: a time-based one-time password (TOTP) and ten one-time
-- recovery codes (stored hashed). A session is usable once its second factor is done; an SSO
-- session whose issuer asserted multi-factor authentication starts with it done (the oidc work).

ALTER TABLE session ADD COLUMN IF NOT EXISTS second_factor_done boolean NOT NULL DEFAULT false;

-- The secret is kept as base32 text: the server must read it to check a code. confirmed_at is null
-- while a person is setting it up (the code they type confirms it). last_step is the last
-- 30-second step a code was accepted for: a code for it or an earlier step is refused.
CREATE TABLE second_factor (
  user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
  secret text NOT NULL,
  confirmed_at timestamptz,
  last_step bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recovery_code (
  user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- Wrong and right codes, for the same slowing-down as sign-in's.
CREATE TABLE second_factor_attempt (
  id bigserial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  succeeded boolean NOT NULL
);
CREATE INDEX second_factor_attempt_user ON second_factor_attempt(user_id, at);
