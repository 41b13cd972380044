-- Foundation: partnership, agencies, teams, users, sessions, families, people, needs,
-- legal statuses, the team around the family, settings and the append-only audit log.

CREATE TABLE partnership (
  id uuid PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE district (
  id uuid PRIMARY KEY,
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  name text NOT NULL,
  UNIQUE (partnership_id, name)
);

CREATE TABLE agency (
  id uuid PRIMARY KEY,
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('childrens_social_care','police','health','education',
    'drug_alcohol_service','adult_mental_health','probation','housing','voluntary_sector')),
  UNIQUE (partnership_id, name)
);

CREATE TABLE team (
  id uuid PRIMARY KEY,
  agency_id uuid NOT NULL REFERENCES agency(id),
  name text NOT NULL,
  UNIQUE (agency_id, name)
);

CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  display_name text NOT NULL,
  job_title text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('practitioner','manager','analyst','administrator')),
  agency_id uuid NOT NULL REFERENCES agency(id),
  team_id uuid REFERENCES team(id),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_user_team ON app_user(team_id);

-- A manager manages every member of the teams listed here.
CREATE TABLE team_manager (
  team_id uuid NOT NULL REFERENCES team(id),
  user_id uuid NOT NULL REFERENCES app_user(id),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_manager_user ON team_manager(user_id);

CREATE TABLE login_attempt (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  ip text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  succeeded boolean NOT NULL
);
CREATE INDEX login_attempt_email_at ON login_attempt(email, at);
CREATE INDEX login_attempt_ip_at ON login_attempt(ip, at);

CREATE TABLE session (
  id_hash text PRIMARY KEY,
  user_id uuid REFERENCES app_user(id),
  csrf_token text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX session_expires ON session(expires_at);

CREATE TABLE api_token (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id),
  label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE family (
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  family_name text NOT NULL,
  address_line1 text NOT NULL DEFAULT '',
  address_line2 text NOT NULL DEFAULT '',
  town text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  postcode_key text NOT NULL DEFAULT '',
  district_id uuid REFERENCES district(id),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX family_postcode_key ON family(postcode_key text_pattern_ops);
CREATE SEQUENCE family_reference_seq;

CREATE TABLE person (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  given_name text NOT NULL,
  family_name text NOT NULL,
  date_of_birth date,
  expected_date date,
  sex text NOT NULL DEFAULT 'not_known' CHECK (sex IN ('female','male','not_known')),
  member_type text NOT NULL CHECK (member_type IN ('adult','child','unborn')),
  role text NOT NULL CHECK (role IN ('mother','father','step_parent','partner','grandparent',
    'other_carer','child','sibling','other_adult','unborn')),
  search_keys text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (member_type <> 'unborn' OR expected_date IS NOT NULL)
);
CREATE INDEX person_family ON person(family_id);
CREATE INDEX person_dob ON person(date_of_birth);
CREATE INDEX person_search_keys ON person USING gin (search_keys);

CREATE TABLE relationship (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  person_id uuid NOT NULL REFERENCES person(id),
  related_person_id uuid NOT NULL REFERENCES person(id),
  -- person_id is <kind> of related_person_id, e.g. parent_of
  kind text NOT NULL CHECK (kind IN ('parent_of','step_parent_of','partner_of','grandparent_of',
    'sibling_of','carer_of')),
  UNIQUE (person_id, related_person_id, kind),
  CHECK (person_id <> related_person_id)
);
CREATE INDEX relationship_family ON relationship(family_id);

CREATE TABLE legal_status (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  status text NOT NULL CHECK (status IN ('none','child_in_need','child_protection_plan','looked_after')),
  start_date date NOT NULL,
  end_date date,
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX legal_status_person ON legal_status(person_id);

-- need_type 'cin_factor' carries a Children in Need census assessment-factor code (e.g. '2B').
-- Offending is not a CIN factor: it is its own type and criminal-offence data (UK GDPR Art. 10).
CREATE TABLE need (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  need_type text NOT NULL CHECK (need_type IN ('cin_factor','offending')),
  code text,
  source_agency_id uuid REFERENCES agency(id),
  identified_on date NOT NULL,
  is_current boolean NOT NULL DEFAULT true,
  notes text NOT NULL DEFAULT '',
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((need_type = 'cin_factor') = (code IS NOT NULL))
);
CREATE INDEX need_person ON need(person_id);

-- The team around the family: practitioners of any agency working with this family.
CREATE TABLE family_professional (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  user_id uuid NOT NULL REFERENCES app_user(id),
  role_in_family text NOT NULL,
  is_lead boolean NOT NULL DEFAULT false,
  joined_on date NOT NULL,
  left_on date
);
CREATE INDEX family_professional_family ON family_professional(family_id);
CREATE INDEX family_professional_user ON family_professional(user_id) WHERE left_on IS NULL;

CREATE TABLE setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_event (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid,
  action text NOT NULL,
  record_type text NOT NULL,
  record_id text,
  family_id uuid,
  outcome text NOT NULL CHECK (outcome IN ('allowed','denied')),
  ip text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_family ON audit_event(family_id, at);
CREATE INDEX audit_event_user ON audit_event(user_id, at);

-- Append-only: no role may change or remove an audit row once written.
CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
