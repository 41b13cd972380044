-- The service directory's staff side (issue 17): directory editors, and the services a case
-- signposts or refers a family to. A family's letter may carry a "Services near you" section.

-- A permission, not a role: any active user with it may add, edit and retire directory services.
ALTER TABLE app_user ADD COLUMN IF NOT EXISTS directory_editor boolean NOT NULL DEFAULT false;

-- Who retired a service and when (status 'defunct'): retired services leave the public directory.
ALTER TABLE directory_service ADD COLUMN IF NOT EXISTS retired_on date;

-- A case's signposting or referral of the family to a directory service. The service's name is
-- kept as it was when chosen, so the case record reads the same if the directory entry changes.
CREATE TABLE case_service_link (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  service_id uuid NOT NULL REFERENCES directory_service(id),
  kind text NOT NULL CHECK (kind IN ('signpost', 'referral')),
  service_name text NOT NULL,
  note text NOT NULL DEFAULT '',
  made_on date NOT NULL,
  made_by uuid NOT NULL REFERENCES app_user(id),
  made_at timestamptz NOT NULL
);
CREATE INDEX case_service_link_case ON case_service_link(case_id, made_at);

ALTER TABLE letter ADD COLUMN IF NOT EXISTS services_near_you text NOT NULL DEFAULT '';
