import { describe, expect, it } from 'vitest';
import { factorCodesFor, isCinFactorCode, parentOrCarerRoles } from '../codes.ts';
import { ageOn } from '../dates.ts';
import { personSearchKeys } from '../names.ts';
import { demoSignIns, generateDemo, generateDemoBatches, type DemoData } from './generator.ts';

const today = '2025-06-01';
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const data = generateDemo({ families: 2000, seed: 7, today });

function allIds(d: DemoData): string[] {
  return [
    ...d.partnerships, ...d.districts, ...d.agencies, ...d.teams, ...d.users, ...d.families, ...d.persons,
    ...d.relationships, ...d.legalStatuses, ...d.needs, ...d.familyProfessionals,
  ].map((row) => row.id);
}

/** Share of families where a parent or carer has the given current need. */
function familyShare(d: DemoData, matches: (need: DemoData['needs'][number]) => boolean): number {
  const parents = new Map(d.persons.filter((p) => parentOrCarerRoles.includes(p.role)).map((p) => [p.id, p.family_id]));
  const families = new Set<string>();
  for (const need of d.needs) {
    const familyId = parents.get(need.person_id);
    if (familyId && need.is_current && matches(need)) families.add(familyId);
  }
  return families.size / d.families.length;
}

describe('generateDemo', () => {
  it('gives the same rows for the same options and different rows for another seed', () => {
    const a = generateDemo({ families: 150, seed: 3, today });
    const b = generateDemo({ families: 150, seed: 3, today });
    expect(b).toEqual(a);
    const c = generateDemo({ families: 150, seed: 4, today });
    expect(c.families.map((f) => f.id)).not.toEqual(a.families.map((f) => f.id));
    expect(c.persons.map((p) => p.given_name)).not.toEqual(a.persons.map((p) => p.given_name));
  });

  it('gives the same rows a batch at a time', () => {
    const whole = generateDemo({ families: 75, seed: 5, today });
    const batches = [...generateDemoBatches({ families: 75, seed: 5, today }, 10)];
    expect(batches).toHaveLength(8);
    expect(batches[0].users).toEqual(whole.users);
    expect(batches[1].users).toEqual([]);
    const joined = Object.fromEntries(Object.keys(whole).map((key) => [key, batches.flatMap((b) => b[key as keyof DemoData] as unknown[])]));
    expect(joined).toEqual(whole);
  });

  it('keeps the demo sign-ins and the early families the same whatever the number of families', () => {
    const small = generateDemo({ families: 20, seed: 7, today });
    for (const signIn of demoSignIns) {
      const inSmall = small.users.find((u) => u.email === signIn.email);
      const inLarge = data.users.find((u) => u.email === signIn.email);
      expect(inSmall, signIn.email).toBeDefined();
      expect(inSmall).toEqual(inLarge);
      expect(inSmall!.role).toBe(signIn.role);
    }
    expect(small.families.slice(0, 12)).toEqual(data.families.slice(0, 12));
  });

  it('matches the proportions of parental needs in the seed documents', () => {
    const code = (c: string) => (n: { need_type: string; code: string | null }) => n.code === c;
    expect(familyShare(data, code('3B'))).toBeCloseTo(0.44, 1);
    expect(familyShare(data, code('1B'))).toBeCloseTo(0.26, 1);
    expect(familyShare(data, code('2B'))).toBeCloseTo(0.38, 1);
    expect(familyShare(data, code('4B'))).toBeCloseTo(0.69, 1);
    const offending = familyShare(data, (n) => n.need_type === 'offending');
    expect(offending).toBeGreaterThan(0.17);
    expect(offending).toBeLessThan(0.27);
    // Overlaps: complex families carry several needs at once.
    const byFamily = new Map<string, Set<string>>();
    const familyOf = new Map(data.persons.map((p) => [p.id, p.family_id]));
    for (const n of data.needs) {
      if (!n.is_current || !n.code || !['1B', '2B', '3B', '4B'].includes(n.code)) continue;
      const f = familyOf.get(n.person_id)!;
      if (!byFamily.has(f)) byFamily.set(f, new Set());
      byFamily.get(f)!.add(n.code);
    }
    const withThreeOrMore = [...byFamily.values()].filter((s) => s.size >= 3).length / data.families.length;
    expect(withThreeOrMore).toBeGreaterThan(0.1);
  });

  it('makes every child 0 to 17 and every unborn baby due in the next six months', () => {
    const children = data.persons.filter((p) => p.member_type === 'child');
    const unborn = data.persons.filter((p) => p.member_type === 'unborn');
    expect(children.length).toBeGreaterThan(data.families.length);
    for (const child of children) {
      const age = ageOn(child.date_of_birth!, today);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(17);
      expect(child.date_of_birth! <= today).toBe(true);
    }
    for (const baby of unborn) {
      expect(baby.date_of_birth).toBeNull();
      expect(baby.expected_date! > today).toBe(true);
      expect(baby.expected_date! <= '2025-12-01').toBe(true);
    }
    const share = unborn.length / (children.length + unborn.length);
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.05);
    for (const adult of data.persons.filter((p) => p.member_type === 'adult')) {
      expect(ageOn(adult.date_of_birth!, today)).toBeGreaterThanOrEqual(17);
    }
  });

  it('gives every row a unique, valid UUID', () => {
    const ids = allIds(data);
    for (const id of ids) expect(id).toMatch(uuidV4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps every reference inside the generated data', () => {
    const families = new Set(data.families.map((f) => f.id));
    const personFamily = new Map(data.persons.map((p) => [p.id, p.family_id]));
    const users = new Set(data.users.map((u) => u.id));
    const agencies = new Set(data.agencies.map((a) => a.id));
    const teams = new Set(data.teams.map((t) => t.id));
    const districts = new Set(data.districts.map((d) => d.id));
    for (const p of data.persons) expect(families.has(p.family_id)).toBe(true);
    for (const f of data.families) expect(districts.has(f.district_id)).toBe(true);
    for (const r of data.relationships) {
      expect(personFamily.get(r.person_id)).toBe(r.family_id);
      expect(personFamily.get(r.related_person_id)).toBe(r.family_id);
      expect(r.person_id).not.toBe(r.related_person_id);
    }
    const relationshipKeys = data.relationships.map((r) => `${r.person_id}|${r.related_person_id}|${r.kind}`);
    expect(new Set(relationshipKeys).size).toBe(relationshipKeys.length);
    for (const n of data.needs) {
      expect(personFamily.has(n.person_id)).toBe(true);
      expect(agencies.has(n.source_agency_id!)).toBe(true);
      expect(users.has(n.recorded_by!)).toBe(true);
      expect(n.identified_on <= today).toBe(true);
    }
    for (const s of data.legalStatuses) expect(personFamily.has(s.person_id)).toBe(true);
    for (const fp of data.familyProfessionals) {
      expect(families.has(fp.family_id)).toBe(true);
      expect(users.has(fp.user_id)).toBe(true);
    }
    for (const u of data.users) {
      expect(agencies.has(u.agency_id)).toBe(true);
      expect(teams.has(u.team_id!)).toBe(true);
    }
    for (const tm of data.teamManagers) {
      expect(teams.has(tm.team_id)).toBe(true);
      expect(data.users.find((u) => u.id === tm.user_id)?.role).toBe('manager');
    }
  });

  it('builds households whose relationships make sense', () => {
    const person = new Map(data.persons.map((p) => [p.id, p]));
    const caredFor = new Set<string>();
    for (const r of data.relationships) {
      const from = person.get(r.person_id)!;
      const to = person.get(r.related_person_id)!;
      if (['parent_of', 'grandparent_of', 'carer_of', 'step_parent_of'].includes(r.kind)) caredFor.add(to.id);
      if (r.kind === 'step_parent_of') expect(['step_parent', 'father']).toContain(from.role);
      if (r.kind === 'grandparent_of') expect(from.role).toBe('grandparent');
      if (r.kind === 'carer_of') expect(from.role).toBe('other_carer');
      if (r.kind === 'partner_of') expect(to.role).toBe('mother');
      if (r.kind === 'sibling_of') {
        expect(from.member_type).not.toBe('unborn');
        expect(['child', 'unborn', 'other_adult']).toContain(to.role);
      }
      if (r.kind === 'parent_of' && to.date_of_birth && from.date_of_birth) {
        expect(ageOn(from.date_of_birth, to.date_of_birth)).toBeGreaterThanOrEqual(15);
      }
    }
    for (const p of data.persons) {
      if (p.member_type !== 'adult') expect(caredFor.has(p.id), `${p.given_name} ${p.family_name}`).toBe(true);
      if (p.role === 'father') expect(p.sex).toBe('male');
      if (p.role === 'mother') expect(p.sex).toBe('female');
    }
    const roles = new Set(data.persons.map((p) => p.role));
    for (const role of ['mother', 'father', 'step_parent', 'partner', 'grandparent', 'other_carer', 'child', 'other_adult', 'unborn']) {
      expect(roles.has(role as never), role).toBe(true);
    }
    const familiesWithFather = new Set(data.persons.filter((p) => p.role === 'father').map((p) => p.family_id)).size;
    const singleMothers = data.families.filter((f) => {
      const adults = data.persons.filter((p) => p.family_id === f.id && p.member_type === 'adult');
      return adults.length === 1 && adults[0].role === 'mother';
    }).length;
    expect(singleMothers / data.families.length).toBeGreaterThan(0.25);
    expect(familiesWithFather / data.families.length).toBeGreaterThan(0.2);
  });

  it('codes needs by who they are about: children A, parents and carers B, other adults C', () => {
    const role = new Map(data.persons.map((p) => [p.id, p.role]));
    for (const n of data.needs) {
      if (n.need_type === 'offending') {
        expect(n.code).toBeNull();
        continue;
      }
      expect(isCinFactorCode(n.code!)).toBe(true);
      expect(factorCodesFor(role.get(n.person_id)!)).toContain(n.code);
    }
  });

  it('gives each child one current legal status, with dates in order', () => {
    const current = new Map<string, number>();
    const person = new Map(data.persons.map((p) => [p.id, p]));
    for (const s of data.legalStatuses) {
      const p = person.get(s.person_id)!;
      expect(p.member_type).not.toBe('adult');
      if (s.end_date === null) current.set(s.person_id, (current.get(s.person_id) ?? 0) + 1);
      else expect(s.end_date >= s.start_date).toBe(true);
      if (p.date_of_birth) expect(s.start_date >= p.date_of_birth).toBe(true);
      expect(s.start_date <= today).toBe(true);
    }
    for (const p of data.persons) if (p.member_type !== 'adult') expect(current.get(p.id)).toBe(1);
    const statuses = new Set(data.legalStatuses.map((s) => s.status));
    expect([...statuses].sort()).toEqual(['child_in_need', 'child_protection_plan', 'looked_after', 'none']);
    const none = data.legalStatuses.filter((s) => s.end_date === null && s.status === 'none').length;
    expect(none / current.size).toBeGreaterThan(0.3);
  });

  it('gives each family one lead key worker from its district and a small team around it', () => {
    const user = new Map(data.users.map((u) => [u.id, u]));
    const team = new Map(data.teams.map((t) => [t.id, t]));
    const district = new Map(data.districts.map((d) => [d.id, d.name]));
    const leads = new Map<string, number>();
    for (const fp of data.familyProfessionals) if (fp.is_lead) leads.set(fp.family_id, (leads.get(fp.family_id) ?? 0) + 1);
    for (const f of data.families) {
      expect(leads.get(f.id)).toBe(1);
      const lead = data.familyProfessionals.find((fp) => fp.family_id === f.id && fp.is_lead)!;
      expect(lead.role_in_family).toBe('Key worker');
      expect(team.get(user.get(lead.user_id)!.team_id!)!.name.startsWith(district.get(f.district_id)!)).toBe(true);
      if (data.families.indexOf(f) > 50) break;
    }
    const active = data.familyProfessionals.filter((fp) => fp.left_on === null && !fp.is_lead).length;
    expect(active / data.families.length).toBeGreaterThan(0.8);
    expect(active / data.families.length).toBeLessThan(2.5);
  });

  it('gives the demo sign-ins a sensible set of families', () => {
    const byEmail = new Map(data.users.map((u) => [u.email, u]));
    const familiesOf = (email: string) => new Set(data.familyProfessionals
      .filter((fp) => fp.user_id === byEmail.get(email)!.id && fp.left_on === null).map((fp) => fp.family_id));
    const keyWorker = familiesOf('kw.priya.shah@northvale.example');
    expect(keyWorker.size).toBeGreaterThanOrEqual(5);
    expect(keyWorker.size).toBeLessThanOrEqual(8);
    for (const email of ['das.hannah.clarke@northvale.example', 'pc.tom.gallagher@northvale.example', 'dsl.amina.begum@northvale.example']) {
      const size = familiesOf(email).size;
      expect(size, email).toBeGreaterThanOrEqual(3);
      expect(size, email).toBeLessThanOrEqual(8);
    }
    // The domestic abuse specialist works alongside the key worker on some of her families.
    const shared = [...familiesOf('das.hannah.clarke@northvale.example')].filter((f) => keyWorker.has(f));
    expect(shared.length).toBeGreaterThan(0);
    const manager = byEmail.get('tm.daniel.okafor@northvale.example')!;
    const managed = data.teamManagers.filter((tm) => tm.user_id === manager.id).map((tm) => tm.team_id);
    expect(managed).toContain(byEmail.get('kw.priya.shah@northvale.example')!.team_id);
    for (const u of data.users) expect(u.email.endsWith('.example')).toBe(true);
    expect(new Set(data.users.map((u) => u.email)).size).toBe(data.users.length);
  });

  it('stores search keys as names.ts computes them, and UK-format NV postcodes', () => {
    for (const p of data.persons.slice(0, 500)) expect(p.search_keys).toEqual(personSearchKeys(p.given_name, p.family_name));
    for (const f of data.families) {
      expect(f.postcode).toMatch(/^NV\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$/);
      expect(f.postcode_key).toBe(f.postcode.replace(' ', ''));
      expect(f.reference).toMatch(/^NV-\d{6}$/);
    }
  });

  it('scales staff with families but caps them', () => {
    const small = generateDemo({ families: 10, seed: 1, today });
    const huge = generateDemo({ families: 0, seed: 1, today });
    expect(huge.families).toHaveLength(0);
    expect(small.users.length).toBeLessThanOrEqual(data.users.length);
    expect(data.users.length).toBeLessThanOrEqual(400);
    expect(data.users.filter((u) => u.role === 'analyst')).toHaveLength(1);
    expect(data.users.filter((u) => u.role === 'administrator')).toHaveLength(1);
  });

  it('refuses options it cannot honour', () => {
    expect(() => generateDemo({ families: -1, seed: 1, today })).toThrow();
    expect(() => generateDemo({ families: 1, seed: 1, today: '2025-02-30' })).toThrow();
  });
});
