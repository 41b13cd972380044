import { count, noun } from '../../domain/plural.ts';
import { randomUUID } from 'node:crypto';
import { withFamilyAccess } from '../access/family-access.ts';
import { auditShown, requireFeature } from '../access/policy.ts';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { type AgencyKind, factorCodesFor, factorSubjectFor, legalStatusLabels, needLabel, roleLabels } from '../../domain/codes.ts';
import { ukDate } from '../../domain/casework/due.ts';
import { describeAge, formatDate } from '../../domain/dates.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, fieldErrors } from '../../domain/errors.ts';
import { impliedRelationships, memberTypeFor, relationshipLabels } from '../../domain/household.ts';
import { defaultLevelOfNeedRules, levelNames, levelOfNeed, levelOfNeedRulesSchema, type LevelOfNeed, type LevelOfNeedRules } from '../../domain/level-of-need.ts';
import { nameScore, parseSearchQuery, personSearchKeys, postcodeKey, searchKeyGroups } from '../../domain/names.ts';
import { auditRepository } from '../audit/repository.ts';
import { agencyKindPlurals, legalStatusRecorders, maySee, needCategory } from '../../domain/access/categories.ts';
import { loadShareFacts, requireMayRecord, requireMayRecordLegalStatus, withholdingFor } from '../access/sharing.ts';
import { familiesRepository as repo, type FamilyInput, type PersonInput, type ScreeningRow } from './repository.ts';
import {
  familySchema, familyUpdateSchema, memberSchema, memberUpdateSchema, needSchema, statusSchemaFrom,
  type FamilyFields, type MemberFields,
} from './schemas.ts';

const levelRulesKey = 'level_of_need_rules';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

function familyInput(f: FamilyFields): FamilyInput {
  return { ...f, postcode: f.postcode.toUpperCase().replace(/^(.+?)\s*(\d[A-Z]{2})$/, '$1 $2'), postcodeKey: postcodeKey(f.postcode), districtId: f.districtId };
}

function personInput(m: MemberFields): PersonInput {
  const memberType = memberTypeFor(m.role);
  return {
    givenName: m.givenName, familyName: m.familyName, sex: m.sex, role: m.role, memberType,
    dateOfBirth: memberType === 'unborn' ? null : m.dateOfBirth,
    expectedDate: memberType === 'unborn' ? m.expectedDate : null,
    searchKeys: personSearchKeys(m.givenName, m.familyName),
  };
}

/** The one word for the practitioner who leads the work with a family (DOMAIN.md: key worker), on the family page and My families alike. */
export const keyWorkerRole = 'Key worker';

export function familiesService(db: Database, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  function onFamily<T>(actor: Actor, familyId: string, action: string, work: (tx: Queryable) => Promise<T>, record?: { type: string; id: string }): Promise<T> {
    return withFamilyAccess(db, actor, familyId, action, work, record);
  }

  const rulesFrom = (stored: unknown): LevelOfNeedRules => (stored ? levelOfNeedRulesSchema.parse(stored) : defaultLevelOfNeedRules);

  async function rules(q: Queryable): Promise<LevelOfNeedRules> {
    return rulesFrom(await repo.setting<unknown>(q, levelRulesKey));
  }

  /**
   * While a case opened from a screened referral is open, a screening manager's override (with
   * its reason) stands, and so does a level found at screening that the family record does not
   * reach yet; what the needs on the record give is shown beside it.
   */
  function screenedLevel(recorded: LevelOfNeed, s: ScreeningRow): LevelOfNeed {
    const set = s.level_override ?? (s.level_of_need !== null && s.level_of_need > recorded.level ? s.level_of_need : null);
    if (set === null || (set === recorded.level && s.level_override === null)) return recorded;
    const how = s.level_override !== null ? `set by ${s.decided_by_name ?? 'the screening manager'}: ${s.level_override_reason}` : s.level_rule;
    return {
      ...recorded, level: set,
      reason: `${levelNames[set]} at screening of referral ${s.reference} on ${formatDate(ukDate(s.decided_at))} (${how}). The needs on the family record give ${levelNames[recorded.level]}: ${recorded.reason}`,
    };
  }

  async function familyView(q: Queryable, actor: Actor, familyId: string) {
    const family = await repo.household(q, familyId, levelRulesKey);
    if (!family) throw new NotFoundError('Family');
    // Need to know: what this viewer's agency may see of the family, loaded once for the request.
    const shared = await withholdingFor(q, actor, familyId);
    const { members, relationships, professionals } = family;
    const owner = (r: { owner_agency_id: string | null; owner_agency_kind: AgencyKind | null; recorder_agency_id?: string | null }) =>
      ({ agencyId: r.owner_agency_id, agencyKind: r.owner_agency_kind, recorderAgencyId: r.recorder_agency_id ?? null });
    const statuses = family.statuses.filter((s) => shared.sees('safeguarding', owner(s)));
    const needs = family.needs.filter((n) => shared.sees(needCategory(n.need_type, n.code), owner(n)));
    const levelShared = maySee(shared.facts, 'safeguarding', { agencyId: null, agencyKind: null });
    const levelRules = rulesFrom(family.setting);
    const day = today();
    const nameOf = new Map(members.map((m) => [m.id, `${m.given_name} ${m.family_name}`]));
    const people = members.map((m) => {
      const own = statuses.filter((s) => s.person_id === m.id);
      const current = own.find((s) => s.end_date === null) ?? null;
      return {
        id: m.id, givenName: m.given_name, familyName: m.family_name, name: nameOf.get(m.id)!,
        dateOfBirth: m.date_of_birth, expectedDate: m.expected_date, sex: m.sex, role: m.role, roleLabel: roleLabels[m.role],
        memberType: m.member_type, version: m.version,
        age: describeAge({ dateOfBirth: m.date_of_birth, expectedDate: m.expected_date }, day),
        relationships: relationships.flatMap((r) => {
          if (r.person_id === m.id) return [`${relationshipLabels[r.kind][0]} ${nameOf.get(r.related_person_id)}`];
          if (r.related_person_id === m.id) return [`${relationshipLabels[r.kind][1]} ${nameOf.get(r.person_id)}`];
          return [];
        }),
        legalStatus: m.member_type === 'adult' ? null : {
          current: current ? { status: current.status, label: legalStatusLabels[current.status], since: current.start_date } : null,
          history: own.filter((s) => s.end_date !== null).map((s) => ({ status: s.status, label: legalStatusLabels[s.status], from: s.start_date, to: s.end_date })),
        },
        needs: needs.filter((n) => n.person_id === m.id).map((n) => ({
          id: n.id, needType: n.need_type, code: n.code, label: needLabel(n.need_type, n.code), source: n.source_agency_name,
          identifiedOn: n.identified_on, isCurrent: n.is_current, notes: n.notes,
        })),
      };
    });
    // The level is worked out from every need on the record; its reasons name only what this viewer may see.
    const fullLevel = levelOfNeed(
      family.needs.map((n) => {
        const person = members.find((m) => m.id === n.person_id)!;
        return { personName: nameOf.get(n.person_id)!, role: person.role, needType: n.need_type, code: n.code, isCurrent: n.is_current };
      }),
      levelRules,
    );
    const level = needs.length === family.needs.length ? fullLevel
      : { ...fullLevel, reason: `Worked out from every need on the family record. Some of those needs are not shared with ${agencyKindPlurals[shared.facts.agencyKind]}, so the reasons are not shown here.`, vulnerabilities: [] };
    const screening = await repo.openCaseScreening(q, familyId);
    return {
      family: {
        id: family.id, reference: family.reference, familyName: family.family_name, addressLine1: family.address_line1,
        addressLine2: family.address_line2, town: family.town, postcode: family.postcode, districtId: family.district_id,
        districtName: family.district_name, version: family.version, updatedAt: family.updated_at,
      },
      members: people,
      levelOfNeed: !levelShared ? null : screening ? screenedLevel(level, screening) : level,
      withheld: { total: shared.total, notices: shared.notices() },
      mayRecordLegalStatus: legalStatusRecorders.includes(shared.facts.agencyKind),
      professionals: professionals.map((p) => ({
        userId: p.user_id, name: p.display_name, jobTitle: p.job_title, email: p.email, agency: p.agency_name, team: p.team_name,
        roleInFamily: p.role_in_family, isLead: p.is_lead, since: p.joined_on,
      })),
    };
  }

  function validNewFamily(input: { family: unknown; members: unknown[] }) {
    // The household's problems and every member's, all at once.
    const household = familySchema.safeParse(input.family);
    const memberErrors: Record<string, string> = household.success ? {} : { ...fieldErrors(household.error) };
    const members = input.members.map((m, i) => {
      const result = memberSchema(today()).safeParse(m);
      if (!result.success) for (const [k, v] of Object.entries(fieldErrors(result.error))) memberErrors[`members.${i}.${k}`] ??= v;
      return result.success ? result.data : null;
    });
    if (!input.members.length) memberErrors.members = 'Add at least one family member';
    if (!household.success || Object.keys(memberErrors).length) throw new ValidationError(memberErrors);
    return { family: household.data, members: members as MemberFields[] };
  }

  async function insertFamily(tx: Queryable, actor: Actor, input: { family: FamilyFields; members: MemberFields[] }, roleInFamily: string) {
    const familyId = randomUUID();
    const reference = await repo.insertFamily(tx, familyId, familyInput(input.family));
    const added: { id: string; role: MemberFields['role'] }[] = [];
    for (const member of input.members) {
      const id = randomUUID();
      await repo.insertPerson(tx, id, familyId, personInput(member));
      await repo.insertRelationships(tx, familyId, impliedRelationships({ id, role: member.role }, added).map((r) => ({ ...r, id: randomUUID() })));
      added.push({ id, role: member.role });
    }
    await repo.addProfessional(tx, { id: randomUUID(), familyId, userId: actor.id, roleInFamily, isLead: roleInFamily === keyWorkerRole, joinedOn: today() });
    await auditRepository.insert(tx, { userId: actor.id, action: 'create-family', recordType: 'family', recordId: familyId, familyId, outcome: 'allowed', ip: actor.ip, detail: { members: added.length } });
    return { id: familyId, reference };
  }

  async function memberOf(tx: Queryable, familyId: string, personId: string) {
    const person = await repo.person(tx, familyId, personId);
    if (!person) throw new NotFoundError('Family member');
    return person;
  }

  return {
    async myFamilies(actor: Actor) {
      const rows = await repo.familiesFor(db, actor);
      await auditShown(db, actor, 'list-families', 'family', rows.map((r) => r.id));
      return rows.map((r) => ({
        id: r.id, reference: r.reference, familyName: r.family_name, postcode: r.postcode, district: r.district_name,
        members: r.members, children: r.children, myRole: r.my_role, leadName: r.lead_name,
      }));
    },

    /** Finds people by name (typos and nicknames tolerated), date of birth or postcode, among families the actor may open. */
    async search(actor: Actor, query: string) {
      const parsed = parseSearchQuery(query);
      const nameWords = [parsed.given, parsed.surname].filter((w): w is string => Boolean(w));
      const dateOfBirth = parsed.date ?? null;
      const postcode = parsed.postcode ?? null;
      const keyGroups = searchKeyGroups(nameWords.join(' '));
      if (!keyGroups.length && !dateOfBirth && !postcode) return { query, criteria: null, results: [] };
      const hits = await repo.search(db, actor, { keyGroups, dateOfBirth, postcode });
      const given = parsed.given;
      const surname = parsed.surname ?? '';
      const results = hits
        .map((h) => ({
          personId: h.person_id, name: `${h.given_name} ${h.family_name}`, dateOfBirth: h.date_of_birth, expectedDate: h.expected_date,
          role: roleLabels[h.role], familyId: h.family_id, reference: h.reference, familyName: h.family_label, postcode: h.postcode,
          score: surname ? nameScore(given, surname, h.given_name, h.family_name) : 1,
        }))
        .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
        .slice(0, 50);
      await auditShown(db, actor, 'search', 'person', results.map((r) => r.familyId), { results: results.length });
      return { query, criteria: { names: nameWords, dateOfBirth, postcode: postcode?.key ?? null }, results };
    },

    family: (actor: Actor, familyId: string) => onFamily(actor, familyId, 'view-family', (tx) => familyView(tx, actor, familyId)),

    async createFamily(actor: Actor, input: { family: unknown; members: unknown[] }) {
      await requireFeature(actor, 'families.hold', 'Only practitioners and managers can add families');
      const valid = validNewFamily(input);
      return db.transaction((tx) => insertFamily(tx, actor, valid, keyWorkerRole));
    },

    /** For another module's use case that creates a family inside its own transaction (screening a referral). */
    async createFamilyWithin(tx: Queryable, actor: Actor, input: { family: unknown; members: unknown[] }, roleInFamily: string) {
      return insertFamily(tx, actor, validNewFamily(input), roleInFamily);
    },

    updateFamily: (actor: Actor, familyId: string, input: unknown) =>
      onFamily(actor, familyId, 'update-family', async (tx) => {
        const fields = parse(familyUpdateSchema, input);
        const saved = await repo.updateFamily(tx, familyId, fields.version, familyInput(fields), clock.now());
        if (!saved) throw new ConflictError('Someone else changed this family’s details after you opened the page. Your changes have not been saved. Check the current details, then make your changes again.');
      }),

    addMember: (actor: Actor, familyId: string, input: unknown) =>
      onFamily(actor, familyId, 'add-member', async (tx) => {
        const member = parse(memberSchema(today()), input);
        const existing = await repo.members(tx, familyId);
        const id = randomUUID();
        await repo.insertPerson(tx, id, familyId, personInput(member));
        await repo.insertRelationships(tx, familyId, impliedRelationships({ id, role: member.role }, existing.map((m) => ({ id: m.id, role: m.role }))).map((r) => ({ ...r, id: randomUUID() })));
        return { id };
      }),

    updateMember: (actor: Actor, familyId: string, personId: string, input: unknown) =>
      onFamily(actor, familyId, 'update-member', async (tx) => {
        await memberOf(tx, familyId, personId);
        const fields = parse(memberUpdateSchema(today()), input);
        const saved = await repo.updatePerson(tx, personId, fields.version, personInput(fields), clock.now());
        if (!saved) throw new ConflictError('Someone else changed this person’s details after you opened the page. Your changes have not been saved. Check the current details, then make your changes again.');
      }, { type: 'person', id: personId }),

    addNeed: (actor: Actor, familyId: string, personId: string, input: unknown) =>
      onFamily(actor, familyId, 'add-need', async (tx) => {
        const person = await memberOf(tx, familyId, personId);
        const need = parse(needSchema(today(), { codes: factorCodesFor(person.role), words: roleLabels[person.role].toLowerCase() }), input);
        requireMayRecord(await loadShareFacts(tx, actor, familyId), needCategory(need.needType, need.needType === 'offending' ? null : need.code ?? null));
        const id = randomUUID();
        await repo.insertNeed(tx, { id, personId, needType: need.needType, code: need.needType === 'offending' ? null : need.code, sourceAgencyId: need.sourceAgencyId, identifiedOn: need.identifiedOn, isCurrent: need.isCurrent, notes: need.notes, recordedBy: actor.id });
        return { id };
      }, { type: 'person', id: personId }),

    recordStatus: (actor: Actor, familyId: string, personId: string, input: unknown) =>
      onFamily(actor, familyId, 'record-legal-status', async (tx) => {
        requireMayRecordLegalStatus(await loadShareFacts(tx, actor, familyId));
        const person = await memberOf(tx, familyId, personId);
        if (person.member_type === 'adult') throw new ValidationError({ status: 'A legal status can only be recorded for a child or an unborn baby' });
        const latest = await repo.latestStatusStart(tx, personId);
        const status = parse(statusSchemaFrom(latest ? { date: latest, words: formatDate(latest) } : null), input);
        const id = randomUUID();
        await repo.insertStatus(tx, { id, personId, status: status.status, startDate: status.startDate, recordedBy: actor.id });
        return { id };
      }, { type: 'person', id: personId }),

    /** Districts and agencies for forms: reference data, not personal data. */
    async referenceData() {
      const [districts, agencies] = await Promise.all([repo.districts(db), repo.agencies(db)]);
      return { districts, agencies };
    },

    levelOfNeedRules: (q: Queryable = db) => rules(q),

    /** A family's current needs in the form the level-of-need rule takes (for screening a referral). */
    /**
     * Records the needs a referral coded on the family record when screening accepts it, inside
     * screening's transaction: each code on the first member it applies to (a "B" code on the first
     * parent or carer, an "A" code on the first child), unless that member already has it as current.
     */
    async recordReferralNeedsWithin(tx: Queryable, actor: Actor, familyId: string, codes: readonly string[], identifiedOn: string, note: string) {
      const [members, needs] = await Promise.all([repo.members(tx, familyId), repo.needs(tx, familyId)]);
      for (const code of new Set(codes)) {
        const person = members.find((m) => factorCodesFor(m.role).includes(code));
        if (!person || needs.some((n) => n.person_id === person.id && n.code === code && n.is_current)) continue;
        await repo.insertNeed(tx, {
          id: randomUUID(), personId: person.id, needType: 'cin_factor', code, sourceAgencyId: null, identifiedOn, isCurrent: true, notes: note, recordedBy: actor.id,
        });
      }
    },

    async currentNeedsForLevel(familyId: string, q: Queryable = db) {
      const [members, needs] = await Promise.all([repo.members(q, familyId), repo.needs(q, familyId)]);
      return needs.map((n) => {
        const person = members.find((m) => m.id === n.person_id)!;
        return { personName: `${person.given_name} ${person.family_name}`, role: person.role, needType: n.need_type, code: n.code, isCurrent: n.is_current };
      });
    },

    /**
     * The family's current needs for the level of need, and how many of them this viewer may not
     * see (need to know; every one when they may not open the family): a page showing the level
     * then leaves its reasons out and says why.
     */
    async currentNeedsForLevelSeenBy(actor: Actor, familyId: string, mayOpen: boolean, q: Queryable = db) {
      const [members, needs, shared] = [await repo.members(q, familyId), await repo.needs(q, familyId), await withholdingFor(q, actor, familyId)];
      const current = needs.filter((n) => n.is_current);
      const hidden = current.filter((n) => !mayOpen
        || !shared.sees(needCategory(n.need_type, n.code), { agencyId: n.owner_agency_id, agencyKind: n.owner_agency_kind, recorderAgencyId: n.recorder_agency_id })).length;
      return {
        needs: current.map((n) => {
          const person = members.find((m) => m.id === n.person_id)!;
          return { personName: `${person.given_name} ${person.family_name}`, role: person.role, needType: n.need_type, code: n.code, isCurrent: n.is_current };
        }),
        hidden,
        notices: !hidden ? [] : mayOpen ? shared.notices() : [`${count(hidden, 'need')} on the family’s record, which you cannot open, ${noun(hidden, 'counts', 'count')} towards the level`],
      };
    },

    async setLevelOfNeedRules(actor: Actor | null, input: unknown) {
      await requireFeature(actor, 'level-rules.edit', 'Only administrators can change the level of need rules');
      const parsed = parse(levelOfNeedRulesSchema, input);
      await db.transaction(async (tx) => {
        await repo.saveSetting(tx, levelRulesKey, parsed, clock.now());
        await auditRepository.insert(tx, { userId: actor?.id ?? null, action: 'set-level-of-need-rules', recordType: 'setting', recordId: levelRulesKey, outcome: 'allowed', ip: actor?.ip ?? 'command line' });
      });
      return parsed;
    },
  };
}

export type FamiliesService = ReturnType<typeof familiesService>;
export type FamilyView = Awaited<ReturnType<FamiliesService['family']>>;
