import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { makeDatedCase } from '../support/casework-factories.ts';
import { SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { ClaimsPage, EvaluationPage, OutcomesPage } from '../support/outcomes-pages.ts';

describe('recording outcomes and reading the programme evaluation, in a real browser', () => {
  let lantern: Lantern;
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let manager: Awaited<ReturnType<typeof makeUser>>;
  let caseId: string;
  let reference: string;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    manager = await makeUser(lantern.db, { role: 'manager', agencyId: agencies.childrens_social_care, teamId, manages: [teamId], name: 'Daniel Okafor', email: 'daniel.okafor@test.example' });
    const family = await lantern.services.families.createFamily(worker, {
      family: aFamily({ familyName: 'Walsh' }),
      members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2014-08-09' })],
    });
    ({ caseId, reference } = await makeDatedCase(lantern.db, { familyId: family.id, referredAt: '2026-04-01T10:00:00Z', state: 'closed', keyWorkerId: worker.id, closedAt: '2026-10-01T10:00:00Z' }));
    // Education was a reason for the work (a plan goal), so Tyler is in the attendance cohort.
    const planId = randomUUID();
    await lantern.db.query(`INSERT INTO family_plan (id, case_id, number, status, agreed_at) VALUES ($1, $2, 1, 'agreed', '2026-04-20')`, [planId, caseId]);
    await lantern.db.query(`INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area) VALUES ($1, $2, $3, 1, 'Tyler gets to school every day', 'education')`, [randomUUID(), planId, randomUUID()]);
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('records the household’s measures at referral and closure, then a manager sees the figure and the case behind it', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(worker.email, testPassword);

    let outcomes = await OutcomesPage.open(page, caseId);
    expect((await outcomes.timePoints()).slice(0, 2)).toEqual([
      { when: 'At referral (baseline)', status: 'Not recorded' },
      { when: 'At closure', status: 'Not recorded' },
    ]);

    // A mistake comes back with the error summary linked to the field, and what was typed (axe checks the error state).
    let form = await outcomes.record('Record', 'At referral (baseline)');
    await form.fillDate('Date the measures were taken', ['2', '4', '2026']);
    await form.fillMember('Tyler Walsh', { status: 'Child Protection Plan', attendance: '170' });
    await form.fillMember('Kerry Walsh', { treatment: 'Needs treatment, not engaging' });
    form = await form.saveWithErrors();
    expect(await form.title()).toMatch(/^Error: /);
    expect(await form.errorSummary()).toEqual([{ text: 'Enter school attendance as a number from 0 to 100 (Tyler Walsh)', href: expect.stringMatching(/^#attendancePercent-/) }]);
    expect(await form.memberValue('Tyler Walsh', 'School attendance')).toBe('170');

    await form.fillMember('Tyler Walsh', { attendance: '70' });
    outcomes = await form.save();
    expect(await outcomes.successBanner()).toBe('Outcome measures saved: at referral (baseline)');

    form = await outcomes.record('Record', 'At closure');
    await form.fillDate('Date the measures were taken', ['1', '10', '2026']);
    await form.fillMember('Tyler Walsh', { status: 'Child in Need', attendance: '93' });
    await form.fillMember('Kerry Walsh', { treatment: 'Engaging with treatment', workSteps: ['Started or completed a course'] });
    outcomes = await form.save();
    expect((await outcomes.timePoints()).slice(0, 2)).toEqual([
      { when: 'At referral (baseline)', status: 'Recorded' },
      { when: 'At closure', status: 'Recorded' },
    ]);

    const managerPage = await lantern.newPage();
    await (await SignInPage.open(managerPage)).signIn(manager.email, testPassword);
    const report = await EvaluationPage.open(managerPage);
    const figures = await report.figures();
    expect(figures).toContainEqual({ measure: 'Children no longer on a Child Protection Plan at closure', result: '1 of 1 (100%): 1 to Child in Need' });
    expect(figures).toContainEqual({ measure: 'Families taking steps towards work', result: '1 of 1 (100%)' });
    expect(figures).toContainEqual({ measure: 'Median change in school attendance (relative, %)', result: '+32.9% (1 child)' });
    expect(figures).toContainEqual({ measure: 'Median change in school attendance (percentage points)', result: '+23 points (1 child)' });
    expect(await report.chartTitles()).toEqual(['Outcomes at closure', 'Children’s statuses at referral and at closure', 'Before and after the work']);
    expect(await report.casesBehind('Children no longer on a Child Protection Plan at closure')).toEqual([`${reference}, Walsh family`, `${reference}, Walsh family`]);

    // The claims page and the rules pass axe too; with no assessment completed, the family is not yet claimable.
    const claims = await ClaimsPage.open(managerPage);
    expect(await claims.groups()).toContain('Not eligible (1)');
    const rules = await claims.openRules();
    expect(await rules.chosen('How is the programme paid?')).toBe('Troubled Families phase 2 (2015 to 2020)');
  });
});
