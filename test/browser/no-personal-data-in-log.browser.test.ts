import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { SignInPage, TODAY, startLantern, type Lantern } from '../support/browser.ts';
import { ReferralFormPage } from '../support/casework-pages.ts';
import { anAgreement, extractCsv, writeExtract } from '../support/identification-factories.ts';
import { IdentifiedHouseholdPage } from '../support/identification-pages.ts';
import { demoExtracts, demoHouseholds } from '../../src/domain/identification/demo-extracts.ts';
import { sourceKeys } from '../../src/domain/identification/formats.ts';

/** Dates of birth as they could be written anywhere: ISO, and as typed in a form or a search. */
function dateForms(iso: string): string[] {
  const [y, m, d] = iso.split('-');
  return [iso, `${d}/${m}/${y}`, `${Number(d)}/${Number(m)}/${y}`];
}

describe('the request log of a full journey holds no personal data', { timeout: 240_000 }, () => {
  let lantern: Lantern;
  const log: string[] = [];
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let analyst: Awaited<ReturnType<typeof makeUser>>;
  let manager: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    lantern = await startLantern({ logStream: new Writable({ write(chunk, _encoding, done) { log.push(String(chunk)); done(); } }) });
    const { agencies, teamId, districtId } = lantern.partnership;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah' });
    manager = await makeUser(lantern.db, { role: 'manager', agencyId: agencies.childrens_social_care, teamId: null, name: 'Dev Patel' });
    analyst = await makeUser(lantern.db, { role: 'analyst', agencyId: agencies.childrens_social_care, name: 'Ruth Evans' });
    await lantern.services.families.createFamily(worker, {
      family: aFamily({ familyName: 'Richardson', addressLine1: '12 Mill Lane', postcode: 'NV3 7QD', districtId }),
      members: [
        aMember({ givenName: 'Adam', familyName: 'Richardson', role: 'father', sex: 'male', dateOfBirth: '1983-07-19' }),
        aMember({ givenName: 'Bethany', familyName: 'Richardson', role: 'child', sex: 'female', dateOfBirth: '2014-11-02' }),
      ],
    });
    const { identification } = lantern.services;
    const agreementId = await identification.createAgreement(analyst, anAgreement({ name: 'Testshire early help agreement' }));
    const extracts = demoExtracts(demoHouseholds(12, 3, ['NV2 1AA'], TODAY), 3, TODAY);
    for (const source of sourceKeys) {
      if (!extracts[source].length) continue;
      await identification.ingest(analyst, { path: await writeExtract(`${source}.csv`, extractCsv(source, extracts[source])), filename: `${source}.csv`, source, agreementId });
    }
    await identification.identify(analyst);
  });
  afterAll(async () => lantern?.close());

  it('signs in, searches, opens a family, and starts a referral from a household, logging none of the names or dates of birth', async () => {
    // A practitioner: sign in, search by name and by date of birth, open the family.
    const page = await lantern.newPage();
    const home = await (await SignInPage.open(page)).signIn(worker.email, testPassword);
    const byName = await home.search('Adam Richardson');
    expect(byName.url.search).toMatch(/^\?searchId=[0-9a-f-]{36}$/);
    expect((await byName.results()).map((r) => r.name)).toEqual(['Adam Richardson']);
    const byDate = await byName.search('02/11/2014');
    expect(byDate.url.search).not.toContain('2014');
    expect((await byDate.results()).map((r) => r.name)).toEqual(['Bethany Richardson']);
    const family = await byDate.openFamilyOf('Bethany Richardson', 'Richardson');
    expect(await family.memberNames()).toEqual(expect.arrayContaining(['Adam Richardson', 'Bethany Richardson']));

    // An analyst: a household's referral link carries an id, never its people.
    const [household] = await lantern.db.query<{ id: string }>('SELECT id FROM linked_household WHERE family_id IS NULL AND eligible ORDER BY id LIMIT 1');
    const analystHome = await lantern.signedIn(analyst);
    const householdPage = await IdentifiedHouseholdPage.open(analystHome, household.id);
    const link = await householdPage.makeReferralLink();
    expect(link).toMatch(/^\/referrals\/new\?draftId=[0-9a-f-]{36}$/);

    // A manager opens the link: the form is filled in from the draft.
    const managerHome = await lantern.signedIn(manager);
    await managerHome.goto(link);
    const form = await new ReferralFormPage(managerHome.page).arrive(ReferralFormPage.heading);
    expect(await form.valueOf('Family name')).not.toBe('');

    // Everything the journey touched: the family's and every agency record's names and dates of birth.
    const people = await lantern.db.query<{ first_name: string; last_name: string; date_of_birth: string | null }>(
      `SELECT given_name AS first_name, family_name AS last_name, date_of_birth FROM person
       UNION SELECT first_name, last_name, date_of_birth FROM source_record`);
    const text = log.join('');
    expect(text).toContain('"url":"/search"');
    expect(text).toContain('/referrals/new?[redacted]');
    const found = people.flatMap((p) => [p.first_name, p.last_name, `${p.first_name} ${p.last_name}`, ...(p.date_of_birth ? dateForms(p.date_of_birth) : [])])
      .filter((value) => new RegExp(`(^|[^A-Za-z0-9])${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}($|[^A-Za-z0-9])`).test(text));
    expect(found).toEqual([]);
    for (const email of [worker.email, analyst.email, manager.email]) expect(text).not.toContain(email);
  });
});
