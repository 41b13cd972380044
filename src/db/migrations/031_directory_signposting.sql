-- Issue 17, staff side: on a case, a practitioner signposts or refers the family to a service in the
-- directory. Recorded on the case (and, through case_event, the chronology); offered at closure as
-- the step-down destination; chosen ones go into the family's letter under "Services near you".
CREATE TABLE case_directory_service (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  service_id uuid NOT NULL REFERENCES directory_service(id),
  kind text NOT NULL CHECK (kind IN ('signposted', 'referred')),
  note text NOT NULL DEFAULT '',
  in_letter boolean NOT NULL DEFAULT false,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL
);
CREATE INDEX case_directory_service_case ON case_directory_service(case_id, recorded_at);

-- The directory service a closed case stepped down to, when it was one (step_down_to keeps its name).
ALTER TABLE casefile ADD COLUMN step_down_service_id uuid REFERENCES directory_service(id);

-- A letter's "Services near you" section (empty when none were added).
ALTER TABLE letter ADD COLUMN services_near_you text NOT NULL DEFAULT '';
