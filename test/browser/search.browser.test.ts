import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser } from '../support/factories.ts';
import { startLantern, type Lantern, type MyFamiliesPage } from '../support/browser.ts';

// A generous per-test timeout: a real browser on a busy machine can be several times slower.
describe('finding people with the header search box, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let smith: { id: string; reference: string };
  let hidden: { id: string; reference: string };
  let myFamilies: MyFamiliesPage;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId, otherTeamId, districtId } = lantern.partnership;
    const { families } = lantern.services;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah' });
    smith = await families.createFamily(worker, {
      family: aFamily({ familyName: 'Smith', addressLine1: '4 Canal Street', postcode: 'NV3 7QD', districtId }),
      members: [
        aMember({ givenName: 'Mary', familyName: 'Smith', role: 'mother', sex: 'female', dateOfBirth: '1988-09-02' }),
        aMember({ givenName: 'Jonathan', familyName: 'Smith', role: 'child', sex: 'male', dateOfBirth: '2015-03-14' }),
      ],
    });
    // Another practitioner's family, in another team: the same name, date of birth and postcode,
    // and a Jonathan Smithson. The worker is not on its team, so search must never show it.
    const stranger = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId: otherTeamId, name: 'Sam Hill' });
    hidden = await families.createFamily(stranger, {
      family: aFamily({ familyName: 'Smithson', addressLine1: '9 Canal Street', postcode: 'NV3 7QD', districtId }),
      members: [
        aMember({ givenName: 'Jonathan', familyName: 'Smithson', role: 'father', sex: 'male', dateOfBirth: '1984-01-20' }),
        aMember({ givenName: 'Jonathan', familyName: 'Smith', role: 'child', sex: 'male', dateOfBirth: '2015-03-14' }),
      ],
    });
    myFamilies = await lantern.signedIn(worker);
  });

  afterAll(async () => {
    await lantern?.close();
  });

  /** Nothing of the family the worker may not open appears anywhere on the page. */
  async function expectNoHiddenFamily(page: MyFamiliesPage['page']) {
    const main = await page.locator('main').innerText();
    expect(main).not.toContain(hidden.reference);
    expect(main).not.toContain('Smithson');
    expect(await page.locator(`a[href*="${hidden.id}"]`).count()).toBe(0);
  }

  it('finds Jonathan Smith from “Jon Smyth”, not Mary Smith, and never the family the user may not open', async () => {
    const results = await myFamilies.search('Jon Smyth');
    expect(await results.title()).toBe('Search results for Jon Smyth – Lantern');
    expect(await results.headerQuery()).toBe('Jon Smyth');
    const rows = await results.results();
    expect(rows.map((r) => r.name)).toEqual(['Jonathan Smith']);
    expect(rows[0]).toMatchObject({
      dateOfBirth: '14 March 2015', role: 'Child', family: `Smith family (${smith.reference})`, postcode: 'NV3 7QD', familyHref: `/families/${smith.id}`,
    });
    expect(await results.status()).toBe('1 person found in families you can see.');
    await expectNoHiddenFamily(results.page);

    // The result opens the family.
    const family = await results.openFamilyOf('Jonathan Smith', 'Smith');
    expect(family.url.pathname).toBe(`/families/${smith.id}`);
    expect(await family.memberNames()).toEqual(expect.arrayContaining(['Mary Smith', 'Jonathan Smith']));
  });

  it('finds people by date of birth typed as dd/mm/yyyy', async () => {
    const results = await myFamilies.search('14/03/2015');
    const rows = await results.results();
    expect(rows.map((r) => `${r.name}, ${r.family}`)).toEqual([`Jonathan Smith, Smith family (${smith.reference})`]);
    await expectNoHiddenFamily(results.page);
  });

  it('finds everyone at a postcode, only in families the user can see', async () => {
    const results = await myFamilies.search('NV3 7QD');
    const rows = await results.results();
    expect(rows.map((r) => r.name).sort()).toEqual(['Jonathan Smith', 'Mary Smith']);
    expect(new Set(rows.map((r) => r.familyHref))).toEqual(new Set([`/families/${smith.id}`]));
    expect(await results.status()).toBe('2 people found in families you can see.');
    await expectNoHiddenFamily(results.page);
    // The postcode is found however it is typed.
    const lower = await results.search('nv37qd');
    expect((await lower.results()).map((r) => r.name).sort()).toEqual(['Jonathan Smith', 'Mary Smith']);
  });

  it('says so when no one matches, without revealing the family the user may not open', async () => {
    const results = await myFamilies.search('Smithson');
    expect(await results.results()).toEqual([]);
    expect(await results.status()).toBe('No one matching ‘Smithson’ was found in the families you can see.');
    expect(await results.page.locator('main a[href^="/families/"]').count()).toBe(0);
  });
});
