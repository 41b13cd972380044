import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makeUser } from '../support/factories.ts';
import { anExtractRow, extractCsv } from '../support/identification-factories.ts';
import type { PageClient } from '../support/http.ts';
import { analystWithWorker, multipart } from '../support/jobs.ts';
import type { Actor } from '../../src/domain/actor.ts';
import type { Services } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';

/**
 * Loading and matching as background jobs, with the web process leaving them to a worker
 * (LANTERN_WORKER=separate), so each step can be seen: queued, its page, cancelled, run by a worker.
 */
describe.each(engines)('identification jobs on %s', (engine) => {
  let t: TestDatabase;
  let web: Services;
  let worker: Services;
  let app: LanternApp;
  let client: PageClient;
  let analyst: Actor & { email: string };
  let practitioner: Actor & { email: string };
  let agreementId: string;
  let token: string;
  const api = (method: 'GET' | 'POST', url: string, body?: { payload: string; contentType: string }, bearer = token) => app.inject({
    method, url, ...(body ? { payload: body.payload } : {}), headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': body.contentType } : {}) },
  });
  const audited = async (action: string) => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND user_id = $2', [action, analyst.id]))[0].n;

  beforeAll(async () => {
    t = await testDatabase(engine);
    let partnership: Awaited<ReturnType<typeof analystWithWorker>>['partnership'];
    ({ partnership, analyst, web, worker, app, client, agreementId, token } = await analystWithWorker(t.db));
    practitioner = await makeUser(t.db, { agencyId: partnership.agencies.childrens_social_care, teamId: partnership.teamId });
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('queues matching from the page, shows its progress page with Check progress and Cancel, and cancels it', async () => {
    await client.get('/identification');
    const run = await client.post('/identification/run', {});
    expect(run.statusCode).toBe(303);
    const jobUrl = run.headers.location as string;
    expect(jobUrl).toMatch(/^\/identification\/jobs\/[0-9a-f-]{36}$/);
    const page = await client.get(jobUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Matching records');
    expect(page.body).toContain('<dd class="govuk-summary-list__value" id="job-stage">Waiting to start</dd>');
    expect(page.body).toContain('<dd class="govuk-summary-list__value" id="job-percent">0%</dd>');
    expect(page.body).toContain('Working out how long this will take');
    expect(page.body).toContain(`<a class="govuk-button" href="${jobUrl}">Check progress</a>`);
    expect(page.body).toContain(`action="${jobUrl}/cancel"`);
    // The page never refreshes itself (axe: meta-refresh).
    expect(page.body).not.toMatch(/http-equiv="refresh"/i);
    expect((await client.get('/identification')).body).toContain(`<a class="govuk-link" href="${jobUrl}">Matching records</a>: Waiting to start, 0% done`);

    const cancelled = await client.post(`${jobUrl}/cancel`, {});
    expect(cancelled.headers.location).toBe(jobUrl);
    const after = await client.get(jobUrl);
    expect(after.body).toContain('Matching was cancelled: the people and households from the last run are unchanged.');
    expect(after.body).not.toContain('Check progress');
    expect(await worker.jobs.drain()).toBe(0);
    expect(await audited('linkage-run-queued')).toBe(1);
    expect(await audited('job-cancel-requested')).toBe(1);
    // Cancelling twice: there is nothing left to cancel.
    expect((await client.post(`${jobUrl}/cancel`, {})).statusCode).toBe(409);
  });

  it('loads an extract and runs matching on a worker, the pages following each job to its result', async () => {
    await client.get('/identification/upload');
    const rows = [1, 2, 3].map((n) => anExtractRow('police-da', n));
    const response = await client.upload('/identification/upload', { source: 'police-da', agreementId }, { name: 'file', filename: 'police.csv', text: extractCsv('police-da', rows) });
    const jobUrl = response.headers.location as string;
    expect((await client.get(jobUrl)).body).toContain('<title>Loading police.csv');
    expect((await t.db.query('SELECT 1 FROM source_record')).length).toBe(0);
    expect(await worker.jobs.drain()).toBe(1);
    const loaded = await client.get(jobUrl);
    expect(loaded.statusCode).toBe(303);
    expect(loaded.headers.location).toMatch(/^\/identification\?extractId=[0-9a-f-]{36}&status=loaded$/);
    expect((await client.get(loaded.headers.location as string)).body).toContain('<strong>police.csv</strong>: 3 rows loaded');

    const run = await client.post('/identification/run', {});
    await worker.jobs.drain();
    const done = await client.get(run.headers.location as string);
    expect(done.headers.location).toBe('/identification?matched=yes');
    const id = (run.headers.location as string).split('/').at(-1)!;
    const job = await web.identification.job(analyst, id);
    expect(job).toMatchObject({ status: 'done', progress: { stageLabel: 'Finished', percent: 100 }, result: { records: 3 } });
    expect((await client.get('/identification?matched=yes')).body).toMatch(/Matching finished: 3 records, \d+ people/);
  });

  describe('over the API', () => {
    it('refuses an extract whose answers are wrong with 400 and every field’s message, storing nothing', async () => {
      const response = await api('POST', '/api/v1/identification/extracts', multipart({ source: 'nonsense', agreementId: 'not-an-id' }, null));
      expect(response.statusCode).toBe(400);
      expect(response.json().fields).toEqual({ source: 'Select the kind of extract', agreementId: 'Select the data-sharing agreement that allows this extract', file: 'Select a CSV or XLSX file' });
      const wrongFile = await api('POST', '/api/v1/identification/extracts', multipart({ source: 'housing', agreementId }, { filename: 'notes.txt', content: 'hello' }));
      expect(wrongFile.statusCode).toBe(400);
      expect(wrongFile.json().fields).toEqual({ file: 'The file must be a CSV or an XLSX spreadsheet' });
      expect((await api('POST', '/api/v1/identification/extracts')).statusCode).toBe(400);
      expect((await t.db.query('SELECT 1 FROM extract_upload WHERE filename = $1', ['notes.txt'])).length).toBe(0);
    });

    it('loads an extract as a job, all or nothing: a bad row refuses the whole file with the page’s row messages', async () => {
      const bad = await api('POST', '/api/v1/identification/extracts', multipart({ source: 'housing', agreementId }, { filename: 'housing.csv', content: extractCsv('housing', [anExtractRow('housing', 71, { as_at: 'soon' }), anExtractRow('housing', 72)]) }));
      expect(bad.statusCode).toBe(202);
      const queued = bad.json();
      expect(queued).toMatchObject({ kind: 'extract-load', status: 'queued', stage: 'Waiting to start', percent: 0, secondsLeft: null });
      expect(bad.headers.location).toBe(`/api/v1/identification/jobs/${queued.id}`);
      await worker.jobs.drain();
      const refused = (await api('GET', bad.headers.location as string)).json();
      expect(refused).toMatchObject({ status: 'done', percent: 100, result: { status: 'refused', rowsRead: 2, rowsInvalid: 1 } });
      expect(refused.fields).toEqual({
        file: 'housing.csv: 1 of 2 rows have problems: nothing was loaded. Correct them, or choose to load only the valid rows',
        'row2.as_at': "row 2: as_at 'soon' is not a date",
      });
      expect((await t.db.query("SELECT 1 FROM source_record WHERE source = 'housing'")).length).toBe(0);

      const good = await api('POST', '/api/v1/identification/extracts', multipart({ source: 'housing', agreementId }, { filename: 'housing-2.csv', content: extractCsv('housing', [anExtractRow('housing', 73), anExtractRow('housing', 74)]) }));
      await worker.jobs.drain();
      const loaded = (await api('GET', good.headers.location as string)).json();
      expect(loaded).toMatchObject({ status: 'done', result: { status: 'loaded', rowsLoaded: 2, message: 'Loaded 2 rows' } });
      expect(loaded.fields).toBeUndefined();
    });

    it('starts a matching run, and cancels a waiting job; a finished job cannot be cancelled', async () => {
      const started = await api('POST', '/api/v1/identification/runs');
      expect(started.statusCode).toBe(202);
      const cancel = await api('POST', `${started.headers.location}/cancel`);
      expect(cancel.statusCode).toBe(202);
      expect(cancel.json()).toMatchObject({ status: 'cancelled', cancelRequested: true, stage: 'Cancelled' });
      const again = await api('POST', `${started.headers.location}/cancel`);
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe('This job has already finished: there is nothing to cancel');
    });

    it('answers 404 for a job that does not exist, and refuses practitioners', async () => {
      expect((await api('GET', `/api/v1/identification/jobs/${randomUUID()}`)).statusCode).toBe(404);
      const theirs = await web.access.createApiToken(practitioner.email, 'jobs test');
      const refused = await api('POST', '/api/v1/identification/extracts', multipart({ source: 'housing', agreementId }, { filename: 'h.csv', content: extractCsv('housing', [anExtractRow('housing', 81)]) }), theirs);
      expect(refused.statusCode).toBe(403);
      expect((await api('POST', '/api/v1/identification/runs', undefined, theirs)).statusCode).toBe(403);
      await expect(web.identification.startMatching(practitioner)).rejects.toThrow('Only analysts can use the linked agency data');
    });
  });
});
