import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLantern, type Lantern } from '../support/browser.ts';
import { CaseServicesPage, DirectoryEditorListPage } from '../support/directory-pages.ts';
import { aFamily, aMember, makeUser } from '../support/factories.ts';
import { makeCase } from '../support/casework-factories.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';

describe('the directory editors and signposting from a case, in a real browser', { timeout: 240_000 }, () => {
  let lantern: Lantern;
  let editor: { email: string };
  let practitioner: { id: string; email: string };
  let caseId: string;

  beforeAll(async () => {
    lantern = await startLantern();
    await seedDirectoryDemo(lantern.db, lantern.services.directory);
    const p = lantern.partnership;
    editor = await makeUser(lantern.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Eddie Editor', email: 'eddie.editor@northvale.example' });
    await lantern.db.query('UPDATE app_user SET directory_editor = true WHERE email = $1', [editor.email]);
    practitioner = await makeUser(lantern.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Priya Shah', email: 'priya.shah@northvale.example' });
    const actor = { id: practitioner.id, role: 'practitioner' as const, teamId: p.teamId, ip: null };
    const familyId = (await lantern.services.families.createFamily(actor as never, { family: aFamily(), members: [aMember()] })).id;
    caseId = (await makeCase(lantern.db, { familyId, state: 'intervention', keyWorkerId: practitioner.id })).caseId;
  });
  afterAll(async () => {
    await lantern?.close();
  });

  it('an editor sees stale entries first, gets the error summary, and adds a service', async () => {
    const home = await lantern.signedIn(editor);
    const list = await DirectoryEditorListPage.open(home.page);
    const rows = await list.rows();
    expect(rows[0].checked).toContain('Not checked for over a year');
    const form = await list.add();
    const again = await form.submitExpectingErrors('Add the service', 'Add a service');
    expect(await again.title()).toBe('Error: Add a service – Lantern');
    expect((await again.errorSummary()).map((e) => e.text)).toEqual([
      'Enter the name of the organisation that runs the service', 'Enter the name of the service', 'Describe the service: what it offers and who it is for',
      'Select at least one kind of help', 'Enter the areas the service covers, or its address: families find a service with no address by area',
    ]);
    await again.fill('Organisation that runs it', 'Ashby Vale Family Hub');
    await again.fill('Name of the service', 'Saturday Dads Group');
    await again.fill('Description', 'Play and a chat for dads and their children.');
    await again.tick('Kinds of help', 'Parenting');
    await again.choose('Cost', 'Free');
    await again.fill('Address line 1', '12 Mill Lane');
    await again.fill('Town', 'Ashby Vale');
    await again.fill('Postcode', 'NV1 5SE');
    await again.tick('Days it is open', 'Saturday');
    await again.fill('Opens at', '10:00');
    await again.fill('Closes at', '12:00');
    await again.fill('Phone (optional)', '0300 555 7788');
    const saved = await again.submit('Add the service', 'Saturday Dads Group');
    expect(await saved.successBanner()).toContain('Saturday Dads Group was added to the directory');
  });

  it('a practitioner finds the service from the case and signposts the family', async () => {
    const home = await lantern.signedIn(practitioner);
    const services = await CaseServicesPage.open(home.page, caseId);
    const found = await services.searchDirectory('dads', 'Parenting');
    await found.choose('Choose the service (1 found)', 'Saturday Dads Group (Ashby Vale Family Hub)');
    await found.choose('What did you do?', 'Signposted: told the family about the service');
    await found.fill('Note (optional)', 'Dad keen to go');
    const recorded = await found.record();
    expect(await recorded.successBanner()).toContain('Signposting to Saturday Dads Group recorded');
    expect((await recorded.linked())[0]).toMatch(/^Signposted to Saturday Dads Group on .* by Priya Shah: Dad keen to go$/);
  });
});
