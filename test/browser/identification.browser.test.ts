import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../support/factories.ts';
import { TODAY, startLantern, type Lantern } from '../support/browser.ts';
import { anAgreement, anExtractRow, extractCsv, writeExtract } from '../support/identification-factories.ts';
import { HouseholdsPage, IdentificationPage, IdentifiedHouseholdPage, JobPage, PairPage, ReviewQueuePage } from '../support/identification-pages.ts';
import { demoExtracts, demoHouseholds } from '../../src/domain/identification/demo-extracts.ts';
import { sourceKeys } from '../../src/domain/identification/formats.ts';

describe('identification in the browser', () => {
  let lantern: Lantern;
  let analyst: { email: string };
  let file: string;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies } = lantern.partnership;
    const a = await makeUser(lantern.db, { role: 'analyst', agencyId: agencies.childrens_social_care, name: 'Ruth Evans', email: 'ruth.evans@test.example' });
    analyst = a;
    const { identification } = lantern.services;
    const agreementId = await identification.createAgreement(a, anAgreement({ name: 'Testshire early help agreement' }));
    const extracts = demoExtracts(demoHouseholds(50, 5, ['NV2 1AA', 'NV3 2BB'], TODAY), 5, TODAY);
    for (const source of sourceKeys) {
      if (!extracts[source].length) continue;
      await identification.ingest(a, { path: await writeExtract(`${source}.csv`, extractCsv(source, extracts[source])), filename: `${source}.csv`, source, agreementId });
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-browser-'));
    file = path.join(dir, 'attendance.csv');
    await writeFile(file, extractCsv('school', [anExtractRow('school', 1, { first_name: 'Tyler', date_of_birth: '31/02/2015' }), anExtractRow('school', 2, { first_name: 'Ruby', date_of_birth: '2016-04-02' })]));
  }, 120_000);
  afterAll(async () => lantern?.close());

  it('loads an extract, runs matching, reviews a pair and ranks the households', async () => {
    const home = await lantern.signedIn(analyst);
    const extracts = await IdentificationPage.fromMenu(home);
    const upload = await extracts.upload();

    const refused = await upload.loadExpectingErrors({ source: 'School attendance and exclusions', agreement: 'Testshire early help agreement', file });
    expect(await refused.title()).toMatch(/^Error: Load an agency extract/);
    expect((await refused.errorSummary()).map((e) => e.text)).toEqual([
      'attendance.csv: 1 of 2 rows have problems: nothing was loaded. Correct them, or choose to load only the valid rows',
      "row 2: date_of_birth '31/02/2015' is not a date",
    ]);
    const loaded = await refused.loadExpectingSuccess({ source: 'School attendance and exclusions', agreement: 'Testshire early help agreement', file, validOnly: true });
    expect(await loaded.successBanner()).toBe('attendance.csv: 1 row loaded, 1 row with problems left out, 0 rows already loaded.');

    const matched = await loaded.runMatching();
    expect(await matched.successBanner()).toMatch(/^Matching finished: [\d,]+ records, [\d,]+ people, [\d,]+ households; [\d,]+ pairs wait for clerical review\.$/);

    const queue = await matched.section('Clerical review', 'Clerical review', ReviewQueuePage);
    const [pair] = await lantern.db.query<{ left_record_id: string; right_record_id: string }>("SELECT left_record_id, right_record_id FROM linkage_pair ORDER BY decision = 'review' DESC, weight LIMIT 1");
    await queue.goto(`/identification/review/${pair.left_record_id}/${pair.right_record_id}`);
    const pairPage = await new PairPage(queue.page).arrive('Are these the same person?');
    const waterfall = await pairPage.rows(/^How the match weight was reached/);
    expect(waterfall[0][0]).toMatch(/^Prior/);
    expect(waterfall.at(-1)![0]).toBe('Match weight (prior plus every field)');
    // Dates as practitioners read them, and no field called "different" when both records agree.
    const sideBySide = await pairPage.rows(/^The two records side by side/);
    expect(sideBySide.find((r) => r[0] === 'Event date')!.slice(1).every((d) => /^\d{1,2} [A-Z][a-z]+ \d{4}$/.test(d))).toBe(true);
    expect(waterfall.map((r) => r[0]).join('\n')).not.toMatch(/\d{4}-\d\d-\d\d|(\S+ \S+) and \1 are different/);
    const back = await pairPage.decide('Same person: join these records');
    expect(await back.successBanner()).toBe('Recorded as the same person: their records are joined.');

    const list = await back.section('Prioritised list', 'Prioritised list of households', HouseholdsPage);
    const top = await list.show({ top: '10', eligibility: 'All households' });
    const rows = await top.rows(/^Top \d+ households/);
    expect(rows.length).toBe(10);
    expect(rows[0][0]).toBe('1');
    expect(rows[0][6]).not.toBe('');
    const household = await top.open(1);
    expect(await household.page.locator('main').innerText()).toContain('Estimated annual cost to public services');

    // A household where a mother and father were both in the same police domestic abuse incidents:
    // each incident is costed once for the household, on one line naming both of them.
    const [shared] = await lantern.db.query<{ household_id: string }>(
      `SELECT m.household_id FROM source_record r JOIN linked_person p ON p.record_id = r.id JOIN linked_household_member m ON m.person_id = p.person_id
        WHERE r.source = 'police-da' AND r.fields->>'role' IN ('victim', 'perpetrator') AND r.event_date > $1::date - 365
        GROUP BY m.household_id, r.fields->>'incident_ref' HAVING count(DISTINCT p.person_id) = 2 LIMIT 1`, [TODAY]);
    const daHousehold = await IdentifiedHouseholdPage.open(household, shared.household_id);
    const costs = await daHousehold.rows('Estimated annual cost to public services');
    const incidents = costs.filter((r) => /domestic (abuse|violence) incident/i.test(r[0]));
    expect(incidents).toHaveLength(1);
    expect(incidents[0][1]).toMatch(/^.+ and .+$/);
    expect(incidents[0][2]).toMatch(/^\d+ events?$/);
  }, 180_000);

  it('shows a waiting job’s progress page and cancels it with its button', async () => {
    const home = await lantern.signedIn(analyst);
    // Queued without waking the in-process worker, so the page shows it waiting.
    const [user] = await lantern.db.query<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [analyst.email]);
    const jobId = await lantern.services.jobs.enqueue(lantern.db, { kind: 'matching', payload: {}, createdBy: user.id });
    await home.goto(`/identification/jobs/${jobId}`);
    const job = await new JobPage(home.page).arrive('Matching records');
    expect(await job.stage()).toBe('Waiting to start');
    expect(await job.page.locator('main').getByRole('link', { name: 'Check progress', exact: true }).getAttribute('href')).toBe(`/identification/jobs/${jobId}`);
    expect(await job.page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    await job.press('Cancel');
    const cancelled = await new JobPage(job.page).arrive('Matching records');
    expect(await cancelled.stage()).toBe('Cancelled');
    expect(await cancelled.page.locator('main').innerText()).toContain('Matching was cancelled: the people and households from the last run are unchanged.');
  }, 60_000);
});
