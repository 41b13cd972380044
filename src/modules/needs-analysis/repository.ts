import type { Queryable } from '../../db/database.ts';
import { parentOrCarerRoles } from '../../domain/codes.ts';
import type { PopulationBase } from '../../domain/needs-analysis/known.ts';
import type { PopulationRow, RoundTo } from '../../domain/needs-analysis/prevalence.ts';

export interface RateRow {
  key: string;
  label: string;
  rate: number;
  base: PopulationBase;
  source: string;
  round_to: RoundTo;
  known_rule: string;
}

export interface PopulationSetRow {
  id: string;
  name: string;
  by_district: boolean;
  source: string;
  /** 'essex' for the Essex report's worked example, kept as the report gives it; null for the partnership's own. */
  example: 'essex' | null;
  updated_at: string;
  rows: number;
  children: number;
  people: number;
}

export interface ProfileRow {
  district_id: string | null;
  parental_codes: string[];
  mother_codes: string[];
  needs: number;
  families: number;
  children: number;
  unborn: number;
}

export interface CountSetRow {
  id: string;
  name: string;
  period: string;
  source: string;
  created_at: string;
}

export type Eligibility = 'all' | 'looked_after' | 'child_protection_plan' | 'child_in_need';

export interface AuditRow {
  id: string;
  name: string;
  method: 'sample' | 'recorded';
  eligibility: Eligibility | null;
  population: number;
  population_label: string;
  sample_size: number;
  source: string;
  created_at: string;
  reviewed: number;
}

export interface AuditFileRow {
  position: number;
  reference: string;
  reviewed: boolean;
  vulnerabilities: string[];
}

const populationColumns = 'area, district_id, age_band, children, births, families, people';

// The families eligible for an audit sample: all, or those with a child whose current legal status is the one named.
const eligibleFamilies = `
  SELECT f.id FROM family f
   WHERE $1::text = 'all' OR EXISTS (
     SELECT 1 FROM person p JOIN legal_status s ON s.person_id = p.id
      WHERE p.family_id = f.id AND s.end_date IS NULL AND s.status = $1::text)`;

/** SQL only: every figure that involves families leaves the database as a count. */
export const needsAnalysisRepository = {
  rates: (q: Queryable) =>
    q.query<RateRow>(
      `SELECT key, label, rate::float8 AS rate, base, source, round_to, known_rule FROM prevalence_rate ORDER BY position, key`),

  async replaceRates(q: Queryable, rates: readonly { key: string; label: string; rate: number; base: string; source: string; roundTo: number; knownRule: string }[]) {
    await q.query('DELETE FROM prevalence_rate');
    for (const [position, r] of rates.entries()) {
      await q.query(
        `INSERT INTO prevalence_rate (key, position, label, rate, base, source, round_to, known_rule) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [r.key, position, r.label, r.rate, r.base, r.source, r.roundTo, r.knownRule]);
    }
  },

  async clearRates(q: Queryable) {
    await q.query('DELETE FROM prevalence_rate');
  },

  districts: (q: Queryable) => q.query<{ id: string; name: string }>('SELECT id, name FROM district ORDER BY name'),

  populationSets: (q: Queryable) =>
    q.query<PopulationSetRow>(
      `SELECT s.id, s.name, s.by_district, s.source, s.example, s.updated_at,
              count(p.area)::int AS rows, COALESCE(sum(p.children), 0)::int AS children, COALESCE(sum(p.people), 0)::int AS people
         FROM population_set s LEFT JOIN population p ON p.population_set_id = s.id
        GROUP BY s.id ORDER BY s.by_district DESC, s.name`),

  async populationSet(q: Queryable, id: string): Promise<PopulationSetRow | undefined> {
    return (await q.query<PopulationSetRow>(
      `SELECT s.id, s.name, s.by_district, s.source, s.example, s.updated_at,
              count(p.area)::int AS rows, COALESCE(sum(p.children), 0)::int AS children, COALESCE(sum(p.people), 0)::int AS people
         FROM population_set s LEFT JOIN population p ON p.population_set_id = s.id
        WHERE s.id = $1 GROUP BY s.id`, [id]))[0];
  },

  /**
   * Holds, until the transaction ends, the right to create or refill the set of this name: two
   * requests at once would otherwise both find no set (or both replace its rows) and one would fail.
   */
  async lockPopulationSetName(q: Queryable, name: string): Promise<void> {
    await q.query("SELECT pg_advisory_xact_lock(hashtext('population_set:' || $1))", [name]);
  },

  async populationSetIdByName(q: Queryable, name: string): Promise<string | undefined> {
    return (await q.query<{ id: string }>('SELECT id FROM population_set WHERE name = $1', [name]))[0]?.id;
  },

  async insertPopulationSet(q: Queryable, s: { id: string; name: string; byDistrict: boolean; source: string; example?: 'essex' }) {
    await q.query('INSERT INTO population_set (id, name, by_district, source, example) VALUES ($1, $2, $3, $4, $5)', [s.id, s.name, s.byDistrict, s.source, s.example ?? null]);
  },

  async describePopulationSet(q: Queryable, id: string, s: { name: string; source: string }) {
    await q.query('UPDATE population_set SET name = $2, source = $3 WHERE id = $1', [id, s.name, s.source]);
  },

  async populationRows(q: Queryable, setId: string): Promise<PopulationRow[]> {
    const rows = await q.query<{ area: string; district_id: string | null; age_band: string; children: number; births: number; families: number; people: number }>(
      `SELECT ${populationColumns} FROM population WHERE population_set_id = $1 ORDER BY position`, [setId]);
    return rows.map((r) => ({ area: r.area, districtId: r.district_id, ageBand: r.age_band, children: r.children, births: r.births, families: r.families, people: r.people }));
  },

  /** Replaces every row of the set in one statement, so a set is never half imported. */
  async replacePopulationRows(q: Queryable, setId: string, rows: readonly PopulationRow[], at: Date, source?: string) {
    await q.query('DELETE FROM population WHERE population_set_id = $1', [setId]);
    if (rows.length) {
      await q.query(
        `INSERT INTO population (population_set_id, ${populationColumns}, position)
         SELECT $1, t.area, t.district_id, t.age_band, t.children, t.births, t.families, t.people, t.position
           FROM unnest($2::text[], $3::uuid[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
             AS t(area, district_id, age_band, children, births, families, people, position)`,
        [setId, rows.map((r) => r.area), rows.map((r) => r.districtId), rows.map((r) => r.ageBand), rows.map((r) => r.children),
          rows.map((r) => r.births), rows.map((r) => r.families), rows.map((r) => r.people), rows.map((_, i) => i + 1)]);
    }
    await q.query('UPDATE population_set SET updated_at = $3, source = COALESCE($2, source) WHERE id = $1', [setId, source ?? null, at]);
  },

  /**
   * Families grouped by district and by their profile (the parents' current vulnerability codes,
   * the mother's, and the number of distinct needs across members), counted: no family ids leave.
   */
  profiles: (q: Queryable) =>
    q.query<ProfileRow>(
      `WITH need_keys AS (
         SELECT p.family_id, p.role, CASE WHEN n.need_type = 'offending' THEN 'offending' ELSE n.code END AS code
           FROM need n JOIN person p ON p.id = n.person_id
          WHERE n.is_current),
       parental AS (
         SELECT family_id, array_agg(code ORDER BY code) AS codes
           FROM (SELECT DISTINCT family_id, code FROM need_keys WHERE role = ANY($1::text[])) d GROUP BY family_id),
       maternal AS (
         SELECT family_id, array_agg(code ORDER BY code) AS codes
           FROM (SELECT DISTINCT family_id, code FROM need_keys WHERE role = 'mother') d GROUP BY family_id),
       distinct_needs AS (
         SELECT family_id, count(DISTINCT CASE WHEN code = 'offending' THEN code WHEN code ~ '^8[B-F]$' THEN '8'
                                               ELSE regexp_replace(code, '[ABC]$', '') END)::int AS needs
           FROM need_keys WHERE code NOT IN ('20', '21') GROUP BY family_id),
       members AS (
         SELECT family_id, count(*) FILTER (WHERE member_type = 'child')::int AS children,
                count(*) FILTER (WHERE member_type = 'unborn')::int AS unborn
           FROM person GROUP BY family_id)
       SELECT f.district_id, COALESCE(pa.codes, '{}'::text[]) AS parental_codes, COALESCE(ma.codes, '{}'::text[]) AS mother_codes,
              COALESCE(dn.needs, 0)::int AS needs, count(*)::int AS families,
              COALESCE(sum(m.children), 0)::int AS children, COALESCE(sum(m.unborn), 0)::int AS unborn
         FROM family f
         LEFT JOIN parental pa ON pa.family_id = f.id
         LEFT JOIN maternal ma ON ma.family_id = f.id
         LEFT JOIN distinct_needs dn ON dn.family_id = f.id
         LEFT JOIN members m ON m.family_id = f.id
        GROUP BY f.district_id, pa.codes, ma.codes, dn.needs`, [parentOrCarerRoles]),

  /** Referrals received since a date, counted by the district of the family they were attached to. */
  referralsByDistrict: (q: Queryable, since: string) =>
    q.query<{ district_id: string; count: number }>(
      `SELECT f.district_id, count(*)::int AS count FROM referral r JOIN family f ON f.id = r.family_id
        WHERE r.received_at >= $1::date AND f.district_id IS NOT NULL GROUP BY f.district_id`, [since]),

  countSets: (q: Queryable) =>
    q.query<CountSetRow>('SELECT id, name, period, source, created_at FROM area_count_set ORDER BY created_at DESC, name'),

  async countSet(q: Queryable, id: string): Promise<CountSetRow | undefined> {
    return (await q.query<CountSetRow>('SELECT id, name, period, source, created_at FROM area_count_set WHERE id = $1', [id]))[0];
  },

  async countSetIdByName(q: Queryable, name: string): Promise<string | undefined> {
    return (await q.query<{ id: string }>('SELECT id FROM area_count_set WHERE name = $1', [name]))[0]?.id;
  },

  counts: (q: Queryable, setId: string) =>
    q.query<{ district_id: string; count: number }>('SELECT district_id, count FROM area_count WHERE area_count_set_id = $1', [setId]),

  async insertCountSet(q: Queryable, s: { id: string; name: string; period: string; source: string; createdBy: string | null; counts: readonly { districtId: string; count: number }[] }) {
    await q.query('INSERT INTO area_count_set (id, name, period, source, created_by) VALUES ($1, $2, $3, $4, $5)', [s.id, s.name, s.period, s.source, s.createdBy]);
    await q.query(
      `INSERT INTO area_count (area_count_set_id, district_id, count) SELECT $1, t.d, t.c FROM unnest($2::uuid[], $3::int[]) AS t(d, c)`,
      [s.id, s.counts.map((c) => c.districtId), s.counts.map((c) => c.count)]);
  },

  audits: (q: Queryable) =>
    q.query<AuditRow>(
      `SELECT a.id, a.name, a.method, a.eligibility, a.population, a.population_label, a.sample_size, a.source, a.created_at,
              (SELECT count(*)::int FROM audit_file f WHERE f.case_file_audit_id = a.id AND f.reviewed) AS reviewed
         FROM case_file_audit a ORDER BY a.created_at DESC, a.name`),

  async audit(q: Queryable, id: string): Promise<AuditRow | undefined> {
    return (await q.query<AuditRow>(
      `SELECT a.id, a.name, a.method, a.eligibility, a.population, a.population_label, a.sample_size, a.source, a.created_at,
              (SELECT count(*)::int FROM audit_file f WHERE f.case_file_audit_id = a.id AND f.reviewed) AS reviewed
         FROM case_file_audit a WHERE a.id = $1`, [id]))[0];
  },

  async auditIdByName(q: Queryable, name: string): Promise<string | undefined> {
    return (await q.query<{ id: string }>('SELECT id FROM case_file_audit WHERE name = $1 ORDER BY created_at LIMIT 1', [name]))[0]?.id;
  },

  async insertAudit(q: Queryable, a: { id: string; name: string; method: 'sample' | 'recorded'; eligibility: Eligibility | null; population: number; populationLabel: string; sampleSize: number; source: string; createdBy: string | null }) {
    await q.query(
      `INSERT INTO case_file_audit (id, name, method, eligibility, population, population_label, sample_size, source, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.id, a.name, a.method, a.eligibility, a.population, a.populationLabel, a.sampleSize, a.source, a.createdBy]);
  },

  async insertAuditCounts(q: Queryable, auditId: string, counts: Readonly<Record<string, number>>) {
    const entries = Object.entries(counts);
    await q.query(
      `INSERT INTO case_file_audit_count (case_file_audit_id, vulnerability, files) SELECT $1, t.v, t.n FROM unnest($2::text[], $3::int[]) AS t(v, n)`,
      [auditId, entries.map(([k]) => k), entries.map(([, n]) => n)]);
  },

  /** Files of a recorded audit showing each vulnerability. */
  recordedCounts: (q: Queryable, auditId: string) =>
    q.query<{ vulnerability: string; files: number }>('SELECT vulnerability, files FROM case_file_audit_count WHERE case_file_audit_id = $1', [auditId]),

  /** Reviewed files of a sampled audit showing each vulnerability. */
  reviewedCounts: (q: Queryable, auditId: string) =>
    q.query<{ vulnerability: string; files: number }>(
      `SELECT v AS vulnerability, count(*)::int AS files FROM audit_file f, unnest(f.vulnerabilities) AS v
        WHERE f.case_file_audit_id = $1 AND f.reviewed GROUP BY v`, [auditId]),

  async eligibleCount(q: Queryable, eligibility: Eligibility): Promise<number> {
    return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${eligibleFamilies}) e`, [eligibility]))[0].n;
  },

  /**
   * Draws the sample inside the database: eligible families ordered by a hash of their id with the
   * audit's id (random, but the same every time for the same audit), the first `size` of them.
   */
  async drawSample(q: Queryable, auditId: string, eligibility: Eligibility, size: number): Promise<number> {
    const rows = await q.query<{ position: number }>(
      `INSERT INTO audit_file (case_file_audit_id, position, family_id)
       SELECT $2::uuid, row_number() OVER (ORDER BY s.k), s.id
         FROM (SELECT e.id, md5(e.id::text || $2::text) AS k FROM (${eligibleFamilies}) e ORDER BY k LIMIT $3) s
       RETURNING position`, [eligibility, auditId, size]);
    return rows.length;
  },

  auditFiles: (q: Queryable, auditId: string) =>
    q.query<AuditFileRow>(
      `SELECT a.position, f.reference, a.reviewed, a.vulnerabilities FROM audit_file a JOIN family f ON f.id = a.family_id
        WHERE a.case_file_audit_id = $1 ORDER BY a.position`, [auditId]),

  async saveAuditFile(q: Queryable, auditId: string, position: number, reviewed: boolean, vulnerabilities: readonly string[], userId: string, at: Date) {
    await q.query(
      `UPDATE audit_file SET reviewed = $3, vulnerabilities = $4::text[], reviewed_by = CASE WHEN $3 THEN $5::uuid END,
              reviewed_at = CASE WHEN $3 THEN $6::timestamptz END
        WHERE case_file_audit_id = $1 AND position = $2`,
      [auditId, position, reviewed, vulnerabilities, userId, at]);
  },
};
