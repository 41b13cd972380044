import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { EmergencyAccessPage } from '../support/governance-pages.ts';

describe('break glass, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let stranger: Awaited<ReturnType<typeof makeUser>>;
  let reference: string;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId, otherTeamId } = lantern.partnership;
    const lead = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId });
    stranger = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId: otherTeamId, email: 'olu.night@test.example' });
    ({ reference } = await lantern.services.families.createFamily(lead, { family: aFamily({ familyName: 'Walsh' }), members: [aMember()] }));
  });
  afterAll(async () => {
    await lantern?.close();
  });

  it('refuses a wrong password with a linked error, then gives read-only access (axe-checked pages)', async () => {
    const page = await lantern.newPage();
    await (await SignInPage.open(page)).signIn(stranger.email, testPassword);
    const ask = await EmergencyAccessPage.open(page);
    const again = await ask.askExpectingError(reference, 'Police called out of hours about the children', 'not my password');
    expect(await again.title()).toMatch(/^Error: /);
    expect(await again.errorSummary()).toEqual([{ text: 'Enter your password correctly to confirm it is you', href: '#password' }]);
    expect(await again.valueOf('Why do you need access now?')).toBe('Police called out of hours about the children');
    const family = await again.ask(reference, 'Police called out of hours about the children', testPassword, 'Walsh family');
    expect(await family.page.locator('.govuk-notification-banner').first().innerText()).toContain('You have emergency read-only access until');
  });
});
