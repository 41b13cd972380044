-- Keeping cases moving: follow-ups after closure, and what the closure form needs on the case.

-- A closure for a reason not in the list says what the reason was.
ALTER TABLE casefile ADD COLUMN closure_reason_other text NOT NULL DEFAULT '';
ALTER TABLE casefile ADD COLUMN closed_by uuid REFERENCES app_user(id);

-- Maintenance contacts after closure (1, 3, 6 and 12 months by default: the programme's follow_up_months).
CREATE TABLE follow_up (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES casefile(id),
  months_after integer NOT NULL CHECK (months_after > 0),
  due_on date NOT NULL,
  done_on date,
  outcome_note text NOT NULL DEFAULT '',
  done_by uuid REFERENCES app_user(id),
  recorded_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (case_id, months_after),
  CHECK ((done_on IS NULL) = (done_by IS NULL))
);
CREATE INDEX follow_up_open_due ON follow_up(due_on) WHERE done_on IS NULL;

-- Earlier closures of a family, for the re-referral flag.
CREATE INDEX casefile_family_closed ON casefile(family_id, closed_at) WHERE state = 'closed';
