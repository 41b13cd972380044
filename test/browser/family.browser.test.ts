import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, joinFamily, makeUser } from '../support/factories.ts';
import { LanternPage, startLantern, type Lantern } from '../support/browser.ts';

// A generous per-test timeout: a real browser on a busy machine can be several times slower.
describe('the family page, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let lead: Awaited<ReturnType<typeof makeUser>>;
  let colleague: Awaited<ReturnType<typeof makeUser>>;
  let outsider: Awaited<ReturnType<typeof makeUser>>;
  let family: { id: string; reference: string };

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId, otherTeamId, districtId } = lantern.partnership;
    const { families } = lantern.services;
    lead = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    colleague = await makeUser(lantern.db, { agencyId: agencies.drug_alcohol_service, name: 'Tom Reed', email: 'tom.reed@test.example' });
    outsider = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId: otherTeamId, name: 'Sam Hill' });

    family = await families.createFamily(lead, {
      family: aFamily({ familyName: 'Walsh', districtId }),
      members: [
        aMember({ givenName: 'Kerry', familyName: 'Walsh', role: 'mother', sex: 'female', dateOfBirth: '1990-05-17' }),
        aMember({ givenName: 'Jayden', familyName: 'Walsh', role: 'child', sex: 'male', dateOfBirth: '2015-02-28' }),
        aMember({ givenName: 'Baby', familyName: 'Walsh', role: 'unborn', sex: 'not_known', dateOfBirth: null, expectedDate: '2027-03-14' }),
      ],
    });
    const view = await families.family(lead, family.id);
    const id = (name: string) => view.members.find((m) => m.name === name)!.id;
    const police = agencies.police;
    const recovery = agencies.drug_alcohol_service;
    await families.addNeed(lead, family.id, id('Kerry Walsh'), { needType: 'cin_factor', code: '2B', sourceAgencyId: recovery, identifiedOn: '2026-03-02', isCurrent: true });
    await families.addNeed(lead, family.id, id('Kerry Walsh'), { needType: 'cin_factor', code: '3B', sourceAgencyId: police, identifiedOn: '2026-06-11', isCurrent: true });
    await families.addNeed(lead, family.id, id('Kerry Walsh'), { needType: 'cin_factor', code: '4B', sourceAgencyId: police, identifiedOn: '2024-01-15', isCurrent: false, notes: 'Resolved after treatment' });
    await families.addNeed(lead, family.id, id('Jayden Walsh'), { needType: 'cin_factor', code: '7A', sourceAgencyId: police, identifiedOn: '2026-06-11', isCurrent: true });
    await families.recordStatus(lead, family.id, id('Jayden Walsh'), { status: 'child_in_need', startDate: '2026-02-01' });
    await families.recordStatus(lead, family.id, id('Jayden Walsh'), { status: 'child_protection_plan', startDate: '2026-07-01' });
    await joinFamily(lantern.db, family.id, colleague.id, 'Substance misuse worker');
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('shows members with roles, ages, legal status and needs, the level of need and the team', async () => {
    const myFamilies = await lantern.signedIn(lead);
    const page = await myFamilies.openFamily('Walsh');
    expect(await page.title()).toBe(`Walsh family (${family.reference}) – Lantern`);
    expect(await page.reference()).toBe(family.reference);

    expect(await page.memberNames()).toEqual(['Kerry Walsh', 'Jayden Walsh', 'Baby Walsh']);
    const kerry = await page.member('Kerry Walsh');
    expect(kerry).toMatchObject({ role: 'Mother', age: '36 years (born 17 May 1990)', legalStatus: null });
    expect(kerry.relationships).toContain('Jayden Walsh');
    expect(kerry.needs.map((n) => `${n.code} ${n.tag}`).sort()).toEqual(['2B Current', '3B Current', '4B Past']);
    const need = (code: string) => kerry.needs.find((n) => n.code === code)!;
    expect(need('2B').text).toBe('2B Drug misuse (parent or carer) – Testshire Recovery, 2 March 2026 Current');
    expect(need('3B').text).toBe('3B Domestic violence (parent or carer) – Testshire Police, 11 June 2026 Current');
    expect(need('4B').text).toBe('4B Mental health (parent or carer) – Testshire Police, 15 January 2024 Past Resolved after treatment');

    const jayden = await page.member('Jayden Walsh');
    expect(jayden).toMatchObject({ role: 'Child', age: '11 years (born 28 February 2015)' });
    expect(jayden.legalStatus).toBe('Child Protection Plan since 1 July 2026\nPreviously Child in Need, 1 February 2026 to 1 July 2026');
    expect(jayden.needs.map((n) => `${n.code} ${n.tag}`)).toEqual(['7A Current']);

    const baby = await page.member('Baby Walsh');
    expect(baby).toMatchObject({ role: 'Unborn baby', age: 'Due 14 March 2027', legalStatus: 'None recorded', needs: [] });

    // Two current parental vulnerabilities (2B drug misuse, 3B domestic abuse): Level 4, and why.
    expect(await page.levelOfNeed()).toBe('Level 4: high-level needs');
    expect(await page.levelOfNeedReason()).toBe(
      '2 parental vulnerabilities: substance misuse (Kerry Walsh); domestic abuse (Kerry Walsh). Rule: more than one parental vulnerability puts the child at Level 4.');

    const team = await page.team();
    expect(team).toEqual([
      { name: 'Priya Shah Key worker', roleInFamily: 'Key worker', agency: "Testshire Children's Services\nRiverside family support", contact: 'priya.shah@test.example', since: '25 November 2026' },
      { name: 'Tom Reed', roleInFamily: 'Substance misuse worker', agency: 'Testshire Recovery', contact: 'tom.reed@test.example', since: '1 January 2026' },
    ]);
  });

  it('lets another member of the team see the family', async () => {
    const myFamilies = await lantern.signedIn(colleague);
    expect((await myFamilies.families()).map((f) => f.family)).toEqual(['Walsh family']);
    const page = await myFamilies.openFamily('Walsh');
    expect(await page.levelOfNeed()).toBe('Level 4: high-level needs');
  });

  it('shows “You cannot see this page” to a practitioner who is not on the team', async () => {
    const myFamilies = await lantern.signedIn(outsider);
    expect(await myFamilies.families()).toEqual([]);
    const response = await myFamilies.goto(`/families/${family.id}`);
    expect(response?.status()).toBe(403);
    const refused = await LanternPage.expectAt(myFamilies.page, 'You cannot see this page');
    const main = await refused.page.locator('main').innerText();
    expect(main).not.toContain('Kerry');
    expect(main).not.toContain(family.reference);
    // Nor can they reach its forms.
    const form = await refused.goto(`/families/${family.id}/members/new`);
    expect(form?.status()).toBe(403);
    await LanternPage.expectAt(refused.page, 'You cannot see this page');
  });

  it('shows the not-found page for a family that does not exist', async () => {
    const myFamilies = await lantern.signedIn(lead);
    const response = await myFamilies.goto('/families/00000000-0000-4000-8000-000000000000');
    expect(response?.status()).toBe(404);
    await LanternPage.expectAt(myFamilies.page, 'Page not found');
  });
});
