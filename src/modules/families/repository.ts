import type { AgencyKind, UserRole } from '../../domain/codes.ts';
import { familyFilterSql } from '../../domain/access/policy.ts';
import type { Queryable } from '../../db/database.ts';
import type { LegalStatus, MemberType, NeedType, Role, Sex } from '../../domain/codes.ts';
import type { Relationship } from '../../domain/household.ts';

export interface FamilyRow {
  id: string;
  reference: string;
  family_name: string;
  address_line1: string;
  address_line2: string;
  town: string;
  postcode: string;
  district_id: string | null;
  district_name: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PersonRow {
  id: string;
  family_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string | null;
  expected_date: string | null;
  sex: Sex;
  member_type: MemberType;
  role: Role;
  version: number;
}

export interface RelationshipRow {
  person_id: string;
  related_person_id: string;
  kind: Relationship['kind'];
}

export interface StatusRow {
  id: string;
  person_id: string;
  status: LegalStatus;
  start_date: string;
  end_date: string | null;
  /** The recording agency (need to know: the owner always sees its own items). */
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
}

export interface NeedRow {
  id: string;
  person_id: string;
  need_type: NeedType;
  code: string | null;
  source_agency_id: string | null;
  source_agency_name: string | null;
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
  recorder_agency_id: string | null;
  identified_on: string;
  is_current: boolean;
  notes: string;
}

export interface ProfessionalRow {
  id: string;
  user_id: string;
  display_name: string;
  job_title: string;
  email: string;
  agency_name: string;
  team_name: string | null;
  role_in_family: string;
  is_lead: boolean;
  joined_on: string;
}

export interface HouseholdRow extends FamilyRow {
  members: PersonRow[];
  relationships: RelationshipRow[];
  statuses: StatusRow[];
  needs: NeedRow[];
  professionals: ProfessionalRow[];
  setting: unknown;
}

export interface FamilySummaryRow {
  id: string;
  reference: string;
  family_name: string;
  postcode: string;
  district_name: string | null;
  members: number;
  children: number;
  my_role: string | null;
  lead_name: string | null;
}

export interface SearchHitRow {
  person_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string | null;
  expected_date: string | null;
  role: Role;
  family_id: string;
  reference: string;
  family_label: string;
  postcode: string;
}

export interface FamilyInput {
  familyName: string;
  addressLine1: string;
  addressLine2: string;
  town: string;
  postcode: string;
  postcodeKey: string;
  districtId: string | null;
}

export interface PersonInput {
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  expectedDate: string | null;
  sex: Sex;
  memberType: MemberType;
  role: Role;
  searchKeys: string[];
}

// Families the user may read, from the access policy's rules ($1 is the user).
const accessibleFamilies = (user: Reader) => familyFilterSql(user, 'family.read', '$1');
type Reader = { id: string; role: UserRole };

const familyColumns = `f.id, f.reference, f.family_name, f.address_line1, f.address_line2, f.town, f.postcode,
  f.district_id, d.name AS district_name, f.version, f.created_at, f.updated_at`;

const personColumns = `id, family_id, given_name, family_name, date_of_birth, expected_date, sex, member_type, role, version`;

// Each list on the family page, by family ($1); used alone and inside household().
const membersSql = `SELECT ${personColumns} FROM person WHERE family_id = $1
  ORDER BY CASE member_type WHEN 'adult' THEN 0 WHEN 'child' THEN 1 ELSE 2 END, date_of_birth NULLS LAST, given_name`;
const relationshipsSql = 'SELECT person_id, related_person_id, kind FROM relationship WHERE family_id = $1';
const statusesSql = `SELECT s.id, s.person_id, s.status, s.start_date, s.end_date, oa.id AS owner_agency_id, oa.kind AS owner_agency_kind
  FROM legal_status s JOIN person p ON p.id = s.person_id
  LEFT JOIN app_user ou ON ou.id = s.recorded_by LEFT JOIN agency oa ON oa.id = ou.agency_id
 WHERE p.family_id = $1 ORDER BY s.start_date DESC`;
// A need belongs to the agency that identified it, else to the agency of whoever recorded it.
const needsSql = `SELECT n.id, n.person_id, n.need_type, n.code, n.source_agency_id, a.name AS source_agency_name,
       n.identified_on, n.is_current, n.notes, oa.id AS owner_agency_id, oa.kind AS owner_agency_kind, ou.agency_id AS recorder_agency_id
  FROM need n JOIN person p ON p.id = n.person_id LEFT JOIN agency a ON a.id = n.source_agency_id
  LEFT JOIN app_user ou ON ou.id = n.recorded_by LEFT JOIN agency oa ON oa.id = coalesce(n.source_agency_id, ou.agency_id)
 WHERE p.family_id = $1 ORDER BY n.is_current DESC, n.identified_on DESC`;
const professionalsSql = `SELECT fp.id, fp.user_id, u.display_name, u.job_title, u.email, a.name AS agency_name, t.name AS team_name,
       fp.role_in_family, fp.is_lead, fp.joined_on
  FROM family_professional fp JOIN app_user u ON u.id = fp.user_id JOIN agency a ON a.id = u.agency_id
  LEFT JOIN team t ON t.id = u.team_id
 WHERE fp.family_id = $1 AND fp.left_on IS NULL ORDER BY fp.is_lead DESC, fp.joined_on`;

export const familiesRepository = {
  async family(q: Queryable, id: string): Promise<FamilyRow | undefined> {
    return (await q.query<FamilyRow>(
      `SELECT ${familyColumns} FROM family f LEFT JOIN district d ON d.id = f.district_id WHERE f.id = $1`, [id]))[0];
  },

  members: (q: Queryable, familyId: string) => q.query<PersonRow>(membersSql, [familyId]),

  async person(q: Queryable, familyId: string, personId: string): Promise<PersonRow | undefined> {
    return (await q.query<PersonRow>(`SELECT ${personColumns} FROM person WHERE id = $1 AND family_id = $2`, [personId, familyId]))[0];
  },

  needs: (q: Queryable, familyId: string) => q.query<NeedRow>(needsSql, [familyId]),
  professionals: (q: Queryable, familyId: string) => q.query<ProfessionalRow>(professionalsSql, [familyId]),

  /** The family page's data in one round trip: the family row, each list as JSON, and a setting. */
  async household(q: Queryable, familyId: string, settingKey: string): Promise<HouseholdRow | undefined> {
    const list = (sql: string) => `(SELECT coalesce(json_agg(x), '[]'::json) FROM (${sql}) x)`;
    return (await q.query<HouseholdRow>(
      `SELECT ${familyColumns}, ${list(membersSql)} AS members, ${list(relationshipsSql)} AS relationships,
              ${list(statusesSql)} AS statuses, ${list(needsSql)} AS needs, ${list(professionalsSql)} AS professionals,
              (SELECT value FROM setting WHERE key = $2) AS setting
         FROM family f LEFT JOIN district d ON d.id = f.district_id WHERE f.id = $1`, [familyId, settingKey]))[0];
  },

  familiesFor: (q: Queryable, user: Reader) =>
    q.query<FamilySummaryRow>(
      `WITH mine AS (${accessibleFamilies(user)})
       SELECT f.id, f.reference, f.family_name, f.postcode, d.name AS district_name,
              (SELECT count(*)::int FROM person p WHERE p.family_id = f.id) AS members,
              (SELECT count(*)::int FROM person p WHERE p.family_id = f.id AND p.member_type <> 'adult') AS children,
              (SELECT fp.role_in_family FROM family_professional fp WHERE fp.family_id = f.id AND fp.user_id = $1 AND fp.left_on IS NULL LIMIT 1) AS my_role,
              (SELECT u.display_name FROM family_professional fp JOIN app_user u ON u.id = fp.user_id
                WHERE fp.family_id = f.id AND fp.is_lead AND fp.left_on IS NULL LIMIT 1) AS lead_name
         FROM family f LEFT JOIN district d ON d.id = f.district_id
        WHERE f.id IN (SELECT family_id FROM mine)
        ORDER BY (SELECT count(*) FROM family_professional fp WHERE fp.family_id = f.id AND fp.user_id = $1 AND fp.left_on IS NULL) DESC,
                 f.family_name, f.reference
        LIMIT 500`, [user.id]),

  /** People in families the user may open, matching every key group, the date of birth and the postcode given. */
  search: (q: Queryable, user: Reader, criteria: { keyGroups: string[][]; dateOfBirth: string | null; postcode: { key: string; full: boolean } | null }) => {
    const params: unknown[] = [user.id];
    const where: string[] = [];
    for (const group of criteria.keyGroups) {
      params.push(group);
      where.push(`p.search_keys && $${params.length}::text[]`);
    }
    if (criteria.dateOfBirth) {
      params.push(criteria.dateOfBirth);
      where.push(`p.date_of_birth = $${params.length}::date`);
    }
    if (criteria.postcode?.full) {
      params.push(criteria.postcode.key);
      where.push(`f.postcode_key = $${params.length}`);
    } else if (criteria.postcode) {
      // An outward code ('NV1') must not also find 'NV10': the inward part is always three characters.
      params.push(`${criteria.postcode.key}%`, criteria.postcode.key.length + 3);
      where.push(`f.postcode_key LIKE $${params.length - 1} AND length(f.postcode_key) = $${params.length}`);
    }
    // Start from the searcher's own families (a handful, or a team's few hundred) and look at their
    // people, rather than from every person whose name keys match across the whole partnership.
    return q.query<SearchHitRow>(
      `WITH mine AS MATERIALIZED (${accessibleFamilies(user)})
       SELECT p.id AS person_id, p.given_name, p.family_name, p.date_of_birth, p.expected_date, p.role,
              f.id AS family_id, f.reference, f.family_name AS family_label, f.postcode
         FROM mine JOIN family f ON f.id = mine.family_id JOIN person p ON p.family_id = f.id
        WHERE ${where.length ? where.join(' AND ') : 'false'}
        LIMIT 200`, params, { prepare: false });
  },

  async insertFamily(q: Queryable, id: string, input: FamilyInput): Promise<string> {
    const rows = await q.query<{ reference: string }>(
      `INSERT INTO family (id, reference, family_name, address_line1, address_line2, town, postcode, postcode_key, district_id)
       VALUES ($1, 'NV-' || lpad(nextval('family_reference_seq')::text, 6, '0'), $2, $3, $4, $5, $6, $7, $8)
       RETURNING reference`,
      [id, input.familyName, input.addressLine1, input.addressLine2, input.town, input.postcode, input.postcodeKey, input.districtId]);
    return rows[0].reference;
  },

  /** Returns false when the family changed since `version` was read. */
  async updateFamily(q: Queryable, id: string, version: number, input: FamilyInput, at: Date): Promise<boolean> {
    const rows = await q.query(
      `UPDATE family SET family_name = $3, address_line1 = $4, address_line2 = $5, town = $6, postcode = $7,
              postcode_key = $8, district_id = $9, version = version + 1, updated_at = $10
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, input.familyName, input.addressLine1, input.addressLine2, input.town, input.postcode, input.postcodeKey, input.districtId, at]);
    return rows.length === 1;
  },

  async insertPerson(q: Queryable, id: string, familyId: string, p: PersonInput) {
    await q.query(
      `INSERT INTO person (id, family_id, given_name, family_name, date_of_birth, expected_date, sex, member_type, role, search_keys)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, familyId, p.givenName, p.familyName, p.dateOfBirth, p.expectedDate, p.sex, p.memberType, p.role, p.searchKeys]);
  },

  async updatePerson(q: Queryable, id: string, version: number, p: PersonInput, at: Date): Promise<boolean> {
    const rows = await q.query(
      `UPDATE person SET given_name = $3, family_name = $4, date_of_birth = $5, expected_date = $6, sex = $7,
              member_type = $8, role = $9, search_keys = $10, version = version + 1, updated_at = $11
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, p.givenName, p.familyName, p.dateOfBirth, p.expectedDate, p.sex, p.memberType, p.role, p.searchKeys, at]);
    return rows.length === 1;
  },

  async insertRelationships(q: Queryable, familyId: string, relationships: readonly (Relationship & { id: string })[]) {
    for (const r of relationships) {
      await q.query(
        `INSERT INTO relationship (id, family_id, person_id, related_person_id, kind) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`, [r.id, familyId, r.personId, r.relatedPersonId, r.kind]);
    }
  },

  /** The screening of the referral behind the family's open case, if it has one. */
  async openCaseScreening(q: Queryable, familyId: string): Promise<ScreeningRow | undefined> {
    return (await q.query<ScreeningRow>(
      `SELECT r.reference, r.decided_at, d.display_name AS decided_by_name, r.level_of_need, r.level_rule, r.level_override, r.level_override_reason
         FROM casefile c JOIN referral r ON r.id = c.referral_id LEFT JOIN app_user d ON d.id = r.decided_by
        WHERE c.family_id = $1 AND c.state <> 'closed' AND r.decided_at IS NOT NULL
        ORDER BY r.decided_at DESC LIMIT 1`, [familyId]))[0];
  },

  async insertNeed(q: Queryable, n: { id: string; personId: string; needType: NeedType; code: string | null; sourceAgencyId: string | null; identifiedOn: string; isCurrent: boolean; notes: string; recordedBy: string }) {
    await q.query(
      `INSERT INTO need (id, person_id, need_type, code, source_agency_id, identified_on, is_current, notes, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [n.id, n.personId, n.needType, n.code, n.sourceAgencyId, n.identifiedOn, n.isCurrent, n.notes, n.recordedBy]);
  },

  /** A new legal status ends the one before it on the day the new one starts. */
  async insertStatus(q: Queryable, s: { id: string; personId: string; status: LegalStatus; startDate: string; recordedBy: string }) {
    await q.query(
      `UPDATE legal_status SET end_date = $2 WHERE person_id = $1 AND end_date IS NULL AND start_date <= $2`, [s.personId, s.startDate]);
    await q.query(
      `INSERT INTO legal_status (id, person_id, status, start_date, recorded_by) VALUES ($1, $2, $3, $4, $5)`,
      [s.id, s.personId, s.status, s.startDate, s.recordedBy]);
  },

  async latestStatusStart(q: Queryable, personId: string): Promise<string | null> {
    return (await q.query<{ start_date: string }>(
      'SELECT start_date FROM legal_status WHERE person_id = $1 ORDER BY start_date DESC LIMIT 1', [personId]))[0]?.start_date ?? null;
  },

  async addProfessional(q: Queryable, p: { id: string; familyId: string; userId: string; roleInFamily: string; isLead: boolean; joinedOn: string }) {
    await q.query(
      `INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.id, p.familyId, p.userId, p.roleInFamily, p.isLead, p.joinedOn]);
  },

  districts: (q: Queryable) => q.query<{ id: string; name: string }>('SELECT id, name FROM district ORDER BY name'),
  agencies: (q: Queryable) => q.query<{ id: string; name: string; kind: string }>('SELECT id, name, kind FROM agency ORDER BY name'),

  async setting<T>(q: Queryable, key: string): Promise<T | undefined> {
    return (await q.query<{ value: T }>('SELECT value FROM setting WHERE key = $1', [key]))[0]?.value;
  },

  async saveSetting(q: Queryable, key: string, value: unknown, at: Date) {
    await q.query(
      `INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = $3`,
      [key, JSON.stringify(value), at]);
  },
};

export interface ScreeningRow {
  reference: string;
  decided_at: string;
  decided_by_name: string | null;
  level_of_need: number | null;
  level_rule: string;
  level_override: number | null;
  level_override_reason: string;
}
