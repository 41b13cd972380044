import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminFormPage, AdminListPage, AdminPage, InvitationPage } from '../support/admin-pages.ts';
import { LanternPage, SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { testPassword } from '../support/factories.ts';

/**
 * A new partnership from nothing: `lantern setup` makes the first administrator on an empty
 * database, who sets up an agency, a team, a programme and a practitioner from the web; the
 * practitioner opens their invitation link, chooses a password and signs in.
 */
describe('setting up a partnership from the web, in a real browser', { timeout: 240_000 }, () => {
  let lantern: Lantern;
  let adminPage: AdminPage;
  let invitation = '';
  const newPassword = 'lamp post river kettle';

  beforeAll(async () => {
    lantern = await startLantern({ empty: true });
    // What `lantern setup --partnership ... --agency ... --agency-type ... --email ... --name ...` runs.
    await lantern.services.admin.setup({
      partnershipName: 'Northvale partnership', agencyName: 'Northvale Council', agencyKind: 'childrens_social_care',
      email: 'ada.admin@northvale.example', displayName: 'Ada Admin', password: testPassword,
    });
  });
  afterAll(async () => {
    await lantern?.close();
  });

  it('adds an agency, with the error summary for a form sent empty', async () => {
    const page = await lantern.newPage();
    const home = await (await SignInPage.open(page)).signIn('ada.admin@northvale.example', testPassword);
    adminPage = await AdminPage.fromMenu(home);
    const agencies = await adminPage.open('Agencies');
    expect(await agencies.rows()).toEqual([['Northvale Council', "Children's social care"]]);
    const form = await agencies.add('Add an agency', 'Add an agency');
    const again = await form.submitExpectingErrors('Add', 'Add an agency');
    expect(await again.title()).toBe('Error: Add an agency – Lantern');
    expect(await again.errorSummary()).toEqual([
      { text: 'Enter the agency’s name', href: '#name' },
      { text: 'Select the type of agency', href: '#kind' },
    ]);
    expect(await again.followErrorLink('Enter the agency’s name')).toBe('name');
    await again.fill('Agency name', 'Northvale Recovery');
    await again.choose('Type of agency', 'Drug and alcohol service');
    const list = await again.submit('Add', 'Agencies');
    expect(await list.successBanner()).toBe('Agency added');
    expect(await list.rows()).toContainEqual(['Northvale Recovery', 'Drug and alcohol service']);
  });

  it('adds a team and a programme with every catalogue field', async () => {
    const teams = await (await new AdminListPage(adminPage.page).backToAdmin()).open('Teams');
    const teamForm = await teams.add('Add a team', 'Add a team');
    await teamForm.fill('Team name', 'Hidden Harm team');
    await teamForm.select('Agency', 'Northvale Recovery');
    expect(await (await teamForm.submit('Add', 'Teams')).rows()).toEqual([['Hidden Harm team', 'Northvale Recovery', '0']]);

    const programmes = await (await new AdminListPage(adminPage.page).backToAdmin()).open('Programmes');
    const form = await programmes.add('Add a programme', 'Add a programme');
    await form.fill('Programme name', 'Family Steps');
    await form.fill('Description', 'Twelve weeks of support at home for parents in recovery.');
    await form.fill('Length of the programme', '12');
    await form.fill('Most hours of work a week with the family', '7.5');
    await form.fill('Fewest visits a week', '2');
    await form.fill('Most visits a week', '1');
    await form.fill('First visit due within', '72');
    await form.fill('Review the family plan every', '28');
    await form.fill('Caseload limit for each key worker', '8');
    await form.fill('Follow up families this many months after the case closes', '3, 6, 12');
    const again = await form.submitExpectingErrors('Add', 'Add a programme');
    expect(await again.errorSummary()).toEqual([{ text: 'The most visits a week must be the same as or more than the fewest', href: '#maxVisitsPerWeek' }]);
    expect(await again.valueOf('Length of the programme')).toBe('12');
    await again.fill('Most visits a week', '3');
    const list = await again.submit('Add', 'Programmes');
    expect(await list.rows()).toContainEqual(['Family Steps', '12 weeks', '2 to 3', '8 families', 'Yes']);
  });

  it('adds a practitioner, who opens the invitation link, chooses a password and signs in', async () => {
    const users = await (await new AdminListPage(adminPage.page).backToAdmin()).open('Users');
    const form: AdminFormPage = await users.add('Add a user', 'Add a user');
    await form.fill('Full name', 'Sam Lee');
    await form.fill('Email address', 'sam.lee@northvale.example');
    await form.choose('Role', 'Practitioner');
    await form.select('Agency', 'Northvale Recovery');
    await form.select('Team', 'Hidden Harm team (Northvale Recovery)');
    invitation = await form.addUser('Sam Lee');
    expect(invitation).toMatch(/^http:\/\/localhost:\d+\/invitations\/[0-9a-f-]{36}$/);

    const samPage = await lantern.newPage();
    const welcome = await InvitationPage.open(samPage, invitation);
    const mismatch = await welcome.setPasswordExpectingErrors(newPassword, 'something else');
    expect(await mismatch.errorSummary()).toEqual([{ text: 'Enter the same password twice', href: '#confirmPassword' }]);
    const signIn = await mismatch.setPassword(newPassword);
    const home = await signIn.signIn('sam.lee@northvale.example', newPassword);
    expect(await home.signedInAs()).toBe('Sam Lee, Northvale Recovery');

    // The link worked once.
    const used = await lantern.newPage();
    await used.goto(invitation);
    await LanternPage.expectAt(used, 'This invitation link does not work');

    const list = await (await new AdminListPage(adminPage.page).backToAdmin()).open('Users');
    const sam = (await list.rows()).find((r) => r[0] === 'Sam Lee');
    expect(sam?.slice(0, 5)).toEqual(['Sam Lee', 'sam.lee@northvale.example', 'Practitioner', 'Northvale Recovery Hidden Harm team', 'Active']);
    expect(sam?.[5]).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}(:\d\d)?(am|pm)$/);

    // Disabled from the web: Sam's open page signs them out on the next page they open.
    const samUser = await list.openRecord('Sam Lee', 'Sam Lee');
    await samUser.press('Disable account');
    expect(await new LanternPage(adminPage.page).arrive('Sam Lee').then((p) => p.successBanner()))
      .toBe('Account disabled: they have been signed out and their API tokens no longer work.');
    await samPage.reload();
    const signedOut = await new SignInPage(samPage).arrive('Sign in to Lantern');
    expect(await signedOut.signedInAs()).toBeNull();
    const refused = await signedOut.signInExpectingError('sam.lee@northvale.example', newPassword);
    expect(await refused.errorSummary()).toEqual([{ text: 'Enter a correct email address and password', href: '#email' }]);
  });

  it('shows the level of need, identification and claim rules with every problem at once, the audit log with filters and your sessions as accessible pages', async () => {
    const page = adminPage.page;
    await page.goto('/admin/level-of-need-rules');
    const rules = await new LanternPage(page).arrive('Level of need rules');
    expect(await rules.valueOf('Name of these rules')).toBe('Essex threshold guidance (default)');
    // Every problem at once, each linked to its field, what was typed kept (issue 15 item 11).
    await rules.fill('Name of these rules', '');
    await page.locator('#b0min').fill('none');
    await page.locator('#b0explanation').fill('');
    await rules.press('Save rules');
    const wrongRules = await new LanternPage(page).arrive('Level of need rules');
    expect(await wrongRules.title()).toBe('Error: Level of need rules – Lantern');
    expect(await wrongRules.errorSummary()).toEqual([
      { text: 'Enter a name for these rules, like the guidance they follow', href: '#name' },
      { text: 'Enter how many vulnerabilities, a whole number from 1 to 10', href: '#b0min' },
      { text: 'Enter the explanation practitioners see for this level', href: '#b0explanation' },
    ]);
    expect(await wrongRules.followErrorLink('Enter the explanation practitioners see for this level')).toBe('b0explanation');
    expect(await page.locator('#b0min').inputValue()).toBe('none');

    await page.goto('/admin/identification-rules');
    const identification = await new LanternPage(page).arrive('Identification rules');
    await identification.fill('School attendance below this percentage counts as not attending regularly', 'ninety');
    await identification.fill('An event still counts for this many days', '5');
    await identification.fill('A household is not coping from this many problems', '5');
    await identification.fill('A household is chaotic from this many problems', '3');
    await identification.press('Save rules');
    const wrongIdentification = await new LanternPage(page).arrive('Identification rules');
    expect(await wrongIdentification.errorSummary()).toEqual([
      { text: 'Enter the attendance percentage as a number from 0 to 100, like 90', href: '#attendanceBelow' },
      { text: 'Enter how many days back an event still counts, a whole number from 30 to 1,095 (3 years)', href: '#windowDays' },
      { text: 'Chaotic must start at or above not coping (5 problems)', href: '#chaoticFrom' },
    ]);
    expect(await wrongIdentification.followErrorLink('Chaotic must start at or above not coping (5 problems)')).toBe('chaoticFrom');

    await page.goto('/admin/claim-rules');
    const claims = await new LanternPage(page).arrive('Claim rules');
    await page.locator('#education-0-value').fill('ninety');
    await page.locator('#crime-0-kind').selectOption('fall_by_percent');
    await page.locator('#crime-0-value').fill('160');
    await claims.press('Save rules');
    const wrongClaims = await new LanternPage(page).arrive('Claim rules');
    expect(await wrongClaims.errorSummary()).toEqual([
      { text: 'Getting a good education: enter the value as a number, like 90', href: '#education-0-value' },
      { text: 'Families diverted from crime: a fall cannot be more than 100%', href: '#crime-0-value' },
    ]);
    expect(await wrongClaims.followErrorLink('Families diverted from crime: a fall cannot be more than 100%')).toBe('crime-0-value');

    await page.goto('/audit');
    const audit = await new LanternPage(page).arrive('Audit log');
    await audit.select('Action', 'disable-user');
    await audit.press('Show events');
    const filtered = await new LanternPage(page).arrive('Audit log');
    const rows = await page.locator('#audit-events tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}(:\d\d)?(am|pm) Ada Admin, Northvale Council Disable user user Allowed/);
    await filtered.fill('Family reference', 'NV-404404');
    await filtered.press('Show events');
    const wrong = await new LanternPage(page).arrive('Audit log');
    expect(await wrong.errorSummary()).toEqual([{ text: 'No family has the reference NV-404404', href: '#familyReference' }]);

    await page.goto('/sessions');
    const sessions = await new LanternPage(page).arrive('Your sessions');
    expect(await page.locator('#sessions tbody tr').count()).toBe(1);
    expect(await sessions.page.locator('#sessions').innerText()).toContain('This browser');
  });
});
