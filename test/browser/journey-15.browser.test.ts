import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanternPage, startLantern, type Lantern } from '../support/browser.ts';
import { makeCase } from '../support/casework-factories.ts';
import { ContactsModulePage, ContactsPage, LetterFormPage } from '../support/contacts-pages.ts';
import { aFamily, aMember, makeUser } from '../support/factories.ts';
import { AssessmentPage, PlanPage } from '../support/plans-pages.ts';

/**
 * More of what a practitioner and a referrer hit in a working day (issue 15, items 5, 7, 8 and 9),
 * in Chromium: every page is checked with axe and at a phone's width as it arrives. Items 7's
 * closure and 14's clerical review are in journey.browser.test.ts and identification.browser.test.ts.
 * The app's today is 25 November 2026.
 */
describe('assessments, review dates, letters and a referrer’s own referrals, in a real browser', { timeout: 180_000 }, () => {
  let lantern: Lantern;
  let priya: Awaited<ReturnType<typeof makeUser>>;
  let manager: Awaited<ReturnType<typeof makeUser>>;
  /** A family of a father, Adam, and his daughter Isla, with a case in the given state led by Priya. */
  const hartCase = async (familyName: string, state: 'allocated' | 'planning' | 'intervention') => {
    const family = await lantern.services.families.createFamily(priya, {
      family: aFamily({ familyName }),
      members: [
        aMember({ givenName: 'Adam', familyName, role: 'father', sex: 'male', dateOfBirth: '1988-02-14' }),
        aMember({ givenName: 'Isla', familyName, role: 'child', sex: 'female', dateOfBirth: '2017-06-09' }),
      ],
    });
    const people = Object.fromEntries((await lantern.db.query<{ id: string; given_name: string }>('SELECT id, given_name FROM person WHERE family_id = $1', [family.id]))
      .map((p) => [p.given_name, p.id]));
    return { familyId: family.id, people, ...(await makeCase(lantern.db, { familyId: family.id, state, keyWorkerId: priya.id })) };
  };

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    priya = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah' });
    manager = await makeUser(lantern.db, { role: 'manager', agencyId: agencies.childrens_social_care, teamId, manages: [teamId], frontDoorScreener: true, name: 'Mo Khan' });
  }, 120_000);

  afterAll(async () => {
    await lantern?.close();
  });

  it('does not mark a member’s part of the assessment completed when it was saved empty, and will not complete the assessment', async () => {
    const { caseId } = await hartCase('Hart', 'allocated');
    let assessment = await AssessmentPage.open((await lantern.signedIn(priya)).page, caseId);
    assessment = await assessment.start();
    const adam = await assessment.openMember('Adam Hart');
    assessment = await adam.save();
    const adamTask = (await assessment.tasks()).find((t) => t.name === 'Adam Hart');
    expect(adamTask?.status).not.toBe('Completed');
    expect(adamTask?.status).toMatch(/^(Not started|In progress)$/);

    assessment = await assessment.complete();
    expect(await assessment.title()).toMatch(/^Error: /);
    expect((await assessment.errorSummary()).map((e) => e.text)).toContain('Record strengths, needs or risks for Adam Hart');
    expect(await assessment.successBanner()).not.toBe('Assessment complete: you can now write the family plan');
  });

  it('refuses a review date after the programme ends, saying when the latest date is and why', async () => {
    const { caseId } = await hartCase('Ainsworth', 'planning');
    let plan = await PlanPage.open((await lantern.signedIn(priya)).page, caseId);
    const goal = await plan.addFirstGoal();
    await goal.fillGoal({ goal: 'Isla gets to school on time every day', outcome: 'Getting a good education' });
    plan = await goal.save();
    const reviewDate = await plan.setReviewDate();
    const refused = await reviewDate.saveExpectingErrors(['25', '11', '2027']);
    expect(await refused.title()).toMatch(/^Error: /);
    const [error] = await refused.errorSummary();
    expect(error.text).toMatch(/^The review date must be on or before \d{1,2} [A-Z][a-z]+ 20\d\d, /);
    expect(error.href).toMatch(/^#reviewDate/);
    // The date typed is kept for correcting.
    expect(await refused.dateValue('When will the plan be reviewed?')).toEqual(['25', '11', '2027']);
  });

  it('writes the family’s letter to the reader, not about them, and the referrer’s letter in words for a professional', async () => {
    const { caseId, people } = await hartCase('Lindqvist', 'intervention');
    await lantern.services.contacts.recordContact(priya, caseId, {
      type: 'home_visit', date: '2026-11-23', startTime: '10:00', endTime: '11:30', location: 'Family home', presentPersonIds: [people.Adam, people.Isla],
      othersPresent: '', notes: 'Adam was tired.', didTogether: 'We made a morning routine chart together.', progress: 'Isla has been at school on time every day this week.',
      nextSteps: 'I will visit again on Friday.',
    });
    const home = await lantern.signedIn(priya);
    const contacts = await ContactsPage.open(home.page, caseId, 'Lindqvist');
    await contacts.followLink('Home visit on 23 November 2026');
    let contact = await new ContactsModulePage(home.page).arrive('Home visit on 23 November 2026');

    await contact.clickAndLoad(home.page.locator('main').getByRole('button', { name: 'Write a progress letter to the family', exact: true }));
    const family = await new LetterFormPage(home.page).arrive('Progress letter to the family');
    const familyOpening = await home.page.locator('#didTogether').inputValue();
    expect(familyOpening).toContain('It was good to spend time with you and Isla.');
    expect(familyOpening).not.toMatch(/spend time with [^.]*Adam/);

    await family.page.goBack();
    contact = await new ContactsModulePage(home.page).arrive('Home visit on 23 November 2026');
    await contact.clickAndLoad(home.page.locator('main').getByRole('button', { name: 'Write a progress letter to the referrer', exact: true }));
    await new LetterFormPage(home.page).arrive('Progress letter to the referrer');
    const referrerLetter = await home.page.locator('main').evaluate((main) =>
      Array.from(main.querySelectorAll('textarea, input[type=text]')).map((e) => (e as HTMLTextAreaElement).value).join('\n'));
    expect(referrerLetter).toContain('Thank you for referring the Lindqvist family');
    expect(referrerLetter).not.toMatch(/your home|You told me|good to spend time with you|We made a morning routine chart together/);
  });

  it('shows a referrer the referrals they made, each with its status', async () => {
    // A school's designated safeguarding lead: in no team around any family.
    const schools = randomUUID();
    await lantern.db.query("INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, 'Testshire Schools', 'education')", [schools, lantern.partnership.partnershipId]);
    const dsl = await makeUser(lantern.db, { agencyId: schools, name: 'Amina Begum' });
    const referral = (familyName: string, givenName: string, referrerName = 'Amina Begum') => ({
      routedTeamId: lantern.partnership.teamId, familyName, addressLine1: '9 Dock Road', postcode: 'NV4 2BB',
      members: [{ givenName, familyName, role: 'mother', dateOfBirth: '1992-04-05' }],
      referrerName, referrerAgency: 'Testshire Schools', referrerContact: 'amina.begum@school.example',
      reasons: `${givenName} asked the school for help with mornings.`, urgency: 'routine', consent: 'given',
    });
    // Sent in the school's name: the school is named once, not "Testshire Schools, Testshire Schools".
    await lantern.services.referrals.refer(dsl, referral('Okoro', 'Grace', 'Testshire Schools'));
    const accepted = await lantern.services.referrals.refer(dsl, referral('Novak', 'Ewa'));
    await lantern.services.referrals.screen(manager, accepted.id, {
      decision: 'accepted', reason: 'Early help fits', programmeId: '5d0c1e4a-0001-4a00-8000-000000000002', familyChoice: 'new', version: 1,
    });
    const [{ reference: okoro }] = await lantern.db.query<{ reference: string }>("SELECT reference FROM referral WHERE subject->>'familyName' = 'Okoro'");

    const home = await lantern.signedIn(dsl);
    await home.clickAndLoad(home.page.getByRole('link', { name: 'Referrals I made', exact: true }).first());
    const mine = await new LanternPage(home.page).arrive('Referrals I made');
    const rows = await mine.page.locator('main table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td as HTMLElement).innerText.trim())));
    expect(rows.map((r) => [r[1], r[2], r[3], r[4]]).sort()).toEqual([
      ['Novak', '25 November 2026', 'Riverside family support', 'Accepted, 25 November 2026'],
      ['Okoro', '25 November 2026', 'Riverside family support', 'Awaiting screening'],
    ].sort());
    // Each links to the referral, which the referrer may open.
    await mine.clickAndLoad(mine.page.locator('main').getByRole('link', { name: okoro, exact: true }));
    const okoroReferral = await LanternPage.expectAt(mine.page, 'Referral of the Okoro family');
    const text = await okoroReferral.page.locator('main').innerText();
    expect(text).toContain('Testshire Schools (amina.begum@school.example)');
    expect(text).not.toContain('Testshire Schools, Testshire Schools');
  });
});
