-- Needs analysis: prevalence rates, populations, counts by district for area comparison, and
-- case-file audits. Everything here is aggregate figures except audit_file, which names the
-- sampled families (read only by analysts and managers, and audited).

-- National prevalence rates. While the table is empty Lantern uses the Essex report's defaults.
CREATE TABLE prevalence_rate (
  key text PRIMARY KEY CHECK (key ~ '^[a-z0-9-]{1,40}$'),
  position integer NOT NULL,
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  rate numeric(6,3) NOT NULL CHECK (rate > 0 AND rate <= 100),
  base text NOT NULL CHECK (base IN ('children','births','families')),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  round_to integer NOT NULL DEFAULT 1 CHECK (round_to IN (1, 10, 100, 1000)),
  -- Which families count as known to services, e.g. '2B', '1B/2B + 4B + 3B', '4+ needs' or '' (not counted).
  known_rule text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A set of population figures: the partnership's own districts, or a named example (Essex).
CREATE TABLE population_set (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  by_district boolean NOT NULL,
  source text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One area (a district, or the example's area) in one age band. An area's figures are the sums of its rows.
CREATE TABLE population (
  population_set_id uuid NOT NULL REFERENCES population_set(id) ON DELETE CASCADE,
  area text NOT NULL,
  district_id uuid REFERENCES district(id),
  age_band text NOT NULL CHECK (length(age_band) BETWEEN 1 AND 20),
  children integer NOT NULL DEFAULT 0 CHECK (children >= 0),
  births integer NOT NULL DEFAULT 0 CHECK (births >= 0),
  families integer NOT NULL DEFAULT 0 CHECK (families >= 0),
  people integer NOT NULL DEFAULT 0 CHECK (people >= 0),
  position integer NOT NULL,
  PRIMARY KEY (population_set_id, area, age_band)
);

-- Any count by district (domestic abuse incidents, referrals ...) to compare areas against their population.
CREATE TABLE area_count_set (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 150),
  period text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE area_count (
  area_count_set_id uuid NOT NULL REFERENCES area_count_set(id) ON DELETE CASCADE,
  district_id uuid NOT NULL REFERENCES district(id),
  count integer NOT NULL CHECK (count >= 0),
  PRIMARY KEY (area_count_set_id, district_id)
);

-- A case-file audit: either run in Lantern on a random sample of cases ('sample'), or the
-- results of an audit done elsewhere ('recorded', e.g. the Essex audit of 42 files).
CREATE TABLE case_file_audit (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
  method text NOT NULL CHECK (method IN ('sample','recorded')),
  -- Which cases were eligible for the sample: all families, or families with a child of this legal status.
  eligibility text CHECK (eligibility IN ('all','looked_after','child_protection_plan','child_in_need')),
  population integer NOT NULL CHECK (population >= 0),
  population_label text NOT NULL,
  sample_size integer NOT NULL CHECK (sample_size >= 0),
  source text NOT NULL DEFAULT '',
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((method = 'sample') = (eligibility IS NOT NULL))
);

-- The results of a recorded audit: how many files showed each vulnerability.
CREATE TABLE case_file_audit_count (
  case_file_audit_id uuid NOT NULL REFERENCES case_file_audit(id) ON DELETE CASCADE,
  vulnerability text NOT NULL,
  files integer NOT NULL CHECK (files >= 0),
  PRIMARY KEY (case_file_audit_id, vulnerability)
);

-- The sampled files of an audit run in Lantern, and what the reviewer found in each.
CREATE TABLE audit_file (
  case_file_audit_id uuid NOT NULL REFERENCES case_file_audit(id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  family_id uuid NOT NULL REFERENCES family(id),
  reviewed boolean NOT NULL DEFAULT false,
  vulnerabilities text[] NOT NULL DEFAULT '{}',
  reviewed_by uuid REFERENCES app_user(id),
  reviewed_at timestamptz,
  PRIMARY KEY (case_file_audit_id, position),
  UNIQUE (case_file_audit_id, family_id),
  CHECK (reviewed OR cardinality(vulnerabilities) = 0)
);
