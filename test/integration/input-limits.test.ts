import { randomUUID } from 'node:crypto';
import { followJob } from '../support/jobs.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeDatedCase } from '../support/casework-factories.ts';
import { anAgreement, anExtractRow, extractCsv } from '../support/identification-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { testClock } from '../support/clock.ts';
import type { LanternApp } from '../../src/app.ts';
import { services, type Services } from '../../src/services.ts';
import { seedCostBenefitDemo } from '../../src/modules/costs/demo.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { staleMeasuresMessage } from '../../src/modules/outcomes/service.ts';

describe.each(engines)('limits on input on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;
  let analystToken: string;
  let workerToken: string;
  let analyst: PageClient;
  let familyId: string;
  let caseId: string;
  let personId: string;
  let analystActor: Actor;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    const worker = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, email: 'kw@test.example' });
    analystActor = await makeUser(t.db, { role: 'analyst', agencyId: csc, email: 'analyst@test.example' });
    s = services(t.db, { sessionHours: 8, clock: testClock() });
    analystToken = await s.access.createApiToken('analyst@test.example', 'test');
    workerToken = await s.access.createApiToken(worker.email, 'test');
    await t.db.transaction((tx) => seedCostBenefitDemo(tx));
    const family = await s.families.createFamily(worker, { family: aFamily(), members: [aMember()] });
    familyId = family.id;
    personId = (await t.db.query<{ id: string }>('SELECT id FROM person WHERE family_id = $1', [familyId]))[0].id;
    caseId = (await makeDatedCase(t.db, { familyId, referredAt: '2026-10-01T10:00:00Z', state: 'intervention', keyWorkerId: worker.id })).caseId;
    app = await testApp(t.db);
    analyst = new PageClient(app);
    await analyst.signIn('analyst@test.example', testPassword);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
  const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  describe('cost-benefit figures', () => {
    const analysis = (lines: object[]) => ({
      name: `Huge ${randomUUID()}`, families: '1', priceYear: '2024/25', deliveryCost: '1000', lines,
    });

    it('refuses 1,000,000 children x £1,000,000,000 a week x 100,000 weeks with a clear field message', async () => {
      const cost = await api('POST', '/api/v1/unit-costs', analystToken, {
        key: 'very_dear_week', label: 'A very dear placement', amount: '1000000000', unit: 'week', priceYear: '2024/25', source: 'Test',
      });
      expect(cost.statusCode).toBe(201);
      const before = await count('cost_benefit_analysis');
      const response = await api('POST', '/api/v1/cost-benefit', analystToken, analysis([
        { description: 'Everyone in care for ever', count: '1000000', countOf: 'children', unitCostKey: 'very_dear_week', quantity: '100000' },
      ]));
      expect(response.statusCode).toBe(400);
      expect(response.json().fields).toEqual({
        'lines.0.count': 'Line 1 comes to more than £10,000,000,000 (number x unit cost x quantity): check the number, the unit cost and the quantity',
      });
      expect(await count('cost_benefit_analysis')).toBe(before);
      const fits = await api('POST', '/api/v1/cost-benefit', analystToken, analysis([
        { description: 'Ten children for ten weeks', count: '10', countOf: 'children', unitCostKey: 'very_dear_week', quantity: '1' },
      ]));
      expect(fits.statusCode).toBe(201);
    });

    it('still opens a record saved before the limits existed, showing the problem instead of a 500', async () => {
      const [{ id }] = await t.db.query<{ id: string }>('SELECT id FROM cost_benefit_analysis LIMIT 1');
      // As a save before the limits could leave it: far beyond 2^53 pence.
      await t.db.query('UPDATE cost_benefit_line SET count = 1000000, amount_pence = 100000000000, quantity_hundredths = 10000000 WHERE analysis_id = $1 AND position = 1', [id]);
      const read = await api('GET', `/api/v1/cost-benefit/${id}`, analystToken);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ result: null, problem: expect.stringContaining('Line 1 comes to more than £10,000,000,000') });
      const page = await analyst.get(`/cost-benefit/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Line 1 comes to more than £10,000,000,000');
      expect((await analyst.get(`/cost-benefit/${id}/analysis.pdf`)).statusCode).toBe(200);
    });

    it('publishes the limits in the OpenAPI document', async () => {
      const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
      const line = doc.components.schemas.CostBenefitAnalysis.properties.lines.items.properties;
      expect(line.description.maxLength).toBe(300);
      expect(line.count.description).toContain('0 to 1,000,000');
      expect(line.quantity.description).toContain('0 to 100,000');
    });
  });

  describe('versions', () => {
    it('refuses a version that is not a whole number: true, "1", 1.5', async () => {
      for (const version of [true, '1', 1.5, null]) {
        const response = await api('PUT', `/api/v1/families/${familyId}`, workerToken, { ...aFamily(), version });
        expect(response.statusCode).toBe(400);
        expect(response.json().fields).toEqual({ version: 'The version you read is missing: reload the page and try again' });
      }
      const family = await t.db.query<{ version: number }>('SELECT version FROM family WHERE id = $1', [familyId]);
      expect(family[0].version).toBe(1);
    });
  });

  describe('outcome measures', () => {
    const save = (version: unknown, attendancePercent: number) => api('PUT', `/api/v1/cases/${caseId}/outcomes`, workerToken, {
      timePoint: 'referral', recordedOn: '2026-10-01', members: [{ personId, attendancePercent }], version,
    });

    it('lets exactly one of 50 concurrent saves win; the rest get 409 with a clear message', async () => {
      const first = await Promise.all(Array.from({ length: 50 }, (_, i) => save(0, i)));
      expect(first.filter((r) => r.statusCode === 200)).toHaveLength(1);
      const refused = first.filter((r) => r.statusCode === 409);
      expect(refused).toHaveLength(49);
      expect(refused[0].json()).toEqual({ error: 'conflict', message: staleMeasuresMessage });
      const read = (await api('GET', `/api/v1/cases/${caseId}/outcomes`, workerToken)).json();
      expect(read.timePoints.find((p: { timePoint: string }) => p.timePoint === 'referral').version).toBe(1);

      const second = await Promise.all(Array.from({ length: 50 }, (_, i) => save(1, i)));
      expect(second.filter((r) => r.statusCode === 200)).toHaveLength(1);
      expect(second.filter((r) => r.statusCode === 409)).toHaveLength(49);
      const winner = second.findIndex((r) => r.statusCode === 200);
      const stored = await t.db.query<{ attendance_percent: string; version: number }>(
        'SELECT m.attendance_percent, h.version FROM outcome_measure m JOIN outcome_measure h ON h.case_id = m.case_id AND h.time_point = m.time_point AND h.person_id IS NULL WHERE m.person_id = $1', [personId]);
      expect(stored).toEqual([{ attendance_percent: expect.anything(), version: 2 }]);
      expect(Number(stored[0].attendance_percent)).toBe(winner);
    });

    it('refuses a version that is not a whole number', async () => {
      const response = await save(true, 50);
      expect(response.statusCode).toBe(400);
      expect(response.json().fields).toEqual({ version: 'The version you read is missing: reload the page and try again' });
    });
  });

  describe('files', () => {
    it('answers an extract with a stray quote with the row, field and reason, and loads nothing', async () => {
      const agreementId = await s.identification.createAgreement(analystActor, anAgreement());
      const csv = extractCsv('police-da', [anExtractRow('police-da', 1)]).split('\n');
      const header = csv[0];
      const broken = `${header}\nQ1,ab"c,X,${csv[1].split(',').slice(3).join(',')}\n`;
      await analyst.get('/identification/upload');
      const before = await count('source_record');
      const response = await analyst.upload('/identification/upload', { source: 'police-da', agreementId }, { name: 'file', filename: 'broken.csv', text: broken });
      expect(response.statusCode).toBe(303);
      // The rows are read by a background job; its page sends the analyst back to the form with the problems.
      expect(await followJob(analyst, response.headers.location as string)).toBe('/identification/upload');
      const page = await analyst.get('/identification/upload');
      expect(page.body).toContain('<title>Error: ');
      expect(page.body).toContain('broken.csv: The file cannot be read: nothing was loaded');
      expect(page.body).toContain('row 2: file cannot be read as CSV (invalid opening quote): a cell has a stray double quote');
      expect(await count('source_record')).toBe(before);
    });

    it('answers an extract with a NUL in its header or cells with row problems, never a 500', async () => {
      const agreementId = await s.identification.createAgreement(analystActor, anAgreement({ name: 'NUL test agreement' }));
      const [header, row] = extractCsv('police-da', [anExtractRow('police-da', 2)]).split('\n');
      const send = async (name: string, content: string) => {
        await analyst.get('/identification/upload');
        const response = await analyst.upload('/identification/upload', { source: 'police-da', agreementId }, { name: 'file', filename: name, text: content });
        expect(response.statusCode).toBe(303);
        expect(await followJob(analyst, response.headers.location as string)).toBe('/identification/upload');
        const page = await analyst.get('/identification/upload');
        expect(page.statusCode).toBe(200);
        return page.body;
      };
      expect(await send('header.csv', `x\u0000${header}\n${row}\n`)).toContain('header.csv: The file’s columns do not match the format: nothing was loaded');
      const cell = await send('cell.csv', `${header}\n${row.replace(/^([^,]*),/, '$1\u0000,')}\n`);
      expect(cell).toContain('cell.csv: 1 of 1 rows have problems: nothing was loaded');
      expect(cell).toContain('must not contain a hidden NUL character');
    });

    it('answers a population CSV with a stray quote or an impossible number with row messages (400), changing nothing', async () => {
      const created = await analyst.post('/needs-analysis/populations', { name: 'Stray quote test', source: '', covers: 'districts' });
      const set = { id: (created.headers.location as string).split('/').at(-1)!.split('?')[0] };
      const before = await t.db.query('SELECT * FROM population ORDER BY 1');
      for (const csv of [
        'district,age_band,children,births,families,people\nRiverside,0-15,ab"c,1,1,1\n',
        'district,age_band,children,births,families,people\nRiverside,"0-15,1,1,1,1\n',
        'district,age_band,children,births,families,people\nRiverside,0-15,99999999999999999999999,1,1,1\n',
      ]) {
        const put = await app.inject({ method: 'PUT', url: `/api/v1/needs-analysis/populations/${set.id}`, payload: csv, headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'text/csv' } });
        expect(put.statusCode).toBe(400);
        expect(Object.values(put.json().fields as Record<string, string>).filter((m) => m.startsWith('row 2: '))).toHaveLength(1);
      }
      expect(await t.db.query('SELECT * FROM population ORDER BY 1')).toEqual(before);
    });
  });
});
