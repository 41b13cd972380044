import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanternPage, startLantern, type Lantern } from '../support/browser.ts';
import { CasePage, ReferralFormPage, ReferralsQueuePage } from '../support/casework-pages.ts';
import { FamilyPage } from '../support/browser.ts';
import { makeContact, makeDatedCase, makeReceivedReferral, option2Id } from '../support/casework-factories.ts';
import { aFamily, aMember, makeUser } from '../support/factories.ts';
import { ClosePage, TeamWorkPage } from '../support/work-pages.ts';

/**
 * What a practitioner and a manager hit in a working day (issue 15), in Chromium: every page is
 * checked with axe and at a phone's width as it arrives. The app's today is 25 November 2026.
 */
describe('the casework journey’s rough edges, in a real browser', { timeout: 180_000 }, () => {
  let lantern: Lantern;
  let manager: Awaited<ReturnType<typeof makeUser>>;
  let priya: Awaited<ReturnType<typeof makeUser>>;
  const family = async (name: string) =>
    (await lantern.services.families.createFamily(priya, { family: aFamily({ familyName: name }), members: [aMember({ familyName: name })] })).id;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId, otherTeamId } = lantern.partnership;
    priya = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah' });
    manager = await makeUser(lantern.db, { role: 'manager', agencyId: agencies.childrens_social_care, teamId, manages: [teamId], name: 'Mo Khan' });
    await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId: otherTeamId, name: 'Hana Ito' });
    await makeUser(lantern.db, { agencyId: agencies.police, name: 'PC Dana Reid' });
  }, 120_000);

  afterAll(async () => {
    await lantern?.close();
  });

  it('lists an accepted referral awaiting allocation on Team work, offers the manager’s own team first, and asks for a reason over the caseload rule', async () => {
    // Priya holds an Option 2 case (limit 2) and an early intervention case (limit 6): at her limit of 2.
    await makeDatedCase(lantern.db, { familyId: await family('Walsh'), referredAt: '2026-11-02T10:00:00Z', programmeId: option2Id, keyWorkerId: priya.id });
    await makeDatedCase(lantern.db, { familyId: await family('Okafor'), referredAt: '2026-11-03T10:00:00Z', keyWorkerId: priya.id });
    const waiting = await makeDatedCase(lantern.db, { familyId: await family('Brennan'), referredAt: '2026-11-24T09:00:00Z', state: 'awaiting_allocation', acceptedBy: manager.id });

    let team = await TeamWorkPage.fromMenu(await lantern.signedIn(manager));
    expect(await team.awaitingAllocation()).toEqual([
      [`Brennan family ${waiting.reference}`, 'Early intervention (Families Plus)', '24 November 2026', `Allocate a key worker to the Brennan family case (${waiting.reference})`],
    ]);
    expect((await team.caseloads()).find((r) => r[0] === 'Priya Shah')?.slice(2, 5)).toEqual(['2', '2', 'At the limit']);

    let allocate = await team.allocate('Brennan', waiting.reference);
    // Her own team only, with caseloads by the one rule: the new case counts, against the lowest limit.
    expect(await allocate.workerCaseloads()).toEqual([
      { worker: 'Priya Shah (Riverside family support)', caseload: '2 open cases, limit 2. With this case: 3 of a limit of 2 – over the limit' },
    ]);
    allocate = await allocate.showTeam('Hillside family support, Testshire Children\'s Services');
    expect((await allocate.workerCaseloads()).map((w) => w.worker)).toEqual(['Priya Shah (Riverside family support)', 'Hana Ito (Hillside family support)']);

    await allocate.chooseWorker('Priya Shah (Riverside family support)');
    allocate = await allocate.allocateExpectingErrors();
    const message = 'Give a reason to allocate over the caseload limit: Priya Shah would have 3 open cases and their limit is 2';
    expect(await allocate.errorSummary()).toEqual([{ text: message, href: '#overCaseloadReason' }]);
    await allocate.giveReason('Priya knows the family from a previous case');
    const casePage = await allocate.allocate('Brennan');
    expect(await casePage.successBanner()).toBe('Key worker allocated');

    team = await TeamWorkPage.fromMenu(casePage);
    expect(await team.awaitingAllocation()).toEqual([]);
    expect((await team.caseloads()).find((r) => r[0] === 'Priya Shah')?.slice(2, 5)).toEqual(['3', '2', 'Over the limit']);
  });

  it('reports every problem with a referral at once, in GOV.UK wording: a part postcode, a date of birth in the future, a missing name', async () => {
    const officer = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.police, name: 'PC Sam Lee' });
    let form = await ReferralFormPage.fromMenu(await lantern.signedIn(officer));
    await form.fillReferral({
      familyName: 'Brennan', postcode: 'ABC',
      people: [
        { givenName: 'Lisa', familyName: 'Brennan', role: 'mother', dateOfBirth: ['1', '1', '2030'] },
        { givenName: 'Callum', familyName: '', role: '', dateOfBirth: ['31', '2', '2016'] },
      ],
    });
    form = await form.sendExpectingErrors();
    expect(await form.errorSummary()).toEqual([
      { text: 'Enter a full UK postcode, like NV1 4AB, or leave it blank if you do not know it', href: '#postcode' },
      { text: 'Person 1: date of birth must be today or in the past', href: '#member1-dateOfBirth-day' },
      { text: 'Person 2: enter their last name', href: '#member2-familyName' },
      { text: 'Person 2: select who this person is in the family', href: '#member2-role' },
      { text: 'Person 2: date of birth must be a real date', href: '#member2-dateOfBirth-day' },
      { text: 'Describe why you are referring the family', href: '#reasons' },
      { text: 'Select whether the family has agreed to the referral', href: '#consent' },
    ]);
    expect(await form.valueOf('Postcode (if known)')).toBe('ABC');

    await form.fillReferral({
      postcode: 'NV2 8QT', people: [
        { givenName: 'Lisa', familyName: 'Brennan', role: 'mother', dateOfBirth: ['1', '1', '1990'] },
        { givenName: 'Callum', familyName: 'Brennan', role: 'child', dateOfBirth: ['28', '2', '2016'] },
      ],
      reasons: 'Police attended a domestic incident at the home.', consent: 'Yes',
    });
    const referral = await form.send('Brennan');
    expect(await referral.successBanner()).toBe('Referral sent. A manager will screen it.');
  });

  it('lets a screener correct a referral with a bad postcode and a missing date of birth, then screen it', async () => {
    const { reference } = await makeReceivedReferral(lantern.db, {
      routedTeamId: lantern.partnership.teamId,
      subject: { familyName: 'Quinn', addressLine1: '8 Ferry Lane', postcode: 'ABC', members: [{ givenName: 'Rosa', familyName: 'Quinn', role: 'mother', dateOfBirth: null }] },
    });
    const queue = await ReferralsQueuePage.fromMenu(await lantern.signedIn(manager));
    let referral = await queue.openReferral(reference, 'Quinn');
    await referral.fillScreening({ familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)', reason: 'Meets the threshold' });
    referral = await referral.recordDecisionExpectingErrors('Quinn');
    const dateOfBirth = 'Person 1: enter their date of birth – correct the referral’s details';
    expect((await referral.errorSummary()).map((e) => e.text)).toEqual(['Enter a full UK postcode, like NV1 4AB', dateOfBirth]);
    // Every link reaches a field that exists: the postcode here, the date of birth on the correction page.
    expect(await referral.followErrorLink('Enter a full UK postcode, like NV1 4AB')).toBe('postcode');
    const details = await referral.followErrorToDetails(dateOfBirth);
    expect(details.url.hash).toBe('#member1-dateOfBirth-day');
    expect(await details.valueOf('Postcode (if known)')).toBe('ABC');
    await details.fillReferral({ postcode: 'NV3 1AB', people: [{ givenName: 'Rosa', familyName: 'Quinn', role: 'mother', dateOfBirth: ['4', '5', '1991'] }] });
    referral = await details.save('Quinn');
    expect(await referral.successBanner()).toBe('Referral details corrected');
    await referral.fillScreening({ familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)', reason: 'Meets the threshold' });
    const casePage = await referral.accept('Quinn');
    expect(await casePage.successBanner()).toBeTruthy();
  });

  it('carries screening to the family record: the needs coded at referral and the manager’s level with its reason; the case history says who accepted it', async () => {
    const officer = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.police, name: 'PC Ann Roe' });
    const { id } = await lantern.services.referrals.refer(officer, {
      routedTeamId: lantern.partnership.teamId,
      familyName: 'Moss', addressLine1: '3 Quay Street', postcode: 'NV3 1AA',
      members: [{ givenName: 'Gail', familyName: 'Moss', role: 'mother', dateOfBirth: '1989-02-03' }, { givenName: 'Finn', familyName: 'Moss', role: 'child', dateOfBirth: '2017-06-01' }],
      referrerName: 'PC Ann Roe', referrerAgency: 'Testshire Police', referrerContact: 'ann.roe@police.example',
      needCodes: ['1B'], reasons: 'Gail was found drunk while caring for Finn.', urgency: 'urgent', consent: 'given',
    });
    const [{ reference }] = await lantern.db.query<{ reference: string }>('SELECT reference FROM referral WHERE id = $1', [id]);
    const queue = await ReferralsQueuePage.fromMenu(await lantern.signedIn(manager));
    const referral = await queue.openReferral(reference, 'Moss');
    await referral.fillScreening({ familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)', reason: 'Meets the threshold' });
    await referral.select('Level of need', 'Level 4: high-level needs');
    await referral.fill('Reason for changing the level (if changed)', 'Finn is 9 and alone with Gail most evenings');
    const casePage: CasePage = await referral.accept('Moss');
    expect((await casePage.history())[0].slice(1)).toEqual(['Referral accepted; case opened', 'Mo Khan']);

    await casePage.clickAndLoad(casePage.page.locator('main .govuk-summary-list').getByRole('link', { name: 'Moss family', exact: true }));
    const family = await FamilyPage.arrived(casePage.page, 'Moss');
    expect(await family.levelOfNeed()).toBe('Level 4: high-level needs');
    expect(await family.levelOfNeedReason()).toMatch(new RegExp(`^Level 4: high-level needs at screening of referral ${reference} on \\d{1,2} \\w+ 20\\d\\d \\(set by Mo Khan: Finn is 9 and alone with Gail most evenings\\)\\. The needs on the family record give Level \\d`));
    expect((await family.member('Gail Moss')).needs.map((n) => n.code)).toEqual(['1B']);
  });

  it('shows the first visit once it happened, refuses “goals achieved” for a case never planned, and names the closure reason in words', async () => {
    const hart = await makeDatedCase(lantern.db, { familyId: await family('Hart'), referredAt: '2026-11-10T09:00:00Z', keyWorkerId: priya.id });
    const home = await lantern.signedIn(manager);
    let casePage = await CasePage.open(home.page, hart.caseId, 'Hart');
    expect((await casePage.details())['First visit due by']).toBe('13 November 2026');
    await makeContact(lantern.db, { caseId: hart.caseId, recordedBy: priya.id, date: '2026-11-12', startTime: '10:00', endTime: '11:00' });
    casePage = await CasePage.open(home.page, hart.caseId, 'Hart');
    const details = await casePage.details();
    expect(details['First visit']).toBe('12 November 2026');
    expect(details['First visit due by']).toBeUndefined();

    let close = await ClosePage.open(home.page, hart.caseId);
    await close.fillClosure({ reason: 'Goals achieved', tier: 'Tier 1: universal services', service: 'Riverside Primary School', summary: 'The family moved on.' });
    close = await close.closeExpectingErrors();
    expect(await close.errorSummary()).toEqual([{
      text: 'This case never had an agreed family plan, so it cannot close as goals achieved: choose another reason, or Other and say why', href: '#reason',
    }]);
    await close.fillClosure({ reason: 'Family moved away' });
    await close.close();
    casePage = await CasePage.open(home.page, hart.caseId, 'Hart');
    expect((await casePage.details()).Closed).toBe('25 November 2026: Family moved away');
  });

  it('lets the screener correct the address a referral gave before making the family record', async () => {
    const officer = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.police, name: 'PC Raj Bell' });
    const { id } = await lantern.services.referrals.refer(officer, {
      routedTeamId: lantern.partnership.teamId,
      familyName: 'Quinn', members: [{ givenName: 'Rose', familyName: 'Quinn', role: 'mother', dateOfBirth: '1992-04-05' }],
      referrerName: 'PC Raj Bell', referrerAgency: 'Testshire Police', referrerContact: 'raj.bell@police.example',
      reasons: 'Rose asked for help with her son’s behaviour.', urgency: 'routine', consent: 'given',
    });
    const [{ reference }] = await lantern.db.query<{ reference: string }>('SELECT reference FROM referral WHERE id = $1', [id]);
    const queue = await ReferralsQueuePage.fromMenu(await lantern.signedIn(manager));
    let referral = await queue.openReferral(reference, 'Quinn');
    await referral.fillScreening({ familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)', reason: 'Early help fits' });
    referral = await referral.recordDecisionExpectingErrors('Quinn');
    expect(await referral.errorSummary()).toEqual([{ text: 'Enter a postcode', href: '#postcode' }]);
    expect(await referral.followErrorLink('Enter a postcode')).toBe('postcode');
    await referral.fill('Address line 1', '9 Dock Road');
    await referral.fill('Postcode', 'NV4 2BB');
    await referral.fillScreening({ familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)', reason: 'Early help fits' });
    const casePage = await referral.accept('Quinn');
    await casePage.clickAndLoad(casePage.page.locator('main .govuk-summary-list').getByRole('link', { name: 'Quinn family', exact: true }));
    const family = await FamilyPage.arrived(casePage.page, 'Quinn');
    expect(await family.page.locator('main').innerText()).toContain('NV4 2BB');
  });

  it('refuses a page with a sentence that ends in a full stop', async () => {
    const hidden = await makeDatedCase(lantern.db, { familyId: await family('Nash'), referredAt: '2026-11-10T09:00:00Z', keyWorkerId: priya.id });
    const stranger = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.police, name: 'PC Lee Cole' });
    const home = await lantern.signedIn(stranger);
    await home.goto(`/cases/${hidden.caseId}`);
    const refused = await LanternPage.expectAt(home.page, 'You cannot see this page');
    expect(await refused.page.locator('main p').first().innerText()).toMatch(/^[^.]+\. If you think you should have access, ask your team manager\.$/);
  });
});
