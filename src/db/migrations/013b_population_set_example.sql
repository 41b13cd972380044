-- A population set is either the partnership's own, named and described by its users, or a
-- worked example (the Essex report's inputs) kept exactly as the report gives it. Before this,
-- figures could be saved over the Essex example and kept its name and source text.
ALTER TABLE population_set ADD COLUMN example text CHECK (example IN ('essex'));

-- The Essex example still holding the report's figures stays the example.
UPDATE population_set s SET example = 'essex'
 WHERE s.name = 'Essex (Hidden Harm report, 2010)'
   AND (SELECT count(*) = 1 AND sum(children) = 262000 AND sum(births) = 16264 AND sum(families) = 160000 AND sum(people) = 1300000
          FROM population p WHERE p.population_set_id = s.id);

-- One whose figures were replaced is someone's own population: it keeps them, loses the
-- Essex name and source, and asks to be named.
UPDATE population_set
   SET name = 'Population entered over the Essex example (' || left(id::text, 8) || ')',
       source = 'Rename this population and say what it covers and where its figures come from.'
 WHERE name = 'Essex (Hidden Harm report, 2010)' AND example IS NULL;
