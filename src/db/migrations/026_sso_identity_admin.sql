-- The administrator's page for a person shows each single sign-on account linked to them, when it
-- was last used to sign in, and can remove the link: each link gets an id for its button, and the
-- time of its latest sign-in (real time, set by the sign-in itself).
ALTER TABLE sso_identity ADD COLUMN IF NOT EXISTS id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX IF NOT EXISTS sso_identity_id ON sso_identity(id);
ALTER TABLE sso_identity ADD COLUMN IF NOT EXISTS last_sign_in_at timestamptz;
