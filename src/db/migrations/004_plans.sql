-- The whole-family assessment, the one family plan (versioned), the family contract and the safety plan.

-- One assessment per case: the family's own view and what they want to change; a row per member below.
CREATE TABLE assessment (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL UNIQUE REFERENCES casefile(id),
  family_view text NOT NULL DEFAULT '',
  wants_to_change text NOT NULL DEFAULT '',
  started_at timestamptz NOT NULL DEFAULT now(),
  started_by uuid REFERENCES app_user(id),
  completed_at timestamptz,
  completed_by uuid REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app_user(id),
  version integer NOT NULL DEFAULT 1
);

-- Each member's strengths, needs and risks in words, the CIN assessment factors identified,
-- and for a child their wishes and feelings (or why they were not recorded).
CREATE TABLE assessment_member (
  assessment_id uuid NOT NULL REFERENCES assessment(id),
  person_id uuid NOT NULL REFERENCES person(id),
  strengths text NOT NULL DEFAULT '',
  needs text NOT NULL DEFAULT '',
  risks text NOT NULL DEFAULT '',
  factor_codes text[] NOT NULL DEFAULT '{}',
  wishes_and_feelings text NOT NULL DEFAULT '',
  wishes_not_recorded_reason text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app_user(id),
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (assessment_id, person_id)
);

-- Each row is one version of the case's family plan. Version 1 is written as a draft and agreed;
-- each review copies the agreed version into a new draft, which replaces it when agreed. Old
-- versions are kept (superseded), never changed. `version` is the optimistic lock.
CREATE TABLE family_plan (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  number integer NOT NULL CHECK (number > 0),
  status text NOT NULL CHECK (status IN ('draft','agreed','superseded')),
  review_date date,
  based_on uuid REFERENCES family_plan(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES app_user(id),
  agreed_at timestamptz,
  agreed_by uuid REFERENCES app_user(id),
  superseded_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (case_id, number)
);
CREATE UNIQUE INDEX family_plan_one_draft ON family_plan(case_id) WHERE status = 'draft';
CREATE UNIQUE INDEX family_plan_one_agreed ON family_plan(case_id) WHERE status = 'agreed';

-- A goal in the family's words, tied to a Supporting Families headline outcome. lineage_id is the
-- same goal across versions; progress_note is what the review that made this version said.
CREATE TABLE plan_goal (
  id uuid PRIMARY KEY,
  plan_id uuid NOT NULL REFERENCES family_plan(id) ON DELETE CASCADE,
  lineage_id uuid NOT NULL,
  position integer NOT NULL,
  goal text NOT NULL,
  outcome_area text NOT NULL CHECK (outcome_area IN ('education','early_years','health','substance_use','family_relationships',
    'children_safe','crime','domestic_abuse','housing','financial_stability')),
  progress_note text NOT NULL DEFAULT '',
  carried_over boolean NOT NULL DEFAULT false,
  UNIQUE (plan_id, lineage_id)
);
CREATE INDEX plan_goal_plan ON plan_goal(plan_id, position);

-- What someone will do towards a goal, by when. The owner is a family member, a practitioner
-- in the team around the family, or another agency; owner_name keeps the name as agreed.
CREATE TABLE plan_action (
  id uuid PRIMARY KEY,
  plan_id uuid NOT NULL REFERENCES family_plan(id) ON DELETE CASCADE,
  goal_id uuid NOT NULL REFERENCES plan_goal(id) ON DELETE CASCADE,
  lineage_id uuid NOT NULL,
  position integer NOT NULL,
  description text NOT NULL,
  owner_type text NOT NULL CHECK (owner_type IN ('person','practitioner','agency')),
  owner_person_id uuid REFERENCES person(id),
  owner_user_id uuid REFERENCES app_user(id),
  owner_name text NOT NULL,
  due_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('not_started','in_progress','done','not_done')),
  CHECK ((owner_type = 'person') = (owner_person_id IS NOT NULL)),
  CHECK ((owner_type = 'practitioner') = (owner_user_id IS NOT NULL)),
  UNIQUE (plan_id, lineage_id)
);
CREATE INDEX plan_action_goal ON plan_action(goal_id, position);
CREATE INDEX plan_action_open_due ON plan_action(plan_id, due_on) WHERE status IN ('not_started','in_progress');

-- The family contract: what the family, the key worker and each agency commit to, and the
-- agreed consequences. agency_commitments is a list of { agency, commitment }.
CREATE TABLE family_contract (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL UNIQUE REFERENCES casefile(id),
  family_commitments text NOT NULL,
  key_worker_commitments text NOT NULL,
  agency_commitments jsonb NOT NULL DEFAULT '[]'::jsonb,
  consequences text NOT NULL,
  agreed_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app_user(id),
  version integer NOT NULL DEFAULT 1
);

-- The safety plan where children are at risk: the risks, what keeps the children safe, who does
-- what, and who to call (contacts is a list of { name, phone, when }, including out of hours).
CREATE TABLE safety_plan (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL UNIQUE REFERENCES casefile(id),
  risks text NOT NULL,
  keeping_safe text NOT NULL,
  who_does_what text NOT NULL,
  contacts jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app_user(id),
  version integer NOT NULL DEFAULT 1
);
