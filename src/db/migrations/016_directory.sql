-- The service directory (Families Information Service), held as Open Referral UK (the UK profile
-- of HSDS 3). Ids are the feed's own UUIDs, so a re-import of the same feed updates rather than
-- duplicates. Nothing here names a family: it is public information about services.

CREATE TABLE directory_organization (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  email text,
  website text
);

CREATE TABLE directory_taxonomy (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  uri text,
  version text
);

CREATE TABLE directory_taxonomy_term (
  id uuid PRIMARY KEY,
  taxonomy_id uuid REFERENCES directory_taxonomy(id),
  -- Lantern's own short code ('parenting', ...) for its terms; null for a neighbour's terms.
  code text UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  parent_id uuid,
  term_uri text
);

CREATE TABLE directory_service (
  id uuid PRIMARY KEY,
  organization_id uuid REFERENCES directory_organization(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  url text,
  email text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive','defunct','temporarily closed')),
  minimum_age integer CHECK (minimum_age BETWEEN 0 AND 130),
  maximum_age integer CHECK (maximum_age BETWEEN 0 AND 130),
  -- When the entry was last checked (HSDS assured_date): more than 12 months ago is stale.
  assured_date date,
  alert text,
  -- Refuges and similar: the address is never shown publicly, only area_label.
  hide_address boolean NOT NULL DEFAULT false,
  area_label text,
  -- Summaries kept by the repository from the nested rows, so public filters are single-table.
  is_free boolean NOT NULL DEFAULT true,
  weekends boolean NOT NULL DEFAULT false,
  evenings boolean NOT NULL DEFAULT false,
  -- Nested parts with no filter of their own, in their Open Referral UK shape.
  contacts jsonb NOT NULL DEFAULT '[]'::jsonb,
  languages jsonb NOT NULL DEFAULT '[]'::jsonb,
  cost_options jsonb NOT NULL DEFAULT '[]'::jsonb,
  search_text text NOT NULL DEFAULT '',
  last_modified timestamptz NOT NULL,
  updated_by uuid REFERENCES app_user(id),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX directory_service_status ON directory_service(status);

CREATE TABLE directory_location (
  id uuid PRIMARY KEY,
  location_type text NOT NULL DEFAULT 'physical' CHECK (location_type IN ('physical','postal','virtual')),
  name text,
  description text,
  latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  -- One address per location: the Open Referral UK address fields.
  address_id uuid,
  address_1 text,
  city text,
  state_province text,
  postal_code text,
  country text,
  accessibility jsonb NOT NULL DEFAULT '[]'::jsonb
);
-- Distance search: a bounding box on these two columns, then haversine on what falls inside.
CREATE INDEX directory_location_lat_lon ON directory_location(latitude, longitude);

CREATE TABLE directory_service_at_location (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES directory_service(id) ON DELETE CASCADE,
  location_id uuid NOT NULL REFERENCES directory_location(id),
  UNIQUE (service_id, location_id)
);
CREATE INDEX directory_sal_location ON directory_service_at_location(location_id);

CREATE TABLE directory_schedule (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES directory_service(id) ON DELETE CASCADE,
  freq text CHECK (freq IN ('WEEKLY','MONTHLY')),
  -- iCal days: 'MO,TU,SA'.
  byday text,
  opens_at time,
  closes_at time,
  description text
);
CREATE INDEX directory_schedule_service ON directory_schedule(service_id);

-- Where a service works. extent holds postcode districts ('NV1 NV2'): a service with no location is
-- found by a search from a postcode in one of them.
CREATE TABLE directory_service_area (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES directory_service(id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  extent text,
  extent_type text
);
CREATE TABLE directory_service_area_district (
  service_id uuid NOT NULL REFERENCES directory_service(id) ON DELETE CASCADE,
  district text NOT NULL,
  PRIMARY KEY (district, service_id)
);

CREATE TABLE directory_service_term (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES directory_service(id) ON DELETE CASCADE,
  term_id uuid NOT NULL REFERENCES directory_taxonomy_term(id),
  link_type text,
  UNIQUE (service_id, term_id)
);
CREATE INDEX directory_service_term_term ON directory_service_term(term_id, service_id);

-- Postcode centroids: the ONS Postcode Directory (a council imports it) and the demo's made-up
-- Northvale postcodes. key is the postcode in capitals with no spaces.
CREATE TABLE postcode_centroid (
  key text PRIMARY KEY,
  postcode text NOT NULL,
  latitude double precision NOT NULL,
  longitude double precision NOT NULL
);

-- Town and village names a search may use instead of a postcode.
CREATE TABLE directory_place (
  key text PRIMARY KEY,
  name text NOT NULL,
  latitude double precision NOT NULL,
  longitude double precision NOT NULL
);

-- The Lantern taxonomy of service categories (ids fixed so feeds and links stay stable).
INSERT INTO directory_taxonomy (id, name, description, uri, version) VALUES
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'Lantern service categories',
   'The kinds of help families are signposted to, matching the needs Lantern codes.', NULL, '1');
INSERT INTO directory_taxonomy_term (id, taxonomy_id, code, name, description) VALUES
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a01', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'parenting', 'Parenting', 'Parenting courses, groups and one-to-one support for parents and carers.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a02', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'domestic_abuse', 'Domestic abuse', 'Advice, safety planning, refuges and recovery programmes for people affected by domestic abuse.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a03', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'substance_misuse', 'Drugs and alcohol', 'Help with drug or alcohol use, for the person and their family.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a04', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'mental_health', 'Mental health and wellbeing', 'Talking therapies, wellbeing groups and crisis support.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a05', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'debt_housing', 'Money, debt and housing', 'Debt and benefits advice, help to keep or find a home.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a06', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'young_carers', 'Young carers', 'Support, breaks and groups for children and young people who look after someone.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a07', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'employment_training', 'Work and training', 'Help to find work, training and adult education.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a08', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'childcare', 'Childcare', 'Nurseries, childminders, funded early education and holiday clubs.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a09', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'short_breaks', 'Short breaks for disabled children', 'Short breaks and activities for disabled children and their families.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a10', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'family_learning', 'Family learning', 'Courses parents and children take together.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a11', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'youth_services', 'Youth services', 'Youth clubs, activities and youth work.'),
  ('6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a12', '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01', 'health_visiting', 'Health visiting', 'Health visitors and baby clinics for families with children under five.');

-- The distance search's index: one row per public location (hidden addresses never appear), with
-- the public search's filters copied in, so a search near a point reads one indexed table instead of
-- joining several. The repository rewrites a service's rows whenever it saves the service.
CREATE TABLE directory_search_point (
  sal_id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES directory_service(id) ON DELETE CASCADE,
  latitude double precision NOT NULL,
  longitude double precision NOT NULL,
  name text NOT NULL,
  active boolean NOT NULL,
  term_ids uuid[] NOT NULL,
  minimum_age integer,
  maximum_age integer,
  is_free boolean NOT NULL,
  weekends boolean NOT NULL,
  evenings boolean NOT NULL
);
CREATE INDEX directory_search_point_lat_lon ON directory_search_point(latitude, longitude);
CREATE INDEX directory_search_point_service ON directory_search_point(service_id);
CREATE INDEX directory_service_area_service ON directory_service_area(service_id);
