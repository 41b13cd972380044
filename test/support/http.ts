import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions, type LanternApp } from '../../src/app.ts';
import { services } from '../../src/services.ts';
import type { Database } from '../../src/db/database.ts';
import { TEST_TODAY, testClock } from './clock.ts';
import { codeFor, currentCode } from './second-factor.ts';

/** Each test app's database, so the sign-in helper can complete a second factor. */
const databases = new WeakMap<LanternApp, Database>();
/** For a test that builds its app itself: where PageClient finds the database to read a second-factor code from. */
export function rememberDatabase(app: LanternApp, db: Database): void {
  databases.set(app, db);
}

/** options: the app's settings beyond the defaults (trusted proxies, upload limits, a logger). */
export async function testApp(db: Database, today = TEST_TODAY, options: Partial<Omit<AppOptions, 'services'>> = {}): Promise<LanternApp> {
  const app = await buildApp({ services: services(db, { sessionHours: 8, clock: testClock(today) }), sessionHours: 8, ...options });
  await app.ready();
  databases.set(app, db);
  return app;
}

/** A browser-like client for app.inject: keeps the session cookie and the page's CSRF token. */
export class PageClient {
  cookie = '';
  csrf = '';
  constructor(private readonly app: LanternApp) {}

  private remember(response: LightMyRequestResponse) {
    const set = response.cookies.find((c) => c.name === 'lantern_session');
    if (set) this.cookie = set.value ? `lantern_session=${set.value}` : '';
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: this.cookie ? { cookie: this.cookie } : {} }));
  }

  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: string | null } = {}) {
    const fields = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null) fields.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) fields.append(k, one);
    return this.remember(await this.app.inject({
      method: 'POST', url, payload: fields.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
    }));
  }

  /** Posts a multipart form (a file upload) the way a browser does: the CSRF token first, then the fields, then the file. */
  async upload(url: string, fields: Record<string, string>, file: { name: string; filename: string; text: string }) {
    const boundary = `----lantern${randomUUID()}`;
    const parts = Object.entries({ _csrf: this.csrf, ...fields }).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: text/csv\r\n\r\n${file.text}\r\n`);
    const payload = `${parts.join('')}--${boundary}--\r\n`;
    return this.remember(await this.app.inject({ method: 'POST', url, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: this.cookie } }));
  }

  async signIn(email: string, password: string) {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password });
    if (response.statusCode !== 303 || response.headers.location !== '/my-families') {
      throw new Error(`sign-in failed: ${response.statusCode} ${response.headers.location}`);
    }
    // The session (and so its CSRF token) is new after sign-in.
    return this.passSecondFactor(email, await this.get('/my-families'));
  }

  /**
   * Administrators and analysts (and anyone with a second factor) are asked for a code after the
   * password: enter the one their app would show, or set one up as the set-up page says.
   */
  async passSecondFactor(email: string, page: LightMyRequestResponse) {
    const location = String(page.headers.location ?? '');
    if (page.statusCode === 303 && location.startsWith('/sign-in/code')) {
      const db = databases.get(this.app);
      if (!db) throw new Error('A second factor is needed: make the app with testApp(db)');
      await this.get(location);
      const answer = await this.post('/sign-in/code', { code: await currentCode(db, email), next: '' });
      if (answer.statusCode !== 303 || answer.headers.location !== '/my-families') throw new Error(`second factor failed: ${answer.statusCode} ${answer.headers.location}`);
      return this.get('/my-families');
    }
    if (page.statusCode === 303 && location.startsWith('/second-factor/set-up')) {
      const setUp = await this.get(location);
      const secret = /id="secret">([^<]+)</.exec(setUp.body)?.[1];
      if (!secret) throw new Error('the set-up page shows no key');
      const answer = await this.post('/second-factor/set-up', { code: codeFor(secret), next: '' });
      if (answer.statusCode !== 303) throw new Error(`second factor set-up failed: ${answer.statusCode}`);
      await this.get('/second-factor/recovery-codes');
      return this.get('/my-families');
    }
    return page;
  }
}
