import type { LanternApp } from '../../src/app.ts';
import { PageClient } from './http.ts';
import type { TestProvider } from './oidc-provider.ts';

/** Lantern is reached through app.inject at this address; the provider is real, on a local port. */
export const lantern = 'http://lantern.test';

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

/**
 * A browser for two sites: Lantern (through PageClient, which keeps Lantern's cookie) and the
 * provider (real HTTP with its own cookie jar). Follows redirects; on the provider's login page
 * it signs in as `login`.
 */
export class TwoSiteBrowser {
  readonly lantern: PageClient;
  private readonly jar = new Map<string, string>();
  constructor(app: LanternApp, private readonly provider: TestProvider) {
    this.lantern = new PageClient(app);
  }

  private cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response) {
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair.indexOf('=');
      this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  }

  /** Opens a URL and follows redirects across both sites; returns where it stopped. */
  async open(start: string, options: { login?: string; stopAtProvider?: boolean; rewrite?: (url: URL) => URL } = {}) {
    let url = new URL(start, lantern);
    for (let hop = 0; hop < 25; hop += 1) {
      if (url.origin === lantern) {
        const r = await this.lantern.get(url.pathname + url.search);
        if (isRedirect(r.statusCode)) { url = new URL(String(r.headers.location), url); continue; }
        return { status: r.statusCode, body: r.body, path: url.pathname };
      }
      if (options.stopAtProvider) return { status: 0, body: '', path: url.pathname, url };
      const r = await fetch(url, { redirect: 'manual', headers: { cookie: this.cookieHeader() } });
      this.keep(r);
      if (isRedirect(r.status)) {
        url = new URL(r.headers.get('location')!, url);
        if (url.origin === lantern && options.rewrite) url = options.rewrite(url);
        continue;
      }
      const body = await r.text();
      // The provider's login form, or its self-submitting forms (ending its session when someone else signs in).
      const login = /action="(\/interaction\/[^"]+\/login)"/.exec(body);
      const auto = body.includes('document.forms[0].submit()') ? /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(body) : null;
      const form = login && options.login !== undefined ? { action: login[1], fields: new URLSearchParams({ login: options.login }) }
        : auto ? { action: auto[1], fields: new URLSearchParams([...auto[2].matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]] as [string, string])) }
        : null;
      if (!form) return { status: r.status, body, path: url.pathname };
      const posted = await fetch(new URL(form.action, url), {
        method: 'POST', redirect: 'manual', body: form.fields, headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      });
      this.keep(posted);
      if (!isRedirect(posted.status)) return { status: posted.status, body: await posted.text(), path: url.pathname };
      url = new URL(posted.headers.get('location')!, url);
    }
    throw new Error('too many redirects');
  }

  /** Signs in to Lantern through the issuer's button, as `login` at the provider. */
  signIn(issuerId: string, login: string, options: { rewrite?: (url: URL) => URL } = {}) {
    return this.open(`/sso/sign-in?issuer=${issuerId}`, { login, ...options });
  }
}

