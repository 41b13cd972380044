-- Cost-benefit: the unit-cost table, the deflator index that brings a cost from its price year
-- to a report's price year, and saved cost-benefit analyses with their counterfactual lines.
-- Aggregate figures only: nothing here names a family.

-- One unit cost. Money is held in pence (whole numbers) so sums are exact on every engine.
-- The defaults are the figures the seeds and the GMCA (New Economy) Unit Cost Database give,
-- each with its price year and source; a council edits them or adds its own.
CREATE TABLE unit_cost (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,59}$'),
  -- Pages and the API address a cost by this id (routes take UUIDs); other modules use the key.
  id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  amount_pence bigint NOT NULL CHECK (amount_pence >= 0 AND amount_pence <= 100000000000),
  unit text NOT NULL CHECK (unit IN ('week','month','year','day','event','child','family','place')),
  -- The financial year the amount is priced in, e.g. '2013/14'.
  price_year text NOT NULL CHECK (price_year ~ '^[0-9]{4}/[0-9]{2}$'),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
  updated_by uuid REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Optimistic locking: a save must name the version it read.
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1)
);

INSERT INTO unit_cost (key, label, amount_pence, unit, price_year, source, notes) VALUES
  ('residential_care_week', 'Residential care for a child (Northumberland County Council)', 85600, 'week', '2009/10',
   'Northumberland County Council costs, as used in the Children North East Families Plus practice example (10 x £856 x 52 weeks)',
   'The source does not state a price year; taken as the period the figures were used for (November 2009 to July 2010).'),
  ('kinship_care_unfunded_week', 'Kinship care, not funded (Northumberland County Council)', 6300, 'week', '2009/10',
   'Northumberland County Council costs, as used in the Children North East Families Plus practice example (8 x £63 x 52)',
   'The source does not state a price year; taken as the period the figures were used for (November 2009 to July 2010).'),
  ('kinship_care_funded_week', 'Kinship care, funded (Northumberland County Council)', 16400, 'week', '2009/10',
   'Northumberland County Council costs, as used in the Children North East Families Plus practice example (2 x £164 x 52)',
   'The source does not state a price year; taken as the period the figures were used for (November 2009 to July 2010).'),
  ('family_group_conference', 'Family Group Conference', 47500, 'event', '2010/11',
   'Essex Hidden Harm report (2010), whole-family interventions: each conference costs approximately £475',
   'The source does not state a price year; taken as the year of the report.'),
  ('option2_per_child', 'Option 2 intensive crisis intervention (Cardiff)', 219400, 'child', '2010/11',
   'Option 2 evaluation for Cardiff, as reported in the Essex Hidden Harm report (2010): £2,194 per child, saving £3,372 per child in placements',
   'The source does not state a price year; taken as the year of the report that quotes it.'),
  ('child_in_care_year', 'Child in care, average (looked-after child)', 5108000, 'year', '2013/14',
   'GMCA (New Economy) Unit Cost Database v1.4', ''),
  ('foster_care_week', 'Foster care, council provision', 70000, 'week', '2013/14',
   'GMCA (New Economy) Unit Cost Database v1.4', ''),
  ('childrens_home_week', 'Children’s home, council provision', 299500, 'week', '2013/14',
   'GMCA (New Economy) Unit Cost Database v1.4', ''),
  ('childrens_home_week_2023', 'Children’s home, average (England)', 610000, 'week', '2023/24',
   'National Audit Office: children’s homes averaged about £6,100 a week in 2023-24',
   'An approximate national average.'),
  ('domestic_violence_incident', 'Domestic violence incident, all agencies', 247000, 'event', '2008/09',
   'GMCA (New Economy) Unit Cost Database v1.4', 'Includes the police cost (police_da_callout).'),
  ('police_da_callout', 'Police response to a domestic violence incident', 41500, 'event', '2008/09',
   'GMCA (New Economy) Unit Cost Database v1.4', 'The police share of domestic_violence_incident; do not add both for one incident.'),
  ('ae_attendance', 'A&E attendance', 10900, 'event', '2011/12',
   'GMCA (New Economy) Unit Cost Database v1.4', ''),
  ('community_drug_treatment_year', 'Community drug treatment', 260400, 'year', '2012/13',
   'GMCA (New Economy) Unit Cost Database v1.4', ''),
  ('prison_place_year', 'Prison place', 3378500, 'year', '2013/14',
   'GMCA (New Economy) Unit Cost Database v1.4', ''),
  ('troubled_family_reactive_spend_year', 'Reactive public spending on a troubled family, average', 4400000, 'year', '2014/15',
   'DCLG, The Benefits of the Troubled Families Programme to the Taxpayer (March 2015), as quoted by Family Action: an average £44,000 a year',
   'The source as quoted does not state a price year; taken as the year the report was published.'),
  ('intensive_family_support_family', 'Intensive family support, per family (attachment fee and payment by results)', 180000, 'family', '2015/16',
   'Family Action, Think Family IFS service specification phase 2, year 1: £1,000 attachment fee plus £800 payment by results',
   'Troubled Families phase 2 began in 2015/16.');

-- The deflator: an index by financial year (for example the HM Treasury GDP deflator at market
-- prices). A cost moves from year A to year B by index(B) / index(A); only ratios matter, so
-- any base year works as long as the whole series uses the same one.
CREATE TABLE deflator_index (
  financial_year text PRIMARY KEY CHECK (financial_year ~ '^[0-9]{4}/[0-9]{2}$'),
  index_value numeric(10,3) NOT NULL CHECK (index_value > 0),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  updated_by uuid REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- A saved cost-benefit analysis for a cohort or programme.
CREATE TABLE cost_benefit_analysis (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 150),
  cohort text NOT NULL DEFAULT '' CHECK (length(cohort) <= 500),
  period text NOT NULL DEFAULT '' CHECK (length(period) <= 100),
  families integer NOT NULL CHECK (families >= 1),
  children integer CHECK (children >= 0),
  -- The report's price year: every line's cost is brought to it, and the delivery cost is in it.
  price_year text NOT NULL CHECK (price_year ~ '^[0-9]{4}/[0-9]{2}$'),
  delivery_cost_pence bigint NOT NULL CHECK (delivery_cost_pence >= 0),
  delivery_cost_note text NOT NULL DEFAULT '' CHECK (length(delivery_cost_note) <= 500),
  -- Adjustments in tenths of a percent (200 = 20.0%).
  deadweight_tenths integer NOT NULL DEFAULT 0 CHECK (deadweight_tenths BETWEEN 0 AND 1000),
  optimism_bias_benefits_tenths integer NOT NULL DEFAULT 0 CHECK (optimism_bias_benefits_tenths BETWEEN 0 AND 1000),
  optimism_bias_costs_tenths integer NOT NULL DEFAULT 0 CHECK (optimism_bias_costs_tenths BETWEEN 0 AND 2000),
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- One line of the counterfactual: what would have happened without the service.
-- The unit cost is copied when the line is saved, so a saved analysis gives the same figures
-- next year even if the unit-cost table changes (the page says when it has).
CREATE TABLE cost_benefit_line (
  analysis_id uuid NOT NULL REFERENCES cost_benefit_analysis(id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
  count integer NOT NULL CHECK (count >= 0),
  count_of text NOT NULL CHECK (count_of IN ('children','families','adults')),
  unit_cost_key text NOT NULL REFERENCES unit_cost(key),
  unit_cost_label text NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
  unit text NOT NULL,
  price_year text NOT NULL,
  source text NOT NULL,
  -- Weeks, years or events per child or family, in hundredths (800 = 8 weeks).
  quantity_hundredths integer NOT NULL CHECK (quantity_hundredths >= 0),
  PRIMARY KEY (analysis_id, position)
);
