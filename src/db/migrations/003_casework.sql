-- Casework core: the programme catalogue, referrals and screening, and cases with their lifecycle.

CREATE TABLE programme (
  id uuid PRIMARY KEY,
  key text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL,
  duration_weeks integer NOT NULL CHECK (duration_weeks > 0),
  max_hours_per_week numeric(5,1) NOT NULL CHECK (max_hours_per_week > 0),
  min_visits_per_week integer NOT NULL CHECK (min_visits_per_week >= 0),
  max_visits_per_week integer NOT NULL,
  first_visit_hours integer NOT NULL CHECK (first_visit_hours > 0),
  review_interval_days integer NOT NULL CHECK (review_interval_days > 0),
  caseload_limit integer NOT NULL CHECK (caseload_limit > 0),
  follow_up_months integer[] NOT NULL,
  no_contact_alert_days integer NOT NULL DEFAULT 7,
  safety_plan_at_start boolean NOT NULL DEFAULT false,
  availability text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  CHECK (max_visits_per_week >= min_visits_per_week)
);

INSERT INTO programme (id, key, name, description, duration_weeks, max_hours_per_week, min_visits_per_week, max_visits_per_week,
  first_visit_hours, review_interval_days, caseload_limit, follow_up_months, no_contact_alert_days, safety_plan_at_start, availability) VALUES
('5d0c1e4a-0001-4a00-8000-000000000001', 'option-2', 'Option 2 crisis intervention',
 'Intensive crisis intervention for families where children are at imminent risk of coming into care. Safety plan at the start.',
 6, 25, 3, 7, 72, 14, 2, '{1,3,6,12}', 3, true, '07:30 to 20:00, seven days a week'),
('5d0c1e4a-0001-4a00-8000-000000000002', 'early-intervention', 'Early intervention (Families Plus)',
 'Hidden Harm early intervention for families where parental substance misuse puts children at risk.',
 12, 15, 2, 3, 72, 28, 6, '{1,3,6,12}', 7, false, 'Weekdays, with evening visits by arrangement'),
('5d0c1e4a-0001-4a00-8000-000000000003', 'intensive-family-support', 'Intensive Family Support',
 'Three to five home visits a week for five to nine months, with one key worker for the whole family.',
 39, 15, 3, 5, 120, 42, 6, '{3,6,12}', 5, false, 'Weekdays and evenings'),
('5d0c1e4a-0001-4a00-8000-000000000004', 'families-first', 'Families First',
 'Up to 8 weeks intensive support, then 8 to 12 weeks less intensive, with boosters at 3, 6 and 12 months.',
 20, 15, 2, 4, 120, 28, 6, '{3,6,12}', 7, false, 'Weekdays'),
('5d0c1e4a-0001-4a00-8000-000000000005', 'mst', 'Multi-Systemic Therapy',
 'About four months of intensive therapy in the home and community; each therapist holds 4 to 6 families.',
 17, 10, 2, 3, 72, 28, 6, '{6,12}', 7, false, 'On call 24 hours'),
('5d0c1e4a-0001-4a00-8000-000000000006', 'family-safeguarding', 'Family Safeguarding',
 'A children''s social worker with adult specialists (domestic abuse, substance misuse, mental health) in one team.',
 26, 10, 1, 2, 168, 42, 15, '{3,6,12}', 10, true, 'Weekdays');

CREATE TABLE referral (
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  family_id uuid REFERENCES family(id),
  -- The family as the referrer described it, until screening attaches it to a family record.
  subject jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  referred_by uuid REFERENCES app_user(id),
  referrer_name text NOT NULL,
  referrer_agency text NOT NULL,
  referrer_contact text NOT NULL,
  self_referral boolean NOT NULL DEFAULT false,
  need_codes text[] NOT NULL DEFAULT '{}',
  reasons text NOT NULL,
  urgency text NOT NULL CHECK (urgency IN ('routine','urgent','emergency')),
  consent text NOT NULL CHECK (consent IN ('given','not_given')),
  lawful_basis text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'received' CHECK (status IN ('received','accepted','signposted','declined')),
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz,
  decision_reason text NOT NULL DEFAULT '',
  signposted_to text NOT NULL DEFAULT '',
  programme_id uuid REFERENCES programme(id),
  level_of_need integer,
  level_rule text NOT NULL DEFAULT '',
  level_override integer,
  level_override_reason text NOT NULL DEFAULT '',
  re_referral_of uuid,
  version integer NOT NULL DEFAULT 1,
  CHECK (consent = 'given' OR lawful_basis <> '')
);
CREATE INDEX referral_status ON referral(status, received_at);
CREATE INDEX referral_family ON referral(family_id);
CREATE SEQUENCE referral_reference_seq;

CREATE TABLE casefile (
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  family_id uuid NOT NULL REFERENCES family(id),
  referral_id uuid NOT NULL REFERENCES referral(id),
  programme_id uuid NOT NULL REFERENCES programme(id),
  state text NOT NULL CHECK (state IN ('awaiting_allocation','allocated','assessment','planning','intervention','closed')),
  key_worker_id uuid REFERENCES app_user(id),
  opened_at timestamptz NOT NULL DEFAULT now(),
  first_visit_due_at timestamptz NOT NULL,
  allocated_at timestamptz,
  over_caseload_reason text NOT NULL DEFAULT '',
  closed_at timestamptz,
  closure_reason text NOT NULL DEFAULT '',
  step_down_tier integer,
  step_down_to text NOT NULL DEFAULT '',
  closing_summary text NOT NULL DEFAULT '',
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX casefile_family ON casefile(family_id);
CREATE INDEX casefile_key_worker ON casefile(key_worker_id) WHERE state <> 'closed';
CREATE SEQUENCE casefile_reference_seq;

-- Every change of state, for the chronology and for drift reporting.
CREATE TABLE case_event (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  event text NOT NULL,
  from_state text NOT NULL,
  to_state text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  by_user uuid REFERENCES app_user(id),
  note text NOT NULL DEFAULT ''
);
CREATE INDEX case_event_case ON case_event(case_id, at);
