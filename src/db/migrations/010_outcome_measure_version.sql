-- Optimistic locking on outcome measures: the household row of a time point carries the version
-- of the whole time point (every member's measures are saved together with it).
ALTER TABLE outcome_measure ADD COLUMN version integer NOT NULL DEFAULT 1;
