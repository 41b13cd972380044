-- Background jobs (issue 16): long work (loading an extract, a matching run) runs outside the web
-- request. One queue table on both engines; a worker claims a job with SELECT ... FOR UPDATE SKIP
-- LOCKED in a short transaction, so several worker processes (on several machines) never take the
-- same job. Every time in these rows comes from the app's clock, passed in as a parameter.
CREATE TABLE background_job (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed','cancelled')),
  -- Progress, written at each checkpoint: the stage, records done of the stage's total (null: not known).
  stage text NOT NULL DEFAULT 'queued',
  done bigint NOT NULL DEFAULT 0,
  total bigint,
  cancel_requested boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL DEFAULT 0,
  -- The worker process holding it (host and process id), and when it last said it was alive.
  worker text,
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  -- When the current stage began: time left is worked out from the stage's own pace.
  stage_started_at timestamptz,
  heartbeat_at timestamptz,
  finished_at timestamptz,
  -- What the job produced (an extract's counts and problems, a run's figures), or why it failed.
  result jsonb,
  error text,
  -- A job that belongs to another (a partition of a matching run) names it.
  parent_id uuid REFERENCES background_job(id)
);
CREATE INDEX background_job_queue ON background_job (status, created_at, id);
CREATE INDEX background_job_parent ON background_job (parent_id);

-- An uploaded extract, kept in the database until a worker loads it, so the worker need not be
-- the web node that received it. The file is held in chunks of 1 MiB.
CREATE TABLE extract_upload (
  id uuid PRIMARY KEY,
  status text NOT NULL DEFAULT 'stored' CHECK (status IN ('stored','loading','loaded','already-loaded','refused','cancelled','failed')),
  source text NOT NULL,
  agency_name text NOT NULL DEFAULT '',
  agreement_id uuid NOT NULL REFERENCES sharing_agreement(id),
  filename text NOT NULL,
  valid_only boolean NOT NULL DEFAULT false,
  bytes bigint NOT NULL,
  -- The extract it became, once loaded.
  extract_id uuid REFERENCES source_extract(id),
  uploaded_by uuid REFERENCES app_user(id),
  uploaded_at timestamptz NOT NULL
);

CREATE TABLE extract_upload_chunk (
  upload_id uuid NOT NULL REFERENCES extract_upload(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (upload_id, seq)
);
