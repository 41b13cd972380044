-- The delivery cost of a cost-benefit analysis may be built like a counterfactual line, from a
-- unit cost x a count (Option 2: 22 children x £2,194 per child), instead of typed as a total.
-- The unit cost is copied when the analysis is saved, as for the lines.
CREATE TABLE cost_benefit_delivery_line (
  analysis_id uuid PRIMARY KEY REFERENCES cost_benefit_analysis(id) ON DELETE CASCADE,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
  count integer NOT NULL CHECK (count >= 0),
  count_of text NOT NULL CHECK (count_of IN ('children','families','adults')),
  unit_cost_key text NOT NULL REFERENCES unit_cost(key),
  unit_cost_label text NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
  unit text NOT NULL,
  price_year text NOT NULL,
  source text NOT NULL,
  quantity_hundredths integer NOT NULL CHECK (quantity_hundredths >= 0)
);
