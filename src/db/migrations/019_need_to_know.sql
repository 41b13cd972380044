-- Need to know (issue 12): early help joins the agency kinds; each family's consents to share
-- (what each adult agreed to share, with which agencies or kinds of agency, which categories,
-- when, and any withdrawal) and Schedule 1 paragraph 18 safeguarding decisions (who decided,
-- when, why). The sharing rules per agency kind live in setting 'sharing_rules'.

ALTER TABLE agency DROP CONSTRAINT IF EXISTS agency_kind_check;
ALTER TABLE agency ADD CONSTRAINT agency_kind_check CHECK (kind IN ('childrens_social_care','police','health','education',
  'drug_alcohol_service','adult_mental_health','probation','housing','voluntary_sector','early_help'));

CREATE TABLE family_consent (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES family(id),
  basis text NOT NULL CHECK (basis IN ('consent','schedule1')),
  -- consent: the adult who agreed; schedule1: null (the decision is the practitioner's)
  person_id uuid REFERENCES person(id),
  agency_kinds text[] NOT NULL DEFAULT '{}',
  agency_ids uuid[] NOT NULL DEFAULT '{}',
  categories text[] NOT NULL,
  given_on date NOT NULL,
  -- schedule1: who decided and why
  decided_by uuid REFERENCES app_user(id),
  reason text NOT NULL DEFAULT '',
  withdrawn_on date,
  withdrawn_reason text NOT NULL DEFAULT '',
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  CHECK (basis <> 'consent' OR person_id IS NOT NULL),
  CHECK (basis <> 'schedule1' OR (decided_by IS NOT NULL AND reason <> '')),
  CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
);
CREATE INDEX family_consent_family ON family_consent(family_id);
