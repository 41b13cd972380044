import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { AllocatePage, CasePage, ReferralFormPage, ReferralsQueuePage, type ReferralPage } from '../support/casework-pages.ts';
import { ContactsPage } from '../support/contacts-pages.ts';
import { makeUser, testPassword } from '../support/factories.ts';
import { AssessmentPage, PlanPage } from '../support/plans-pages.ts';
import { ClosePage, MyWorkPage } from '../support/work-pages.ts';

/**
 * The whole casework journey in Chromium, as the people who do it: a police officer refers a
 * family, the team manager screens and accepts the referral and allocates a key worker, the key
 * worker assesses, plans, visits, writes to the family and reviews the plan, and the manager closes
 * the case with a step-down. Every page is checked with axe as it arrives. The app's today is 25 November 2026.
 */
describe('the casework journey from referral to closure, in a real browser', { timeout: 300_000 }, () => {
  let lantern: Lantern;
  let officer: Awaited<ReturnType<typeof makeUser>>;
  let manager: Awaited<ReturnType<typeof makeUser>>;
  let keyWorker: Awaited<ReturnType<typeof makeUser>>;
  const familyName = 'Brennan';
  let referralReference: string;
  let caseId: string;
  let caseReference: string;
  let firstVisitDue: string;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    // The referrer works for the police and is in no team around any family.
    officer = await makeUser(lantern.db, { agencyId: agencies.police, name: 'PC Dana Reid', email: 'dana.reid@police.test.example' });
    keyWorker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    manager = await makeUser(lantern.db, { role: 'manager', agencyId: agencies.childrens_social_care, teamId, manages: [teamId], frontDoorScreener: true, name: 'Mo Khan', email: 'mo.khan@test.example' });
  }, 120_000);

  afterAll(async () => {
    await lantern?.close();
  });

  const signIn = async (user: { email: string }) => {
    const page = await lantern.newPage();
    return (await SignInPage.open(page)).signIn(user.email, testPassword);
  };

  it('a police officer refers a new family, correcting a missing answer on the way', async () => {
    const myFamilies = await signIn(officer);
    let form = await ReferralFormPage.fromMenu(myFamilies);
    // The referrer's details come from their account.
    expect(await form.valueOf('Referrer’s name')).toBe('PC Dana Reid');
    expect(await form.valueOf('Referrer’s agency')).toBe('Testshire Police');

    const people = [
      { givenName: 'Lisa', familyName, role: 'mother', dateOfBirth: ['12', '3', '1991'] as [string, string, string] },
      { givenName: 'Callum', familyName, role: 'child', dateOfBirth: ['4', '9', '2015'] as [string, string, string] },
    ];
    await form.fillReferral({
      familyName, addressLine1: '7 Canal Street', postcode: 'NV2 8QT', people, needCodes: ['3B', '1B'],
      urgency: 'Urgent: the family needs help within days', consent: 'No',
      lawfulBasis: 'Safeguarding a child at risk (public task; Data Protection Act 2018, Schedule 1, paragraph 18)',
    });

    // Sent without the reasons: the error summary links to the field and every typed answer is kept.
    form = await form.sendExpectingErrors();
    expect(await form.title()).toMatch(/^Error: /);
    expect(await form.errorSummaryTitle()).toBe('There is a problem');
    expect(await form.errorSummary()).toEqual([{ text: 'Describe why you are referring the family', href: '#reasons' }]);
    expect(await form.fieldError('reasons')).toBe('Describe why you are referring the family');
    expect(await form.followErrorLink('Describe why you are referring the family')).toBe('reasons');
    expect(await form.valueOf('Family name')).toBe(familyName);
    expect(await form.valueOf('Postcode (if known)')).toBe('NV2 8QT');
    expect(await form.personAnswers(1)).toEqual(people[0]);
    expect(await form.personAnswers(2)).toEqual(people[1]);
    expect((await form.tickedNeeds()).sort()).toEqual(['1B', '3B']);
    expect(await form.chosen('How urgent is this?')).toBe('Urgent: the family needs help within days');
    expect(await form.chosen('Has the family agreed to this referral?')).toBe('No');
    expect(await form.valueOf('The lawful reason for sharing without agreement')).toContain('Safeguarding a child at risk');

    await form.fillReferral({ reasons: 'Police attended a domestic incident at the home on Saturday night. Lisa told officers she has been drinking heavily since losing her job. Callum (11) was in the house.' });
    const referral = await form.send(familyName);
    expect(await referral.successBanner()).toBe('Referral sent. A manager will screen it.');
    referralReference = await referral.reference();
    expect(referralReference).toMatch(/^REF-/);
    expect(await referral.details()).toMatchObject({
      Status: expect.any(String), Urgency: 'Urgent', Referrer: 'PC Dana Reid, Testshire Police (dana.reid@police.test.example)',
      'Family’s agreement': 'Not given. Lawful basis: Safeguarding a child at risk (public task; Data Protection Act 2018, Schedule 1, paragraph 18)',
      'Family record': 'Not yet joined to a family record',
    });
    expect((await referral.details()).Needs).toMatch(/^1B .+; 3B .+$|^3B .+; 1B .+$/);
    expect(await referral.peopleNamed()).toEqual(['Lisa Brennan, Mother, born 12 March 1991', 'Callum Brennan, Child, born 4 September 2015']);
    // A referrer screens nothing.
    expect(await referral.page.getByRole('button', { name: 'Record decision' }).count()).toBe(0);
  });

  it('the team manager screens the referral at Level 4, accepts it into early intervention and allocates the key worker', async () => {
    const myFamilies = await signIn(manager);
    const queue = await ReferralsQueuePage.fromMenu(myFamilies);
    const row = (await queue.rows()).find((r) => r[0] === referralReference);
    expect(row).toBeDefined();
    expect(row!.slice(1)).toEqual([familyName, expect.stringMatching(/^\d{1,2} [A-Z][a-z]+ \d{4}$/), 'Urgent', 'PC Dana Reid, Testshire Police', expect.any(String)]);

    let referral: ReferralPage = await queue.openReferral(referralReference, familyName);
    expect(await referral.levelOfNeed()).toBe('Level 4: high-level needs');
    const rule = await referral.levelRule();
    expect(rule).toMatch(/^2 parental vulnerabilities: /);
    expect(rule).toContain('Rule: more than one parental vulnerability puts the child at Level 4.');
    // Nobody by these names is known yet, so the only choice is a new family record.
    expect(await referral.familyChoices()).toEqual(['Create a new family record']);

    // Accepting without a reason is refused, with the answers kept.
    await referral.fillScreening({ familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)' });
    referral = await referral.recordDecisionExpectingErrors(familyName);
    expect(await referral.errorSummary()).toEqual([{ text: 'Give the reason for the decision', href: '#reason' }]);
    expect(await referral.chosen('Decision')).toBe('Accept into a programme');

    await referral.fillScreening({
      familyChoice: 'Create a new family record', decision: 'Accept into a programme', programme: 'Early intervention (Families Plus)',
      reason: 'Two parental vulnerabilities (alcohol misuse and domestic abuse) with a child at home: intensive whole-family support is needed.',
    });
    let casePage = await referral.accept(familyName);
    expect(await casePage.successBanner()).toBe('Referral accepted and case opened');
    caseId = casePage.caseId;
    caseReference = await casePage.reference();
    expect(await casePage.caption()).toBe(`${caseReference} · Early intervention (Families Plus)`);
    expect(await casePage.stateLabel()).toBe('Awaiting allocation');
    let details = await casePage.details();
    expect(details['Key worker']).toBe('Not allocated');
    firstVisitDue = details['First visit due by'];
    expect(firstVisitDue).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);

    const allocate: AllocatePage = await casePage.allocate();
    expect(await allocate.workers()).toEqual(expect.arrayContaining([expect.stringMatching(/^Priya Shah \(Riverside family support\)/)]));
    await allocate.chooseWorker('Priya Shah (Riverside family support)');
    casePage = await allocate.allocate(familyName);
    expect(await casePage.successBanner()).toBe('Key worker allocated');
    expect(await casePage.stateLabel()).toBe('Allocated');
    details = await casePage.details();
    expect(details['Key worker']).toBe('Priya Shah');
    expect((await casePage.history()).map((r) => r[1])).toContain('Allocated to Priya Shah');
  });

  it('the key worker sees the first visit due, assesses the family and agrees the plan', async () => {
    const myFamilies = await signIn(keyWorker);
    const myWork = await MyWorkPage.fromMenu(myFamilies);
    const due = (await myWork.due()).filter((d) => d.family === `${familyName} family ${caseReference}`);
    expect(due).toEqual([expect.objectContaining({ what: expect.stringMatching(/^First visit due within 72 hours of referral/), due: firstVisitDue })]);
    expect((await myWork.caseRows()).map((r) => r[0])).toEqual([`${familyName} family ${caseReference}`]);

    await myWork.clickAndLoad(myWork.page.locator('#my-cases').getByRole('link', { name: `${familyName} family`, exact: true }));
    const casePage = await CasePage.arrived(myWork.page, familyName);
    expect(casePage.caseId).toBe(caseId);
    await casePage.followCaseLink('Assessment, family plan, contract and safety plan');
    let assessment = await AssessmentPage.arrived(casePage.page);
    assessment = await assessment.start();
    expect(await assessment.successBanner()).toBe('Assessment started');
    expect((await assessment.tasks()).slice(0, 3)).toEqual([
      { name: 'Lisa Brennan', status: 'Not started' },
      { name: 'Callum Brennan', status: 'Not started' },
      { name: 'The family’s view and what they want to change', status: 'Not started' },
    ]);

    const lisa = await assessment.openMember('Lisa Brennan');
    await lisa.fillMember({ strengths: 'Lisa is warm with Callum and asked for help herself', needs: 'Support to cut down her drinking', factors: ['1B', '3B'] });
    assessment = await lisa.save();
    const callum = await assessment.openMember('Callum Brennan');
    await callum.fillMember({ needs: 'Worried and tired at school after arguments at home', wishes: 'He wants home to be calm and to keep going to football' });
    assessment = await callum.save();
    const view = await assessment.openFamilyView();
    await view.fillView({ view: 'Things got on top of us this year but we want to stay together', change: 'Calmer evenings; Lisa wants to stop drinking' });
    assessment = await view.save();
    assessment = await assessment.complete();
    expect(await assessment.successBanner()).toBe('Assessment complete: you can now write the family plan');

    let plan = await assessment.openTask('Family plan');
    const goalForm = await plan.addFirstGoal();
    await goalForm.fillGoal({ goal: 'We want evenings at home to be calm', outcome: 'Getting a good education' });
    plan = await goalForm.save();
    expect(await plan.goals('draft')).toEqual(['Goal 1: We want evenings at home to be calm']);
    const actionForm = await plan.addAction(1);
    await actionForm.fillAction({ what: 'Go to the Tuesday recovery group', who: 'Lisa Brennan', by: ['8', '12', '2026'] });
    plan = await actionForm.save();
    expect(await plan.actions('draft')).toEqual([{ what: 'Go to the Tuesday recovery group', who: 'Lisa Brennan', by: '8 December 2026', status: 'Not started' }]);
    const reviewDate = await plan.setReviewDate();
    // Early intervention reviews every 28 days from today.
    expect(await reviewDate.dateValue('When will the plan be reviewed?')).toEqual(['23', '12', '2026']);
    plan = await reviewDate.save();
    plan = await plan.agree();
    expect(await plan.successBanner()).toBe('Plan agreed with the family');
    expect(await plan.sections()).toEqual(['Version 1']);
  });

  it('the key worker records a home visit, writes the family’s progress letter and downloads it as a PDF', async () => {
    const myFamilies = await signIn(keyWorker);
    const casePage = await CasePage.open(myFamilies.page, caseId, familyName);
    expect(await casePage.stateLabel()).toBe('Plan agreed: intervention');
    await casePage.followCaseLink('Visits and contacts');
    const contacts = await ContactsPage.arrived(casePage.page, familyName);
    const form = await contacts.recordContact();
    await form.fillContact({
      type: 'Home visit', date: ['24', '11', '2026'], start: '10:00', end: '11:30', where: 'Family home', present: ['Lisa Brennan', 'Callum Brennan'],
      note: 'Lisa was sober and engaged. Talked through the plan.', didTogether: 'We planned a calm evening routine together.',
      progress: 'Lisa has booked her first recovery group.', nextSteps: 'I will visit again next Tuesday.',
    });
    const afterVisit = await form.save(familyName);
    expect(await afterVisit.successBanner()).toContain('Home visit on 24 November 2026 recorded');
    expect(await afterVisit.contacts()).toEqual([['24 November 2026', 'Home visit on 24 November 2026 Family home', '10:00 to 11:30 1 hour 30 minutes', 'Lisa Brennan, Callum Brennan', 'No']]);

    const letterForm = await afterVisit.writeLetterFromBanner('to the family');
    expect(await letterForm.valueOf('The progress you have made')).toBe('Lisa has booked her first recovery group.');
    expect(await letterForm.page.locator('main').innerText()).not.toContain('sober');
    await letterForm.tick('Check the letter', 'I have checked this letter: it is accurate, respectful, and says nothing about other people');
    const letter = await letterForm.save('Letter to Lisa Brennan');
    expect(await letter.successBanner()).toBe('Letter saved');
    expect(await letter.text()).toContain('Lisa has booked her first recovery group.');
    const pdf = await letter.download('Download PDF');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.fileName).toBe('progress-letter-brennan-family-2026-11-25.pdf');
    expect(pdf.head.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('the key worker reviews the plan and agrees version 2', async () => {
    const myFamilies = await signIn(keyWorker);
    let plan = await PlanPage.open(myFamilies.page, caseId);
    plan = await plan.startReview();
    expect(await plan.sections()).toEqual(['Review: draft version 2', 'The plan in force: version 1']);
    const goalForm = await plan.changeGoal(1, true);
    await goalForm.fillGoal({ progress: 'Two calm evenings most weeks now, up from none' });
    plan = await goalForm.save();
    const actionForm = await plan.changeAction('Go to the Tuesday recovery group');
    await actionForm.fillAction({ status: 'Done' });
    plan = await actionForm.save();
    const reviewDate = await plan.setReviewDate();
    plan = await reviewDate.save(['20', '1', '2027']);
    plan = await plan.agree();
    expect(await plan.sections()).toEqual(['Version 2']);
    expect(await plan.actions('current')).toEqual([{ what: 'Go to the Tuesday recovery group', who: 'Lisa Brennan', by: '8 December 2026', status: 'Done' }]);
    const versions = await plan.versions();
    expect((await versions.rows()).map((r) => [r[0], r[2], r[5]])).toEqual([
      ['Version 2', '20 January 2027', 'In force'],
      ['Version 1', '23 December 2026', 'Replaced at review on 25 November 2026'],
    ]);
  });

  it('the manager closes the case with a step-down, and four follow-ups are scheduled', async () => {
    const myFamilies = await signIn(manager);
    const casePage = await CasePage.open(myFamilies.page, caseId, familyName);
    expect((await casePage.details())['Family plan']).toBe('Version 2, review by 20 January 2027');
    await casePage.followCaseLink('Close the case');
    const close = await new ClosePage(casePage.page).arrive('Close the case');
    expect(await close.schedule()).toEqual(['1 month: 25 December 2026', '3 months: 25 February 2027', '6 months: 25 May 2027', '12 months: 25 November 2027']);
    await close.fillClosure({
      reason: 'Goals achieved', tier: 'Tier 2: additional needs (early help)', service: 'Riverside early help team',
      summary: 'Lisa is in recovery and evenings at home are calm. Callum is settled at school.',
    });
    const followUps = await close.close();
    expect(await followUps.successBanner()).toBe('Case closed. 4 follow-ups are scheduled.');
    expect(await followUps.closure()).toMatchObject({
      'Closed on': '25 November 2026', Reason: 'Goals achieved', 'Stepped down to': 'Tier 2: additional needs (early help): Riverside early help team', 'Closed by': 'Mo Khan',
    });
    expect((await followUps.followUps()).map((f) => [f.followUp, f.due, f.status])).toEqual([
      ['1-month follow-up', '25 December 2026', 'Coming up'], ['3-month follow-up', '25 February 2027', 'Coming up'],
      ['6-month follow-up', '25 May 2027', 'Coming up'], ['12-month follow-up', '25 November 2027', 'Coming up'],
    ]);
    const closed = await CasePage.open(followUps.page, caseId, familyName);
    expect(await closed.stateLabel()).toBe('Closed');
  });
});
