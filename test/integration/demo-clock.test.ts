import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { seedDemoCasework } from '../../src/modules/demo/casework.ts';
import { seedDemoOutcomes } from '../../src/modules/demo/outcomes.ts';
import { services, type Services } from '../../src/services.ts';
import { demoSignIns } from '../../src/domain/demo/generator.ts';
import { addDays } from '../../src/domain/casework/due.ts';
import { testClock } from '../support/clock.ts';
import { actorByEmail } from '../support/factories.ts';

/**
 * The demo is laid out around the clock's today, so a demo started on any day is alive: referrals
 * this week, first visits due, follow-ups due. Checked on two dates far apart (one a leap day).
 */
describe.each(['2027-08-17', '2028-02-29'])('the demo started on %s', (today) => {
  let t: TestDatabase;
  let s: Services;
  const actor = (email: string) => actorByEmail(t.db, email);

  beforeAll(async () => {
    t = await testDatabase('pglite');
    const clock = testClock(today);
    await seedDemo(t.owner, { families: 120, seed: 7, passwordHash: 'not-used', today: clock.today() });
    s = services(t.db, { sessionHours: 8, clock });
    await seedDemoCasework(s);
    await seedDemoOutcomes(s);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('has referrals received this week', async () => {
    const [r] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM referral WHERE received_at::date BETWEEN $1::date AND $2::date`, [addDays(today, -7), today]);
    expect(r.n).toBeGreaterThan(0);
  });

  it('gives the demo key worker first visits due on My work', async () => {
    const work = await s.work.myWork(await actor(demoSignIns[0].email));
    expect(work.today).toBe(today);
    expect(work.due.map((d) => d.item.kind)).toContain('first_visit');
  });

  it('gives the demo team follow-ups due this month', async () => {
    const [r] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM follow_up WHERE done_on IS NULL AND due_on BETWEEN $1::date AND $2::date`, [addDays(today, -30), addDays(today, 30)]);
    expect(r.n).toBeGreaterThan(0);
    const team = await s.work.teamWork(await actor(demoSignIns[1].email));
    expect(team.workers.length).toBeGreaterThan(0);
  });
});
