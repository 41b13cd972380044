-- One access policy (issue 11): routed referrals, join requests and a complete audit.

-- A referral is for a team, or (no team) for the partnership's front door, screened by the
-- managers marked as front-door screeners.
ALTER TABLE referral ADD COLUMN routed_team_id uuid REFERENCES team(id);
CREATE INDEX referral_routed_team ON referral(routed_team_id, status);
ALTER TABLE app_user ADD COLUMN front_door_screener boolean NOT NULL DEFAULT false;

-- A screener who may not open a family that possibly matches a referral asks that family's lead or
-- manager to join the referral to it; nobody grants themselves access.
CREATE TABLE join_request (
  id uuid PRIMARY KEY,
  referral_id uuid NOT NULL REFERENCES referral(id),
  family_id uuid NOT NULL REFERENCES family(id),
  requested_by uuid NOT NULL REFERENCES app_user(id),
  requested_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','refused')),
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz,
  reason text NOT NULL DEFAULT ''
);
CREATE INDEX join_request_family ON join_request(family_id, status);
CREATE UNIQUE INDEX join_request_one_pending ON join_request(referral_id, family_id) WHERE status = 'pending';

-- On what basis each audited access was allowed (team around the family, a manager of someone in
-- it, a routed referral, a list), shown on "Who has seen this family".
ALTER TABLE audit_event ADD COLUMN basis text NOT NULL DEFAULT '';

-- Each family shown in a list, export or report: one row per family per audited read.
CREATE TABLE audit_family_shown (
  event_id bigint NOT NULL REFERENCES audit_event(id),
  family_id uuid NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX audit_family_shown_family ON audit_family_shown(family_id, at);

CREATE TRIGGER audit_family_shown_no_update BEFORE UPDATE OR DELETE ON audit_family_shown
  FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();

-- A request the policy allowed whose work then failed (404 on a member id, 409, 400): recorded,
-- with what failed, through a savepoint in the same transaction.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_outcome_check CHECK (outcome IN ('allowed','denied','failed'));
