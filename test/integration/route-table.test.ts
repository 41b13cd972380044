import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { userRoles } from '../../src/domain/codes.ts';

describe('the route table', () => {
  let t: TestDatabase;
  let app: LanternApp;
  let client: PageClient;

  beforeAll(async () => {
    t = await testDatabase('pglite');
    const p = await makePartnership(t.db);
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    app = await testApp(t.db);
    client = new PageClient(app);
    await client.signIn(user.email, testPassword);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('has routes', () => {
    expect(app.routeTable.length).toBeGreaterThan(20);
  });

  it('declares who may call every route', () => {
    const undeclared = app.routeTable.filter((r) => {
      if (r.method === 'HEAD') return false;
      const a = r.access;
      return !(a === 'public' || a === 'signed-in' || (Array.isArray(a) && a.length > 0 && a.every((role) => userRoles.includes(role))));
    });
    expect(undeclared).toEqual([]);
  });

  it('keeps public routes to sign-in (and single sign-on), invitation links, health, the home redirect, the API description and the service directory', () => {
    const publicRoutes = [...new Set(app.routeTable.filter((r) => r.access === 'public').map((r) => r.url))].sort();
    expect(publicRoutes).toEqual([
      '/', '/api/v1/openapi.json', '/health',
      // Invitation links: choosing a password, or taking the invitation up through a single sign-on issuer.
      '/invitations/:invitationId', '/invitations/:invitationId/single-sign-on',
      // The public service directory (no personal data) and its Open Referral UK API, all read-only.
      '/openreferral/', '/openreferral/export', '/openreferral/openapi.json', '/openreferral/service_at_locations',
      '/openreferral/service_at_locations/:serviceAtLocationId', '/openreferral/services', '/openreferral/services/:serviceId',
      '/openreferral/taxonomies', '/openreferral/taxonomies/:taxonomyId', '/openreferral/taxonomy_terms', '/openreferral/taxonomy_terms/:taxonomyTermId',
      '/services', '/services/:serviceId',
      '/sign-in',
      // Single sign-on: starting it, the issuer's answer, and the page for people waiting for a role.
      '/sso/callback', '/sso/pending', '/sso/sign-in',
    ]);
  });

  it('keeps the admin area and the admin API to administrators', () => {
    const adminRoutes = app.routeTable.filter((r) => r.method !== 'HEAD' && /^\/(admin|api\/v1\/(users|agencies|teams|districts|admin))(\/|$)/.test(r.url));
    expect(adminRoutes.length).toBeGreaterThan(30);
    expect(adminRoutes.filter((r) => JSON.stringify(r.access) !== '["administrator"]')).toEqual([]);
  });

  it('has every browser download of personal data send a single sign-on session back to its issuer first', () => {
    const downloads = app.routeTable.filter((r) => r.method === 'GET' && !r.url.startsWith('/api/') && /\.(csv|json|pdf)$/.test(r.url));
    const reauthenticated = downloads.filter((r) => r.reauthenticate).map((r) => r.url).sort();
    expect(reauthenticated).toEqual([
      '/audit/events.csv',
      '/data-protection/subject-access/people/:personId/export.json',
      '/data-protection/subject-access/people/:personId/export.pdf',
      '/identification/households.csv',
      '/supporting-families/claims.csv',
    ]);
    // Each other download, and why it does not need it: figures, made-up samples, references only, or a family's own letter.
    const without: Record<string, string> = {
      '/cases/:caseId/letters/:letterId/letter.pdf': 'a letter to the family, printed as part of the casework itself',
      '/cost-benefit/:analysisId/analysis.csv': 'cost figures', '/cost-benefit/:analysisId/analysis.pdf': 'cost figures',
      '/costs/unit-costs.csv': 'unit costs',
      '/data-protection/retention/due.csv': 'record types and references, no names',
      '/identification/sample-extract.csv': 'made-up rows showing an extract format',
      '/needs-analysis/age-bands.csv': 'counts', '/needs-analysis/areas.csv': 'counts', '/needs-analysis/audits/:auditId/results.csv': 'counts of case files',
      '/needs-analysis/districts.csv': 'counts', '/needs-analysis/estimates.csv': 'counts', '/needs-analysis/overlap/combinations.csv': 'counts',
      '/needs-analysis/overlap/numbers.csv': 'counts', '/needs-analysis/populations/:populationSetId/population.csv': 'population counts', '/needs-analysis/report.pdf': 'counts',
      '/openreferral/openapi.json': 'the public directory’s API description',
      '/outcomes-report/figures.csv': 'aggregates', '/outcomes-report/report.pdf': 'aggregates', '/outcomes-report/transitions.csv': 'counts',
    };
    expect(downloads.filter((r) => !r.reauthenticate).map((r) => r.url).sort()).toEqual(Object.keys(without).sort());
  });

  it('names every route parameter as an id', () => {
    const params = app.routeTable.flatMap((r) => [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1]));
    expect(params.length).toBeGreaterThan(0);
    expect(params.filter((name) => !name.endsWith('Id'))).toEqual([]);
  });

  it('answers 404, never 500, when an id parameter is not a UUID', async () => {
    const withParams = app.routeTable.filter((r) => r.url.includes(':') && r.method !== 'HEAD');
    for (const route of withParams) {
      const url = route.url.replace(/:(\w+)/g, 'not-a-uuid');
      const method = [route.method].flat()[0];
      const response = method === 'GET' ? await client.get(url) : await client.post(url, {});
      expect({ url: route.url, method, status: response.statusCode }).toEqual({ url: route.url, method, status: 404 });
    }
  });
});
