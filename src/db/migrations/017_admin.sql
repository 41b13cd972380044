-- Administration from the web: versions for optimistic locking on every record an administrator
-- edits, one-time invitation links, and indexes the audit viewer pages by.

ALTER TABLE app_user ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE agency ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE team ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE district ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE programme ADD COLUMN version integer NOT NULL DEFAULT 1;

-- An invited person has no password until they open their link: '' never verifies as argon2.
CREATE TABLE user_invitation (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id),
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX user_invitation_user ON user_invitation(user_id);

-- Sessions a person can see and end: a public id for the page (the primary key is the secret's
-- hash), and the browser and address it was signed in from.
ALTER TABLE session ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX session_public_id ON session(public_id);
ALTER TABLE session ADD COLUMN user_agent text NOT NULL DEFAULT '';
ALTER TABLE session ADD COLUMN ip text NOT NULL DEFAULT '';
CREATE INDEX session_by_user ON session(user_id);

-- The audit viewer pages newest first by id; each filter has an index that ends in id.
CREATE INDEX audit_event_user_id ON audit_event(user_id, id);
CREATE INDEX audit_event_family_id ON audit_event(family_id, id);
CREATE INDEX audit_event_action_id ON audit_event(action, id);
CREATE INDEX audit_event_at ON audit_event(at);
