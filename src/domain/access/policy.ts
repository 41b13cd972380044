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

/**
 * Feature permissions: which roles may use each part of Lantern at all, before any tie to a
 * family counts. Routes declare these roles (`rolesWith`) and use cases refuse through
 * `requireFeature` (src/modules/access/policy.ts); nothing else checks a role.
 */
export const featureRoles = {
  /** Add families, hold cases, My families. */
  'families.hold': ['practitioner', 'manager'],
  /** Change a family's record: people, needs, assessment, plan, contacts, letters, outcome measures, follow-ups. */
  'casework.write': ['practitioner', 'manager'],
  /** Add a practitioner or manager to the team around the family. */
  'case.team.add': ['practitioner', 'manager'],
  'referral.make': ['practitioner', 'manager'],
  /** The referral queue and screening (which referrals: `decideReferral`). */
  'referral.screen': ['manager'],
  'case.allocate': ['manager'],
  'case.close': ['manager'],
  'work.mine': ['practitioner', 'manager'],
  'work.team': ['manager'],
  /** Linked agency data: extracts and every household, matched or not. */
  'identification.data': ['analyst'],
  /** The ranked identification list (practitioners and managers: the families they may open). */
  'identification.list': ['analyst', 'practitioner', 'manager'],
  'identification.rules': ['analyst', 'administrator'],
  'needs-analysis.use': ['analyst', 'manager', 'administrator'],
  /** Draw and review a random sample of case files. */
  'needs-analysis.sample': ['analyst', 'manager'],
  /** Costs and benefits in the menu (the pages are open to anyone signed in). */
  'costs.read': ['analyst', 'manager', 'administrator'],
  'costs.edit': ['analyst', 'administrator'],
  /** Programme evaluation and Supporting Families claims (aggregates). */
  'outcomes.report': ['analyst', 'manager', 'administrator'],
  /** The case references behind an evaluation figure (only families they may open). */
  'outcomes.case-list': ['manager'],
  'outcomes.settings': ['manager', 'administrator'],
  'level-rules.edit': ['administrator'],
  'audit.read': ['administrator'],
  /** Data protection: subject access, "Who has seen this family" for any family. */
  'data-protection': ['dpo'],
  /** Ask for emergency (break glass) read-only access to a family one has no tie to. */
  'break-glass.ask': ['practitioner', 'manager'],
  /** Review emergency access: data protection officers all of it, managers their teams'. */
  'break-glass.review': ['dpo', 'manager'],
  /** Place and lift legal holds. */
  'legal-holds.manage': ['dpo', 'administrator'],
  /** See retention periods and what is due. */
  'retention.read': ['administrator', 'dpo'],
  /** Change retention periods and run retention. */
  'retention.manage': ['administrator'],
  /** Add, change and retire services in the service directory (the Families Information Service's editors). */
  'directory.edit': ['manager', 'administrator'],
  /** Users, agencies, teams, districts, programmes, accounts and sessions. */
  'admin.manage': ['administrator'],
} as const satisfies Record<string, readonly UserRole[]>;
export type Feature = keyof typeof featureRoles;
export const features = Object.keys(featureRoles) as Feature[];

/** Whether a role may use a feature at all (default deny). */
export function mayUse(role: UserRole, feature: Feature): boolean {
  return (featureRoles[feature] as readonly UserRole[]).includes(role);
}

/** The roles a route declares for a feature (`config: { access: rolesWith(...) }`). */
export function rolesWith(feature: Feature): readonly UserRole[] {
  return featureRoles[feature];
}

/** Every feature a role may use, for menus and pages deciding what to offer. */
export function featuresOf(role: UserRole): Feature[] {
  return features.filter((feature) => mayUse(role, feature));
}

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
  /** Families of this request the actor holds an unexpired break-glass grant on (read only; absent: none). */
  breakGlass?: ReadonlySet<string>;
  // The need-to-know work (issue 12) adds data category and consent grants here.
}

export interface Decision {
  allowed: boolean;
  /** On what basis access was allowed, as "Who has seen this family" shows it; empty when refused. */
  basis: string;
}

const caseworkRoles: readonly UserRole[] = featureRoles['families.hold'];

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
  lead: 'key worker',
  managesMember: 'manages someone in the team around the family',
};

const refused: Decision = { allowed: false, basis: '' };

/** Permissions a role holds on every family whatever its ties: the data protection officer sees who has seen any family. */
export const anyFamilyRules: Partial<Record<FamilyPermission, { roles: readonly UserRole[]; basis: string }>> = {
  'family.seen-by': { roles: ['dpo'], basis: 'data protection officer' },
};

/** Break glass gives only this: emergency access is read only, every write is still refused. */
export const breakGlassPermissions: readonly FamilyPermission[] = ['family.read'];
export const breakGlassBasis = 'break glass';

export function decideFamily(facts: AccessFacts, permission: FamilyPermission, familyId: string): Decision {
  const any = anyFamilyRules[permission];
  if (any?.roles.includes(facts.role)) return { allowed: true, basis: any.basis };
  const rule = familyRules[permission];
  if (!rule || !rule.roles.includes(facts.role)) return refused;
  const tie = facts.ties.get(familyId);
  const via = tie && rule.ties.find((kind) => tie[kind]);
  if (via) return { allowed: true, basis: tieBasis[via] };
  if (breakGlassPermissions.includes(permission) && facts.breakGlass?.has(familyId)) return { allowed: true, basis: breakGlassBasis };
  return refused;
}

/** Who may ask for break glass on a family: practitioners and managers of a service agency with no tie that already gives read access. */
export function mayBreakGlass(facts: AccessFacts, familyId: string): { allowed: true } | { allowed: false; reason: 'role' | 'already' } {
  if (!caseworkRoles.includes(facts.role)) return { allowed: false, reason: 'role' };
  const tie = facts.ties.get(familyId);
  if (tie && familyRules['family.read'].ties.some((kind) => tie[kind])) return { allowed: false, reason: 'already' };
  return { allowed: true };
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
  if (mayUse(facts.role, 'referral.screen') && open) {
    if (referral.routedTeamId && facts.managedTeamIds.includes(referral.routedTeamId)) return { allowed: true, basis: 'referral routed to your team' };
    if (!referral.routedTeamId && facts.frontDoorScreener) return { allowed: true, basis: 'front door screener' };
  }
  if (permission === 'referral.read' && referral.referredBy === facts.userId) return { allowed: true, basis: 'referrer' };
  return refused;
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
  if (anyFamilyRules[permission]?.roles.includes(facts.role)) return `SELECT f.id AS family_id FROM family f WHERE ${user}::uuid IS NOT NULL`;
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
  if (mayUse(facts.role, 'referral.screen')) {
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

/** Who accepted a referral at screening, for the cases it opened that wait for a key worker. */
export interface AwaitingAllocationFacts {
  /** The manager who accepted the referral. */
  decidedBy: string | null;
  /** Their team, and the teams they manage. */
  deciderTeamId: string | null;
  deciderManagedTeamIds: readonly string[];
}

/**
 * "Awaiting allocation" on Team work: a case accepted at screening and not yet allocated is for the
 * manager who accepted it, the managers of their team, and the other managers of the teams they manage.
 */
export function decideAwaitingAllocation(facts: AccessFacts, c: AwaitingAllocationFacts): Decision {
  if (!mayUse(facts.role, 'case.allocate') || !c.decidedBy) return refused;
  if (c.decidedBy === facts.userId) return { allowed: true, basis: 'accepted the referral' };
  if (c.deciderTeamId && facts.managedTeamIds.includes(c.deciderTeamId)) return { allowed: true, basis: 'manages the team of the manager who accepted it' };
  if (c.deciderManagedTeamIds.some((team) => facts.managedTeamIds.includes(team))) return { allowed: true, basis: 'manages a team with the manager who accepted it' };
  return refused;
}

/** The same rule as `decideAwaitingAllocation`, as an SQL condition on referral `r`; `user` is the parameter holding the actor's id. */
export function awaitingAllocationFilterSql(facts: Pick<AccessFacts, 'role'>, user: string): string {
  if (!mayUse(facts.role, 'case.allocate')) return `(false AND r.decided_by = ${user})`;
  return `(r.decided_by = ${user}
        OR EXISTS (SELECT 1 FROM team_manager mine JOIN app_user d ON d.id = r.decided_by
                    WHERE mine.user_id = ${user}
                      AND (mine.team_id = d.team_id OR mine.team_id IN (SELECT theirs.team_id FROM team_manager theirs WHERE theirs.user_id = d.id))))`;
}

/**
 * Who must pass a second factor (a one-time code) after their password before any page opens:
 * administrators, and everyone who can export personal data (analysts, and a data protection
 * officer's role where the partnership has one). Everyone else may choose to.
 */
const secondFactorRoles: readonly string[] = ['administrator', 'analyst', 'dpo'];
export function secondFactorRequired(role: UserRole | string): boolean {
  return secondFactorRoles.includes(role);
}
