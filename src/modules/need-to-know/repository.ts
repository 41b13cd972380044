import type { Queryable } from '../../db/database.ts';
import type { AgencyKind } from '../../domain/codes.ts';
import type { DataCategory } from '../../domain/access/categories.ts';

export interface ConsentRow {
  id: string; basis: 'consent' | 'schedule1'; person_id: string | null; person_name: string | null; agency_kinds: AgencyKind[]; categories: DataCategory[];
  given_on: string; decided_by_name: string | null; reason: string; withdrawn_on: string | null; withdrawn_reason: string; recorded_by_name: string | null; version: number;
}

/** Need to know's SQL: a family's consents and Schedule 1 decisions, and the stored sharing rules. */
export const needToKnowRepository = {
  consents: (q: Queryable, familyId: string) => q.query<ConsentRow>(
    `SELECT c.id, c.basis, c.person_id, p.given_name || ' ' || p.family_name AS person_name, c.agency_kinds, c.categories, c.given_on::text AS given_on,
            du.display_name AS decided_by_name, c.reason, c.withdrawn_on::text AS withdrawn_on, c.withdrawn_reason, ru.display_name AS recorded_by_name, c.version
       FROM family_consent c LEFT JOIN person p ON p.id = c.person_id
       LEFT JOIN app_user du ON du.id = c.decided_by LEFT JOIN app_user ru ON ru.id = c.recorded_by
      WHERE c.family_id = $1 ORDER BY c.given_on DESC, c.recorded_at DESC`, [familyId]),

  async consent(q: Queryable, familyId: string, consentId: string) {
    return (await q.query<{ withdrawn_on: string | null; version: number }>('SELECT withdrawn_on, version FROM family_consent WHERE id = $1 AND family_id = $2', [consentId, familyId]))[0];
  },

  adults: (q: Queryable, familyId: string) =>
    q.query<{ id: string; name: string }>(`SELECT id, given_name || ' ' || family_name AS name FROM person WHERE family_id = $1 AND member_type = 'adult' ORDER BY given_name`, [familyId]),

  family: (q: Queryable, familyId: string) =>
    q.query<{ id: string; reference: string; family_name: string }>('SELECT id, reference, family_name FROM family WHERE id = $1', [familyId]),

  async isAdultOf(q: Queryable, personId: string, familyId: string): Promise<boolean> {
    return (await q.query(`SELECT 1 FROM person WHERE id = $1 AND family_id = $2 AND member_type = 'adult'`, [personId, familyId])).length > 0;
  },

  insertConsent: (q: Queryable, c: {
    id: string; familyId: string; basis: string; personId: string | null; agencyKinds: readonly string[]; categories: readonly string[]; givenOn: string;
    decidedBy: string | null; reason: string; recordedBy: string; recordedAt: Date;
  }) => q.query(
    `INSERT INTO family_consent (id, family_id, basis, person_id, agency_kinds, categories, given_on, decided_by, reason, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [c.id, c.familyId, c.basis, c.personId, [...c.agencyKinds], [...c.categories], c.givenOn, c.decidedBy, c.reason, c.recordedBy, c.recordedAt]),

  /** Ends a consent from `on` (never before it was given); false when the version is out of date. */
  async withdraw(q: Queryable, consentId: string, version: number, on: string, reason: string): Promise<boolean> {
    return (await q.query(
      `UPDATE family_consent SET withdrawn_on = greatest($1::date, given_on), withdrawn_reason = $2, version = version + 1
        WHERE id = $3 AND version = $4 RETURNING id`, [on, reason, consentId, version])).length > 0;
  },

  /** Serialises concurrent saves of the sharing rules, so the version check cannot race. */
  lockSharingRules: (q: Queryable) => q.query(`SELECT pg_advisory_xact_lock(hashtext('sharing_rules'))`),

  saveSetting: (q: Queryable, key: string, value: unknown, at: Date) => q.query(
    `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(value), at]),
};
