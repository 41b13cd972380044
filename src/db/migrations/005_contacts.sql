-- Contacts (visits, calls, meetings), progress letters, and hand-entered events for the family chronology.

CREATE TABLE contact (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  contact_type text NOT NULL CHECK (contact_type IN ('home_visit','office_visit','phone_call','video_call','meeting','other')),
  -- UK local date and clock times, as the practitioner recorded them. An end before the start ran past midnight.
  contact_date date NOT NULL,
  start_time time NOT NULL,
  end_time time NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0 AND duration_minutes <= 720),
  location text NOT NULL DEFAULT '',
  others_present text NOT NULL DEFAULT '',
  out_of_hours boolean NOT NULL,
  -- What the out-of-hours rule said; differs from out_of_hours when the practitioner corrected it.
  out_of_hours_by_rule boolean NOT NULL,
  -- The case note: for practitioners only, never copied into a family letter.
  notes text NOT NULL,
  -- Written for the family, for the progress letters.
  did_together text NOT NULL DEFAULT '',
  progress text NOT NULL DEFAULT '',
  next_steps text NOT NULL DEFAULT '',
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_case_date ON contact(case_id, contact_date, start_time);

-- Family members who were there.
CREATE TABLE contact_person (
  contact_id uuid NOT NULL REFERENCES contact(id),
  person_id uuid NOT NULL REFERENCES person(id),
  PRIMARY KEY (contact_id, person_id)
);
CREATE INDEX contact_person_person ON contact_person(person_id);

-- A progress letter as approved by the practitioner. The PDF and Word files are made from this text on download.
CREATE TABLE letter (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  contact_id uuid REFERENCES contact(id),
  recipient text NOT NULL CHECK (recipient IN ('family','referrer')),
  recipient_name text NOT NULL,
  recipient_address text NOT NULL DEFAULT '',
  letter_date date NOT NULL,
  subject text NOT NULL,
  salutation text NOT NULL,
  did_together text NOT NULL,
  progress text NOT NULL,
  next_steps text NOT NULL,
  who_to_contact text NOT NULL,
  signed_by_name text NOT NULL,
  signed_by_role text NOT NULL DEFAULT '',
  organisation text NOT NULL DEFAULT '',
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX letter_case ON letter(case_id, created_at);

-- Significant events from any agency, entered by hand, for the family chronology.
CREATE TABLE chronology_entry (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  person_id uuid REFERENCES person(id),
  occurred_on date NOT NULL,
  agency_id uuid NOT NULL REFERENCES agency(id),
  entry_type text NOT NULL CHECK (entry_type IN ('incident','health','education','police','housing','other')),
  summary text NOT NULL,
  source text NOT NULL DEFAULT '',
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chronology_entry_family ON chronology_entry(family_id, occurred_on);
