-- A referral form filled in from somewhere else (an identified household): its answers wait here,
-- under an id, instead of travelling in a URL. Drafts are personal data: read and written through
-- the referrals service, which checks who may open them and audits every read.
CREATE TABLE referral_draft (
  id uuid PRIMARY KEY,
  created_by uuid NOT NULL REFERENCES app_user(id),
  source_type text NOT NULL,
  source_id uuid,
  fields jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX referral_draft_created_at ON referral_draft(created_at);
