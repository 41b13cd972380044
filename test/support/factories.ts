import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import type { Actor } from '../../src/domain/actor.ts';
import type { AgencyKind, UserRole } from '../../src/domain/codes.ts';
import { hashPassword } from '../../src/modules/access/service.ts';
import { demoSecondFactorSecret } from '../../src/modules/access/second-factor.ts';
import { secondFactorRequired } from '../../src/domain/access/policy.ts';

/** Test data built through plain inserts: each factory makes one thing and returns what a test needs of it. */

export const testPassword = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
const hashed = () => (passwordHash ??= hashPassword(testPassword));

export async function makePartnership(db: Database) {
  const partnershipId = randomUUID();
  await db.query('INSERT INTO partnership (id, name) VALUES ($1, $2)', [partnershipId, 'Testshire partnership']);
  const districtId = randomUUID();
  await db.query('INSERT INTO district (id, partnership_id, name) VALUES ($1, $2, $3)', [districtId, partnershipId, 'Riverside']);
  const agencies: Record<string, string> = {};
  for (const [kind, name] of [['childrens_social_care', "Testshire Children's Services"], ['police', 'Testshire Police'], ['drug_alcohol_service', 'Testshire Recovery']] as [AgencyKind, string][]) {
    const id = randomUUID();
    await db.query('INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, $3, $4)', [id, partnershipId, name, kind]);
    agencies[kind] = id;
  }
  const teamId = randomUUID();
  await db.query('INSERT INTO team (id, agency_id, name) VALUES ($1, $2, $3)', [teamId, agencies.childrens_social_care, 'Riverside family support']);
  const otherTeamId = randomUUID();
  await db.query('INSERT INTO team (id, agency_id, name) VALUES ($1, $2, $3)', [otherTeamId, agencies.childrens_social_care, 'Hillside family support']);
  return { partnershipId, districtId, agencies, teamId, otherTeamId };
}

export async function makeUser(db: Database, options: { role?: UserRole; agencyId: string; teamId?: string | null; name?: string; email?: string; manages?: string[]; frontDoorScreener?: boolean }): Promise<Actor & { email: string }> {
  const id = randomUUID();
  const email = options.email ?? `user-${id.slice(0, 8)}@test.example`;
  const role = options.role ?? 'practitioner';
  const name = options.name ?? `Test ${role} ${id.slice(0, 4)}`;
  await db.query(
    `INSERT INTO app_user (id, email, display_name, job_title, password_hash, role, agency_id, team_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, email, name, 'Family support worker', await hashed(), role, options.agencyId, options.teamId ?? null]);
  for (const teamId of options.manages ?? []) await db.query('INSERT INTO team_manager (team_id, user_id) VALUES ($1, $2)', [teamId, id]);
  if (options.frontDoorScreener) await db.query('UPDATE app_user SET front_door_screener = true WHERE id = $1', [id]);
  // Administrators and analysts must pass a second factor: they get the demo's key, as the demo's do.
  if (secondFactorRequired(role)) {
    await db.query(`INSERT INTO second_factor (user_id, secret, confirmed_at) VALUES ($1, $2, '2026-01-01')`, [id, demoSecondFactorSecret]);
  }
  return { id, email, role, displayName: name, agencyId: options.agencyId, teamId: options.teamId ?? null, ip: '127.0.0.1' };
}

export async function joinFamily(db: Database, familyId: string, userId: string, roleInFamily = 'Substance misuse worker') {
  await db.query(
    `INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES ($1, $2, $3, $4, false, '2026-01-01')`,
    [randomUUID(), familyId, userId, roleInFamily]);
}

export const aFamily = (over: Record<string, unknown> = {}) => ({
  familyName: 'Walsh', addressLine1: '12 Mill Lane', addressLine2: '', town: 'Riverside', postcode: 'NV1 4AB', districtId: null, ...over,
});

export const aMember = (over: Record<string, unknown> = {}) => ({
  givenName: 'Kerry', familyName: 'Walsh', role: 'mother', sex: 'female', dateOfBirth: '1990-05-17', expectedDate: null, ...over,
});

/** The acting user for an existing account (a demo sign-in, say), as a use case receives it. */
export async function actorByEmail(db: Database, email: string): Promise<Actor> {
  const [u] = await db.query<{ id: string; role: Actor['role']; display_name: string; agency_id: string; team_id: string | null }>(
    'SELECT id, role, display_name, agency_id, team_id FROM app_user WHERE email = $1', [email]);
  if (!u) throw new Error(`No user ${email}`);
  return { id: u.id, role: u.role, displayName: u.display_name, agencyId: u.agency_id, teamId: u.team_id, ip: 'test' };
}
