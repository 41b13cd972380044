import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanternPage, SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { makeCase } from '../support/casework-factories.ts';
import { ChronologyPage, ContactFormPage, ContactsModulePage, ContactsPage, LetterFormPage, LettersPage } from '../support/contacts-pages.ts';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';

describe('contacts, progress letters and the family chronology, in a real browser', () => {
  let lantern: Lantern;
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let familyId: string;
  let caseId: string;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    const family = await lantern.services.families.createFamily(worker, {
      family: aFamily({ familyName: 'Walsh' }),
      members: [aMember(), aMember({ givenName: 'Jade', role: 'child', sex: 'female', dateOfBirth: '2016-04-02' })],
    });
    familyId = family.id;
    const jade = (await lantern.db.query<{ id: string }>(`SELECT id FROM person WHERE family_id = $1 AND given_name = 'Jade'`, [familyId]))[0].id;
    await lantern.services.families.recordStatus(worker, familyId, jade, { status: 'child_in_need', startDate: '2026-03-10' });
    caseId = (await makeCase(lantern.db, { familyId, state: 'intervention', keyWorkerId: worker.id })).caseId;
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('records a visit and shows the week’s intensity against the programme', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(worker.email, testPassword);

    const contacts = await ContactsPage.open(page, caseId, 'Walsh');
    expect(await contacts.intensity()).toEqual({
      hours: '0 of 15 hours', visits: '0 (expected 2 to 3)',
      warnings: ['0 visits this week is below the Early intervention (Families Plus) minimum: it expects 2 to 3 visits a week.'],
    });
    expect(await page.locator('#no-contacts').innerText()).toBe('No contacts recorded yet.');

    // Nothing filled in: every problem at once, each linked to its field.
    let form = await contacts.recordContact();
    form = await form.saveExpectingErrors();
    expect(await form.title()).toMatch(/^Error: /);
    expect(await form.errorSummary()).toEqual([
      { text: 'Select the type of contact', href: '#type' },
      { text: 'Enter the date of the contact', href: '#date-day' },
      { text: 'Enter the start time', href: '#startTime' },
      { text: 'Enter the end time', href: '#endTime' },
      { text: 'Enter the case note', href: '#notes' },
    ]);
    expect(await form.followErrorLink('Enter the start time')).toBe('startTime');

    await form.fillContact({
      type: 'Home visit', date: ['23', '11', '2026'], start: '10:00', end: '11:30', where: 'Family home', present: ['Kerry Walsh', 'Jade Walsh'],
      note: 'Kerry was tired. A neighbour reported shouting late on Friday night.', didTogether: 'We made a morning routine chart with Jade.',
      progress: 'Jade has been at school on time every day this week.', nextSteps: 'I will visit again on Friday.',
    });
    expect(await page.locator('#outOfHours-worked-out').innerText()).toBe('From the date and times, this contact was in working hours.');
    const afterVisit = await form.save('Walsh');
    expect(await afterVisit.successBanner()).toContain('Home visit on 23 November 2026 recorded');
    expect(await afterVisit.successBanner()).toContain('Recorded as in working hours, worked out from the date and times.');
    expect(await afterVisit.intensity()).toEqual({
      hours: '1.5 of 15 hours', visits: '1 (expected 2 to 3)',
      warnings: ['1 visit this week is below the Early intervention (Families Plus) minimum: it expects 2 to 3 visits a week.'],
    });
    expect(await afterVisit.contacts()).toEqual([['23 November 2026', 'Home visit on 23 November 2026 Family home', '10:00 to 11:30 1 hour 30 minutes', 'Kerry Walsh, Jade Walsh', 'No']]);

    // The contact's own page, with its case note.
    await afterVisit.followLink('Home visit on 23 November 2026');
    const contact = await new ContactsModulePage(page).arrive('Home visit on 23 November 2026');
    expect(await contact.summary('contact-details')).toMatchObject({ Time: '10:00 to 11:30 (1 hour 30 minutes)', 'Out of hours': 'No (worked out from the date and times)', 'Family members there': 'Kerry Walsh, Jade Walsh' });
    expect(await page.locator('#case-note').innerText()).toContain('A neighbour reported shouting');
  });

  it('writes the family’s progress letter after the visit, and downloads it as PDF and Word', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(worker.email, testPassword);
    const contacts = await ContactsPage.open(page, caseId, 'Walsh');
    await contacts.followLink('Home visit on 23 November 2026');
    const contact = await new ContactsModulePage(page).arrive('Home visit on 23 November 2026');

    // The letter to the family: a draft from the words written for the family, never the case note.
    await contact.clickAndLoad(page.locator('main').getByRole('button', { name: 'Write a progress letter to the family', exact: true }));
    let letterForm = await new LetterFormPage(page).arrive('Progress letter to the family');
    expect(await letterForm.valueOf('The progress you have made')).toBe('Jade has been at school on time every day this week.');
    expect(await letterForm.valueOf('What we did together')).toContain('Thank you for welcoming me to your home on Monday 23 November 2026.');
    expect(await page.locator('main').innerText()).not.toContain('neighbour');
    await letterForm.fill('The progress you have made', 'Kerry failed to get Jade to school on Monday, but every other day she was on time.');
    letterForm = await letterForm.saveExpectingErrors('Progress letter to the family');
    expect(await letterForm.errorSummary()).toEqual([
      { text: 'Describe what happened without words that blame: remove “failed”', href: '#progress' },
      { text: 'Confirm you have checked the letter before saving it', href: '#approved' },
    ]);
    expect(await letterForm.valueOf('The progress you have made')).toContain('failed');
    await letterForm.fill('The progress you have made', 'Jade has been at school on time every day this week. Mornings are calmer.');
    await letterForm.tick('Check the letter', 'I have checked this letter: it is accurate, respectful, and says nothing about other people');
    const letter = await letterForm.save('Letter to Kerry Walsh');
    expect(await letter.successBanner()).toBe('Letter saved');
    expect(await letter.text()).toContain('Mornings are calmer.');

    const pdf = await letter.download('Download PDF');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="progress-letter-walsh-family-2026-11-25.pdf"');
    expect(pdf.fileName).toBe('progress-letter-walsh-family-2026-11-25.pdf');
    expect(pdf.head.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const word = await letter.download('Download Word document');
    expect(word.fileName).toBe('progress-letter-walsh-family-2026-11-25.docx');
    expect(word.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(word.head.subarray(0, 2).toString('latin1')).toBe('PK');

    await letter.followLink('Letters');
    const letters = await new LettersPage(page).arrive('Letters to and about the Walsh family');
    expect(await letters.letters()).toEqual([['25 November 2026', 'Kerry Walsh The family', 'Home visit on 23 November 2026', 'Priya Shah']]);
  });

  it('shows, filters and prints the family chronology, and takes events added by hand', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(worker.email, testPassword);
    let chronology = await ChronologyPage.open(page, familyId);
    const events = await chronology.events();
    expect(events[0]).toBe('10 March 2026 · Legal status · Jade Walsh: Child in Need');
    expect(events).toContain('23 November 2026, 10:00 · Contact (visit, call or meeting) · Home visit at Family home, 10:00 to 11:30');

    const add = await chronology.addEvent();
    await add.fillDate('Date of the event', ['2', '4', '2026']);
    await add.select('Who it is about', 'Jade Walsh');
    await add.select('Agency', 'Testshire Police');
    await add.choose('Type of event', 'Education');
    await add.fill('What happened', 'School reported attendance at 82% this term.');
    await add.fill('Source (optional)', 'Letter from the school');
    await add.press('Add to chronology');
    chronology = await new ChronologyPage(page).arrive('Family chronology');
    expect(await chronology.successBanner()).toBe('Event added to the chronology');
    expect(await chronology.events()).toContain('2 April 2026 · Education · Education: Jade Walsh');

    // Filter: Jade's contacts and education events, newest first. The filters work without JavaScript (a GET form).
    await chronology.tick('Family member', 'Jade Walsh');
    await chronology.tick('Type of event', 'Contact (visit, call or meeting)');
    await chronology.tick('Type of event', 'Education');
    await chronology.select('Order', 'Newest first');
    chronology = await chronology.applyFilters();
    expect(chronology.url.searchParams.getAll('type')).toEqual(['contact', 'education']);
    expect(await chronology.events()).toEqual([
      '23 November 2026, 10:00 · Contact (visit, call or meeting) · Home visit at Family home, 10:00 to 11:30',
      '2 April 2026 · Education · Education: Jade Walsh',
    ]);
    expect(await chronology.count()).toMatch(/^Showing 2 of \d+ events$/);
    expect(await chronology.isTicked('Family member', 'Jade Walsh')).toBe(true);

    const print = await chronology.printView('Walsh');
    expect(await print.events()).toHaveLength(2);
    expect(await page.locator('#print-filters').innerText()).toContain('Filtered to: Jade Walsh;');
    // Printed, the page drops the navigation and keeps the events.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.lantern-nav').isVisible()).toBe(false);
    expect(await page.locator('#timeline').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
  });

  it('says, as the times are typed, what the out-of-hours rule makes of them, under the real Content-Security-Policy', async () => {
    const page = await lantern.newStrictPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    await SignInPage.open(page).then((signIn) => signIn.signIn(worker.email, testPassword));
    await page.goto(`/cases/${caseId}/contacts/new`);
    const form = new ContactFormPage(page);
    await form.fillContact({ date: ['28', '11', '2026'], start: '10:00', end: '11:00' });
    await expect.poll(() => page.locator('#outOfHours-worked-out').innerText()).toBe('From the date and times, this contact was out of hours.');
    await form.fillContact({ date: ['27', '11', '2026'], end: '8:30pm' });
    await expect.poll(() => page.locator('#outOfHours-worked-out').innerText()).toBe('From the date and times, this contact was out of hours.');
    await form.fillContact({ end: '11:00' });
    await expect.poll(() => page.locator('#outOfHours-worked-out').innerText()).toBe('From the date and times, this contact was in working hours.');
    expect(problems).toEqual([]);
  });

  it('refuses the chronology to someone outside the team around the family', async () => {
    const outsider = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.police, name: 'Tom Hughes', email: 'tom.hughes@test.example' });
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(outsider.email, testPassword);
    const response = await page.goto(`/families/${familyId}/chronology`);
    expect(response?.status()).toBe(403);
    await LanternPage.expectAt(page, 'You cannot see this page');
    const audit = await lantern.db.query<{ outcome: string }>(`SELECT outcome FROM audit_event WHERE user_id = $1 AND action = 'view-chronology'`, [outsider.id]);
    expect(audit).toEqual([{ outcome: 'denied' }]);
  });
});
