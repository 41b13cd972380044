import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.ts';
import { ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../src/domain/errors.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import { makeCase, makeContact } from '../support/casework-factories.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser } from '../support/factories.ts';
import { testClock } from '../support/clock.ts';

const TODAY = '2026-11-25'; // a Wednesday: the ISO week is Monday 23 to Sunday 29 November 2026

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be refused');
}

describe.each(engines)('contacts, letters and the chronology on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let priya: Actor;
  let stranger: Actor;
  let analyst: Actor;
  let familyId: string;
  let caseId: string;
  let people: Record<string, string>;

  const auditRows = (userId: string, action: string) =>
    t.db.query<{ outcome: string; record_type: string; record_id: string }>(
      'SELECT outcome, record_type, record_id FROM audit_event WHERE user_id = $1 AND action = $2 ORDER BY id', [userId, action]);

  const visit = (over: Record<string, unknown> = {}) => ({
    type: 'home_visit', date: '2026-11-23', startTime: '10:00', endTime: '11:30', location: 'Family home',
    presentPersonIds: [people.Kerry, people.Jade], othersPresent: '', notes: 'Kerry was tired. Her neighbour Mr Dobbs reported shouting on Friday night.',
    didTogether: 'We made a morning routine chart with Jade.', progress: 'Jade has been at school on time every day this week.', nextSteps: 'I will visit again on Friday.',
    ...over,
  });

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    priya = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    stranger = await makeUser(t.db, { agencyId: csc, teamId: p.otherTeamId });
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: csc });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock(TODAY) });
    const family = await s.families.createFamily(priya, {
      family: aFamily(),
      members: [aMember(), aMember({ givenName: 'Dan', role: 'father', sex: 'male', dateOfBirth: '1988-03-01' }), aMember({ givenName: 'Jade', role: 'child', dateOfBirth: '2016-04-02' })],
    });
    familyId = family.id;
    const rows = await t.db.query<{ id: string; given_name: string }>('SELECT id, given_name FROM person WHERE family_id = $1', [familyId]);
    people = Object.fromEntries(rows.map((r) => [r.given_name, r.id]));
    caseId = (await makeCase(t.db, { familyId, state: 'intervention', keyWorkerId: priya.id })).caseId;
  });
  afterAll(async () => t?.drop());

  describe('recording contacts', () => {
    it('records a visit, works out out of hours, and moves the case through its lifecycle event', async () => {
      const saved = await s.contacts.recordContact(priya, caseId, visit());
      expect(saved).toMatchObject({ outOfHours: false, outOfHoursByRule: false });
      const view = await s.contacts.contact(priya, caseId, saved.id);
      expect(view.contact).toMatchObject({
        type: 'home_visit', typeLabel: 'Home visit', date: '2026-11-23', startTime: '10:00', endTime: '11:30', durationMinutes: 90, duration: '1 hour 30 minutes',
        location: 'Family home', outOfHours: false, outOfHoursCorrected: false, recordedBy: 'Priya Shah',
      });
      expect(view.contact.present.map((p) => p.name)).toEqual(['Kerry Walsh', 'Jade Walsh']);
      const events = await t.db.query<{ event: string; from_state: string; to_state: string; note: string }>(
        `SELECT event, from_state, to_state, note FROM case_event WHERE case_id = $1`, [caseId]);
      expect(events).toEqual([{ event: 'record_contact', from_state: 'intervention', to_state: 'intervention', note: 'Home visit on 23 November 2026' }]);
    });

    it('applies the out-of-hours rule (evening, weekend) and keeps the practitioner’s correction beside it', async () => {
      const evening = await s.contacts.recordContact(priya, caseId, visit({ type: 'phone_call', date: '2026-11-24', startTime: '19:30', endTime: '8:15pm', presentPersonIds: [people.Kerry] }));
      expect(evening).toMatchObject({ outOfHours: true, outOfHoursByRule: true });
      const corrected = await s.contacts.recordContact(priya, caseId, visit({ type: 'meeting', date: '2026-11-24', startTime: '13:00', endTime: '14:00', outOfHours: true, presentPersonIds: [] }));
      expect(corrected).toMatchObject({ outOfHours: true, outOfHoursByRule: false });
      const view = await s.contacts.contact(priya, caseId, corrected.id);
      expect(view.contact.outOfHoursCorrected).toBe(true);
    });

    it('lists contacts newest first', async () => {
      const { contacts } = await s.contacts.contacts(priya, caseId);
      expect(contacts.map((c) => `${c.date} ${c.startTime} ${c.type}`)).toEqual([
        '2026-11-24 19:30 phone_call', '2026-11-24 13:00 meeting', '2026-11-23 10:00 home_visit',
      ]);
    });

    it('shows the week’s intensity against the programme, with plain warnings', async () => {
      // Early intervention (Families Plus): up to 15 hours, 2 to 3 visits a week. So far: 1.5 + 0.75 + 1 hours, one visit.
      const before = await s.contacts.contacts(priya, caseId);
      expect(before.intensity).toMatchObject({ weekStart: '2026-11-23', weekEnd: '2026-11-29', hours: 3.3, maxHours: 15, visits: 1, minVisits: 2, maxVisits: 3, hoursText: '3.3 of 15 hours', visitsText: '1 (expected 2 to 3)' });
      expect(before.intensity.warnings).toEqual(['1 visit this week is below the Early intervention (Families Plus) minimum: it expects 2 to 3 visits a week.']);
      // Last week does not count; a long office visit this week takes the hours over the maximum.
      await s.contacts.recordContact(priya, caseId, visit({ date: '2026-11-20', startTime: '09:00', endTime: '17:00' }));
      await s.contacts.recordContact(priya, caseId, visit({ type: 'office_visit', date: '2026-11-25', startTime: '08:00', endTime: '20:00' }));
      const after = await s.contacts.contacts(priya, caseId);
      expect(after.intensity).toMatchObject({ hours: 15.3, visits: 2, overMaxHours: true, belowMinVisits: false });
      expect(after.intensity.warnings).toEqual(['15.3 hours of contact this week is over the Early intervention (Families Plus) maximum of 15 hours a week.']);
    });

    it('says what is wrong with a contact, every problem at once', async () => {
      const error = await rejection(s.contacts.recordContact(priya, caseId, { date: '2026-11-23', startTime: 'half ten', endTime: '', notes: ' ' }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors).toEqual({
        type: 'Select the type of contact', startTime: 'Start time must be a real time, like 09:30 or 2:15pm', endTime: 'Enter the end time', notes: 'Enter the case note',
      });
      const future = await rejection(s.contacts.recordContact(priya, caseId, visit({ date: '2026-11-26' })));
      expect((future as ValidationError).fieldErrors).toEqual({ date: 'The date of the contact must be today or in the past' });
      // A date in the future and times that cannot be right are reported together, not one after the other.
      const both = await rejection(s.contacts.recordContact(priya, caseId, visit({ date: '2026-11-26', startTime: '14:00', endTime: '14:00', notes: '' })));
      expect((both as ValidationError).fieldErrors).toEqual({
        date: 'The date of the contact must be today or in the past', endTime: 'The end time must be after the start time', notes: 'Enter the case note',
      });
      const long = await rejection(s.contacts.recordContact(priya, caseId, visit({ startTime: '14:00', endTime: '13:00' })));
      expect((long as ValidationError).fieldErrors).toEqual({ endTime: 'A contact cannot last more than 12 hours: check the start and end times' });
      const stranger2 = await rejection(s.contacts.recordContact(priya, caseId, visit({ presentPersonIds: ['0b7c2a5e-3f1d-4c2b-9a6e-1d2f3a4b5c6d'] })));
      expect((stranger2 as ValidationError).fieldErrors).toEqual({ presentPersonIds: 'Select people from this family' });
    });

    it('refuses a contact on a case awaiting allocation or closed, with the rule’s message, and saves nothing', async () => {
      const waiting = (await makeCase(t.db, { familyId, state: 'awaiting_allocation' })).caseId;
      const closed = (await makeCase(t.db, { familyId, state: 'closed', keyWorkerId: priya.id })).caseId;
      const a = await rejection(s.contacts.recordContact(priya, waiting, visit()));
      expect(a).toBeInstanceOf(RuleViolation);
      expect(a.message).toBe('Allocate a key worker before recording contacts');
      const b = await rejection(s.contacts.recordContact(priya, closed, visit()));
      expect(b.message).toBe('This case is closed. Make a new referral to work with the family again.');
      const counts = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM contact WHERE case_id = ANY($1::uuid[])', [[waiting, closed]]);
      expect(counts[0].n).toBe(0);
      const page = await s.contacts.contacts(priya, closed);
      expect(page).toMatchObject({ canRecord: false, cannotRecordReason: 'This case is closed. Make a new referral to work with the family again.' });
    });

    it('refuses someone outside the team around the family, and audits the refusal', async () => {
      await expect(s.contacts.contacts(stranger, caseId)).rejects.toThrow(ForbiddenError);
      await expect(s.contacts.recordContact(stranger, caseId, visit())).rejects.toThrow('You do not have access to this family');
      expect(await auditRows(stranger.id, 'view-contacts')).toEqual([{ outcome: 'denied', record_type: 'case', record_id: caseId }]);
      expect(await auditRows(stranger.id, 'record-contact')).toEqual([{ outcome: 'denied', record_type: 'case', record_id: caseId }]);
      await expect(s.contacts.recordContact(analyst, caseId, visit())).rejects.toThrow('Only practitioners and managers can record contacts');
    });

    it('tells the my-work helper each case’s last contact and first home visit, as instants in UK time (cases without contacts left out)', async () => {
      const quiet = (await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: priya.id })).caseId;
      const map = await t.db.transaction((tx) => s.contacts.lastContacts(tx, [caseId, quiet]));
      // 08:00 on 25 November is 08:00 UTC (GMT); the first home visit was 09:00 on 20 November.
      expect(map.get(caseId)).toEqual({ lastContactAt: '2026-11-25T08:00:00.000Z', firstVisitAt: '2026-11-20T09:00:00.000Z' });
      expect(map.has(quiet)).toBe(false);
      const summer = (await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: priya.id })).caseId;
      await makeContact(t.db, { caseId: summer, recordedBy: priya.id, date: '2026-07-01', startTime: '10:00', endTime: '11:00', type: 'phone_call' });
      const bst = await t.db.transaction((tx) => s.contacts.lastContacts(tx, [summer]));
      expect(bst.get(summer)).toEqual({ lastContactAt: '2026-07-01T09:00:00.000Z', firstVisitAt: null });
    });
  });

  describe('progress letters', () => {
    let contactId: string;
    let familyLetterId: string;

    beforeAll(async () => {
      contactId = (await s.contacts.recordContact(priya, caseId, visit({ date: '2026-11-25', startTime: '10:00', endTime: '11:00' }))).id;
    });

    it('drafts the family letter from what was written for the family, never from the case note', async () => {
      const { draft } = await s.contacts.letterDraft(priya, caseId, contactId, 'family');
      expect(draft).toMatchObject({
        recipient: 'family', recipientName: 'Kerry Walsh', salutation: 'Dear Kerry', progress: 'Jade has been at school on time every day this week.',
        nextSteps: 'I will visit again on Friday.', signedByName: 'Priya Shah',
      });
      expect(draft.didTogether).toContain('Thank you for welcoming me to your home on Wednesday 25 November 2026. It was good to spend time with you and Jade.');
      expect(JSON.stringify(draft)).not.toContain('Dobbs');
    });

    it('saves the approved letter, lists it, and makes a PDF and a Word file from the saved text, the same bytes every time', async () => {
      const { draft } = await s.contacts.letterDraft(priya, caseId, contactId, 'family');
      const saved = await s.contacts.saveLetter(priya, caseId, { ...draft, contactId, progress: 'Jade has been at school on time every day.', approved: true });
      familyLetterId = saved.id;
      const { letters } = await s.contacts.letters(priya, caseId);
      expect(letters.map((l) => ({ id: l.id, to: l.recipientName, label: l.recipientLabel, date: l.letterDate, by: l.createdBy }))).toEqual([
        { id: saved.id, to: 'Kerry Walsh', label: 'The family', date: TODAY, by: 'Priya Shah' },
      ]);
      const pdf = await s.contacts.letterFile(priya, caseId, saved.id, 'pdf');
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.contentType).toBe('application/pdf');
      expect(pdf.fileName).toBe('progress-letter-walsh-family-2026-11-25.pdf');
      const docx = await s.contacts.letterFile(priya, caseId, saved.id, 'docx');
      expect(docx.body.subarray(0, 2).toString('latin1')).toBe('PK');
      expect(docx.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect((await s.contacts.letterFile(priya, caseId, saved.id, 'pdf')).body.equals(pdf.body)).toBe(true);
      expect((await s.contacts.letterFile(priya, caseId, saved.id, 'docx')).body.equals(docx.body)).toBe(true);
    });

    it('audits every read and download of a letter, naming the letter', async () => {
      await s.contacts.letter(priya, caseId, familyLetterId);
      expect(await auditRows(priya.id, 'view-letter')).toEqual([
        { outcome: 'allowed', record_type: 'case', record_id: caseId }, { outcome: 'allowed', record_type: 'letter', record_id: familyLetterId },
      ]);
      expect((await auditRows(priya.id, 'download-letter-pdf')).filter((r) => r.record_type === 'letter')).toEqual([
        { outcome: 'allowed', record_type: 'letter', record_id: familyLetterId }, { outcome: 'allowed', record_type: 'letter', record_id: familyLetterId },
      ]);
      await expect(s.contacts.letterFile(stranger, caseId, familyLetterId, 'pdf')).rejects.toThrow(ForbiddenError);
      expect(await auditRows(stranger.id, 'download-letter-pdf')).toEqual([{ outcome: 'denied', record_type: 'case', record_id: caseId }]);
      await expect(s.contacts.letter(priya, caseId, '0b7c2a5e-3f1d-4c2b-9a6e-1d2f3a4b5c6d')).rejects.toThrow(NotFoundError);
    });

    it('refuses a letter that blames, or that carries the case note into a family letter, saying which words', async () => {
      const { draft } = await s.contacts.letterDraft(priya, caseId, contactId, 'family');
      const blaming = await rejection(s.contacts.saveLetter(priya, caseId, { ...draft, contactId, progress: 'Kerry failed to get Jade to school and was non-compliant.', approved: true }));
      expect((blaming as ValidationError).fieldErrors).toEqual({ progress: 'Describe what happened without words that blame: remove “failed”, “non-compliant”' });
      const notes = await rejection(s.contacts.saveLetter(priya, caseId, { ...draft, contactId, nextSteps: 'Her neighbour Mr Dobbs reported shouting on Friday night. We will talk.', approved: true }));
      expect((notes as ValidationError).fieldErrors).toEqual({ nextSteps: 'This repeats the case note (“Her neighbour Mr Dobbs reported shouting on Friday night.”). A family letter must not include case-note details, which may be about other people' });
      const unapproved = await rejection(s.contacts.saveLetter(priya, caseId, { ...draft, contactId }));
      expect((unapproved as ValidationError).fieldErrors).toEqual({ approved: 'Confirm you have checked the letter before saving it' });
      const both = await rejection(s.contacts.saveLetter(priya, caseId, { ...draft, contactId, whoToContact: 'Call me, even though you refused last time.' }));
      expect((both as ValidationError).fieldErrors).toEqual({
        whoToContact: 'Describe what happened without words that blame: remove “refused”', approved: 'Confirm you have checked the letter before saving it',
      });
      const empty = await rejection(s.contacts.saveLetter(priya, caseId, { ...draft, contactId, progress: '', approved: true }));
      expect((empty as ValidationError).fieldErrors).toEqual({ progress: 'Enter the progress made' });
    });

    it('writes to the referrer, and refuses when the family referred themselves', async () => {
      const { draft, consentWarning } = await s.contacts.letterDraft(priya, caseId, contactId, 'referrer');
      expect(draft).toMatchObject({ recipientName: 'Sam Referrer', salutation: 'Dear Sam Referrer', recipientAddress: 'Testshire Primary School\nsam@school.example' });
      expect(consentWarning).toBeNull();
      const saved = await s.contacts.saveLetter(priya, caseId, { ...draft, contactId, approved: true });
      expect((await s.contacts.letters(priya, caseId)).letters.map((l) => l.id)).toContain(saved.id);

      const self = await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: priya.id });
      await t.db.query(`UPDATE referral SET self_referral = true, consent = 'not_given', lawful_basis = 'Safeguarding' WHERE id = $1`, [self.referralId]);
      const selfContact = await s.contacts.recordContact(priya, self.caseId, visit());
      const refused = await rejection(s.contacts.letterDraft(priya, self.caseId, selfContact.id, 'referrer'));
      expect(refused).toBeInstanceOf(RuleViolation);
      expect(refused.message).toBe('The family referred themselves, so there is no referrer to write to. Write to the family instead.');
    });

    it('warns before writing to the referrer when the family did not consent to the referral', async () => {
      const noConsent = await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: priya.id });
      await t.db.query(`UPDATE referral SET consent = 'not_given', lawful_basis = 'Safeguarding a child at risk' WHERE id = $1`, [noConsent.referralId]);
      const c = await s.contacts.recordContact(priya, noConsent.caseId, visit());
      const { consentWarning } = await s.contacts.letterDraft(priya, noConsent.caseId, c.id, 'referrer');
      expect(consentWarning).toBe('The family did not consent to the referral (lawful basis recorded: Safeguarding a child at risk). Check it is right to share their progress with the referrer before you send this letter.');
    });
  });

  describe('the family chronology', () => {
    let otherFamilyId: string;

    beforeAll(async () => {
      await s.families.recordStatus(priya, familyId, people.Jade, { status: 'child_in_need', startDate: '2026-03-10' });
      const agencies = (await s.families.referenceData()).agencies;
      const police = agencies.find((a) => a.name === 'Testshire Police')!;
      const recovery = agencies.find((a) => a.name === 'Testshire Recovery')!;
      await s.families.addNeed(priya, familyId, people.Dan, { needType: 'cin_factor', code: '2B', sourceAgencyId: recovery.id, identifiedOn: '2026-02-01', isCurrent: true, notes: '' });
      await s.contacts.addChronologyEntry(priya, familyId, { occurredOn: '2026-01-15', personId: null, agencyId: police.id, type: 'police', summary: 'Police called to a noise complaint. No further action.', source: 'Incident 4471' });
      await s.contacts.addChronologyEntry(priya, familyId, { occurredOn: '2026-04-02', personId: people.Jade, agencyId: police.id, type: 'education', summary: 'School reported Jade’s attendance at 82%.' });
      await t.db.query(`INSERT INTO case_event (case_id, event, from_state, to_state, at, by_user, note) VALUES ($1, 'allocate', 'awaiting_allocation', 'allocated', '2026-06-01T09:30:00Z', $2, 'Allocated to Priya Shah')`, [caseId, priya.id]);
      const other = await s.families.createFamily(priya, { family: aFamily({ familyName: 'Okafor' }), members: [aMember({ givenName: 'Ada', familyName: 'Okafor' })] });
      otherFamilyId = other.id;
    });

    it('puts every agency’s events in date order, oldest first', async () => {
      const view = await s.contacts.chronology(priya, familyId);
      const dated = view.events.map((e) => `${e.date} ${e.type}`);
      expect(dated.slice(0, 5)).toEqual(['2026-01-15 police', '2026-02-01 need', '2026-03-10 legal_status', '2026-04-02 education', '2026-06-01 allocation']);
      expect([...dated].sort()).toEqual(dated);
      expect(view.events.filter((e) => e.type === 'contact')).toHaveLength(9); // on all three of the family's cases
      expect(view.events.some((e) => e.type === 'referral')).toBe(true);
      const allocation = view.events.find((e) => e.type === 'allocation')!;
      expect(allocation).toMatchObject({ title: 'Case allocated to a key worker', detail: 'Allocated to Priya Shah', time: '10:30', agency: "Testshire Children's Services" });
      const need = view.events.find((e) => e.type === 'need')!;
      expect(need).toMatchObject({ title: 'Dan Walsh: 2B Drug misuse (parent or carer)', agency: 'Testshire Recovery', people: ['Dan Walsh'] });
      expect(view.total).toBe(view.events.length);
      expect(view.options.agencies).toEqual(['Testshire Children\'s Services', 'Testshire Police', 'Testshire Primary School', 'Testshire Recovery']);
    });

    it('filters by member (and the whole family), agency and type, newest first when asked', async () => {
      const jade = await s.contacts.chronology(priya, familyId, { members: [people.Jade], agencies: [], types: [], order: 'oldest' });
      expect(new Set(jade.events.map((e) => e.type))).toEqual(new Set(['legal_status', 'education', 'contact']));
      expect(jade.events.every((e) => e.personIds.includes(people.Jade))).toBe(true);
      const police = await s.contacts.chronology(priya, familyId, { members: [], agencies: ['Testshire Police'], types: [], order: 'newest' });
      expect(police.events.map((e) => e.date)).toEqual(['2026-04-02', '2026-01-15']);
      const wholeFamilyPolice = await s.contacts.chronology(priya, familyId, { members: ['family'], agencies: [], types: ['police', 'education'], order: 'oldest' });
      expect(wholeFamilyPolice.events.map((e) => e.detail)).toEqual(['Police called to a noise complaint. No further action.']);
      expect(wholeFamilyPolice.total).toBeGreaterThan(10);
      // A member of another family is not a filter here.
      const foreign = await s.contacts.chronology(priya, familyId, { members: ['0b7c2a5e-3f1d-4c2b-9a6e-1d2f3a4b5c6d'], agencies: [], types: [], order: 'oldest' });
      expect(foreign.filters.members).toEqual([]);
    });

    it('checks events added by hand', async () => {
      const error = await rejection(s.contacts.addChronologyEntry(priya, familyId, { occurredOn: '2026-12-01', agencyId: 'x', summary: '' }));
      // Every problem at once, the date after today among them (issue 15).
      expect((error as ValidationError).fieldErrors).toEqual({ occurredOn: 'The date of the event must be today or in the past', agencyId: 'Select the agency', type: 'Select the type of event', summary: 'Enter what happened' });
      const agencyId = (await s.families.referenceData()).agencies[0].id;
      const future = await rejection(s.contacts.addChronologyEntry(priya, familyId, { occurredOn: '2026-12-01', agencyId, type: 'health', summary: 'GP visit' }));
      expect((future as ValidationError).fieldErrors).toEqual({ occurredOn: 'The date of the event must be today or in the past' });
      const otherPerson = (await t.db.query<{ id: string }>('SELECT id FROM person WHERE family_id = $1', [otherFamilyId]))[0].id;
      const wrong = await rejection(s.contacts.addChronologyEntry(priya, familyId, { occurredOn: '2026-11-01', personId: otherPerson, agencyId, type: 'health', summary: 'GP visit' }));
      expect((wrong as ValidationError).fieldErrors).toEqual({ personId: 'Select someone in this family, or the whole family' });
    });

    it('keeps each family’s chronology to itself', async () => {
      const other = await s.contacts.chronology(priya, otherFamilyId);
      expect(other.events).toEqual([]);
    });

    it('refuses anyone who may not open the family, and audits the refusal', async () => {
      await expect(s.contacts.chronology(stranger, familyId)).rejects.toThrow(ForbiddenError);
      await expect(s.contacts.chronology(analyst, familyId)).rejects.toThrow('You do not have access to this family');
      expect(await auditRows(stranger.id, 'view-chronology')).toEqual([{ outcome: 'denied', record_type: 'chronology', record_id: familyId }]);
      await s.contacts.chronology(priya, familyId);
      expect((await auditRows(priya.id, 'view-chronology')).at(-1)).toEqual({ outcome: 'allowed', record_type: 'chronology', record_id: familyId });
      await expect(s.contacts.chronology(priya, '0b7c2a5e-3f1d-4c2b-9a6e-1d2f3a4b5c6d')).rejects.toThrow(NotFoundError);
    });
  });
});
