import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import type { CaseState } from '../../src/domain/casework/lifecycle.ts';
import { testClock } from './clock.ts';

/** Casework test data built through plain inserts (shared by the casework modules' tests: append, do not reorder). */

export const earlyInterventionId = '5d0c1e4a-0001-4a00-8000-000000000002';
export const option2Id = '5d0c1e4a-0001-4a00-8000-000000000001';

/** A referral and a case for an existing family, in the given state, optionally with a key worker. */
export async function makeCase(db: Database, options: { familyId: string; state?: CaseState; programmeId?: string; keyWorkerId?: string | null }) {
  const referralId = randomUUID();
  const caseId = randomUUID();
  const tag = caseId.slice(0, 8);
  // Received, opened and allocated now by the tests' clock, never the machine's (the database's now()).
  const at = testClock().now();
  await db.query(
    `INSERT INTO referral (id, reference, family_id, subject, referrer_name, referrer_agency, referrer_contact, reasons, urgency, consent, status, received_at)
     VALUES ($1, $2, $3, '{}'::jsonb, 'Sam Referrer', 'Testshire Primary School', 'sam@school.example', 'Worried about the children', 'routine', 'given', 'accepted', $4)`,
    [referralId, `REF-T${tag}`, options.familyId, at]);
  await db.query(
    `INSERT INTO casefile (id, reference, family_id, referral_id, programme_id, state, key_worker_id, opened_at, first_visit_due_at, allocated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $8::timestamptz + interval '3 days', CASE WHEN $7::uuid IS NULL THEN NULL ELSE $8::timestamptz END)`,
    [caseId, `CASE-T${tag}`, options.familyId, referralId, options.programmeId ?? earlyInterventionId, options.state ?? 'allocated', options.keyWorkerId ?? null, at]);
  return { caseId, referralId };
}

/**
 * A case with its dates set (work module: due and overdue items depend on them). The referral is
 * received and the case opened at `referredAt`; the first visit is due the programme's hours later.
 */
export async function makeDatedCase(db: Database, options: {
  familyId: string; referredAt: string; state?: CaseState; programmeId?: string; keyWorkerId?: string | null; allocatedAt?: string | null; closedAt?: string | null;
  /** The manager who accepted the referral at screening. */
  acceptedBy?: string | null;
}) {
  const referralId = randomUUID();
  const caseId = randomUUID();
  const tag = caseId.slice(0, 8);
  const programmeId = options.programmeId ?? earlyInterventionId;
  await db.query(
    `INSERT INTO referral (id, reference, family_id, subject, received_at, referrer_name, referrer_agency, referrer_contact, reasons, urgency, consent, status, programme_id, decided_by, decided_at)
     VALUES ($1, $2, $3, '{}'::jsonb, $4, 'Sam Referrer', 'Testshire Primary School', 'sam@school.example', 'Worried about the children', 'routine', 'given', 'accepted', $5, $6, $4)`,
    [referralId, `REF-D${tag}`, options.familyId, options.referredAt, programmeId, options.acceptedBy ?? null]);
  await db.query(
    `INSERT INTO casefile (id, reference, family_id, referral_id, programme_id, state, key_worker_id, opened_at, first_visit_due_at, allocated_at, closed_at)
     SELECT $1, $2, $3, $4, p.id, $5, $6, $7::timestamptz, $7::timestamptz + make_interval(hours => p.first_visit_hours), $8, $9
       FROM programme p WHERE p.id = $10`,
    [caseId, `CASE-D${tag}`, options.familyId, referralId, options.state ?? 'allocated', options.keyWorkerId ?? null, options.referredAt,
      options.allocatedAt === undefined ? (options.keyWorkerId ? options.referredAt : null) : options.allocatedAt, options.closedAt ?? null, programmeId]);
  return { caseId, referralId, reference: `CASE-D${tag}` };
}

/** A lifecycle event on a case at a given moment (record_contact, agree_plan, review_plan...). */
export async function addCaseEvent(db: Database, caseId: string, event: string, at: string, state: CaseState = 'intervention') {
  await db.query(`INSERT INTO case_event (case_id, event, from_state, to_state, at) VALUES ($1, $2, $3, $3, $4)`, [caseId, event, state, at]);
}

/** A contact row on a case (contacts module), straight into the table: no lifecycle event, no checks. */
export async function makeContact(db: Database, options: {
  caseId: string; recordedBy: string; date: string; startTime: string; endTime: string; type?: string; outOfHours?: boolean; notes?: string;
}) {
  const id = randomUUID();
  const [sh, sm] = options.startTime.split(':').map(Number);
  const [eh, em] = options.endTime.split(':').map(Number);
  const minutes = ((eh * 60 + em - (sh * 60 + sm)) + 1440) % 1440 || 1440;
  await db.query(
    `INSERT INTO contact (id, case_id, contact_type, contact_date, start_time, end_time, duration_minutes, out_of_hours, out_of_hours_by_rule, notes, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)`,
    [id, options.caseId, options.type ?? 'home_visit', options.date, options.startTime, options.endTime, Math.min(minutes, 720), options.outOfHours ?? false, options.notes ?? 'Visit', options.recordedBy]);
  return { contactId: id };
}

/**
 * A referral as it came in before the form checked postcodes (or from another system): its
 * subject is stored as given, unchecked, so a test can start from details a screener must correct.
 */
export async function makeReceivedReferral(db: Database, options: {
  routedTeamId: string; referredBy?: string | null;
  subject: { familyName: string; addressLine1: string; postcode: string; members: { givenName: string; familyName: string; role: string; dateOfBirth: string | null }[] };
  needCodes?: string[];
}) {
  const id = randomUUID();
  const reference = `REF-${String(900_000 + Math.floor(Math.random() * 100_000))}`;
  await db.query(
    `INSERT INTO referral (id, reference, family_id, subject, referrer_name, referrer_agency, referrer_contact, reasons, urgency, consent, status, received_at, routed_team_id, referred_by, need_codes)
     VALUES ($1, $2, NULL, $3, 'Sam Referrer', 'Testshire Primary School', 'sam@school.example', 'Worried about the children', 'routine', 'given', 'received', $4, $5, $6, $7)`,
    [id, reference, JSON.stringify(options.subject), testClock().now(), options.routedTeamId, options.referredBy ?? null, options.needCodes ?? []]);
  return { id, reference };
}
