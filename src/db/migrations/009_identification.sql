-- Identification: agency extracts under data-sharing agreements, the source records they hold,
-- and what record linkage made of them (people, households, pairs for clerical review).

CREATE TABLE sharing_agreement (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  parties text NOT NULL,
  lawful_basis text NOT NULL CHECK (lawful_basis IN ('public_task','legal_obligation','vital_interests','consent')),
  article9_condition text NOT NULL,
  review_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A saved mapping for an agency whose headers differ from the format's column names.
CREATE TABLE column_mapping (
  id uuid PRIMARY KEY,
  source text NOT NULL,
  agency_name text NOT NULL,
  mapping jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, agency_name)
);

CREATE TABLE source_extract (
  id uuid PRIMARY KEY,
  source text NOT NULL,
  agency_name text NOT NULL DEFAULT '',
  agreement_id uuid NOT NULL REFERENCES sharing_agreement(id),
  filename text NOT NULL,
  -- The same file loaded twice adds nothing.
  file_hash text NOT NULL UNIQUE,
  rows_read integer NOT NULL,
  rows_loaded integer NOT NULL,
  rows_skipped_invalid integer NOT NULL,
  rows_already_loaded integer NOT NULL,
  loaded_by uuid REFERENCES app_user(id),
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE source_record (
  id uuid PRIMARY KEY,
  extract_id uuid NOT NULL REFERENCES source_extract(id),
  source text NOT NULL,
  -- The agency's own reference for the row: the natural key within a source.
  record_ref text NOT NULL,
  first_name text NOT NULL,
  last_name text NOT NULL,
  date_of_birth date,
  sex text CHECK (sex IN ('F','M')),
  postcode text,
  address text,
  event_date date NOT NULL,
  group_ref text,
  fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (source, record_ref)
);
CREATE INDEX source_record_extract ON source_record(extract_id);

-- The last matching run's model and figures.
CREATE TABLE linkage_run (
  id uuid PRIMARY KEY,
  run_at timestamptz NOT NULL DEFAULT now(),
  run_by uuid REFERENCES app_user(id),
  model jsonb NOT NULL,
  stats jsonb NOT NULL
);

-- Rebuilt by each run: which linked person each record belongs to, and each person's household.
CREATE TABLE linked_person (
  record_id uuid PRIMARY KEY REFERENCES source_record(id),
  person_id uuid NOT NULL
);
CREATE INDEX linked_person_person ON linked_person(person_id);

CREATE TABLE linked_household (
  id uuid PRIMARY KEY,
  postcode text,
  address text,
  district_id uuid REFERENCES district(id),
  -- Set when the household matches a family already known to Lantern (open to a service).
  family_id uuid REFERENCES family(id),
  -- The assessment, worked out when matching runs, so the ranked list is one indexed query.
  eligible boolean NOT NULL DEFAULT false,
  problem_count integer NOT NULL DEFAULT 0,
  level integer NOT NULL DEFAULT 1,
  cost_pence bigint NOT NULL DEFAULT 0,
  segment text NOT NULL DEFAULT 'thriving' CHECK (segment IN ('thriving','coping','not_coping','chaotic')),
  reasons text NOT NULL DEFAULT '',
  assessment jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX linked_household_rank ON linked_household(eligible DESC, problem_count DESC, level DESC, cost_pence DESC, id);
CREATE INDEX linked_household_family ON linked_household(family_id);

CREATE TABLE linked_household_member (
  person_id uuid PRIMARY KEY,
  household_id uuid NOT NULL REFERENCES linked_household(id)
);
CREATE INDEX linked_household_member_household ON linked_household_member(household_id);

-- Pairs the engine scored between the review and link thresholds (and above), from the last run.
CREATE TABLE linkage_pair (
  left_record_id uuid NOT NULL REFERENCES source_record(id),
  right_record_id uuid NOT NULL REFERENCES source_record(id),
  weight double precision NOT NULL,
  probability double precision NOT NULL,
  decision text NOT NULL CHECK (decision IN ('link','review','apart')),
  PRIMARY KEY (left_record_id, right_record_id)
);
CREATE INDEX linkage_pair_review ON linkage_pair(decision, weight);

-- Clerical decisions outlive runs: each run feeds them back to the engine.
CREATE TABLE clerical_decision (
  left_record_id uuid NOT NULL REFERENCES source_record(id),
  right_record_id uuid NOT NULL REFERENCES source_record(id),
  is_match boolean NOT NULL,
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (left_record_id, right_record_id)
);
