import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions, type LanternApp } from '../../src/web/app.ts';
import { services } from '../../src/services.ts';
import type { Database } from '../../src/db/database.ts';
import { TEST_TODAY, testClock } from './clock.ts';

/** options: the app's settings beyond the defaults (trusted proxies, upload limits, a logger). */
export async function testApp(db: Database, today = TEST_TODAY, options: Partial<Omit<AppOptions, 'services'>> = {}): Promise<LanternApp> {
  const app = await buildApp({ services: services(db, { sessionHours: 8, clock: testClock(today) }), sessionHours: 8, ...options });
  await app.ready();
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

  async signIn(email: string, password: string) {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password });
    if (response.statusCode !== 303 || response.headers.location !== '/my-families') {
      throw new Error(`sign-in failed: ${response.statusCode} ${response.headers.location}`);
    }
    // The session (and so its CSRF token) is new after sign-in.
    return this.get('/my-families');
  }
}
