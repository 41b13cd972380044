import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { seedDemoCasework } from '../../src/modules/demo/casework.ts';
import { seedDemoOutcomes } from '../../src/modules/demo/outcomes.ts';
import { hashPassword } from '../../src/modules/access/service.ts';
import { services, type Services } from '../../src/services.ts';
import { describeFigure, transitionLabel } from '../../src/domain/outcomes/evaluation.ts';
import { demoSignIns } from '../../src/domain/demo/generator.ts';
import { testClock } from '../support/clock.ts';
import { actorByEmail } from '../support/factories.ts';

/** The demo's closed cases carry measures, so the evaluation and the claims show figures after `npm start`. */
describe.each(engines)('the demo’s outcomes on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  const actor = (email: string) => actorByEmail(t.db, email);

  beforeAll(async () => {
    t = await testDatabase(engine);
    await seedDemo(t.owner, { families: 120, seed: 7, passwordHash: await hashPassword('lantern-demo-password'), today: '2026-11-25' });
    s = services(t.db, { sessionHours: 8, clock: testClock('2026-11-25') });
    await seedDemoCasework(s);
    expect(await seedDemoOutcomes(s)).toEqual({ cases: 50 });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('gives the Intensive Family Support cohort Family Action’s figures', async () => {
    const analyst = await actor(demoSignIns.find((d) => d.role === 'analyst')!.email);
    const report = await s.outcomes.evaluation(analyst, { programmeId: '5d0c1e4a-0001-4a00-8000-000000000003', from: '2024-11-25', to: '2026-11-25' });
    const e = report.evaluation;
    expect([e.noLongerCp, e.noLongerCin, e.offending, e.asb, e.work].map(describeFigure)).toEqual([
      '9 of 14 (64%)', '8 of 14 (57%)', '5 of 8 (63%)', '8 of 12 (67%)', '13 of 40 (33%)',
    ]);
    expect(report.links).toEqual({});
  });

  it('gives the early intervention cohort Families Plus’s movements, and shows the manager the cases', async () => {
    const manager = await actor(demoSignIns[1].email);
    const report = await s.outcomes.evaluation(manager, { programmeId: '5d0c1e4a-0001-4a00-8000-000000000002', from: '2024-11-25', to: '2026-11-25' });
    const e = report.evaluation;
    expect(e.transitions.filter((m) => m.direction === 'down').map((m) => [transitionLabel(m), m.count])).toEqual([
      ['Looked After to Child in Need', 2], ['Child Protection Plan to Child in Need', 3], ['Child in Need to no statutory involvement', 2],
    ]);
    expect(describeFigure(e.atRiskStillAtHome)).toBe('8 of 8 (100%)');
    expect(Object.keys(report.links).length).toBeGreaterThan(0);
  });

  it('leaves the demo key worker’s own families as they were', async () => {
    const [priya] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM casefile c JOIN app_user u ON u.id = c.key_worker_id WHERE u.email = $1 AND c.state = 'closed'`, [demoSignIns[0].email]);
    expect(priya.n).toBe(0);
  });

  it('lists families that can be claimed for, and totals the payment', async () => {
    const manager = await actor(demoSignIns[1].email);
    const claims = await s.outcomes.claims(manager, { from: '2024-11-25', to: '2026-11-25' });
    expect(claims.totals.eligible).toBeGreaterThan(0);
    expect(claims.totals.close + claims.results.filter((r) => r.status === 'not_eligible').length).toBeGreaterThan(0);
    expect(claims.totals.total).toBe(claims.totals.attached * 1000 + claims.totals.eligible * 800);
  });
});
