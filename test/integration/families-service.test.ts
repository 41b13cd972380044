import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, joinFamily, makePartnership, makeUser } from '../support/factories.ts';
import { familiesService } from '../../src/modules/families/service.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { testClock } from '../support/clock.ts';

describe.each(engines)('families service on %s', (engine) => {
  let t: TestDatabase;
  let families: ReturnType<typeof familiesService>;
  let keyWorker: Actor;
  let manager: Actor;
  let stranger: Actor;
  let analyst: Actor;
  let specialist: Actor;
  let partnership: Awaited<ReturnType<typeof makePartnership>>;
  let familyId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    partnership = await makePartnership(t.db);
    const csc = partnership.agencies.childrens_social_care;
    keyWorker = await makeUser(t.db, { agencyId: csc, teamId: partnership.teamId, name: 'Priya Shah' });
    manager = await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: partnership.teamId, manages: [partnership.teamId] });
    stranger = await makeUser(t.db, { agencyId: csc, teamId: partnership.otherTeamId });
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: csc });
    specialist = await makeUser(t.db, { agencyId: partnership.agencies.drug_alcohol_service });
    families = familiesService(t.db, { clock: testClock('2026-11-25') });
    const created = await families.createFamily(keyWorker, {
      family: aFamily({ districtId: partnership.districtId }),
      members: [aMember(), aMember({ givenName: 'Jonathan', familyName: 'Smith', role: 'father', sex: 'male', dateOfBirth: '1987-02-03' }),
        aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' })],
    });
    familyId = created.id;
  });
  afterAll(async () => t.drop());

  it('gives a new family a reference and makes its creator the lead professional', async () => {
    const view = await families.family(keyWorker, familyId);
    expect(view.family.reference).toMatch(/^NV-\d{6}$/);
    expect(view.professionals).toEqual([expect.objectContaining({ userId: keyWorker.id, roleInFamily: 'Key worker', isLead: true })]);
    expect(view.members.map((m) => m.roleLabel)).toEqual(['Father', 'Mother', 'Child']);
    const tyler = view.members.find((m) => m.givenName === 'Tyler')!;
    expect(tyler.age).toBe('10 years');
    expect(tyler.relationships).toEqual(expect.arrayContaining(['Child of Kerry Walsh', 'Child of Jonathan Smith']));
  });

  it('lets the manager of a team-around-the-family member open the family', async () => {
    const view = await families.family(manager, familyId);
    expect(view.family.id).toBe(familyId);
  });

  it('refuses a practitioner outside the team around the family, and audits the refusal', async () => {
    await expect(families.family(stranger, familyId)).rejects.toThrow(ForbiddenError);
    const rows = await t.db.query<{ outcome: string; action: string }>(
      'SELECT outcome, action FROM audit_event WHERE user_id = $1 AND family_id = $2', [stranger.id, familyId]);
    expect(rows).toEqual([{ outcome: 'denied', action: 'view-family' }]);
  });

  it('refuses an analyst the family record', async () => {
    await expect(families.family(analyst, familyId)).rejects.toThrow('You do not have access to this family');
  });

  it('opens the family to a partner practitioner once they join its team around the family', async () => {
    await expect(families.family(specialist, familyId)).rejects.toThrow(ForbiddenError);
    await joinFamily(t.db, familyId, specialist.id);
    const view = await families.family(specialist, familyId);
    expect(view.professionals.map((p) => p.roleInFamily)).toContain('Substance misuse worker');
  });

  it('answers not found for a family that does not exist', async () => {
    await expect(families.family(keyWorker, '0b7c2a5e-3f1d-4c2b-9a6e-1d2f3a4b5c6d')).rejects.toThrow(NotFoundError);
  });

  it('audits each read in the same transaction as the work', async () => {
    const before = (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'view-family' AND user_id = $1", [keyWorker.id]))[0].n;
    await families.family(keyWorker, familyId);
    const after = (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'view-family' AND user_id = $1", [keyWorker.id]))[0].n;
    expect(after).toBe(before + 1);
  });

  it('keeps the audit log append-only', async () => {
    // The app's role may not even try; the owner's is stopped by the trigger.
    await expect(t.db.query('UPDATE audit_event SET outcome = $1', ['allowed'])).rejects.toThrow('permission denied');
    await expect(t.owner.query('UPDATE audit_event SET outcome = $1', ['allowed'])).rejects.toThrow('audit_event is append-only');
    await expect(t.owner.query('DELETE FROM audit_event')).rejects.toThrow('audit_event is append-only');
  });

  it('works out the level of need from the parents’ current needs', async () => {
    const view = await families.family(keyWorker, familyId);
    const mother = view.members.find((m) => m.role === 'mother')!;
    const father = view.members.find((m) => m.role === 'father')!;
    await families.addNeed(keyWorker, familyId, mother.id, { code: '4B', sourceAgencyId: partnership.agencies.childrens_social_care, identifiedOn: '2026-10-01' });
    expect((await families.family(keyWorker, familyId)).levelOfNeed!.level).toBe(3);
    await families.addNeed(keyWorker, familyId, father.id, { needType: 'offending', sourceAgencyId: partnership.agencies.police, identifiedOn: '2026-09-01' });
    const level = (await families.family(keyWorker, familyId)).levelOfNeed!;
    expect(level.level).toBe(4);
    expect(level.reason).toContain('mental health (Kerry Walsh); crime (Jonathan Smith)');
  });

  it('refuses a factor code that does not fit the person, naming the letter to use', async () => {
    const view = await families.family(keyWorker, familyId);
    const child = view.members.find((m) => m.role === 'child')!;
    const error = await families.addNeed(keyWorker, familyId, child.id, { code: '2B', sourceAgencyId: partnership.agencies.police, identifiedOn: '2026-10-01' }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors).toEqual({ code: '2B does not apply to a child: choose one of the codes listed for a child' });
    // With every other problem at once (issue 15): the date after today and the missing agency too.
    const several = await families.addNeed(keyWorker, familyId, child.id, { code: '2B', identifiedOn: '2026-11-26' }).catch((e) => e);
    expect(several.fieldErrors).toEqual({
      code: '2B does not apply to a child: choose one of the codes listed for a child',
      sourceAgencyId: 'Select the agency that identified this need',
      identifiedOn: 'The date the need was identified must be today or in the past',
    });
  });

  it('records abuse of a child by a child or an adult (18B, 18C, 19B, 19C) and "no factors identified" (21) on the child, never on a parent', async () => {
    const view = await families.family(keyWorker, familyId);
    const child = view.members.find((m) => m.role === 'child')!;
    const parent = view.members.find((m) => m.role === 'mother')!;
    for (const code of ['18B', '18C', '19B', '19C', '21']) {
      await families.addNeed(keyWorker, familyId, child.id, { code, sourceAgencyId: partnership.agencies.police, identifiedOn: '2026-10-01', isCurrent: false });
    }
    const error = await families.addNeed(keyWorker, familyId, parent.id, { code: '18B', sourceAgencyId: partnership.agencies.police, identifiedOn: '2026-10-01' }).catch((e) => e);
    expect(error.fieldErrors).toEqual({ code: '18B does not apply to a mother: choose one of the codes listed for a mother' });
    const needs = (await families.family(keyWorker, familyId)).members.find((m) => m.id === child.id)!.needs;
    expect(needs.filter((n) => ['18B', '18C', '19B', '19C', '21'].includes(n.code ?? '')).map((n) => n.label).sort()).toEqual([
      'No factors identified', 'Physical abuse (adult on child)', 'Physical abuse (child on child)', 'Sexual abuse (adult on child)', 'Sexual abuse (child on child)',
    ]);
  });

  it('tells practitioners what to do with an 18B recorded on a parent before Lantern followed the census (migration 013)', async () => {
    const view = await families.family(keyWorker, familyId);
    const father = view.members.find((m) => m.role === 'father')!;
    const child = view.members.find((m) => m.role === 'child')!;
    const [oldId, childId] = [randomUUID(), randomUUID()];
    await t.db.query(`INSERT INTO need (id, person_id, need_type, code, identified_on, notes) VALUES ($1, $2, 'cin_factor', '18B', '2025-01-01', 'Hit Tyler'), ($3, $4, 'cin_factor', '18C', '2025-01-01', '')`,
      [oldId, father.id, childId, child.id]);
    await t.db.exec(await readFile(new URL('../../src/db/migrations/013_cin_factor_subjects.sql', import.meta.url), 'utf8'));
    const notes = new Map((await t.db.query<{ id: string; notes: string }>('SELECT id, notes FROM need WHERE id = ANY($1::uuid[])', [[oldId, childId]])).map((r) => [r.id, r.notes]));
    expect(notes.get(oldId)).toBe('Hit Tyler Recorded before Lantern followed the Children in Need census: 18B now means physical abuse of a child by another child and belongs on the child\'s record. Record it on the child (18C for abuse by an adult) and end this need.');
    expect(notes.get(childId)).toBe('');
    await t.db.query('DELETE FROM need WHERE id = ANY($1::uuid[])', [[oldId, childId]]);
  });

  it('records legal statuses, ending the previous one when a new one starts', async () => {
    const view = await families.family(keyWorker, familyId);
    const child = view.members.find((m) => m.role === 'child')!;
    await families.recordStatus(keyWorker, familyId, child.id, { status: 'child_protection_plan', startDate: '2026-03-01' });
    await families.recordStatus(keyWorker, familyId, child.id, { status: 'child_in_need', startDate: '2026-09-15' });
    const after = (await families.family(keyWorker, familyId)).members.find((m) => m.id === child.id)!;
    expect(after.legalStatus?.current).toEqual({ status: 'child_in_need', label: 'Child in Need', since: '2026-09-15' });
    expect(after.legalStatus?.history).toEqual([{ status: 'child_protection_plan', label: 'Child Protection Plan', from: '2026-03-01', to: '2026-09-15' }]);
    const error = await families.recordStatus(keyWorker, familyId, child.id, { status: 'none', startDate: '2026-01-01' }).catch((e) => e);
    expect(error.fieldErrors.startDate).toBe('The start date must be on or after the start of the current status (15 September 2026)');
    const both = await families.recordStatus(keyWorker, familyId, child.id, { status: 'ward', startDate: '2026-01-01' }).catch((e) => e);
    expect(both.fieldErrors).toEqual({ status: 'Select the legal status', startDate: 'The start date must be on or after the start of the current status (15 September 2026)' });
  });

  it('refuses a stale save of the household details and keeps the first save', async () => {
    const view = await families.family(keyWorker, familyId);
    const version = view.family.version;
    await families.updateFamily(keyWorker, familyId, { ...aFamily({ addressLine1: '14 Mill Lane' }), version });
    const stale = families.updateFamily(manager, familyId, { ...aFamily({ addressLine1: '99 Wrong Road' }), version });
    await expect(stale).rejects.toThrow(ConflictError);
    await expect(stale).rejects.toThrow('Someone else changed this family’s details after you opened the page');
    expect((await families.family(keyWorker, familyId)).family.addressLine1).toBe('14 Mill Lane');
  });

  it('explains each invalid field of a new family and saves nothing', async () => {
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM family'))[0].n;
    const error = await families.createFamily(keyWorker, {
      family: aFamily({ familyName: ' ', postcode: 'NOT A POSTCODE' }),
      members: [aMember({ dateOfBirth: '2031-01-01' }), aMember({ role: 'unborn', dateOfBirth: null, expectedDate: null })],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    // The household's problems and the members' at once (issue 15 item 11).
    expect(error.fieldErrors).toEqual({
      familyName: 'Enter the family name',
      postcode: 'Enter a full UK postcode, like NV1 4AB',
      'members.0.dateOfBirth': 'Date of birth must be in the past',
      'members.1.expectedDate': 'Enter the expected date of birth',
    });
    const memberError = await families.createFamily(keyWorker, {
      family: aFamily(), members: [aMember({ dateOfBirth: '2031-01-01' }), aMember({ role: 'unborn', dateOfBirth: null, expectedDate: null })],
    }).catch((e) => e);
    expect(memberError.fieldErrors).toEqual({
      'members.0.dateOfBirth': 'Date of birth must be in the past',
      'members.1.expectedDate': 'Enter the expected date of birth',
    });
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM family'))[0].n).toBe(before);
  });

  it('does not let an analyst add a family', async () => {
    await expect(families.createFamily(analyst, { family: aFamily(), members: [aMember()] })).rejects.toThrow('Only practitioners and managers can add families');
  });

  describe('search', () => {
    it('finds Jonathan Smith from “Jon Smyth”', async () => {
      const found = await families.search(keyWorker, 'Jon Smyth');
      expect(found.results.map((r) => r.name)).toContain('Jonathan Smith');
      expect(found.results.map((r) => r.name)).not.toContain('Kerry Walsh');
    });

    it('finds people by date of birth and by postcode', async () => {
      expect((await families.search(keyWorker, '03/02/1987')).results.map((r) => r.name)).toEqual(['Jonathan Smith']);
      expect((await families.search(keyWorker, 'nv1 4ab')).results).toHaveLength(3);
      expect((await families.search(keyWorker, 'NV1')).results).toHaveLength(3);
      expect((await families.search(keyWorker, 'NV14')).results).toHaveLength(0);
    });

    it('never shows people in families the searcher may not open', async () => {
      expect((await families.search(stranger, 'Jonathan Smith')).results).toEqual([]);
    });
  });
});
