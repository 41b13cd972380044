/**
 * The one access policy: whether an actor may do something to a family, a referral or a join
 * request, decided from facts loaded once for the request. Default deny: a permission with no
 * rule, a role a rule does not name, or a missing fact is a refusal. The same rules compile to
 * the SQL that filters lists and search (`familyFilterSql`, `referralFilterSql`), so a list never
 * shows what the single decision would refuse (test/integration/access-policy.test.ts checks they
 * agree on the demo).
 */
import { agencyKinds, type AgencyKind, type UserRole } from '../codes.ts';

export const permissions = [
  'family.read', 'family.change', 'family.team.add', 'family.seen-by', 'family.join-request.decide',
  'referral.read', 'referral.screen',
] as const;
export type Permission = (typeof permissions)[number];
export type FamilyPermission = Extract<Permission, `family.${string}`>;
export type ReferralPermission = Extract<Permission, `referral.${string}`>;

/** How an actor is tied to one family, from the team around the family. */
export interface FamilyTie {
  /** In the team around the family. */
  member: boolean;
  /** Its lead professional (key worker). */
  lead: boolean;
  /** Manages someone in the team around the family. */
  managesMember: boolean;
}
export type TieKind = keyof FamilyTie;

export interface AccessFacts {
  userId: string;
  role: UserRole;
  agencyKind: AgencyKind;
  teamId: string | null;
  managedTeamIds: readonly string[];
  frontDoorScreener: boolean;
  /** Ties to the families this request is about (absent: no tie). */
  ties: ReadonlyMap<string, FamilyTie>;
  // The need-to-know work (issue 12) adds data category, consent and break-glass grants here.
}

export interface Decision {
  allowed: boolean;
  /** On what basis access was allowed, as "Who has seen this family" shows it; empty when refused. */
  basis: string;
}

const caseworkRoles: readonly UserRole[] = ['practitioner', 'manager'];

/** Each family permission: the roles it is open to and the ties that give it, in order of preference. */
export const familyRules: Record<FamilyPermission, { roles: readonly UserRole[]; ties: readonly TieKind[] }> = {
  'family.read': { roles: caseworkRoles, ties: ['member', 'managesMember'] },
  'family.change': { roles: caseworkRoles, ties: ['member', 'managesMember'] },
  'family.team.add': { roles: caseworkRoles, ties: ['member', 'managesMember'] },
  'family.seen-by': { roles: caseworkRoles, ties: ['lead', 'managesMember'] },
  'family.join-request.decide': { roles: caseworkRoles, ties: ['lead', 'managesMember'] },
};

export const tieBasis: Record<TieKind, string> = {
  member: 'team around the family',
  lead: 'lead professional',
  managesMember: 'manages someone in the team around the family',
};

const refused: Decision = { allowed: false, basis: '' };

export function decideFamily(facts: AccessFacts, permission: FamilyPermission, familyId: string): Decision {
  const rule = familyRules[permission];
  if (!rule || !rule.roles.includes(facts.role)) return refused;
  const tie = facts.ties.get(familyId);
  const via = tie && rule.ties.find((kind) => tie[kind]);
  return via ? { allowed: true, basis: tieBasis[via] } : refused;
}

/** What the policy needs to know about a referral. */
export interface ReferralFacts {
  referredBy: string | null;
  routedTeamId: string | null;
  /** The family the referral is joined to, if any (its tie must be in the facts). */
  familyId: string | null;
  status: string;
}

/**
 * Routing lets a manager see and screen a referral while it waits for screening; once screened,
 * only while it is joined to no family or to one they may read (accepting joins the screener to
 * the family): a screened referral is part of that family's record.
 */
export function decideReferral(facts: AccessFacts, permission: ReferralPermission, referral: ReferralFacts): Decision {
  const open = referral.status === 'received' || !referral.familyId || decideFamily(facts, 'family.read', referral.familyId).allowed;
  if (facts.role === 'manager' && open) {
    if (referral.routedTeamId && facts.managedTeamIds.includes(referral.routedTeamId)) return { allowed: true, basis: 'referral routed to your team' };
    if (!referral.routedTeamId && facts.frontDoorScreener) return { allowed: true, basis: 'front door screener' };
  }
  if (permission === 'referral.read' && referral.referredBy === facts.userId) return { allowed: true, basis: 'referrer' };
  return refused;
}

/**
 * Directory editors (issue 17): who may add, edit, retire and mark as checked the services in the
 * public directory. A permission given to a person (the `directory_editor` flag an administrator
 * sets), whatever their role; nothing in the directory is about a family.
 */
export function decideDirectoryEdit(editor: { active: boolean; directoryEditor: boolean }): Decision {
  return editor.active && editor.directoryEditor ? { allowed: true, basis: 'directory editor' } : refused;
}

/** Agencies whose practitioners and managers deliver services to families, and so may join a team around the family. */
export const serviceAgencyKinds: readonly AgencyKind[] = agencyKinds;

/** Who may be added to a team around the family: practitioners and managers of agencies that deliver services; never analysts or administrators. */
export function mayJoinTeam(candidate: { role: UserRole; agencyKind: AgencyKind; active: boolean }): boolean {
  return candidate.active && caseworkRoles.includes(candidate.role) && serviceAgencyKinds.includes(candidate.agencyKind);
}

/**
 * The family ids an actor holds `permission` on, as SQL (a subquery for `col IN (...)`), compiled
 * from `familyRules`. `$user` is the parameter holding the actor's id. Each tie is its own indexed
 * half joined by UNION: an OR across them makes PostgreSQL scan every team-around-the-family row.
 */
export function familyFilterSql(facts: Pick<AccessFacts, 'role'>, permission: FamilyPermission, user: string): string {
  const rule = familyRules[permission];
  // Still names the parameter, so the statement binds the same parameters whatever the role.
  if (!rule.roles.includes(facts.role)) return `SELECT fp.family_id FROM family_professional fp WHERE false AND fp.user_id = ${user}`;
  return rule.ties.map((kind) => tieSql[kind](user)).join('\n  UNION\n  ');
}

const tieSql: Record<TieKind, (user: string) => string> = {
  member: (user) => `SELECT fp.family_id FROM family_professional fp WHERE fp.left_on IS NULL AND fp.user_id = ${user}`,
  lead: (user) => `SELECT fp.family_id FROM family_professional fp WHERE fp.left_on IS NULL AND fp.is_lead AND fp.user_id = ${user}`,
  managesMember: (user) => `SELECT fp.family_id FROM family_professional fp
    JOIN app_user fu ON fu.id = fp.user_id JOIN team_manager ftm ON ftm.team_id = fu.team_id
   WHERE fp.left_on IS NULL AND ftm.user_id = ${user}`,
};

/** The SQL condition on referral `r` for the referrals an actor may read or screen, from the same rule as `decideReferral`. */
export function referralFilterSql(facts: AccessFacts, permission: ReferralPermission, params: unknown[]): string {
  const conditions: string[] = [];
  if (facts.role === 'manager') {
    params.push([...facts.managedTeamIds]);
    const routed = [`r.routed_team_id = ANY($${params.length}::uuid[])`];
    if (facts.frontDoorScreener) routed.push('r.routed_team_id IS NULL');
    params.push(facts.userId);
    conditions.push(`((${routed.join(' OR ')}) AND (r.status = 'received' OR r.family_id IS NULL OR r.family_id IN (${familyFilterSql(facts, 'family.read', `$${params.length}`)})))`);
  }
  if (permission === 'referral.read') {
    params.push(facts.userId);
    conditions.push(`r.referred_by = $${params.length}`);
  }
  return conditions.length ? `(${conditions.join(' OR ')})` : 'false';
}
