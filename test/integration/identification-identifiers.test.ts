import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { anExtractRow, extractCsv, writeExtract } from '../support/identification-factories.ts';
import { analystWithWorker, multipart } from '../support/jobs.ts';
import { demoExtracts, demoHouseholds } from '../../src/domain/identification/demo-extracts.ts';
import { sourceKeys } from '../../src/domain/identification/formats.ts';
import { problemMessage } from '../../src/domain/identification/validate.ts';

const today = '2026-11-25';
const badNumber = "row 3: nhs_number '943 476 5918' fails the NHS number check digit";

/**
 * Identifiers in agency extracts (issue 16): checked on the way in by the one loader the page, the
 * API and `lantern ingest` share (the command line calls `identification.ingest`), stored in one
 * form, and compared by matching.
 */
describe.each(engines)('identifiers in extracts on %s', (engine) => {
  let t: TestDatabase;
  let s: Awaited<ReturnType<typeof analystWithWorker>>;
  const records = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM source_record'))[0].n;
  const idsOf = async (ref: string) => (await t.db.query<{ identifiers: Record<string, string> }>('SELECT identifiers FROM source_record WHERE record_ref = $1', [ref]))[0]?.identifiers;
  // a mental health extract whose third row has a mistyped NHS number (the check digit should be 9)
  const withBadNumber = () => extractCsv('mental-health', [
    anExtractRow('mental-health', 301, { nhs_number: '943 476 5919' }),
    anExtractRow('mental-health', 302, { nhs_number: '943 476 5918' }),
  ]);

  beforeAll(async () => {
    t = await testDatabase(engine);
    s = await analystWithWorker(t.db, today);
  });
  afterAll(async () => {
    await s.app.close();
    await t.drop();
  });

  it('documents the identifier columns on the formats page, and the samples carry them', async () => {
    const formats = await s.client.get('/identification/formats');
    for (const column of ['nhs_number', 'upn', 'ni_number', 'pnc_id', 'agency_ref']) expect(formats.body).toContain(`<code>${column}</code>`);
    expect(formats.body).toContain('NHS number: 10 digits, the last a check digit');
    const sample = (await s.client.get('/identification/sample-extract.csv?source=mental-health')).body.split('\r\n');
    const header = sample[0].split(',');
    expect(header.slice(-5)).toEqual(['nhs_number', 'upn', 'ni_number', 'pnc_id', 'agency_ref']);
    const numbers = sample.slice(1).filter(Boolean).map((line) => line.split(',')[header.indexOf('nhs_number')]).filter(Boolean);
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(n).toMatch(/^999 \d{3} \d{4}$/);
  });

  it('loads an extract with an NHS number column, under the agency’s own heading, storing each number in one form', async () => {
    await s.web.identification.saveMapping(s.analyst, { source: 'drug-alcohol', agencyName: 'Northvale Recovery', mapping: { nhs_number: 'NHS No', agency_ref: 'Client ID' } });
    const rows = [anExtractRow('drug-alcohol', 201, { nhs_number: '943-476-5919', agency_ref: 'nr 0042' }), anExtractRow('drug-alcohol', 202, { nhs_number: '' })];
    const file = await writeExtract('recovery.csv', extractCsv('drug-alcohol', rows, undefined, { nhs_number: 'NHS No', agency_ref: 'Client ID' }));
    const result = await s.web.identification.ingest(s.analyst, { path: file, filename: 'recovery.csv', source: 'drug-alcohol', agreementId: s.agreementId, agencyName: 'Northvale Recovery' });
    expect(result).toMatchObject({ status: 'loaded', rowsLoaded: 2 });
    expect(await idsOf('R-201')).toEqual({ nhs: '9434765919', 'drug-alcohol case reference (Northvale Recovery)': 'NR0042' });
    expect(await idsOf('R-202')).toEqual({});
  });

  it('refuses a number that fails its check digit with the row and field, loading nothing, from the command line’s loader', async () => {
    const before = await records();
    const file = await writeExtract('mh.csv', withBadNumber());
    const result = await s.web.identification.ingest(null, { path: file, filename: 'mh.csv', source: 'mental-health', agreementId: s.agreementId });
    expect(result.status).toBe('refused');
    expect(result.message).toBe('1 of 2 rows have problems: nothing was loaded. Correct them, or choose to load only the valid rows');
    expect(result.problems.map(problemMessage)).toEqual([badNumber]);
    expect(await records()).toBe(before);
  });

  it('refuses it the same way over the API and on the page', async () => {
    const before = await records();
    const body = multipart({ source: 'mental-health', agreementId: s.agreementId }, { filename: 'mh-api.csv', content: withBadNumber() });
    const queued = await s.app.inject({ method: 'POST', url: '/api/v1/identification/extracts', payload: body.payload, headers: { authorization: `Bearer ${s.token}`, 'content-type': body.contentType } });
    expect(queued.statusCode).toBe(202);
    await s.worker.jobs.drain();
    const job = (await s.app.inject({ method: 'GET', url: queued.headers.location as string, headers: { authorization: `Bearer ${s.token}` } })).json();
    expect(job.result).toMatchObject({ status: 'refused', rowsRead: 2, rowsInvalid: 1 });
    expect(job.fields['row3.nhs_number']).toBe(badNumber);

    await s.client.get('/identification/upload');
    const page = await s.client.upload('/identification/upload', { source: 'mental-health', agreementId: s.agreementId }, { name: 'file', filename: 'mh-page.csv', text: withBadNumber() });
    await s.worker.jobs.drain();
    const done = await s.client.get(page.headers.location as string);
    expect(done.headers.location).toBe('/identification/upload');
    expect((await s.client.get('/identification/upload')).body).toContain(badNumber.replace(/'/g, '&#39;'));
    expect(await records()).toBe(before);
  });

  it('links two records with one NHS number whose names differ, and keeps two records alike in every other way apart without it', async () => {
    // Households like the demo's around them, so the weight of an agreeing number is learnt from data.
    const generated = demoExtracts(demoHouseholds(60, 3, ['NV2 1AA', 'NV3 2BB', 'NV4 3CC'], today), 3, today);
    for (const source of sourceKeys) {
      if (!generated[source].length) continue;
      const file = await writeExtract(`${source}.csv`, extractCsv(source, generated[source]));
      expect((await s.web.identification.ingest(s.analyst, { path: file, filename: `demo-${source}.csv`, source, agreementId: s.agreementId })).status).toBe('loaded');
    }
    // A woman in two services under her maiden and married names and a short form of her first name,
    // the second record's postcode mistyped; and another woman recorded the same way, with no NHS number.
    const pair = (n: number, nhs: string, who: { first: string; short: string; maiden: string; married: string; born: string; address: string }) => [
      { source: 'mental-health' as const, row: anExtractRow('mental-health', n, { first_name: who.first, last_name: who.maiden, date_of_birth: who.born, postcode: 'NV5 1AB', address_line: who.address, nhs_number: nhs }) },
      { source: 'drug-alcohol' as const, row: anExtractRow('drug-alcohol', n + 1, { first_name: who.short, last_name: who.married, date_of_birth: who.born, postcode: 'NV6 2CD', address_line: who.address, nhs_number: nhs }) },
    ];
    const rows = [
      ...pair(401, '634 928 3619', { first: 'Katherine', short: 'Kate', maiden: 'Okafor', married: 'Barker', born: '1988-04-02', address: '7 Elm Close' }),
      ...pair(411, '', { first: 'Rebecca', short: 'Becky', maiden: 'Nowak', married: 'Lister', born: '1991-07-19', address: '22 Mill Lane' }),
    ];
    for (const { source, row } of rows) {
      const file = await writeExtract(`${row.record_id}.csv`, extractCsv(source, [row]));
      expect((await s.web.identification.ingest(s.analyst, { path: file, filename: `${row.record_id}.csv`, source, agreementId: s.agreementId })).status).toBe('loaded');
    }
    await s.web.identification.identify(s.analyst);
    const personOf = async (ref: string) => (await t.db.query<{ person_id: string }>('SELECT lp.person_id FROM linked_person lp JOIN source_record r ON r.id = lp.record_id WHERE r.record_ref = $1', [ref]))[0].person_id;
    expect(await personOf('R-401')).toBe(await personOf('R-402'));
    expect(await personOf('R-411')).not.toBe(await personOf('R-412'));
  });
});
