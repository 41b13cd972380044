-- Issue 15 item 15: one word for the practitioner who leads the work with a family, "Key worker"
-- (DOMAIN.md), on the family page and My families alike. A family's creator was recorded as
-- "Lead professional"; the same role, now named as the allocation names it.
UPDATE family_professional SET role_in_family = 'Key worker' WHERE role_in_family = 'Lead professional' AND is_lead;
