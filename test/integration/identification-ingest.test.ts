import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { sourceKeys } from '../../src/domain/identification/formats.ts';
import { anAgreement, anExtractRow, extractCsv, extractXlsx, writeExtract } from '../support/identification-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';
import { testClock } from '../support/clock.ts';
import { followJob } from '../support/jobs.ts';

async function upload(app: LanternApp, client: PageClient, fields: Record<string, string>, file: { filename: string; content: Buffer | string }) {
  const boundary = `----lantern${randomUUID()}`;
  const head = Object.entries({ _csrf: client.csrf, ...fields }).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  const payload = Buffer.concat([
    Buffer.from(`${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(file.content), Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({ method: 'POST', url: '/identification/upload', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: client.cookie } });
}

describe.each(engines)('loading agency extracts on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let analyst: Actor & { email: string };
  let practitioner: Actor & { email: string };
  let agreementId: string;
  const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM source_record'))[0].n;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    practitioner = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock('2026-11-25') });
    agreementId = await s.identification.createAgreement(analyst, anAgreement({ name: 'Northvale safeguarding' }));
  });
  afterAll(async () => t.drop());

  it('refuses a file with a bad row whole, reporting row, field and reason', async () => {
    const rows = [anExtractRow('police-da', 1), anExtractRow('police-da', 2, { date_of_birth: '31/02/1990' }), anExtractRow('police-da', 3, { role: 'witness' })];
    const file = await writeExtract('bad.csv', extractCsv('police-da', rows));
    const result = await s.identification.ingest(analyst, { path: file, filename: 'bad.csv', source: 'police-da', agreementId });
    expect(result.status).toBe('refused');
    expect(result.message).toBe('2 of 3 rows have problems: nothing was loaded. Correct them, or choose to load only the valid rows');
    expect(result.problems.map((p) => [p.row, p.field, p.reason])).toEqual([[3, 'date_of_birth', 'is not a date'], [4, 'role', 'is not one of victim, perpetrator, child_present']]);
    expect(await count()).toBe(0);
  });

  it('lists problems in row order, and keeps the rows’ problems when a later row breaks the file (issue 15 item 15)', async () => {
    // Row 6 has a bad date (a row check); row 7 opens a quote it never closes (the file's own format).
    const rows = [21, 22, 23, 24].map((n) => anExtractRow('police-da', n));
    rows.push(anExtractRow('police-da', 25, { date_of_birth: '31/02/1990' }));
    const csv = `${extractCsv('police-da', rows).trimEnd()}\n"unclosed,quote\n`;
    const file = await writeExtract('rows-6-and-7.csv', csv);
    const result = await s.identification.ingest(analyst, { path: file, filename: 'rows-6-and-7.csv', source: 'police-da', agreementId });
    expect(result.status).toBe('refused');
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([[6, 'date_of_birth'], [7, 'file']]);

    const app = await testApp(t.db);
    const client = new PageClient(app);
    await client.signIn(analyst.email, testPassword);
    await client.get('/identification/upload');
    const queued = await upload(app, client, { source: 'police-da', agreementId }, { filename: 'rows-6-and-7b.csv', content: csv });
    expect(await followJob(client, queued.headers.location as string)).toBe('/identification/upload');
    const page = await client.get('/identification/upload');
    const listed = [...page.body.matchAll(/<li>\s*<a href="#file">([^<]+)<\/a>/g)].map((m) => m[1].trim());
    expect(listed.map((text) => /[Rr]ow (\d+)/.exec(text)?.[1])).toEqual([undefined, '6', '7']);
    await app.close();
  });

  it('loads only the valid rows when asked, and says how many were left out', async () => {
    const rows = [anExtractRow('police-da', 11), anExtractRow('police-da', 12, { date_of_birth: '31/02/1990' })];
    const file = await writeExtract('some-bad.csv', extractCsv('police-da', rows));
    const result = await s.identification.ingest(analyst, { path: file, filename: 'some-bad.csv', source: 'police-da', agreementId, validOnly: true });
    expect(result).toMatchObject({ status: 'loaded', rowsLoaded: 1, rowsInvalid: 1, message: 'Loaded 1 row; 1 row with problems was left out' });
    expect(await count()).toBe(1);
  });

  it('adds nothing when the same file, or the same rows in another file, are loaded again', async () => {
    const rows = [anExtractRow('school', 21), anExtractRow('school', 22, { first_name: 'Tyler', date_of_birth: '2015-08-09' })];
    const file = await writeExtract('school.csv', extractCsv('school', rows));
    const first = await s.identification.ingest(analyst, { path: file, filename: 'school.csv', source: 'school', agreementId });
    expect(first.rowsLoaded).toBe(2);
    const before = await count();
    const again = await s.identification.ingest(analyst, { path: file, filename: 'school-copy.csv', source: 'school', agreementId });
    expect(again.status).toBe('already-loaded');
    expect(again.message).toMatch(/^This file was already loaded on \d{4}-\d{2}-\d{2} \(as school.csv\): nothing was added$/);
    const overlapping = await writeExtract('school-2.csv', extractCsv('school', [...rows, anExtractRow('school', 23)]));
    const third = await s.identification.ingest(analyst, { path: overlapping, filename: 'school-2.csv', source: 'school', agreementId });
    expect(third).toMatchObject({ status: 'loaded', rowsLoaded: 1, rowsAlreadyLoaded: 2 });
    expect(await count()).toBe(before + 1);
  });

  it('records the agreement each extract was loaded under', async () => {
    const [row] = await t.db.query<{ name: string; lawful_basis: string }>(
      "SELECT a.name, a.lawful_basis FROM source_extract e JOIN sharing_agreement a ON a.id = e.agreement_id WHERE e.filename = 'school.csv'");
    expect(row).toEqual({ name: 'Northvale safeguarding', lawful_basis: 'public_task' });
  });

  it('uses the saved column mapping for an agency whose headers differ', async () => {
    const rows = [anExtractRow('drug-alcohol', 31, { last_name: 'Brennan' })];
    const csv = extractCsv('drug-alcohol', rows, undefined, { last_name: 'Surname', record_id: 'Client ID' });
    const file = await writeExtract('recovery.csv', csv);
    const unmapped = await s.identification.ingest(analyst, { path: file, filename: 'recovery.csv', source: 'drug-alcohol', agreementId, agencyName: 'Northvale Recovery' });
    expect(unmapped.status).toBe('refused');
    expect(unmapped.problems.map((p) => p.field)).toEqual(['record_id', 'last_name']);
    await s.identification.saveMapping(analyst, { source: 'drug-alcohol', agencyName: 'Northvale Recovery', mapping: { last_name: 'Surname', record_id: 'Client ID' } });
    const mapped = await s.identification.ingest(analyst, { path: file, filename: 'recovery.csv', source: 'drug-alcohol', agreementId, agencyName: 'Northvale Recovery' });
    expect(mapped.rowsLoaded).toBe(1);
    const [saved] = await t.db.query<{ last_name: string; fields: Record<string, unknown> }>("SELECT last_name, fields FROM source_record WHERE record_ref = 'R-31'");
    expect(saved.last_name).toBe('Brennan');
    expect(saved.fields.parental_status).toBe('lives_with_children');
  });

  it('reads XLSX extracts', async () => {
    const file = await writeExtract('csc.xlsx', await extractXlsx('social-care', [anExtractRow('social-care', 41, { status: 'CP', start_date: '2026-03-01' })]));
    const result = await s.identification.ingest(analyst, { path: file, filename: 'csc.xlsx', source: 'social-care', agreementId });
    expect(result).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
    const [saved] = await t.db.query<{ date_of_birth: string; event_date: string; fields: Record<string, unknown> }>("SELECT date_of_birth, event_date, fields FROM source_record WHERE source = 'social-care'");
    expect(saved).toEqual({ date_of_birth: '1990-05-17', event_date: '2026-03-01', fields: { status: 'CP', start_date: '2026-03-01', end_date: null } });
  });

  it('audits each load', async () => {
    const rows = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'extract-loaded' AND user_id = $1", [analyst.id]);
    expect(rows[0].n).toBe(5);
  });

  it('refuses practitioners', async () => {
    const file = await writeExtract('p.csv', extractCsv('police-da', [anExtractRow('police-da', 51)]));
    await expect(s.identification.ingest(practitioner, { path: file, filename: 'p.csv', source: 'police-da', agreementId })).rejects.toThrow(ForbiddenError);
    await expect(s.identification.createAgreement(practitioner, anAgreement())).rejects.toThrow('Only analysts can use the linked agency data');
  });

  describe('over HTTP', () => {
    let app: LanternApp;
    let client: PageClient;
    beforeAll(async () => {
      app = await testApp(t.db);
      client = new PageClient(app);
      await client.signIn(analyst.email, testPassword);
    });
    afterAll(async () => app.close());

    it('uploads an extract and shows what was loaded', async () => {
      await client.get('/identification/upload');
      const content = await readFile(await writeExtract('mh.csv', extractCsv('mental-health', [anExtractRow('mental-health', 61), anExtractRow('mental-health', 62)])));
      const response = await upload(app, client, { source: 'mental-health', agreementId, agencyName: '' }, { filename: 'mh.csv', content });
      expect(response.statusCode).toBe(303);
      // The request only stored the file and queued the job; the job page follows it to the result.
      expect(response.headers.location).toMatch(/^\/identification\/jobs\/[0-9a-f-]{36}$/);
      const page = await client.get(await followJob(client, response.headers.location as string));
      expect(page.body).toContain('<strong>mh.csv</strong>: 2 rows loaded, 0 rows with problems left out');
    });

    it('shows every bad row in the error summary and loads nothing', async () => {
      await client.get('/identification/upload');
      const csv = extractCsv('housing', [anExtractRow('housing', 71, { as_at: 'soon' }), anExtractRow('housing', 72)]);
      const response = await upload(app, client, { source: 'housing', agreementId }, { filename: 'housing.csv', content: csv });
      expect(await followJob(client, response.headers.location as string)).toBe('/identification/upload');
      const page = await client.get('/identification/upload');
      expect(page.body).toContain('<title>Error: Load an agency extract');
      expect(page.body).toContain('There is a problem');
      expect(page.body).toContain('housing.csv: 1 of 2 rows have problems: nothing was loaded');
      expect(page.body).toContain('<a href="#file">row 2: as_at &#39;soon&#39; is not a date</a>');
      expect((await t.db.query("SELECT 1 FROM source_record WHERE source = 'housing'")).length).toBe(0);
    });

    it('reports the file, an agreement past its review and every other answer at once, keeping the answers (issue 15)', async () => {
      const overdue = await s.identification.createAgreement(analyst, anAgreement({ name: 'Overdue agreement' }));
      await t.db.query("UPDATE sharing_agreement SET review_date = '2026-01-31' WHERE id = $1", [overdue]);
      await client.get('/identification/upload');
      const response = await upload(app, client, { source: '', agreementId: overdue, agencyName: 'x'.repeat(201) }, { filename: 'notes.txt', content: 'hello' });
      expect(response.headers.location).toBe('/identification/upload');
      const page = await client.get('/identification/upload');
      expect(page.body).toContain('<title>Error: Load an agency extract');
      for (const message of ['Select the kind of extract', 'The agreement Overdue agreement was due for review on 31 January 2026: review it before loading more data under it',
        'The agency name must be 200 characters or fewer', 'The file must be a CSV or an XLSX spreadsheet']) expect(page.body).toContain(message);
      expect(page.body).toContain(`value="${'x'.repeat(201)}"`);

      // No file at all: the other answers are still checked.
      await client.get('/identification/upload');
      const none = await upload(app, client, { source: 'housing', agreementId: 'not-an-id', agencyName: 'x'.repeat(201) }, { filename: '', content: '' });
      expect(none.headers.location).toBe('/identification/upload');
      const again = (await client.get('/identification/upload')).body;
      for (const message of ['Select a CSV or XLSX file', 'Select the data-sharing agreement that allows this extract', 'The agency name must be 200 characters or fewer']) expect(again).toContain(message);
    });

    it('streams an upload larger than the form body limit', async () => {
      await client.get('/identification/upload');
      const rows = Array.from({ length: 12_000 }, (_, i) => anExtractRow('worklessness', 100_000 + i, { first_name: `Person${i}` }));
      const csv = extractCsv('worklessness', rows);
      expect(csv.length).toBeGreaterThan(1_048_576);
      const response = await upload(app, client, { source: 'worklessness', agreementId }, { filename: 'dwp.csv', content: csv });
      expect(response.statusCode).toBe(303);
      // Kept in the database in 1 MiB chunks until the worker loads it (and dropped once loaded).
      const [upload1] = await t.db.query<{ bytes: number; status: string }>("SELECT bytes::int AS bytes, status FROM extract_upload WHERE filename = 'dwp.csv'");
      expect(upload1.bytes).toBe(Buffer.byteLength(csv));
      expect(await followJob(client, response.headers.location as string)).toMatch(/^\/identification\?extractId=/);
      const [kept] = await t.db.query<{ n: number; status: string }>("SELECT (SELECT count(*)::int FROM extract_upload_chunk c WHERE c.upload_id = u.id) AS n, status FROM extract_upload u WHERE filename = 'dwp.csv'");
      expect(kept).toEqual({ n: 0, status: 'loaded' });
      const [row] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM source_record WHERE source = 'worklessness'");
      expect(row.n).toBe(12_000);
    });

    it('refuses the pages to a practitioner with 403', async () => {
      const worker = new PageClient(app);
      await worker.signIn(practitioner.email, testPassword);
      expect((await worker.get('/identification/upload')).statusCode).toBe(403);
      expect((await worker.get('/identification/formats')).statusCode).toBe(403);
      const response = await upload(app, worker, { source: 'housing', agreementId }, { filename: 'h.csv', content: extractCsv('housing', [anExtractRow('housing', 81)]) });
      expect(response.statusCode).toBe(403);
    });

    it('saves a column mapping from its page, and checks an agreement before recording it', async () => {
      const page = await client.get('/identification/mappings?source=school');
      expect(page.body).toContain('Mapping for school attendance and exclusions');
      const saved = await client.post('/identification/mappings', { source: 'school', agencyName: 'Riverside Academy', 'map-last_name': 'Surname', 'map-first_name': '' });
      expect(saved.headers.location).toBe('/identification/mappings?source=school&saved=yes');
      expect((await client.get(saved.headers.location as string)).body).toContain('<code>last_name</code> = “Surname”');
      await client.get('/identification/agreements');
      const refused = await client.post('/identification/agreements', { name: '', parties: 'Council', lawfulBasis: 'public_task', article9Condition: 'DPA 2018 Sch 1 para 18', reviewDate: '2027-02-30' });
      expect(refused.headers.location).toBe('/identification/agreements');
      const form = await client.get('/identification/agreements');
      expect(form.body).toContain('<title>Error: Data-sharing agreements');
      expect(form.body).toContain('<a href="#name">Enter the agreement’s name</a>');
      expect(form.body).toContain('<a href="#reviewDate">The review date must be a real date</a>');
    });

    it('documents every format on a page', async () => {
      const page = await client.get('/identification/formats');
      expect(page.body).toContain('Police domestic abuse incidents');
      expect(page.body).toContain('<code>children_present</code>');
      expect(page.body).toContain('<code>parental_status</code>');
    });
  });
  // Last: the samples load rows, which the tests above count.
  it('offers a sample extract of each format on the upload page, and each sample loads as it is (issue 15 item 15)', async () => {
    const app = await testApp(t.db);
    const client = new PageClient(app);
    await client.signIn(analyst.email, testPassword);
    const page = await client.get('/identification/upload');
    for (const source of sourceKeys) {
      const href = `/identification/sample-extract.csv?source=${source}`;
      expect(page.body).toContain(`href="${href}"`);
      const sample = await client.get(href);
      expect(sample.statusCode).toBe(200);
      expect(sample.headers['content-disposition']).toBe(`attachment; filename="sample-${source}.csv"`);
      expect(sample.body.split('\r\n').filter(Boolean).length).toBeGreaterThan(1);
      const file = await writeExtract(`sample-${source}.csv`, sample.body);
      const result = await s.identification.ingest(analyst, { path: file, filename: `sample-${source}.csv`, source, agreementId });
      expect([source, result.status, result.problems]).toEqual([source, 'loaded', []]);
    }
    expect((await client.get('/identification/sample-extract.csv?source=nonsense')).statusCode).toBe(404);
    await app.close();
  });
});
