import type { Queryable } from '../../db/database.ts';
import type { ChronologyEntryType } from '../../domain/casework/chronology.ts';
import type { ContactType } from '../../domain/casework/intensity.ts';
import type { LetterDraft, LetterRecipient } from '../../domain/casework/letters.ts';
import type { AgencyKind, LegalStatus, MemberType, NeedType, Role } from '../../domain/codes.ts';

/** The agency an item came from, for need to know: `<prefix>_agency_id` and `<prefix>_agency_kind`. */
type Owners<P extends string> = { [K in `${P}_agency_id`]: string | null } & { [K in `${P}_agency_kind`]: AgencyKind | null };

export interface ContactRow {
  id: string;
  case_id: string;
  contact_type: ContactType;
  contact_date: string;
  start_time: string;
  end_time: string;
  duration_minutes: number;
  location: string;
  others_present: string;
  out_of_hours: boolean;
  out_of_hours_by_rule: boolean;
  notes: string;
  did_together: string;
  progress: string;
  next_steps: string;
  recorded_by: string;
  recorded_by_name: string;
  recorded_by_agency: string;
  recorded_by_agency_id: string;
  recorded_by_agency_kind: AgencyKind;
  recorded_at: Date;
}

export interface PresentRow {
  contact_id: string;
  person_id: string;
  given_name: string;
  family_name: string;
}

export interface MemberRow {
  id: string;
  given_name: string;
  family_name: string;
  member_type: MemberType;
  role: Role;
}

export interface LetterRow {
  id: string;
  created_by_agency_id: string;
  created_by_agency_kind: AgencyKind;
  case_id: string;
  contact_id: string | null;
  recipient: LetterRecipient;
  recipient_name: string;
  recipient_address: string;
  letter_date: string;
  subject: string;
  salutation: string;
  did_together: string;
  progress: string;
  next_steps: string;
  who_to_contact: string;
  services_near_you: string;
  signed_by_name: string;
  signed_by_role: string;
  organisation: string;
  created_by: string;
  created_by_name: string;
  created_at: Date;
  contact_type: ContactType | null;
  contact_date: string | null;
}

export interface LetterInput extends LetterDraft {
  id: string;
  caseId: string;
  contactId: string;
  letterDate: string;
  createdBy: string;
  createdAt: Date;
}

export interface PractitionerRow {
  id: string;
  display_name: string;
  job_title: string;
  email: string;
  agency_name: string;
}

export interface ReferrerRow {
  referrer_name: string;
  referrer_agency: string;
  referrer_contact: string;
  self_referral: boolean;
  consent: 'given' | 'not_given';
  lawful_basis: string;
}

export interface FamilyRow {
  id: string;
  reference: string;
  family_name: string;
  address_line1: string;
  address_line2: string;
  town: string;
  postcode: string;
}

const contactColumns = `c.id, c.case_id, c.contact_type, c.contact_date, to_char(c.start_time, 'HH24:MI') AS start_time,
  to_char(c.end_time, 'HH24:MI') AS end_time, c.duration_minutes, c.location, c.others_present, c.out_of_hours, c.out_of_hours_by_rule,
  c.notes, c.did_together, c.progress, c.next_steps, c.recorded_by, u.display_name AS recorded_by_name, a.name AS recorded_by_agency, a.id AS recorded_by_agency_id, a.kind AS recorded_by_agency_kind, c.recorded_at`;
const contactJoins = 'FROM contact c JOIN app_user u ON u.id = c.recorded_by JOIN agency a ON a.id = u.agency_id';

const letterColumns = `la.id AS created_by_agency_id, la.kind AS created_by_agency_kind, l.id, l.case_id, l.contact_id, l.recipient, l.recipient_name, l.recipient_address, l.letter_date, l.subject, l.salutation,
  l.did_together, l.progress, l.next_steps, l.services_near_you, l.who_to_contact, l.signed_by_name, l.signed_by_role, l.organisation, l.created_by,
  u.display_name AS created_by_name, l.created_at, c.contact_type, c.contact_date`;
const letterJoins = 'FROM letter l JOIN app_user u ON u.id = l.created_by JOIN agency la ON la.id = u.agency_id LEFT JOIN contact c ON c.id = l.contact_id';

/** UK local date and time of a timestamptz column, for the chronology. */
const localDate = (column: string) => `to_char(${column} AT TIME ZONE $2, 'YYYY-MM-DD')`;
const localTime = (column: string) => `to_char(${column} AT TIME ZONE $2, 'HH24:MI')`;

export const contactsRepository = {
  async family(q: Queryable, familyId: string): Promise<FamilyRow | undefined> {
    return (await q.query<FamilyRow>(
      'SELECT id, reference, family_name, address_line1, address_line2, town, postcode FROM family WHERE id = $1', [familyId]))[0];
  },

  members: (q: Queryable, familyId: string) =>
    q.query<MemberRow>(
      `SELECT id, given_name, family_name, member_type, role FROM person WHERE family_id = $1
        ORDER BY CASE member_type WHEN 'adult' THEN 0 WHEN 'child' THEN 1 ELSE 2 END, date_of_birth NULLS LAST, given_name`, [familyId]),

  async programme(q: Queryable, id: string): Promise<{ name: string; max_hours_per_week: string; min_visits_per_week: number; max_visits_per_week: number } | undefined> {
    return (await q.query<{ name: string; max_hours_per_week: string; min_visits_per_week: number; max_visits_per_week: number }>(
      'SELECT name, max_hours_per_week, min_visits_per_week, max_visits_per_week FROM programme WHERE id = $1', [id]))[0];
  },

  async practitioner(q: Queryable, userId: string): Promise<PractitionerRow | undefined> {
    return (await q.query<PractitionerRow>(
      `SELECT u.id, u.display_name, u.job_title, u.email, a.name AS agency_name FROM app_user u JOIN agency a ON a.id = u.agency_id WHERE u.id = $1`,
      [userId]))[0];
  },

  async referrer(q: Queryable, referralId: string): Promise<ReferrerRow | undefined> {
    return (await q.query<ReferrerRow>(
      'SELECT referrer_name, referrer_agency, referrer_contact, self_referral, consent, lawful_basis FROM referral WHERE id = $1', [referralId]))[0];
  },

  async insertContact(q: Queryable, c: {
    id: string; caseId: string; type: ContactType; date: string; startTime: string; endTime: string; durationMinutes: number; location: string;
    othersPresent: string; outOfHours: boolean; outOfHoursByRule: boolean; notes: string; didTogether: string; progress: string; nextSteps: string;
    recordedBy: string; presentPersonIds: string[]; recordedAt: Date;
  }) {
    await q.query(
      `INSERT INTO contact (id, case_id, contact_type, contact_date, start_time, end_time, duration_minutes, location, others_present,
         out_of_hours, out_of_hours_by_rule, notes, did_together, progress, next_steps, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [c.id, c.caseId, c.type, c.date, c.startTime, c.endTime, c.durationMinutes, c.location, c.othersPresent, c.outOfHours, c.outOfHoursByRule,
        c.notes, c.didTogether, c.progress, c.nextSteps, c.recordedBy, c.recordedAt]);
    for (const personId of c.presentPersonIds) {
      await q.query('INSERT INTO contact_person (contact_id, person_id) VALUES ($1, $2)', [c.id, personId]);
    }
  },

  /** The case's contacts, newest first. */
  contacts: (q: Queryable, caseId: string) =>
    q.query<ContactRow>(`SELECT ${contactColumns} ${contactJoins} WHERE c.case_id = $1 ORDER BY c.contact_date DESC, c.start_time DESC, c.recorded_at DESC`, [caseId]),

  /** Contacts that started in a date range, for the week's intensity. */
  contactsBetween: (q: Queryable, caseId: string, from: string, to: string) =>
    q.query<{ contact_type: ContactType; contact_date: string; start_time: string; end_time: string }>(
      `SELECT contact_type, contact_date, to_char(start_time, 'HH24:MI') AS start_time, to_char(end_time, 'HH24:MI') AS end_time
         FROM contact WHERE case_id = $1 AND contact_date BETWEEN $2 AND $3`, [caseId, from, to]),

  async contact(q: Queryable, caseId: string, contactId: string): Promise<ContactRow | undefined> {
    return (await q.query<ContactRow>(`SELECT ${contactColumns} ${contactJoins} WHERE c.id = $1 AND c.case_id = $2`, [contactId, caseId]))[0];
  },

  present: (q: Queryable, contactIds: string[]) =>
    contactIds.length === 0 ? Promise.resolve([] as PresentRow[]) : q.query<PresentRow>(
      `SELECT cp.contact_id, p.id AS person_id, p.given_name, p.family_name FROM contact_person cp JOIN person p ON p.id = cp.person_id
        WHERE cp.contact_id = ANY($1::uuid[])
        ORDER BY CASE p.member_type WHEN 'adult' THEN 0 WHEN 'child' THEN 1 ELSE 2 END, p.date_of_birth NULLS LAST, p.given_name`, [contactIds]),

  /** For each case: when the latest contact started, and when the first home visit started (UK time zone given). */
  lastContacts: (q: Queryable, caseIds: string[], timeZone: string) =>
    q.query<{ case_id: string; last_contact_at: Date | null; first_visit_at: Date | null }>(
      `SELECT case_id,
              max((contact_date + start_time) AT TIME ZONE $2) AS last_contact_at,
              min((contact_date + start_time) AT TIME ZONE $2) FILTER (WHERE contact_type = 'home_visit') AS first_visit_at
         FROM contact WHERE case_id = ANY($1::uuid[]) GROUP BY case_id`, [caseIds, timeZone]),

  async insertLetter(q: Queryable, l: LetterInput) {
    await q.query(
      `INSERT INTO letter (id, case_id, contact_id, recipient, recipient_name, recipient_address, letter_date, subject, salutation,
         did_together, progress, next_steps, who_to_contact, signed_by_name, signed_by_role, organisation, created_by, created_at, services_near_you)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [l.id, l.caseId, l.contactId, l.recipient, l.recipientName, l.recipientAddress, l.letterDate, l.subject, l.salutation, l.didTogether,
        l.progress, l.nextSteps, l.whoToContact, l.signedByName, l.signedByRole, l.organisation, l.createdBy, l.createdAt, l.servicesNearYou]);
  },

  letters: (q: Queryable, caseId: string) =>
    q.query<LetterRow>(`SELECT ${letterColumns} ${letterJoins} WHERE l.case_id = $1 ORDER BY l.created_at DESC, l.id`, [caseId]),

  async letter(q: Queryable, caseId: string, letterId: string): Promise<LetterRow | undefined> {
    return (await q.query<LetterRow>(`SELECT ${letterColumns} ${letterJoins} WHERE l.id = $1 AND l.case_id = $2`, [letterId, caseId]))[0];
  },

  agencies: (q: Queryable) => q.query<{ id: string; name: string }>('SELECT id, name FROM agency ORDER BY name'),

  async agency(q: Queryable, id: string): Promise<{ id: string; name: string } | undefined> {
    return (await q.query<{ id: string; name: string }>('SELECT id, name FROM agency WHERE id = $1', [id]))[0];
  },

  async insertChronologyEntry(q: Queryable, e: {
    id: string; familyId: string; personId: string | null; occurredOn: string; agencyId: string; type: ChronologyEntryType; summary: string; source: string; recordedBy: string; recordedAt: Date;
  }) {
    await q.query(
      `INSERT INTO chronology_entry (id, family_id, person_id, occurred_on, agency_id, entry_type, summary, source, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [e.id, e.familyId, e.personId, e.occurredOn, e.agencyId, e.type, e.summary, e.source, e.recordedBy, e.recordedAt]);
  },

  // The chronology's sources. Each takes the family id and the time zone for local dates.

  referrals: (q: Queryable, familyId: string, timeZone: string) =>
    q.query<{
      id: string; reference: string; date: string; time: string; referrer_name: string; referrer_agency: string; self_referral: boolean;
      reasons: string; urgency: string; status: string; decision_reason: string; signposted_to: string; programme_name: string | null;
      decided_date: string | null; decided_time: string | null; decided_by_name: string | null; decided_by_agency: string | null;
    } & Owners<'referrer' | 'decider'>>(
      `SELECT r.id, r.reference, ${localDate('r.received_at')} AS date, ${localTime('r.received_at')} AS time, r.referrer_name, r.referrer_agency,
              r.self_referral, r.reasons, r.urgency, r.status, r.decision_reason, r.signposted_to, p.name AS programme_name,
              ${localDate('r.decided_at')} AS decided_date, ${localTime('r.decided_at')} AS decided_time,
              du.display_name AS decided_by_name, da.name AS decided_by_agency,
              ra.id AS referrer_agency_id, ra.kind AS referrer_agency_kind, da.id AS decider_agency_id, da.kind AS decider_agency_kind
         FROM referral r LEFT JOIN programme p ON p.id = r.programme_id
         LEFT JOIN app_user du ON du.id = r.decided_by LEFT JOIN agency da ON da.id = du.agency_id
         LEFT JOIN app_user ru ON ru.id = r.referred_by LEFT JOIN agency ra ON ra.id = ru.agency_id
        WHERE r.family_id = $1 OR r.id IN (SELECT referral_id FROM casefile WHERE family_id = $1)`, [familyId, timeZone]),

  statuses: (q: Queryable, familyId: string) =>
    q.query<{ id: string; person_id: string; given_name: string; family_name: string; status: LegalStatus; start_date: string; end_date: string | null; recorded_by_name: string | null; agency_name: string | null } & Owners<'owner'>>(
      `SELECT s.id, s.person_id, p.given_name, p.family_name, s.status, s.start_date, s.end_date, u.display_name AS recorded_by_name, a.name AS agency_name,
              a.id AS owner_agency_id, a.kind AS owner_agency_kind
         FROM legal_status s JOIN person p ON p.id = s.person_id
         LEFT JOIN app_user u ON u.id = s.recorded_by LEFT JOIN agency a ON a.id = u.agency_id
        WHERE p.family_id = $1`, [familyId]),

  needs: (q: Queryable, familyId: string) =>
    q.query<{ id: string; person_id: string; given_name: string; family_name: string; need_type: NeedType; code: string | null; identified_on: string; is_current: boolean; agency_name: string | null; recorded_by_name: string | null; recorder_agency_id: string | null } & Owners<'owner'>>(
      `SELECT n.id, n.person_id, p.given_name, p.family_name, n.need_type, n.code, n.identified_on, n.is_current, a.name AS agency_name,
              u.display_name AS recorded_by_name, u.agency_id AS recorder_agency_id, oa.id AS owner_agency_id, oa.kind AS owner_agency_kind
         FROM need n JOIN person p ON p.id = n.person_id LEFT JOIN agency a ON a.id = n.source_agency_id
         LEFT JOIN app_user u ON u.id = n.recorded_by LEFT JOIN agency oa ON oa.id = coalesce(n.source_agency_id, u.agency_id)
        WHERE p.family_id = $1`, [familyId]),

  caseEvents: (q: Queryable, familyId: string, timeZone: string) =>
    q.query<{ id: number; case_id: string; case_reference: string; event: string; date: string; time: string; note: string; by_name: string | null; agency_name: string | null } & Owners<'owner'>>(
      `SELECT e.id, e.case_id, c.reference AS case_reference, e.event, ${localDate('e.at')} AS date, ${localTime('e.at')} AS time, e.note,
              u.display_name AS by_name, a.name AS agency_name, a.id AS owner_agency_id, a.kind AS owner_agency_kind
         FROM case_event e JOIN casefile c ON c.id = e.case_id
         LEFT JOIN app_user u ON u.id = e.by_user LEFT JOIN agency a ON a.id = u.agency_id
        WHERE c.family_id = $1 AND e.event <> 'record_contact'`, [familyId, timeZone]),

  familyContacts: (q: Queryable, familyId: string) =>
    q.query<ContactRow & { case_reference: string }>(
      `SELECT ${contactColumns}, cf.reference AS case_reference ${contactJoins} JOIN casefile cf ON cf.id = c.case_id WHERE cf.family_id = $1`, [familyId]),

  chronologyEntries: (q: Queryable, familyId: string) =>
    q.query<{ id: string; person_id: string | null; given_name: string | null; family_name: string | null; occurred_on: string; agency_name: string; entry_type: ChronologyEntryType; summary: string; source: string; recorded_by_name: string; recorder_agency_id: string } & Owners<'owner'>>(
      `SELECT e.id, e.person_id, p.given_name, p.family_name, e.occurred_on, a.name AS agency_name, e.entry_type, e.summary, e.source,
              u.display_name AS recorded_by_name, u.agency_id AS recorder_agency_id, a.id AS owner_agency_id, a.kind AS owner_agency_kind
         FROM chronology_entry e JOIN agency a ON a.id = e.agency_id JOIN app_user u ON u.id = e.recorded_by
         LEFT JOIN person p ON p.id = e.person_id
        WHERE e.family_id = $1`, [familyId]),
};
