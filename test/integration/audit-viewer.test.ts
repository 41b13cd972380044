import { testClock } from '../support/clock.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';

/** Audit rows at fixed London times, as the log would hold them. */
async function event(t: TestDatabase, e: { at: string; userId: string | null; action: string; familyId?: string; outcome?: 'allowed' | 'denied' }) {
  await t.db.query(
    `INSERT INTO audit_event (at, user_id, action, record_type, record_id, family_id, outcome, ip) VALUES ($1, $2, $3, 'family', $4::text, $4::uuid, $5, '10.0.0.9')`,
    [e.at, e.userId, e.action, e.familyId ?? null, e.outcome ?? 'allowed']);
}

const rowsOf = (html: string) => [...html.matchAll(/<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([^<]*)<\/td><td class="govuk-table__cell">([^<]*)<\/td>\s*<td class="govuk-table__cell">([^<]*)<\/td><td class="govuk-table__cell">([^<]*)<\/td>\s*<td class="govuk-table__cell">([^<]*)<\/td>/g)]
  .map((m) => m.slice(1, 6).map((c) => c.replace(/&#39;/g, "'")));

describe.each(engines)('the audit viewer on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let client: PageClient;
  let reference: string;
  let priyaId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care, name: 'Ada Admin' });
    const priya = await makeUser(t.db, { agencyId: p.agencies.police, teamId: p.teamId, name: 'Priya Shah' });
    priyaId = priya.id;
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    const family = await s.families.createFamily(priya, { family: aFamily(), members: [aMember()] });
    reference = family.reference;
    // 60 reads by Priya across October and November (London time), and refusals on 3 November.
    // Appended in time order, as the log always is.
    for (let i = 0; i < 60; i++) {
      const day = String(1 + (i % 30)).padStart(2, '0');
      await event(t, { at: `2026-${i < 30 ? '10' : '11'}-${day}T09:00:00Z`, userId: priya.id, action: 'view-family', familyId: family.id });
      if (i === 32) await event(t, { at: '2026-11-03T23:30:00Z', userId: priya.id, action: 'view-family', familyId: family.id, outcome: 'denied' });
    }
    app = await testApp(t.db);
    client = new PageClient(app);
    await client.signIn(ada.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('shows names, agencies, family references and GOV.UK dates, and pages by key', async () => {
    const first = await client.get(`/audit?userId=${priyaId}&action=view-family`);
    expect(first.statusCode).toBe(200);
    const rows = rowsOf(first.body);
    expect(rows).toHaveLength(50);
    // 23:30 UTC on 3 November is 11:30pm in London (GMT); the newest is 30 November at 9am.
    expect(rows[0]).toEqual(['30 November 2026 at 9am', 'Priya Shah, Testshire Police', 'View family', `family in family ${reference}`, 'Allowed']);
    const older = /href="(\/audit\?[^"]*before=\d+[^"]*)"/.exec(first.body)?.[1].replace(/&amp;/g, '&');
    expect(older).toBeDefined();
    const second = rowsOf((await client.get(older!)).body);
    expect(second).toHaveLength(11);
    expect(second.at(-1)?.[0]).toBe('1 October 2026 at 10am');
    expect(new Set([...rows, ...second].map((r) => r[0])).size).toBe(61);
  });

  it('filters by family reference, outcome and a date range (the end day included)', async () => {
    const page = await client.get(`/audit?familyReference=${reference.toLowerCase()}&outcome=denied&from-day=3&from-month=11&from-year=2026&to-day=3&to-month=11&to-year=2026`);
    expect(rowsOf(page.body)).toEqual([['3 November 2026 at 11:30pm', 'Priya Shah, Testshire Police', 'View family', `family in family ${reference}`, 'Refused']]);
    const range = await client.get('/audit?action=view-family&from-day=1&from-month=11&from-year=2026&to-day=2&to-month=11&to-year=2026');
    expect(rowsOf(range.body).map((r) => r[0])).toEqual(['2 November 2026 at 9am', '1 November 2026 at 9am']);
  });

  it('explains a bad filter with the error summary instead of an empty page', async () => {
    const page = await client.get('/audit?familyReference=NV-999999');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Error: Audit log – Lantern</title>');
    expect(page.body).toContain('<a href="#familyReference">No family has the reference NV-999999</a>');
    expect(page.body).toContain('value="NV-999999"');
    const date = await client.get('/audit?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026');
    expect(date.body).toContain('<a href="#from-day">The start date must be a real date</a>');
    const backwards = await client.get('/audit?from-day=2&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026');
    expect(backwards.body).toContain('<a href="#to-day">The end date must be the same as or after the start date</a>');
  });

  it('exports the filtered events as CSV, and records the export', async () => {
    const csv = await client.get(`/audit/events.csv?familyReference=${reference}&outcome=denied`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')).toEqual([
      'When,Person,Agency,Action,Record type,Record,Family reference,Outcome,From',
      expect.stringMatching(new RegExp(`^3 November 2026 at 11:30pm,Priya Shah,Testshire Police,view-family,family,[0-9a-f-]{36},${reference},denied,10.0.0.9$`)),
      '',
    ]);
    const [exported] = await t.db.query<{ detail: { query: { familyReference: string }; rows: number } }>(
      `SELECT detail FROM audit_event WHERE action = 'export-audit-log'`);
    expect(exported.detail).toMatchObject({ query: { familyReference: reference }, rows: 1 });
  });
});
