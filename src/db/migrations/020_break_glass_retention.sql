-- Break glass, the data protection officer role, legal holds and retention (issue 12).

-- The data protection officer: sees who has seen any family, reviews break glass, runs subject
-- access exports and places legal holds; never reads or changes family records as casework.
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('practitioner','manager','analyst','administrator','dpo'));

-- Emergency read-only access to a family the practitioner or manager is not connected to, after
-- giving a reason and re-authenticating. Ends at expires_at (the app's clock); reviewed afterwards.
CREATE TABLE break_glass_grant (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  user_id uuid NOT NULL REFERENCES app_user(id),
  reason text NOT NULL,
  reauthenticated_by text NOT NULL,
  granted_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  reviewed_by uuid REFERENCES app_user(id),
  reviewed_at timestamptz,
  review_note text NOT NULL DEFAULT '',
  CHECK (expires_at > granted_at)
);
CREATE INDEX break_glass_grant_user ON break_glass_grant(user_id, family_id, expires_at);
CREATE INDEX break_glass_grant_family ON break_glass_grant(family_id, granted_at);
CREATE INDEX break_glass_grant_unreviewed ON break_glass_grant(granted_at) WHERE reviewed_at IS NULL;

-- Who was told: the family's lead and the actor's managers, each until they mark it read.
CREATE TABLE break_glass_notice (
  grant_id uuid NOT NULL REFERENCES break_glass_grant(id),
  user_id uuid NOT NULL REFERENCES app_user(id),
  why text NOT NULL CHECK (why IN ('lead','manager')),
  read_at timestamptz,
  PRIMARY KEY (grant_id, user_id)
);
CREATE INDEX break_glass_notice_unread ON break_glass_notice(user_id) WHERE read_at IS NULL;

-- A legal hold stops retention removing anything of the family until it is lifted.
CREATE TABLE legal_hold (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  reason text NOT NULL,
  placed_by uuid NOT NULL REFERENCES app_user(id),
  placed_at timestamptz NOT NULL,
  lifted_by uuid REFERENCES app_user(id),
  lifted_at timestamptz,
  lift_reason text NOT NULL DEFAULT ''
);
CREATE INDEX legal_hold_family ON legal_hold(family_id) WHERE lifted_at IS NULL;

-- How long each type of record is kept (months), editable by administrators. The defaults are
-- proposals for the council's data protection officer to confirm (README).
CREATE TABLE retention_rule (
  record_type text PRIMARY KEY CHECK (record_type IN ('closed_family','referral_not_accepted','referral_draft')),
  months integer NOT NULL CHECK (months BETWEEN 1 AND 1200),
  version integer NOT NULL DEFAULT 1,
  updated_by uuid REFERENCES app_user(id),
  updated_at timestamptz
);
INSERT INTO retention_rule (record_type, months) VALUES
  ('closed_family', 84), ('referral_not_accepted', 24), ('referral_draft', 1);

-- When retention anonymised a record (it stays, with no one identifiable in it).
ALTER TABLE family ADD COLUMN anonymised_at timestamptz;
ALTER TABLE referral ADD COLUMN anonymised_at timestamptz;
