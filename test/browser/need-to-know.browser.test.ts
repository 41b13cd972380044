import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, joinFamily, makeUser } from '../support/factories.ts';
import { LanternPage, startLantern, type Lantern } from '../support/browser.ts';
import { agencyKinds } from '../../src/domain/codes.ts';
import { dataCategories } from '../../src/domain/access/categories.ts';

// Need to know, as the demo's police officer and school designated safeguarding lead see it.
describe('need to know, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let police: Awaited<ReturnType<typeof makeUser>>;
  let school: Awaited<ReturnType<typeof makeUser>>;
  let family: { id: string; reference: string };

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId, districtId, partnershipId } = lantern.partnership;
    const { families, needToKnow } = lantern.services;
    const more: Record<string, string> = {};
    for (const [kind, name] of [['education', 'Northvale Schools'], ['health', 'Northvale Health Visiting']]) {
      more[kind] = randomUUID();
      await lantern.db.query('INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, $3, $4)', [more[kind], partnershipId, name, kind]);
    }
    const lead = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah' });
    police = await makeUser(lantern.db, { agencyId: agencies.police, name: 'Tom Gallagher', email: 'pc.tom.gallagher@test.example' });
    school = await makeUser(lantern.db, { agencyId: more.education, name: 'Amina Begum', email: 'dsl.amina.begum@test.example' });
    family = await families.createFamily(lead, {
      family: aFamily({ familyName: 'Walsh', districtId }),
      members: [aMember({ givenName: 'Kerry', familyName: 'Walsh' }), aMember({ givenName: 'Jayden', familyName: 'Walsh', role: 'child', sex: 'male', dateOfBirth: '2015-02-28' })],
    });
    const view = await families.family(lead, family.id);
    const kerry = view.members.find((m) => m.givenName === 'Kerry')!.id;
    await families.addNeed(lead, family.id, kerry, { code: '2B', sourceAgencyId: agencies.drug_alcohol_service, identifiedOn: '2026-03-02', notes: 'Methadone 60mg daily' });
    await families.addNeed(lead, family.id, kerry, { code: '4B', sourceAgencyId: more.health, identifiedOn: '2026-04-02', notes: 'Detained under s2 Mental Health Act' });
    await families.addNeed(lead, family.id, kerry, { code: '3B', sourceAgencyId: agencies.police, identifiedOn: '2026-06-11' });
    // As in the demo: Kerry agreed to share everything with the team; each agency's rule decides its remit.
    await needToKnow.recordConsent(lead, family.id, { basis: 'consent', personId: kerry, agencyKinds: [...agencyKinds], categories: [...dataCategories], givenOn: '2026-10-01' });
    await joinFamily(lantern.db, family.id, police.id, 'Police safeguarding officer');
    await joinFamily(lantern.db, family.id, school.id, 'Designated safeguarding lead');
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('the police officer sees domestic abuse, not health, and is told what is withheld', async () => {
    const page = await (await lantern.signedIn(police)).openFamily('Walsh');
    const kerry = await page.member('Kerry Walsh');
    expect(kerry.needs.map((n) => n.code)).toEqual(['3B']);
    expect(await page.withheld()).toEqual([
      '1 item recorded by drug and alcohol services is not shared with the police',
      '1 item recorded by health services is not shared with the police',
    ]);
    const main = await page.page.locator('main').innerText();
    expect(main).not.toContain('Methadone');
    expect(main).not.toContain('Mental Health Act');
    expect(await page.levelOfNeed()).toBe('Level 4: high-level needs');
    expect(await page.levelOfNeedReason()).toContain('not shared with the police, so the reasons are not shown');
    // The legal status is not theirs to record, and the form says so.
    expect(await page.page.getByRole('link', { name: /Record legal status/ }).count()).toBe(0);
    await page.goto(`/families/${family.id}/consents`);
    await LanternPage.expectAt(page.page, 'Consent and lawful basis');
  });

  it('the school’s safeguarding lead sees members, status and level of need, and no needs notes', async () => {
    const page = await (await lantern.signedIn(school)).openFamily('Walsh');
    expect(await page.memberNames()).toEqual(['Kerry Walsh', 'Jayden Walsh']);
    expect((await page.member('Kerry Walsh')).needs).toEqual([]);
    expect(await page.withheld()).toEqual([
      '1 item recorded by drug and alcohol services is not shared with schools',
      '1 item recorded by health services is not shared with schools',
      '1 item recorded by the police is not shared with schools',
    ]);
    expect(await page.levelOfNeed()).toBe('Level 4: high-level needs');
    await page.goto(`/families/${family.id}/chronology`);
    const chronology = await LanternPage.expectAt(page.page, 'Family chronology');
    const text = await chronology.page.locator('main').innerText();
    expect(text).toContain('Information not shared with you');
    expect(text).not.toContain('Drug misuse');
    const refused = await chronology.goto(`/families/${family.id}/members/${randomUUID()}/legal-status/new`);
    expect(refused?.status()).toBe(403);
    const page403 = await LanternPage.expectAt(chronology.page, 'You cannot see this page');
    expect(await page403.page.locator('main').innerText()).toContain("Only children's social care can record a legal status");
  });
});
