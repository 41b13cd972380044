import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../support/factories.ts';
import { AddFamilyJourney, FamilyPage, startLantern, type Lantern } from '../support/browser.ts';

// One user's journey, step by step: each test continues in the same browser page from where the
// previous one stopped, so they run in order (vitest's default within a file).
// A generous per-test timeout: a real browser on a busy machine can be several times slower.
describe('adding a family, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let journey: AddFamilyJourney;
  let family: FamilyPage;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('household details: lists every problem in field order, links each to its field and keeps what was typed', async () => {
    const myFamilies = await lantern.signedIn(worker);
    expect(await myFamilies.families()).toEqual([]);
    journey = await myFamilies.addFamily();
    expect(journey.url.pathname).toBe('/families/new/household');

    await journey.fillHousehold({ familyName: '', addressLine1: '12 Mill Lane', town: 'Riverside', postcode: 'NV1 ZZZ', district: 'Riverside' });
    await journey.continueFromHousehold('errors');
    expect(await journey.title()).toMatch(/^Error: Household details/);
    expect(await journey.errorSummaryTitle()).toBe('There is a problem');
    expect(await journey.errorSummary()).toEqual([
      { text: 'Enter the family name', href: '#familyName' },
      { text: 'Enter a full UK postcode, like NV1 4AB', href: '#postcode' },
    ]);
    expect(await journey.fieldError('familyName')).toBe('Enter the family name');
    expect(await journey.fieldError('postcode')).toBe('Enter a full UK postcode, like NV1 4AB');
    expect(await journey.householdAnswers()).toEqual({
      familyName: '', addressLine1: '12 Mill Lane', addressLine2: '', town: 'Riverside', postcode: 'NV1 ZZZ', district: 'Riverside',
    });
    // Each error links to its field, and following the link puts the cursor in it.
    expect(await journey.followErrorLink('Enter the family name')).toBe('familyName');
    expect(await journey.followErrorLink('Enter a full UK postcode, like NV1 4AB')).toBe('postcode');

    await journey.fillHousehold({ familyName: 'Walsh', postcode: 'NV1 4AB' });
    await journey.continueFromHousehold('member');
    expect(await journey.errorSummary()).toEqual([]);
  });

  it('members: adds the mother, then catches a child’s impossible date of birth', async () => {
    // The last name starts as the family name.
    expect(await journey.valueOf('Last name')).toBe('Walsh');
    await journey.fillMember({ givenName: 'Kery', role: 'Mother', sex: 'Female', dateOfBirth: ['17', '5', '1990'] });
    await journey.continueFromMember('check');
    expect((await journey.checkAnswersMembers()).map((m) => m.name)).toEqual(['Kery Walsh']);

    // A child with a date of birth that does not exist.
    await journey.addAnotherMember();
    await journey.fillMember({ givenName: 'Jayden', role: 'Child', sex: 'Male', dateOfBirth: ['31', '2', '2015'] });
    await journey.continueFromMember('Add another family member');
    expect(await journey.title()).toMatch(/^Error: /);
    expect(await journey.errorSummary()).toEqual([{ text: 'Date of birth must be a real date', href: '#dateOfBirth-day' }]);
    expect(await journey.fieldError('dateOfBirth')).toBe('Date of birth must be a real date');
    expect(await journey.answers()).toEqual({ givenName: 'Jayden', familyName: 'Walsh', role: 'Child', sex: 'Male', dateOfBirth: ['31', '2', '2015'] });
    expect(await journey.followErrorLink('Date of birth must be a real date')).toBe('dateOfBirth-day');
    await journey.fillDate('Date of birth', ['28', '2', '2015']);
    await journey.continueFromMember('check');
  });

  it('check your answers: shows everything and changes a member', async () => {
    expect(await journey.checkAnswersHousehold()).toEqual({
      'Family name': 'Walsh', Address: '12 Mill Lane\nRiverside\nNV1 4AB', District: 'Riverside',
    });
    expect(await journey.checkAnswersMembers()).toEqual([
      { name: 'Kery Walsh', rows: { Role: 'Mother', Sex: 'Female', 'Date of birth': '17 May 1990' } },
      { name: 'Jayden Walsh', rows: { Role: 'Child', Sex: 'Male', 'Date of birth': '28 February 2015' } },
    ]);

    // Change a member from check your answers: the form shows their answers; fix the spelling.
    await journey.changeMember('Kery Walsh');
    expect(await journey.answers()).toEqual({ givenName: 'Kery', familyName: 'Walsh', role: 'Mother', sex: 'Female', dateOfBirth: ['17', '5', '1990'] });
    await journey.fillMember({ givenName: 'Kerry' });
    await journey.continueFromMember('check');
    expect((await journey.checkAnswersMembers()).map((m) => m.name)).toEqual(['Kerry Walsh', 'Jayden Walsh']);
  });

  it('adds the family: its page, with the banner, the members and the creator as key worker', async () => {
    family = await journey.addFamily('Walsh');
    expect(family.url.pathname).toMatch(/^\/families\/[0-9a-f-]{36}$/);
    expect(await family.successBanner()).toBe('Family added');
    expect(await family.memberNames()).toEqual(['Kerry Walsh', 'Jayden Walsh']);
    expect(await family.member('Jayden Walsh')).toMatchObject({ role: 'Child', age: '11 years (born 28 February 2015)', legalStatus: 'None recorded', needs: [] });
    expect(await family.levelOfNeed()).toBe('Level 1: universal');
    expect(await family.team()).toEqual([expect.objectContaining({ name: 'Priya Shah Key worker', roleInFamily: 'Key worker', contact: 'priya.shah@test.example' })]);
    const familyUrl = family.url.pathname;

    // The journey is over: starting again begins with an empty household page.
    const again = await AddFamilyJourney.start(family.page);
    expect((await again.householdAnswers()).familyName).toBe('');
    family = await FamilyPage.open(again.page, familyUrl.split('/').pop()!, 'Walsh');
  });

  it('adds a family member to the family', async () => {
    const memberForm = await family.addMember();
    expect(await memberForm.valueOf('Last name')).toBe('Walsh');
    await memberForm.fillMember({ givenName: 'Dean', role: 'Father', sex: 'Male', dateOfBirth: ['3', '8', '1988'] });
    family = await memberForm.save('Walsh');
    expect(await family.successBanner()).toBe('Family member saved');
    expect(await family.memberNames()).toEqual(expect.arrayContaining(['Kerry Walsh', 'Jayden Walsh', 'Dean Walsh']));
    expect(await family.member('Dean Walsh')).toMatchObject({ role: 'Father', age: '38 years (born 3 August 1988)' });
  });

  it('records a need for the mother', async () => {
    const needForm = await family.recordNeed('Kerry Walsh');
    await needForm.fillNeed({ code: '2B', agency: 'Testshire Recovery', identifiedOn: ['2', '3', '2026'], current: true, notes: 'Referred by GP' });
    family = await needForm.save('Walsh');
    expect(await family.successBanner()).toBe('Need recorded');
    expect((await family.member('Kerry Walsh')).needs).toEqual([
      { code: '2B', tag: 'Current', text: '2B Drug misuse (parent or carer) – Testshire Recovery, 2 March 2026 Current Referred by GP' },
    ]);
    expect(await family.levelOfNeed()).toBe('Level 3: complex needs');
  });

  it('records the child’s legal status, and the new family is on My families', async () => {
    const statusForm = await family.recordLegalStatus('Jayden Walsh');
    await statusForm.fillStatus({ status: 'Child in Need', startDate: ['1', '9', '2026'] });
    family = await statusForm.save('Walsh');
    expect(await family.successBanner()).toBe('Legal status recorded');
    expect((await family.member('Jayden Walsh')).legalStatus).toBe('Child in Need since 1 September 2026');
    const list = await family.goToMyFamilies();
    expect(await list.families()).toEqual([expect.objectContaining({ family: 'Walsh family', postcode: 'NV1 4AB', district: 'Riverside', children: '1', yourRole: 'Key worker', lead: 'Priya Shah' })]);
    // One term on both pages (issue 15 item 15): the family page's tag and My families' column say "Key worker".
    expect((await list.page.locator('main table thead th').allInnerTexts()).map((t) => t.trim())).toContain('Key worker');
  });
});
