/**
 * Closed cases with outcome measures for the demo, so the programme evaluation and the claims
 * show figures after `npm start`. The Intensive Family Support cohort is built to Family Action's
 * published shape (14 children on a CP plan at referral, 5 at closure; 14 Child in Need, 6 at
 * closure; 5 of 8 offenders; 8 of 12 families with ASB; 13 of 40 families into work), the early
 * intervention cohort to Families Plus's (2 LAC to CIN, 3 CP to CIN, 2 CIN to none).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import { problemAreasFromMeasures } from '../../domain/outcomes/claims.ts';
import { emptyHouseholdMeasures, emptyMemberMeasures, type HouseholdMeasures, type MemberMeasures, type TimePoint, type WorkStep } from '../../domain/outcomes/measures.ts';
import { londonInstant } from '../../domain/clock.ts';
import { followUpSchedule } from '../../domain/casework/due.ts';
import type { Services } from '../../services.ts';
import { outcomesRepository } from '../outcomes/repository.ts';
import { demoSignIns } from '../../domain/demo/generator.ts';

const intensive = '5d0c1e4a-0001-4a00-8000-000000000003';
const earlyIntervention = '5d0c1e4a-0001-4a00-8000-000000000002';

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

type Plan = Partial<Record<TimePoint, { child?: Partial<MemberMeasures>; adult?: Partial<MemberMeasures>; household?: Partial<HouseholdMeasures> }>>;

/** What each of the 40 Intensive Family Support families looked like at referral, closure and 6 months after. */
function intensivePlan(i: number): Plan {
  const child: Record<string, Partial<MemberMeasures>> = { referral: {}, closure: {}, follow_up_6: {} };
  const adult: Record<string, Partial<MemberMeasures>> = { referral: {}, closure: {}, follow_up_6: {} };
  const set = (who: typeof child, before: Partial<MemberMeasures>, after: Partial<MemberMeasures>, later: Partial<MemberMeasures> = after) => {
    Object.assign(who.referral, before);
    Object.assign(who.closure, after);
    Object.assign(who.follow_up_6, later);
  };
  if (i < 14) set(child, { legalStatus: 'child_protection_plan', atRiskOfRemoval: i < 6 }, { legalStatus: i < 9 ? 'child_in_need' : 'child_protection_plan' });
  else if (i < 28) set(child, { legalStatus: 'child_in_need' }, { legalStatus: i < 22 ? 'none' : 'child_in_need' });
  else set(child, { legalStatus: 'none' }, { legalStatus: 'none' });
  const offences: [number, number][] = [[3, 1], [6, 2], [2, 0], [4, 1], [9, 3], [3, 2], [2, 1], [1, 1]];
  if (i >= 28 && i < 36) set(child, { offences12m: offences[i - 28][0] }, { offences6m: offences[i - 28][1] });
  const asb: [number, number][] = [[10, 2], [5, 1], [20, 4], [10, 0], [6, 1], [15, 3], [8, 1], [5, 0], [10, 3], [4, 1], [6, 2], [12, 5]];
  if (i < 12) set(adult, { asb12m: asb[i][0] }, { asb6m: asb[i][1] });
  const attendance = [62, 70, 80, 75, 55, 84, 91, 68, 79, 88];
  const gain = [23, 19, 12, 19, 30, 2, -1, 17, 14, 4];
  const a = attendance[i % attendance.length];
  set(child, { attendancePercent: a, exclusions: i % 5 === 0 ? 1 : 0 }, { attendancePercent: Math.min(100, a + gain[i % gain.length]), exclusions: 0 });
  if (i % 3 === 0 && i < 39) {
    const step: WorkStep = (['volunteering', 'course', 'interview', 'job'] as const)[(i / 3) % 4];
    set(adult, {}, { workSteps: [step] });
  }
  if (i % 4 === 1) set(adult, { substanceTreatment: 'not_engaged' }, { substanceTreatment: 'engaged' }, { substanceTreatment: i % 8 === 1 ? 'completed' : 'not_engaged' });
  const police = 2 + (i % 5);
  const household = {
    referral: { policeCallOuts: police, domesticAbuseIncidents: i % 6 === 0 ? 2 : 0 },
    closure: { policeCallOuts: Math.floor(police / 3), domesticAbuseIncidents: 0 },
    follow_up_6: { policeCallOuts: Math.floor(police / 3), domesticAbuseIncidents: 0 },
  };
  const admissions = i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0;
  Object.assign(adult.referral, { emergencyAdmissions: admissions });
  Object.assign(adult.closure, { emergencyAdmissions: admissions > 1 ? 1 : 0 });
  Object.assign(child.referral, { daysInCare: i < 3 ? 40 : 0 });
  Object.assign(child.closure, { daysInCare: i < 3 ? 10 : 0 });
  return Object.fromEntries((['referral', 'closure', 'follow_up_6'] as const).map((t) => [t, { child: child[t], adult: adult[t], household: household[t] }]));
}

/** Families Plus: 2 LAC to CIN, 3 CP to CIN, 2 CIN to no involvement, 3 CP still on a plan; every child at risk stays at home. */
function earlyPlan(i: number): Plan {
  const moves: [MemberMeasures['legalStatus'], MemberMeasures['legalStatus'], boolean][] = [
    ['looked_after', 'child_in_need', true], ['looked_after', 'child_in_need', true], ['child_protection_plan', 'child_in_need', true],
    ['child_protection_plan', 'child_in_need', true], ['child_protection_plan', 'child_in_need', true], ['child_in_need', 'none', false],
    ['child_in_need', 'none', false], ['child_protection_plan', 'child_protection_plan', true], ['child_protection_plan', 'child_protection_plan', true],
    ['child_protection_plan', 'child_protection_plan', true],
  ];
  const [from, to, atRisk] = moves[i];
  return {
    referral: { child: { legalStatus: from, atRiskOfRemoval: atRisk, daysInCare: from === 'looked_after' ? 60 : 0 }, adult: { substanceTreatment: 'not_engaged' }, household: { policeCallOuts: 3 } },
    closure: { child: { legalStatus: to, daysInCare: 0 }, adult: { substanceTreatment: 'engaged' }, household: { policeCallOuts: 1 } },
    follow_up_6: { child: { legalStatus: to }, adult: { substanceTreatment: i % 2 ? 'completed' : 'engaged' }, household: { policeCallOuts: 1 } },
  };
}

async function closedCase(tx: Queryable, o: { familyId: string; programmeId: string; keyWorkerId: string; referredOn: string; closedOn: string; today: string }) {
  const referralId = randomUUID();
  const caseId = randomUUID();
  await tx.query(
    `INSERT INTO referral (id, reference, family_id, subject, received_at, referrer_name, referrer_agency, referrer_contact, reasons, urgency, consent, status, programme_id, decided_at)
     VALUES ($1, 'REF-' || lpad(nextval('referral_reference_seq')::text, 6, '0'), $2, '{}'::jsonb, $3::date, 'Northvale Children''s Services', 'Northvale Children''s Services', 'front.door@northvale.example',
       'Multiple needs: school attendance, offending or anti-social behaviour, and children subject to plans.', 'routine', 'given', 'accepted', $4, $3::date)`,
    [referralId, o.familyId, o.referredOn, o.programmeId]);
  await tx.query(
    `INSERT INTO casefile (id, reference, family_id, referral_id, programme_id, state, key_worker_id, opened_at, first_visit_due_at, allocated_at, closed_at,
       closure_reason, step_down_tier, step_down_to, closing_summary, closed_by)
     VALUES ($1, 'CASE-' || lpad(nextval('casefile_reference_seq')::text, 6, '0'), $2, $3, $4, 'closed', $5, $6::date, $6::date + 3, $6::date + 1, $7::date, 'goals_achieved', 2, 'Early help hub',
       'Goals in the plan met; stepped down to the early help hub with follow-ups at 1, 3, 6 and 12 months.', $5)`,
    [caseId, o.familyId, referralId, o.programmeId, o.keyWorkerId, o.referredOn, o.closedOn]);
  await tx.query(`INSERT INTO assessment (id, case_id, started_at, started_by, completed_at, completed_by) VALUES ($1, $2, $3::date + 5, $4, $3::date + 20, $4)`, [randomUUID(), caseId, o.referredOn, o.keyWorkerId]);
  const planId = randomUUID();
  await tx.query(`INSERT INTO family_plan (id, case_id, number, status, created_by, created_at, agreed_at) VALUES ($1, $2, 1, 'agreed', $4, $3::date + 25, $3::date + 28)`, [planId, caseId, o.referredOn, o.keyWorkerId]);
  // Follow-ups on the usual schedule, laid out from the clock's today: those more than three weeks
  // past were done; the rest are due or overdue, so the team's lists have maintenance visits in them.
  for (const f of followUpSchedule(o.closedOn)) {
    const done = f.dueOn < addDays(o.today, -21);
    await tx.query(
      `INSERT INTO follow_up (id, case_id, months_after, due_on, done_on, outcome_note, done_by, recorded_at)
       VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8)`,
      [randomUUID(), caseId, f.monthsAfter, f.dueOn, done ? addDays(f.dueOn, 2) : null, done ? 'Visited at home; the family are managing well and using the early help hub.' : '',
        done ? o.keyWorkerId : null, done ? londonInstant(addDays(f.dueOn, 2), '15:00') : null]);
  }
  return { caseId, planId };
}

export async function seedDemoOutcomes(services: Services): Promise<{ cases: number }> {
  const today = services.clock.today();
  return services.db.transaction(async (tx) => {
    const [team] = await tx.query<{ team_id: string; id: string }>('SELECT team_id, id FROM app_user WHERE email = $1', [demoSignIns[0].email]);
    // The team's other practitioners held these cases, so the demo key worker's own list stays as the README describes it.
    const workers = await tx.query<{ id: string }>(
      `SELECT id FROM app_user WHERE team_id = $1 AND role = 'practitioner' AND active AND NOT (email = ANY($2::text[])) ORDER BY email`,
      [team.team_id, demoSignIns.map((d) => d.email)]);
    const families = await tx.query<{ id: string; adult_id: string; child_id: string }>(
      `SELECT f.id,
              (SELECT p.id FROM person p WHERE p.family_id = f.id AND p.member_type = 'adult' ORDER BY p.date_of_birth LIMIT 1) AS adult_id,
              (SELECT p.id FROM person p WHERE p.family_id = f.id AND p.member_type = 'child' ORDER BY p.date_of_birth DESC LIMIT 1) AS child_id
         FROM family f
        WHERE NOT EXISTS (SELECT 1 FROM casefile c WHERE c.family_id = f.id)
          AND EXISTS (SELECT 1 FROM person p WHERE p.family_id = f.id AND p.member_type = 'adult')
          AND EXISTS (SELECT 1 FROM person p WHERE p.family_id = f.id AND p.member_type = 'child')
        ORDER BY f.reference LIMIT 50`);
    const cohorts = [
      ...Array.from({ length: 40 }, (_, i) => ({ programmeId: intensive, plan: intensivePlan(i), weeks: 26 })),
      ...Array.from({ length: 10 }, (_, i) => ({ programmeId: earlyIntervention, plan: earlyPlan(i), weeks: 12 })),
    ];
    let made = 0;
    for (const [i, f] of families.entries()) {
      const cohort = cohorts[i];
      if (!cohort) break;
      const keyWorkerId = workers[i % workers.length]?.id ?? team.id;
      // Referred 13 to 18 months ago, so the 6-month follow-up after closure has happened.
      const referredOn = addDays(today, -(400 + ((i * 37) % 150)));
      const closedOn = addDays(referredOn, cohort.weeks * 7);
      const dates: Partial<Record<TimePoint, string>> = { referral: addDays(referredOn, 2), closure: closedOn, follow_up_6: addDays(closedOn, 183) };
      const { caseId, planId } = await closedCase(tx, { familyId: f.id, programmeId: cohort.programmeId, keyWorkerId, referredOn, closedOn, today });
      await tx.query(`UPDATE family_professional SET is_lead = false WHERE family_id = $1`, [f.id]);
      const lead = await tx.query<{ id: string }>(`UPDATE family_professional SET is_lead = true, left_on = NULL WHERE family_id = $1 AND user_id = $2 RETURNING id`, [f.id, keyWorkerId]);
      if (!lead.length) {
        await tx.query(`INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES ($1, $2, $3, 'Key worker', true, $4)`,
          [randomUUID(), f.id, keyWorkerId, referredOn]);
      }
      const members: { memberType: 'adult' | 'child'; measures: Partial<Record<TimePoint, MemberMeasures>> }[] = [{ memberType: 'adult', measures: {} }, { memberType: 'child', measures: {} }];
      const household: Partial<Record<TimePoint, HouseholdMeasures>> = {};
      for (const [t, m] of Object.entries(cohort.plan) as [TimePoint, NonNullable<Plan[TimePoint]>][]) {
        const adult = { ...emptyMemberMeasures(), ...m.adult };
        const child = { ...emptyMemberMeasures(), ...m.child };
        const home = { ...emptyHouseholdMeasures(), ...m.household };
        members[0].measures[t] = adult;
        members[1].measures[t] = child;
        household[t] = home;
        const recordedOn = dates[t]!;
        const recordedAt = londonInstant(recordedOn, '16:00');
        await outcomesRepository.upsert(tx, randomUUID(), { caseId, personId: f.adult_id, timePoint: t, recordedOn, recordedAt, ...adult, sources: {}, userId: keyWorkerId });
        await outcomesRepository.upsert(tx, randomUUID(), { caseId, personId: f.child_id, timePoint: t, recordedOn, recordedAt, ...child, sources: {}, userId: keyWorkerId });
        await outcomesRepository.upsert(tx, randomUUID(), { caseId, personId: null, timePoint: t, recordedOn, recordedAt, ...home, sources: {}, userId: keyWorkerId });
      }
      // One goal for each problem the measures show, and family relationships for every family; most reached "mostly there".
      const areas = [...problemAreasFromMeasures({ members, household }), 'family_relationships'];
      for (const [position, area] of areas.entries()) {
        await tx.query(
          `INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area, distance_travelled) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [randomUUID(), planId, randomUUID(), position + 1, `Our goal for ${area.replace(/_/g, ' ')}`, area, (i + position) % 4 === 0 ? 3 : 4]);
      }
      made += 1;
    }
    return { cases: made };
  });
}
