import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { AgencyKind } from '../../domain/codes.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, fieldErrors, validated } from '../../domain/errors.ts';
import { hashPassword, hashToken } from '../access/service.ts';
import { auditRepository } from '../audit/repository.ts';
import { adminRepository as repo, type ProgrammeFields } from './repository.ts';
import type { LevelOfNeedRules } from '../../domain/level-of-need.ts';
import { rulesVersion } from './level-rules-form.ts';
import { sentVersion } from './rules-service.ts';
import { activeSchemaWith, edit, agencySchema, agencySchemaWith, districtSchemaWith, passwordSchema, levelOfNeedRulesInputSchema, programmeSchemaWith, teamSchemaWith, userSchemaWith, type UserInput, type UserLookups } from './schemas.ts';
import { requireFeature } from '../access/policy.ts';
import type { Clock } from '../../domain/clock.ts';

/** The password hash of someone who signs in only through single sign-on: not argon2, so no password ever matches it. */
export const ssoOnlyPasswordHash = '!single-sign-on';

/** How long an invitation link works. */
export const invitationDays = 7;

/** null is the command line: whoever can run it already holds the database. */
type Admin = Actor | null;

/** An audit row written by the command line has no user, so it says where it came from. */
const via = (actor: Admin) => (actor ? {} : { via: 'command line' });

const stale = (what: string) => new ConflictError(`Someone else changed this ${what} while you were editing it. Go back, reload the page and make your change again.`);

function requireAdministrator(actor: Admin) {
  return requireFeature(actor, 'admin.manage', 'Only administrators can change users, agencies, teams, districts and programmes');
}

/** A record's key from its name: lower case words joined by hyphens. */
function keyFrom(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'programme';
}

/** The level-of-need rules live with families; the admin area reads and saves them through these. */
export interface LevelRulesStore {
  get(): Promise<LevelOfNeedRules>;
  set(actor: Admin, rules: LevelOfNeedRules): Promise<unknown>;
}

/**
 * Invitation links and token revocation are security time: the clock's real instant (never a
 * demo's shifted date), passed into the SQL so that only the clock made in the composition root
 * says what time it is.
 */
export function adminService(db: Database, levelRules: LevelRulesStore, options: { clock: Clock }) {
  const real = () => options.clock.real();
  /** Every change is audited with what it was and what it became, in the change's transaction. */
  const audited = (tx: Queryable, actor: Admin, action: string, recordType: string, recordId: string, before: unknown, after: unknown) =>
    auditRepository.insert(tx, { userId: actor?.id ?? null, action, recordType, recordId, outcome: 'allowed', ip: actor?.ip ?? null, detail: { before, after, ...via(actor) } });
  /** Staff names and email addresses are personal data: reading them is audited as families' are. */
  const auditedRead = (actor: Admin, action: string, recordId: string | null, detail: Record<string, unknown>) =>
    auditRepository.insert(db, { userId: actor?.id ?? null, action, recordType: 'user', recordId, outcome: 'allowed', ip: actor?.ip ?? null, detail: { ...detail, ...via(actor) } });

  async function issueInvitation(tx: Queryable, actor: Admin, userId: string): Promise<string> {
    // A random (v4) UUID carries 122 random bits; only its hash is stored.
    const token = randomUUID();
    const at = real();
    await repo.cancelInvitations(tx, userId, at);
    await repo.insertInvitation(tx, { tokenHash: hashToken(token), userId, createdBy: actor?.id ?? null, at, expiresAt: new Date(at.getTime() + invitationDays * 86_400_000) });
    await auditRepository.insert(tx, { userId: actor?.id ?? null, action: 'invite-user', recordType: 'user', recordId: userId, outcome: 'allowed', ip: actor?.ip ?? null, detail: via(actor) });
    return token;
  }

  async function addUser(tx: Queryable, actor: Admin, input: UserInput, passwordHash: string): Promise<string> {
    const userId = randomUUID();
    await repo.insertUser(tx, { id: userId, email: input.email, displayName: input.displayName, jobTitle: input.jobTitle, role: input.role, agencyId: input.agencyId, teamId: input.teamId, passwordHash, frontDoorScreener: input.frontDoorScreener });
    await repo.setManagedTeams(tx, userId, input.managedTeamIds);
    await audited(tx, actor, 'create-user', 'user', userId, null, input);
    return userId;
  }

  /** What the user form asks the database, in the schema's round: the email address, the agency and the teams. */
  const userLookups = (tx: Queryable, exceptId: string | null, editingSelf = false): UserLookups => ({
    emailTaken: (email) => repo.emailTaken(tx, email, exceptId),
    agency: (id) => repo.agency(tx, id),
    team: (id) => repo.team(tx, id),
    editingSelf,
  });

  const teamLookups = (tx: Queryable, exceptId: string | null) => ({
    agency: (agencyId: string) => repo.agency(tx, agencyId),
    teamNameTaken: (agencyId: string, name: string) => repo.teamNameTaken(tx, agencyId, name, exceptId),
  });

  return {
    /** True once a partnership exists: `lantern setup` runs only before that. */
    isSetUp: async () => Boolean(await repo.partnershipId(db)),

    /** The first run: the partnership, its first agency and first administrator, who then sets up the rest from the web. */
    async setup(input: { partnershipName: string; agencyName: string; agencyKind: string; email: string; displayName: string; password: string }) {
      const errors: Record<string, string> = {};
      if (!input.partnershipName.trim()) errors.partnership = 'Give the partnership’s name with --partnership';
      // The same schemas as the pages, their problems named after the command's options.
      const agencyResult = agencySchema.safeParse({ name: input.agencyName, kind: input.agencyKind });
      const agencyErrors = agencyResult.success ? {} : fieldErrors(agencyResult.error);
      if (agencyErrors.name) errors.agency = 'Give the first agency’s name with --agency';
      if (agencyErrors.kind) errors.agencyType = 'Give the agency type with --agency-type, one of childrens_social_care, police, health, education, drug_alcohol_service, adult_mental_health, probation, housing, voluntary_sector, early_help';
      const passwordResult = passwordSchema.safeParse({ password: input.password, confirmPassword: input.password });
      if (!passwordResult.success) errors.password = `LANTERN_PASSWORD: ${fieldErrors(passwordResult.error).password}`;
      const agency: { name: string; kind: AgencyKind } | undefined = agencyResult.data;
      const password = passwordResult.data?.password ?? '';
      if (!input.displayName.trim()) errors.name = 'Give the administrator’s name with --name';
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email)) errors.email = 'Give the administrator’s email address with --email, like name@example.org';
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const passwordHash = await hashPassword(password);
      return db.transaction(async (tx) => {
        if (await repo.partnershipId(tx)) throw new ConflictError('This database already has a partnership: sign in as an administrator and make changes from the web.');
        const partnershipId = randomUUID();
        const agencyId = randomUUID();
        const userId = randomUUID();
        await repo.insertPartnership(tx, partnershipId, input.partnershipName.trim());
        await repo.insertAgency(tx, { id: agencyId, partnershipId, name: agency!.name, kind: agency!.kind });
        await repo.insertUser(tx, { id: userId, email: input.email.trim(), displayName: input.displayName.trim(), jobTitle: 'Administrator', role: 'administrator', agencyId, teamId: null, passwordHash });
        await audited(tx, null, 'setup', 'partnership', partnershipId, null, { partnership: input.partnershipName.trim(), agency: agency!.name, administrator: input.email.trim() });
        return { partnershipId, agencyId, userId };
      });
    },

    async users(actor: Admin) {
      await requireAdministrator(actor);
      const users = await repo.users(db);
      await auditedRead(actor, 'list-users', null, { shown: users.length });
      return users;
    },

    async user(actor: Admin, id: string) {
      await requireAdministrator(actor);
      const user = await repo.user(db, id);
      if (!user) throw new NotFoundError('User');
      await auditedRead(actor, 'view-user', id, {});
      return user;
    },

    /** Adds a person with no password and returns the one-time link token an administrator hands to them. */
    async inviteUser(actor: Admin, body: Record<string, unknown>): Promise<{ userId: string; invitation: string }> {
      await requireAdministrator(actor);
      return db.transaction(async (tx) => {
        const userId = await addUser(tx, actor, await validated(userSchemaWith({ lookups: userLookups(tx, null) }), body), '');
        return { userId, invitation: await issueInvitation(tx, actor, userId) };
      });
    },

    /**
     * The command line's `user create`: a person whose password is set now (from LANTERN_PASSWORD,
     * never an argument, so it stays out of the shell's history), with no invitation. Every problem
     * with the answers and the password is reported at once.
     */
    async createUserWithPassword(actor: Admin, body: Record<string, unknown>, password: string): Promise<string> {
      await requireAdministrator(actor);
      const checked = passwordSchema.safeParse({ password, confirmPassword: password });
      const passwordErrors: Record<string, string> = checked.success ? {} : { password: fieldErrors(checked.error).password };
      // hashed before the transaction: argon2 takes a tenth of a second, and PGlite has one connection
      const passwordHash = checked.success ? await hashPassword(checked.data.password) : '';
      return db.transaction(async (tx) => {
        const result = await userSchemaWith({ lookups: userLookups(tx, null) }).safeParseAsync(body);
        if (!result.success || !checked.success) throw new ValidationError({ ...(result.success ? {} : fieldErrors(result.error)), ...passwordErrors });
        return addUser(tx, actor, result.data, passwordHash);
      });
    },

    /** Adds a person who signs in only through single sign-on (no password, no invitation), in the caller's transaction. */
    async addSsoUser(tx: Queryable, actor: Actor, body: Record<string, unknown>): Promise<string> {
      requireAdministrator(actor);
      const input = await validated(userSchemaWith({ lookups: userLookups(tx, null) }), body);
      const userId = randomUUID();
      await repo.insertUser(tx, { id: userId, email: input.email, displayName: input.displayName, jobTitle: input.jobTitle, role: input.role, agencyId: input.agencyId, teamId: input.teamId, passwordHash: ssoOnlyPasswordHash });
      await repo.setManagedTeams(tx, userId, input.managedTeamIds);
      await audited(tx, actor, 'create-user', 'user', userId, null, { ...input, via: 'single sign-on' });
      return userId;
    },

    async updateUser(actor: Admin, id: string, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      await db.transaction(async (tx) => {
        const before = await repo.user(tx, id);
        if (!before) throw new NotFoundError('User');
        const { version: expected, ...input } = await validated(edit(userSchemaWith({ lookups: userLookups(tx, id, actor?.id === id) })), body);
        if (!(await repo.updateUser(tx, { id, version: expected, ...input }))) throw stale('person');
        await repo.setManagedTeams(tx, id, input.role === 'manager' ? input.managedTeamIds : []);
        const { version: _v, last_sign_in_at: _l, ...was } = before;
        await audited(tx, actor, 'update-user', 'user', id, was, input);
      });
    },

    /** Disabling ends the person's sessions and revokes their API tokens at once; enabling does not bring them back. */
    async setUserActive(actor: Admin, id: string, body: Record<string, unknown>, active: boolean) {
      await requireAdministrator(actor);
      await db.transaction(async (tx) => {
        const before = await repo.user(tx, id);
        if (!before) throw new NotFoundError('User');
        const { version: expected } = await validated(activeSchemaWith({ disablingSelf: !active && actor?.id === id }), body);
        if (!(await repo.setActive(tx, id, expected, active))) throw stale('person');
        if (!active) await repo.endSessionsAndTokens(tx, id, real());
        await audited(tx, actor, active ? 'enable-user' : 'disable-user', 'user', id, { active: before.active }, { active });
      });
    },

    /** A fresh invitation link (the old one stops working): for a person who lost theirs or needs a new password. */
    async reinvite(actor: Admin, id: string): Promise<string> {
      await requireAdministrator(actor);
      return db.transaction(async (tx) => {
        const user = await repo.user(tx, id);
        if (!user) throw new NotFoundError('User');
        if (!user.active) throw new ValidationError({ invitation: 'Enable this person before making an invitation link' });
        return issueInvitation(tx, actor, id);
      });
    },

    /** Whose invitation this is, or undefined when the link is unknown, used or out of date. */
    invitation: (token: string) => repo.invitation(db, hashToken(token), real()),

    async acceptInvitation(token: string, body: Record<string, unknown>, ip: string): Promise<{ email: string }> {
      const { password } = await validated(passwordSchema, body);
      const passwordHash = await hashPassword(password);
      return db.transaction(async (tx) => {
        const tokenHash = hashToken(token);
        const at = real();
        const invited = await repo.invitation(tx, tokenHash, at);
        if (!invited || !(await repo.useInvitation(tx, tokenHash, at))) throw new NotFoundError('Invitation');
        await repo.setPassword(tx, invited.user_id, passwordHash);
        await auditRepository.insert(tx, { userId: invited.user_id, action: 'accept-invitation', recordType: 'user', recordId: invited.user_id, outcome: 'allowed', ip });
        return { email: invited.email };
      });
    },

    /**
     * Single sign-on takes the invitation instead of a password (in its own transaction): whose it is,
     * then, once the issuer's account may be linked, uses it up. Someone with no password yet is
     * marked as signing in only through single sign-on.
     */
    invitationInTransaction: (tx: Queryable, token: string) => repo.invitation(tx, hashToken(token), real()),
    async useInvitationForSso(tx: Queryable, token: string, userId: string, ip: string, issuerId: string): Promise<boolean> {
      if (!(await repo.useInvitation(tx, hashToken(token), real()))) return false;
      await repo.setPasswordIfNone(tx, userId, ssoOnlyPasswordHash);
      await auditRepository.insert(tx, { userId, action: 'accept-invitation', recordType: 'user', recordId: userId, outcome: 'allowed', ip, detail: { via: 'single sign-on', issuer: issuerId } });
      return true;
    },

    async agencies(actor: Admin) { await requireAdministrator(actor); return repo.agencies(db); },
    async agency(actor: Admin, id: string) {
      await requireAdministrator(actor);
      return (await repo.agency(db, id)) ?? (() => { throw new NotFoundError('Agency'); })();
    },
    async createAgency(actor: Admin, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      return db.transaction(async (tx) => {
        const input = await validated(agencySchemaWith({ lookups: { nameTaken: (name) => repo.agencyNameTaken(tx, name, null) } }), body);
        const id = randomUUID();
        await repo.insertAgency(tx, { id, partnershipId: (await repo.partnershipId(tx))!, ...input });
        await audited(tx, actor, 'create-agency', 'agency', id, null, input);
        return id;
      });
    },
    async updateAgency(actor: Admin, id: string, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      await db.transaction(async (tx) => {
        const before = await repo.agency(tx, id);
        if (!before) throw new NotFoundError('Agency');
        const { version: expected, ...input } = await validated(edit(agencySchemaWith({ lookups: { nameTaken: (name) => repo.agencyNameTaken(tx, name, id) } })), body);
        if (!(await repo.updateAgency(tx, { id, version: expected, ...input }))) throw stale('agency');
        await audited(tx, actor, 'update-agency', 'agency', id, { name: before.name, kind: before.kind }, input);
      });
    },

    async teams(actor: Admin) { await requireAdministrator(actor); return repo.teams(db); },
    async team(actor: Admin, id: string) {
      await requireAdministrator(actor);
      return (await repo.team(db, id)) ?? (() => { throw new NotFoundError('Team'); })();
    },
    async createTeam(actor: Admin, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      return db.transaction(async (tx) => {
        const input = await validated(teamSchemaWith({ lookups: teamLookups(tx, null) }), body);
        const id = randomUUID();
        await repo.insertTeam(tx, { id, ...input });
        await audited(tx, actor, 'create-team', 'team', id, null, input);
        return id;
      });
    },
    async updateTeam(actor: Admin, id: string, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      await db.transaction(async (tx) => {
        const before = await repo.team(tx, id);
        if (!before) throw new NotFoundError('Team');
        const { version: expected, ...input } = await validated(edit(teamSchemaWith({ lookups: teamLookups(tx, id) })), body);
        if (!(await repo.updateTeam(tx, { id, version: expected, ...input }))) throw stale('team');
        await audited(tx, actor, 'update-team', 'team', id, { name: before.name, agencyId: before.agency_id }, input);
      });
    },

    async districts(actor: Admin) { await requireAdministrator(actor); return repo.districts(db); },
    async district(actor: Admin, id: string) {
      await requireAdministrator(actor);
      return (await repo.district(db, id)) ?? (() => { throw new NotFoundError('District'); })();
    },
    async createDistrict(actor: Admin, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      return db.transaction(async (tx) => {
        const input = await validated(districtSchemaWith({ lookups: { nameTaken: (name) => repo.districtNameTaken(tx, name, null) } }), body);
        const id = randomUUID();
        await repo.insertDistrict(tx, { id, partnershipId: (await repo.partnershipId(tx))!, ...input });
        await audited(tx, actor, 'create-district', 'district', id, null, input);
        return id;
      });
    },
    async updateDistrict(actor: Admin, id: string, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      await db.transaction(async (tx) => {
        const before = await repo.district(tx, id);
        if (!before) throw new NotFoundError('District');
        const { version: expected, ...input } = await validated(edit(districtSchemaWith({ lookups: { nameTaken: (name) => repo.districtNameTaken(tx, name, id) } })), body);
        if (!(await repo.updateDistrict(tx, { id, version: expected, ...input }))) throw stale('district');
        await audited(tx, actor, 'update-district', 'district', id, { name: before.name }, input);
      });
    },

    async programmes(actor: Admin) { await requireAdministrator(actor); return repo.programmes(db); },
    async programme(actor: Admin, id: string) {
      await requireAdministrator(actor);
      return (await repo.programme(db, id)) ?? (() => { throw new NotFoundError('Programme'); })();
    },
    async createProgramme(actor: Admin, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      return db.transaction(async (tx) => {
        const input: ProgrammeFields = await validated(programmeSchemaWith({ lookups: { nameTaken: (name) => repo.programmeNameTaken(tx, name, keyFrom(name), null) } }), body);
        const key = keyFrom(input.name);
        const id = randomUUID();
        await repo.insertProgramme(tx, id, key, input);
        await audited(tx, actor, 'create-programme', 'programme', id, null, input);
        return id;
      });
    },
    async updateProgramme(actor: Admin, id: string, body: Record<string, unknown>) {
      await requireAdministrator(actor);
      await db.transaction(async (tx) => {
        const before = await repo.programme(tx, id);
        if (!before) throw new NotFoundError('Programme');
        // The key stays as first made: other records and settings name the programme by it.
        const { version: expected, ...input } = await validated(edit(programmeSchemaWith({ lookups: { nameTaken: (name) => repo.programmeNameTaken(tx, name, before.key, id) } })), body);
        if (!(await repo.updateProgramme(tx, id, expected, input))) throw stale('programme');
        const { id: _i, key: _k, version: _v, ...was } = before;
        await audited(tx, actor, 'update-programme', 'programme', id, was, input);
      });
    },

    async levelRules(actor: Admin) {
      await requireAdministrator(actor);
      return levelRules.get();
    },

    /**
     * Saves the rules, from the form (through `levelOfNeedRulesJsonFromForm`) or the API's JSON with
     * the version read, unless someone saved others since they were read (409, before the answers are
     * checked); one schema, every problem at once; audited with before and after.
     */
    async putLevelRules(actor: Admin, input: unknown) {
      await requireAdministrator(actor);
      const before = await levelRules.get();
      const sent = sentVersion(input);
      if (sent && sent !== rulesVersion(before)) throw stale('set of rules');
      const { version: _v, ...rules } = await validated(levelOfNeedRulesInputSchema, input);
      await levelRules.set(actor, rules);
      await audited(db, actor, 'update-level-of-need-rules', 'setting', 'level_of_need_rules', before, rules);
      return rules;
    },
  };
}

export type AdminService = ReturnType<typeof adminService>;
