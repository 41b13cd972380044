-- Sign-in lockout by email and address together (see accessService.signIn). An email is locked
-- after many failures from anywhere; a row here records the lock and any administrator's unlock.
-- Keyed by the email as typed (lower-cased), not the user, so the answer is the same whether or
-- not an account has that email.
CREATE TABLE sign_in_lock (
  email text PRIMARY KEY,
  locked_at timestamptz NOT NULL,
  locked_until timestamptz,
  unlocked_at timestamptz,
  unlocked_by uuid REFERENCES app_user(id)
);

CREATE INDEX login_attempt_email_lower_at ON login_attempt (lower(email), at);
