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

  it('gives every case and referral a reference in one format: digits only, never a letter O for a zero', async () => {
    const refs = await t.db.query<{ reference: string }>('SELECT reference FROM casefile UNION ALL SELECT reference FROM referral');
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => !/^(CASE|REF)-\d{6}$/.test(r.reference))).toEqual([]);
  });

  it('writes a referral’s reasons about the family it is about: a mother, father or named carer only where the household has one', async () => {
    const referrals = await t.db.query<{ reference: string; reasons: string; subject: { members?: { givenName: string; role: string }[] }; family_id: string | null }>(
      'SELECT reference, reasons, subject, family_id FROM referral');
    const members = await t.db.query<{ family_id: string; given_name: string; role: string }>('SELECT family_id, given_name, role FROM person');
    const wrong: string[] = [];
    for (const r of referrals) {
      const household = r.family_id ? members.filter((m) => m.family_id === r.family_id).map((m) => ({ givenName: m.given_name, role: m.role })) : r.subject.members ?? [];
      if (/\b(mum|mother)\b/i.test(r.reasons) && !household.some((m) => m.role === 'mother')) wrong.push(`${r.reference}: a mother, in a household without one: ${r.reasons}`);
      if (/\b(dad|father)\b/i.test(r.reasons) && !household.some((m) => m.role === 'father')) wrong.push(`${r.reference}: a father, in a household without one: ${r.reasons}`);
      // A name in the middle of the reasons is someone in the household ("... ${carer} has been drinking heavily").
      for (const [, name] of r.reasons.matchAll(/(?:^|\. |; |look after )([A-Z][a-z]+),? (?:has|is|who)\b/g)) {
        if (!household.some((m) => m.givenName === name)) wrong.push(`${r.reference}: ${name} is not in the household: ${r.reasons}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(referrals.some((r) => /has been drinking heavily/.test(r.reasons))).toBe(true);
  });

  it('gives the demo team follow-ups due this month', async () => {
    const [r] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM follow_up WHERE done_on IS NULL AND due_on BETWEEN $1::date AND $2::date`, [addDays(today, -30), addDays(today, 30)]);
    expect(r.n).toBeGreaterThan(0);
    const team = await s.work.teamWork(await actor(demoSignIns[1].email));
    expect(team.workers.length).toBeGreaterThan(0);
  });
});
