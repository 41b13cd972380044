-- Outcome measures at referral, closure and follow-up; distance travelled on plan goals;
-- the Supporting Families claim settings live in the setting table (key 'supporting-families-claims').

-- One row per person per case per time point; person_id NULL is the household's row (police
-- call-outs, domestic abuse incidents, housing, Family Star Plus). Counts cover the 6 months
-- before recorded_on unless the column says 12 months. sources maps a field to the agency data
-- set it was filled from; a field not in sources was typed by a practitioner.
CREATE TABLE outcome_measure (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  person_id uuid REFERENCES person(id),
  time_point text NOT NULL CHECK (time_point IN ('referral','closure','follow_up_1','follow_up_3','follow_up_6','follow_up_12')),
  recorded_on date NOT NULL,
  legal_status text CHECK (legal_status IN ('none','child_in_need','child_protection_plan','looked_after')),
  at_risk_of_removal boolean,
  attendance_percent numeric(4,1) CHECK (attendance_percent BETWEEN 0 AND 100),
  exclusions integer CHECK (exclusions >= 0),
  offences_6m integer CHECK (offences_6m >= 0),
  offences_12m integer CHECK (offences_12m >= 0),
  asb_6m integer CHECK (asb_6m >= 0),
  asb_12m integer CHECK (asb_12m >= 0),
  emergency_admissions integer CHECK (emergency_admissions >= 0),
  days_in_care integer CHECK (days_in_care BETWEEN 0 AND 366),
  substance_treatment text CHECK (substance_treatment IN ('not_needed','not_engaged','engaged','completed')),
  work_steps text[] NOT NULL DEFAULT '{}',
  sdq_total integer CHECK (sdq_total BETWEEN 0 AND 40),
  domestic_abuse_incidents integer CHECK (domestic_abuse_incidents >= 0),
  police_call_outs integer CHECK (police_call_outs >= 0),
  rent_arrears integer CHECK (rent_arrears >= 0),
  eviction_notices integer CHECK (eviction_notices >= 0),
  family_star jsonb NOT NULL DEFAULT '{}'::jsonb,
  sources jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX outcome_measure_member ON outcome_measure(case_id, time_point, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX outcome_measure_household ON outcome_measure(case_id, time_point) WHERE person_id IS NULL;

-- Distance travelled towards a goal, recorded at the review that made this plan version
-- (1 not started, 2 a little, 3 halfway, 4 mostly, 5 achieved).
ALTER TABLE plan_goal ADD COLUMN distance_travelled integer CHECK (distance_travelled BETWEEN 1 AND 5);
