import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { addCaseEvent, makeDatedCase } from '../support/casework-factories.ts';
import { SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { ClosePage, FollowUpsPage, MyWorkPage, RecordFollowUpPage, TeamWorkPage } from '../support/work-pages.ts';
import { workService } from '../../src/modules/work/service.ts';
import { testClock } from '../support/clock.ts';

/** Each test walks through several pages, with axe on every one. */
const journeyTimeout = 180_000;

/** Keeping cases moving, in Chromium: every page is checked with axe as it arrives. The app's today is 25 November 2026. */
describe('my work, team work, closure and follow-ups, in a real browser', () => {
  let lantern: Lantern;
  let priya: Awaited<ReturnType<typeof makeUser>>;
  let manager: Awaited<ReturnType<typeof makeUser>>;
  const cases: Record<string, { caseId: string; reference: string }> = {};

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    priya = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    manager = await makeUser(lantern.db, { role: 'manager', agencyId: agencies.childrens_social_care, teamId, manages: [teamId], name: 'Mo Khan', email: 'mo.khan@test.example' });
    const family = async (name: string) =>
      (await lantern.services.families.createFamily(priya, { family: aFamily({ familyName: name }), members: [aMember({ familyName: name })] })).id;
    // Walsh: referred on Saturday at 10:00 and allocated; nobody has visited, so the 72 hours ran out yesterday.
    cases.walsh = await makeDatedCase(lantern.db, { familyId: await family('Walsh'), referredAt: '2026-11-21T10:00:00Z', keyWorkerId: priya.id });
    // Okafor: plan agreed, seen this week: ready to close.
    cases.okafor = await makeDatedCase(lantern.db, { familyId: await family('Okafor'), referredAt: '2026-09-10T09:00:00Z', state: 'intervention', keyWorkerId: priya.id });
    await addCaseEvent(lantern.db, cases.okafor.caseId, 'record_contact', '2026-09-11T10:00:00Z');
    await addCaseEvent(lantern.db, cases.okafor.caseId, 'agree_plan', '2026-10-01T10:00:00Z', 'planning');
    await addCaseEvent(lantern.db, cases.okafor.caseId, 'review_plan', '2026-11-20T10:00:00Z');
    await addCaseEvent(lantern.db, cases.okafor.caseId, 'record_contact', '2026-11-24T10:00:00Z');
    // Hall: closed a month ago, so its 1-month follow-up is due today.
    cases.hall = await makeDatedCase(lantern.db, { familyId: await family('Hall'), referredAt: '2026-08-01T09:00:00Z', state: 'intervention', keyWorkerId: priya.id });
    await addCaseEvent(lantern.db, cases.hall.caseId, 'agree_plan', '2026-08-20T10:00:00Z', 'planning');
    await workService(lantern.db, lantern.services.cases, { clock: testClock('2026-10-25') }).close(manager, cases.hall.caseId, {
      reason: 'goals_achieved', stepDownTier: 1, stepDownTo: 'Riverside Primary School', closingSummary: 'Goals met.', version: 1,
    });
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('shows the key worker an overdue first visit and a follow-up due today, and records the follow-up', async () => {
    const page = await lantern.newPage();
    const myFamilies = await (await SignInPage.open(page)).signIn(priya.email, testPassword);
    const myWork = await MyWorkPage.fromMenu(myFamilies);
    expect(await myWork.headline()).toBe('1 thing due today');
    const due = await myWork.due();
    expect(due[0]).toEqual({ when: 'Overdue', what: 'First visit due within 72 hours of referral Overdue by 1 day', family: `Walsh family ${cases.walsh.reference}`, due: '24 November 2026' });
    expect(due).toContainEqual({ when: 'Due today', what: '1-month follow-up after closure Due today', family: `Hall family ${cases.hall.reference}, closed 25 October 2026`, due: '25 November 2026' });
    expect((await myWork.caseRows()).map((r) => r[0])).toEqual([`Walsh family ${cases.walsh.reference}`, `Okafor family ${cases.okafor.reference}`]);

    await myWork.openDueItem('1-month follow-up after closure');
    const record = await new RecordFollowUpPage(page).arrive('Record the 1-month follow-up');
    const followUps = await record.record({ date: ['25', '11', '2026'], note: 'Spoke to Kerry: the children are settled at school.' });
    expect(await followUps.successBanner()).toBe('Follow-up recorded.');
    expect((await followUps.followUps())[0]).toEqual({
      followUp: '1-month follow-up', due: '25 November 2026', status: 'Done 25 November 2026', outcome: 'Spoke to Kerry: the children are settled at school. Recorded by Priya Shah',
    });
    const after = await MyWorkPage.open(page);
    expect(await after.headline()).toBe('Nothing due today');
  }, journeyTimeout);

  it('tells a practitioner to ask their manager to close a case', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(priya.email, testPassword);
    const close = await ClosePage.open(page, cases.okafor.caseId);
    expect(await close.notice()).toBe('Only a manager can close a case. Ask your manager to close this case.');
    expect(await page.getByRole('button', { name: 'Close the case' }).count()).toBe(0);
  });

  it('shows the manager caseloads and drift on the team page, filtered to drifting cases', async () => {
    const page = await lantern.newPage();
    const myFamilies = await (await SignInPage.open(page)).signIn(manager.email, testPassword);
    const team = await TeamWorkPage.fromMenu(myFamilies);
    expect(await team.caseloads()).toEqual([['Priya Shah', 'Riverside family support', '2', '6', 'Within the limit', '1', '1']]);
    const drifting = await team.filter({ driftingOnly: true });
    const shown = await drifting.cases();
    expect(shown).toHaveLength(1);
    expect(shown[0][0]).toContain('Walsh family');
    expect(shown[0][4]).toBe('First visit overdue by 1 day (due within 72 hours of referral)');
    const all = await drifting.filter({ driftingOnly: false });
    expect((await all.cases()).map((r) => r[0].split(' family')[0])).toEqual(['Walsh', 'Okafor']);
  }, journeyTimeout);

  it('lets the manager close a case from the team page with a step-down, scheduling the follow-ups', async () => {
    const page = await lantern.newPage();
    const myFamilies = await (await SignInPage.open(page)).signIn(manager.email, testPassword);
    const team = await TeamWorkPage.fromMenu(myFamilies);
    const close = await team.closeCase('Okafor', cases.okafor.reference);
    expect(await close.schedule()).toEqual(['1 month: 25 December 2026', '3 months: 25 February 2027', '6 months: 25 May 2027', '12 months: 25 November 2027']);
    const problems = await close.closeExpectingErrors();
    expect(await problems.errorSummary()).toEqual([
      { text: 'Select why the case is closing', href: '#reason' },
      { text: 'Select the tier of service the family is stepping down to', href: '#stepDownTier' },
      { text: 'Enter the name of the service the family is stepping down to', href: '#stepDownTo' },
      { text: 'Enter a closing summary', href: '#closingSummary' },
    ]);
    expect(await problems.followErrorLink('Enter a closing summary')).toBe('closingSummary');

    await problems.fillClosure({ reason: 'Goals achieved', tier: 'Tier 2: additional needs (early help)', service: 'Riverside early help team', summary: 'School attendance is back above 95%.' });
    const followUps = await problems.close();
    expect(await followUps.successBanner()).toBe('Case closed. 4 follow-ups are scheduled.');
    expect(await followUps.closure()).toMatchObject({
      'Closed on': '25 November 2026', Reason: 'Goals achieved', 'Stepped down to': 'Tier 2: additional needs (early help): Riverside early help team', 'Closed by': 'Mo Khan',
    });
    expect((await followUps.followUps()).map((f) => [f.followUp, f.due, f.status])).toEqual([
      ['1-month follow-up', '25 December 2026', 'Coming up'], ['3-month follow-up', '25 February 2027', 'Coming up'],
      ['6-month follow-up', '25 May 2027', 'Coming up'], ['12-month follow-up', '25 November 2027', 'Coming up'],
    ]);
    const back = await TeamWorkPage.fromMenu(followUps as FollowUpsPage);
    expect((await back.cases()).map((r) => r[0].split(' family')[0])).toEqual(['Walsh']);
  }, journeyTimeout);
});
