-- Identifiers an agency extract carries for a person (issue 16): scheme -> value in its canonical
-- form ({"nhs": "9434765919", "school case reference (Northvale Academy)": "S1042"}), checked at
-- ingest and compared scheme by scheme by matching. jsonb like `fields`: schemes are open (each
-- agency's own references are a scheme of their own), and matching reads every record anyway, so
-- no index. Adding a column with a constant default rewrites no rows. The app role's grants are
-- table-wide (src/db/roles.ts), so it reads and writes the new column with nothing more granted.
ALTER TABLE source_record ADD COLUMN identifiers jsonb NOT NULL DEFAULT '{}'::jsonb;
