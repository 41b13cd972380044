import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanternPage, startLantern, type Lantern } from '../support/browser.ts';
import { aFamily, aMember, makeUser } from '../support/factories.ts';
import { makeDatedCase } from '../support/casework-factories.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';

/** The directory's staff side in a real browser: an editor adds a service; a key worker signposts a family to it. */
describe('the service directory staff side in a real browser', { timeout: 180_000 }, () => {
  let lantern: Lantern;
  let editor: { email: string };
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let caseId: string;

  beforeAll(async () => {
    lantern = await startLantern();
    await seedDirectoryDemo(lantern.db, lantern.services.directory);
    const p = lantern.partnership;
    const csc = p.agencies.childrens_social_care;
    editor = await makeUser(lantern.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId], name: 'Mo Khan' });
    worker = await makeUser(lantern.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah' });
    const familyId = (await lantern.services.families.createFamily(worker, { family: aFamily({ familyName: 'Okafor' }), members: [aMember({ familyName: 'Okafor' })] })).id;
    caseId = (await makeDatedCase(lantern.db, { familyId, referredAt: '2026-11-01T09:00:00Z', state: 'intervention', keyWorkerId: worker.id })).caseId;
  });
  afterAll(async () => {
    await lantern?.close();
  });

  it('an editor adds a service after fixing the errors; a key worker signposts the family to it for their letter', async () => {
    const home = await lantern.signedIn(editor);
    await home.clickAndLoad(home.page.getByRole('link', { name: 'Service directory', exact: true }));
    const list = await LanternPage.expectAt(home.page, 'Service directory');
    await list.clickAndLoad(list.page.getByRole('button', { name: 'Add a service', exact: true }));
    const form = await LanternPage.expectAt(list.page, 'Add a service');
    await form.press('Add service');
    const errors = await LanternPage.expectAt(form.page, 'Add a service');
    expect((await errors.errorSummary()).map((e) => e.text)).toEqual([
      'Enter the name of the service', 'Enter what the service does', 'Choose the kind of help from the list',
      'Enter an address or the areas served, so families can find the service',
    ]);
    expect(await errors.followErrorLink('Enter the name of the service')).toBe('name');
    await errors.fill('Name of the service', 'Riverside Dads Group');
    await errors.page.getByLabel('What the service does', { exact: true }).fill('A weekly group for dads and their children.');
    await errors.select('Kind of help', 'Parenting');
    await errors.fill('Phone (optional)', '01632 960 777');
    await errors.fill('Address', '3 Quay Street');
    await errors.fill('Town', 'Riverside');
    await errors.fill('Postcode', 'NV1 5SE');
    await errors.page.getByRole('group', { name: 'Days it runs (optional)' }).getByLabel('Saturday', { exact: true }).check();
    await errors.press('Add service');
    const saved = await LanternPage.expectAt(errors.page, 'Service directory');
    expect(await saved.successBanner()).toBe('Service added to the directory');
    expect(await saved.page.locator('main table').innerText()).toContain('Riverside Dads Group');

    const workerHome = await lantern.signedIn(worker);
    await workerHome.goto(`/cases/${caseId}/services`);
    const services = await LanternPage.expectAt(workerHome.page, 'Services for the Okafor family');
    await services.select('Service', 'Riverside Dads Group');
    await services.choose('How', 'Signposted: the family will contact the service');
    await services.page.getByLabel(/Add it to the family’s next letter/).check();
    await services.press('Save');
    const after = await LanternPage.expectAt(services.page, 'Services for the Okafor family');
    expect(await after.successBanner()).toBe('Saved on the case and in the family chronology');
    expect(await after.page.locator('#case-services').innerText()).toMatch(/Riverside Dads Group[\s\S]*Signposted[\s\S]*Yes/);
  });
});
