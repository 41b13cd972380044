-- A matching run split into partitions (issue 16): each partition's compared pairs, written by the
-- worker that compared them and read by the run's final merge step, in chunks of at most 1 MiB.
-- Removed when the run has merged them.
CREATE TABLE linkage_partition_chunk (
  job_id uuid NOT NULL REFERENCES background_job(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (job_id, seq)
);
