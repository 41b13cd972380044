import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import { services } from '../../src/services.ts';
import { buildApp } from '../../src/app.ts';
import { TEST_TODAY, testClock } from './clock.ts';
import { makePartnership, makeUser, testPassword } from './factories.ts';
import { PageClient, rememberDatabase } from './http.ts';
import { anAgreement } from './identification-factories.ts';

/**
 * A web app that leaves background jobs to a worker (LANTERN_WORKER=separate), and the worker's
 * own services on the same database (as `lantern worker` builds them), so each step can be seen;
 * with an analyst signed in on the pages, their API token and a data-sharing agreement.
 */
export async function analystWithWorker(db: Database, today = TEST_TODAY) {
  const partnership = await makePartnership(db);
  const analyst = await makeUser(db, { role: 'analyst', agencyId: partnership.agencies.childrens_social_care });
  const web = services(db, { sessionHours: 8, clock: testClock(today), worker: 'separate' });
  const worker = services(db, { sessionHours: 8, clock: testClock(today), worker: 'separate' });
  const app = await buildApp({ services: web, sessionHours: 8 });
  await app.ready();
  rememberDatabase(app, db);
  const client = new PageClient(app);
  await client.signIn(analyst.email, testPassword);
  const agreementId = await web.identification.createAgreement(analyst, anAgreement());
  const token = await web.access.createApiToken(analyst.email, 'identification test');
  return { partnership, analyst, web, worker, app, client, agreementId, token };
}

/** A multipart body as an API client sends it (no CSRF token: the API takes a bearer token, not cookies). */
export function multipart(fields: Record<string, string>, file: { filename: string; content: string } | null) {
  const boundary = `----lantern${randomUUID()}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Follows a background job's page as a person would, pressing "Check progress" until the job has
 * finished and the page sends them on (the job runs in the test app's own process meanwhile).
 * Returns where it went: the result's page.
 */
export async function followJob(client: PageClient, jobUrl: string, tries = 400): Promise<string> {
  if (!/^\/identification\/jobs\/[0-9a-f-]{36}$/.test(jobUrl)) throw new Error(`Not a job page: ${jobUrl}`);
  for (let i = 0; i < tries; i += 1) {
    const page = await client.get(jobUrl);
    if (page.statusCode === 303 || page.statusCode === 302) return page.headers.location as string;
    if (page.statusCode !== 200) throw new Error(`The job page answered ${page.statusCode}`);
    if (!page.body.includes('Check progress')) return jobUrl;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`The job at ${jobUrl} did not finish`);
}
