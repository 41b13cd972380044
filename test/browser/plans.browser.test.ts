import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { makeCase } from '../support/casework-factories.ts';
import { SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { AssessmentPage } from '../support/plans-pages.ts';

describe('assessment, family plan, review, contract and safety plan, in a real browser', () => {
  let lantern: Lantern;
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let caseId: string;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    const family = await lantern.services.families.createFamily(worker, {
      family: aFamily({ familyName: 'Walsh' }),
      members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' })],
    });
    caseId = (await makeCase(lantern.db, { familyId: family.id, state: 'allocated', keyWorkerId: worker.id })).caseId;
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('walks the assessment to completion, writes and agrees a plan, reviews it into version 2, and prints the contract and safety plan', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(worker.email, testPassword);

    // The whole-family assessment
    let assessment = await AssessmentPage.open(page, caseId);
    assessment = await assessment.start();
    expect(await assessment.successBanner()).toBe('Assessment started');
    expect(await assessment.tasks()).toEqual([
      { name: 'Kerry Walsh', status: 'Not started' },
      { name: 'Tyler Walsh', status: 'Not started' },
      { name: 'The family’s view and what they want to change', status: 'Not started' },
      { name: 'Family plan', status: 'Cannot start yet' },
      { name: 'Family contract', status: 'Not started' },
      { name: 'Safety plan', status: 'Optional' },
    ]);

    const kerry = await assessment.openMember('Kerry Walsh');
    await kerry.fillMember({ strengths: 'Loves her children and wants help', needs: 'Support with her drinking', factors: ['1B'] });
    assessment = await kerry.save();
    expect(await assessment.successBanner()).toBe('Assessment saved');

    // Completing too early lists what is missing, each linked to its task (and axe checks the error state).
    assessment = await assessment.complete();
    expect(await assessment.title()).toMatch(/^Error: /);
    expect(await assessment.errorSummary()).toEqual([
      { text: 'Record strengths, needs or risks for Tyler Walsh', href: expect.stringMatching(/^#member-/) },
      { text: 'Record Tyler Walsh’s wishes and feelings, or why they were not recorded', href: expect.stringMatching(/^#member-/) },
      { text: 'Record the family’s own view', href: '#task-family-view' },
      { text: 'Record what the family wants to change', href: '#task-family-view' },
    ]);

    const tyler = await assessment.openMember('Tyler Walsh');
    await tyler.fillMember({ needs: 'Often late for school', risks: 'Sometimes alone when his mum has been drinking', factors: ['7A'], wishes: 'He wants his mum to be well and to play football' });
    assessment = await tyler.save();
    const view = await assessment.openFamilyView();
    await view.fillView({ view: 'We are struggling with mornings but we love each other', change: 'Get Tyler to school on time; Kerry wants to stop drinking' });
    assessment = await view.save();
    assessment = await assessment.complete();
    expect(await assessment.successBanner()).toBe('Assessment complete: you can now write the family plan');
    expect((await assessment.tasks()).slice(0, 4).map((t) => t.status)).toEqual(['Completed', 'Completed', 'Completed', 'Not started']);

    // The plan: one goal, two actions, a review date, agreed with the family
    let plan = await assessment.openTask('Family plan');
    let goalForm = await plan.addFirstGoal();
    await goalForm.fillGoal({ goal: 'Tyler gets to school on time every day', outcome: 'Getting a good education' });
    plan = await goalForm.save();
    expect(await plan.goals('draft')).toEqual(['Goal 1: Tyler gets to school on time every day']);

    let actionForm = await plan.addAction(1);
    await actionForm.fillAction({ what: 'Set an alarm for 7am', who: 'Kerry Walsh', by: ['1', '12', '2026'] });
    plan = await actionForm.save();
    actionForm = await plan.addAction(1);
    await actionForm.fillAction({ what: 'Offer Tyler a breakfast club place', who: 'Another agency or service', agency: 'Riverside Primary School', by: ['7', '12', '2026'] });
    plan = await actionForm.save();
    expect(await plan.actions('draft')).toEqual([
      { what: 'Set an alarm for 7am', who: 'Kerry Walsh', by: '1 December 2026', status: 'Not started' },
      { what: 'Offer Tyler a breakfast club place', who: 'Riverside Primary School', by: '7 December 2026', status: 'Not started' },
    ]);
    let reviewDate = await plan.setReviewDate();
    // The early intervention programme reviews every 28 days: the date is suggested.
    expect(await reviewDate.dateValue('When will the plan be reviewed?')).toEqual(['23', '12', '2026']);
    plan = await reviewDate.save();
    plan = await plan.agree();
    expect(await plan.successBanner()).toBe('Plan agreed with the family');
    expect(await plan.sections()).toEqual(['Version 1']);

    // The review makes version 2 from version 1
    plan = await plan.startReview();
    expect(await plan.sections()).toEqual(['Review: draft version 2', 'The plan in force: version 1']);
    goalForm = await plan.changeGoal(1, true);
    await goalForm.fillGoal({ progress: 'Late twice in two weeks, down from most days' });
    plan = await goalForm.save();
    actionForm = await plan.changeAction('Set an alarm for 7am');
    await actionForm.fillAction({ status: 'Done' });
    plan = await actionForm.save();
    reviewDate = await plan.setReviewDate();
    plan = await reviewDate.save(['20', '1', '2027']);
    plan = await plan.agree();
    expect(await plan.sections()).toEqual(['Version 2']);
    expect(await plan.actions('current')).toEqual([
      { what: 'Set an alarm for 7am', who: 'Kerry Walsh', by: '1 December 2026', status: 'Done' },
      { what: 'Offer Tyler a breakfast club place', who: 'Riverside Primary School', by: '7 December 2026', status: 'Not started' },
    ]);

    // The history: both versions listed, version 1 readable as it was agreed
    const versions = await plan.versions();
    expect((await versions.rows()).map((r) => [r[0], r[2], r[5]])).toEqual([
      ['Version 2', '20 January 2027', 'In force'],
      ['Version 1', '23 December 2026', 'Replaced at review on 25 November 2026'],
    ]);
    const v1 = await versions.open(1);
    expect(await v1.page.locator('main .govuk-summary-card__title').allInnerTexts()).toEqual(['Goal 1: Tyler gets to school on time every day']);
    expect(await v1.page.locator('main').innerText()).not.toContain('Late twice in two weeks');

    // The family contract and the safety plan, each with a printable page for the family
    assessment = await AssessmentPage.open(page, caseId);
    const contract = await assessment.openTask('Family contract');
    await contract.fillContract({
      family: 'We will be up by 7am and Tyler will go to breakfast club', keyWorker: 'Priya will visit every Tuesday and help with the school',
      consequences: 'If we miss two visits in a row, we will meet to talk about what is getting in the way', agreedOn: ['20', '11', '2026'],
    });
    const savedContract = await contract.save();
    expect(await savedContract.successBanner()).toBe('Family contract saved');
    await savedContract.print('Walsh');
    expect(await page.locator('nav, header, footer').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('Tyler gets to school on time every day');

    assessment = await AssessmentPage.open(page, caseId);
    // Tyler's risks are recorded in the assessment, so a safety plan is needed.
    expect((await assessment.tasks()).at(-1)).toEqual({ name: 'Safety plan', status: 'Needed' });
    const safety = await assessment.openTask('Safety plan');
    await safety.fillSafetyPlan({
      risks: 'Tyler may be alone when his mum has been drinking', keepingSafe: 'Nan comes round if Kerry has had a drink',
      whoDoesWhat: 'Nan collects Tyler from school on Fridays',
      contacts: [
        { name: 'Priya Shah, key worker', phone: '01632 960 001', when: 'Office hours' },
        { name: 'Emergency duty team', phone: '01632 960 999', when: 'Evenings, nights and weekends (out of hours)' },
      ],
    });
    const savedSafety = await safety.save();
    await savedSafety.print('Walsh');
    expect(await page.locator('nav, header, footer').count()).toBe(0);
    expect(await page.locator('main table').innerText()).toContain('01632 960 999');
  }, 300_000);

});
