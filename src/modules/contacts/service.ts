import { letterService, signpostRepository } from '../directory/signposting.ts';
import { randomUUID } from 'node:crypto';
import { withFamilyAccess } from '../access/family-access.ts';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import {
  caseEventEntry, chronologyTypeLabels, chronologyTypes, filterChronology, sortChronology, wholeFamily,
  type ChronologyEvent, type ChronologyFilters, noFilters,
} from '../../domain/casework/chronology.ts';
import {
  contactTypeShortLabels, describeDuration, describeOutOfHoursRule, durationMinutes, isOutOfHours, localTimeZone,
  outOfHoursRule, visitTypes, weeklyIntensity, type OutOfHoursRule,
} from '../../domain/casework/intensity.ts';
import {
  blamingWordsIn, familyLetterDraft, letterDocument, letterHeadings, letterRecipientLabels, letterSections, referrerLetterDraft,
  repeatedPassages, type LetterDraft, type LetterFacts, type LetterRecipient, type Practitioner,
} from '../../domain/casework/letters.ts';
import { caseStateLabels, transition } from '../../domain/casework/lifecycle.ts';
import { legalStatusLabels, needLabel, parentOrCarerRoles } from '../../domain/codes.ts';
import { formatDate } from '../../domain/dates.ts';
import { nameWithAgency } from '../../domain/names.ts';
import { ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { auditRepository } from '../audit/repository.ts';
import type { CaseRow } from '../cases/repository.ts';
import type { CasesService } from '../cases/service.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { renderLetter, type LetterFormat } from './letters.ts';
import { contactsRepository as repo, type ContactRow, type LetterRow, type MemberRow, type PractitionerRow } from './repository.ts';
import { chronologyCategory, maySee, needCategory, type DataCategory, type ItemOwner, type Withholding } from '../../domain/access/categories.ts';
import { withholdingFor } from '../access/sharing.ts';
import { chronologyEntrySchemaOn, contactSchemaOn, letterSchema } from './schemas.ts';
import { requireFeature } from '../access/policy.ts';


export interface ContactsOptions {
  clock: Clock;
  /** Local policy for the out-of-hours default (07:30 to 20:00 on weekdays unless set). */
  outOfHoursRule?: OutOfHoursRule;
  timeZone?: string;
}

/** zod issues as { field: message }, with list items ('presentPersonIds.0') reported on the list. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const errors: Record<string, string> = {};
    for (const [key, message] of Object.entries(fieldErrors(result.error))) errors[key.replace(/\.\d+$/, '')] ??= message;
    throw new ValidationError(errors);
  }
  return result.data;
}

function requireWriter(actor: Actor, what: string) {
  return requireFeature(actor, 'casework.write', `Only practitioners and managers can ${what}`);
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function caseSummary(c: CaseRow) {
  return {
    id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, programmeId: c.programme_id, programmeName: c.programme_name,
    state: c.state, stateLabel: caseStateLabels[c.state], keyWorkerName: c.key_worker_name,
  };
}

const fullName = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

function practitioner(p: PractitionerRow): Practitioner {
  return { id: p.id, name: p.display_name, jobTitle: p.job_title, agency: p.agency_name, email: p.email };
}

const letterFields = ['recipientName', 'subject', 'salutation', ...letterSections] as const;

/** A message for each letter field that uses blaming words. */
function blamingProblems(letter: Record<(typeof letterFields)[number], string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of letterFields) {
    const words = blamingWordsIn(letter[field]);
    if (words.length) errors[field] = `Describe what happened without words that blame: remove ${words.map((w) => `“${w}”`).join(', ')}`;
  }
  return errors;
}

export type ContactView = ReturnType<typeof contactView>;

function contactView(c: ContactRow, present: { id: string; name: string; givenName: string }[]) {
  return {
    id: c.id, caseId: c.case_id, type: c.contact_type, typeLabel: contactTypeShortLabels[c.contact_type], isVisit: visitTypes.includes(c.contact_type),
    date: c.contact_date, startTime: c.start_time, endTime: c.end_time, durationMinutes: c.duration_minutes, duration: describeDuration(c.duration_minutes),
    location: c.location, present, othersPresent: c.others_present,
    outOfHours: c.out_of_hours, outOfHoursByRule: c.out_of_hours_by_rule, outOfHoursCorrected: c.out_of_hours !== c.out_of_hours_by_rule,
    notes: c.notes, didTogether: c.did_together, progress: c.progress, nextSteps: c.next_steps,
    recordedBy: c.recorded_by_name, recordedByAgency: c.recorded_by_agency, recordedAt: iso(c.recorded_at),
  };
}

function letterView(l: LetterRow) {
  const draft: LetterDraft = {
    recipient: l.recipient, recipientName: l.recipient_name, recipientAddress: l.recipient_address, subject: l.subject, salutation: l.salutation,
    didTogether: l.did_together, progress: l.progress, nextSteps: l.next_steps, servicesNearYou: l.services_near_you, whoToContact: l.who_to_contact,
    signedByName: l.signed_by_name, signedByRole: l.signed_by_role, organisation: l.organisation,
  };
  return {
    id: l.id, caseId: l.case_id, contactId: l.contact_id, recipientLabel: letterRecipientLabels[l.recipient], letterDate: l.letter_date,
    ...draft,
    contact: l.contact_id ? { id: l.contact_id, typeLabel: contactTypeShortLabels[l.contact_type!], date: l.contact_date! } : null,
    createdBy: l.created_by_name, createdAt: iso(l.created_at),
    document: letterDocument({ ...draft, letterDate: l.letter_date }),
  };
}

/** A safe file name for a download: 'progress-letter-walsh-family-2026-11-25.pdf'. */
function fileName(l: LetterRow, familyName: string, format: LetterFormat): string {
  const slug = `${familyName}-${l.recipient === 'family' ? 'family' : 'referrer'}`.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().toLowerCase().replace(/[\s_]+/g, '-');
  return `progress-letter-${slug}-${l.letter_date}.${format}`;
}

export function contactsService(db: Database, cases: CasesService, options: ContactsOptions) {
  const today = () => options.clock.today();
  const rule = options.outOfHoursRule ?? outOfHoursRule;
  const timeZone = options.timeZone ?? localTimeZone;

  function onFamily<T>(actor: Actor, familyId: string, action: string, work: (tx: Queryable) => Promise<T>, record?: { type: string; id: string }): Promise<T> {
    return withFamilyAccess(db, actor, familyId, action, work, record);
  }

  async function withPresent(tx: Queryable, rows: ContactRow[]) {
    const present = await repo.present(tx, rows.map((r) => r.id));
    return rows.map((r) => contactView(r, present.filter((p) => p.contact_id === r.id).map((p) => ({ id: p.person_id, name: fullName(p), givenName: p.given_name }))));
  }

  async function intensityFor(tx: Queryable, c: CaseRow) {
    const programme = await repo.programme(tx, c.programme_id);
    if (!programme) throw new NotFoundError('Programme');
    const day = today();
    const week = await repo.contactsBetween(tx, c.id, addDaysIso(day, -7), addDaysIso(day, 7));
    return weeklyIntensity(
      week.map((w) => ({ type: w.contact_type, date: w.contact_date, startTime: w.start_time, endTime: w.end_time })),
      { name: programme.name, maxHoursPerWeek: Number(programme.max_hours_per_week), minVisitsPerWeek: programme.min_visits_per_week, maxVisitsPerWeek: programme.max_visits_per_week },
      day,
    );
  }

  async function contactIn(tx: Queryable, caseId: string, contactId: string) {
    const row = await repo.contact(tx, caseId, contactId);
    if (!row) throw new NotFoundError('Contact');
    return (await withPresent(tx, [row]))[0];
  }

  /** Whether contacts may be recorded on the case now, and if not, the rule's reason. */
  function contactRule(c: CaseRow): { ok: true } | { ok: false; reason: string } {
    const result = transition(c.state, 'record_contact');
    return result.ok ? { ok: true } : { ok: false, reason: result.reason };
  }

  /** The facts a letter draft is made from: never the case note. */
  async function letterFacts(tx: Queryable, actor: Actor, c: CaseRow, contact: ContactView, recipient: LetterRecipient): Promise<{ facts: LetterFacts; consentWarning: string | null }> {
    const [family, members, writerRow, keyWorkerRow, referrer] = await Promise.all([
      repo.family(tx, c.family_id), repo.members(tx, c.family_id), repo.practitioner(tx, actor.id),
      c.key_worker_id ? repo.practitioner(tx, c.key_worker_id) : Promise.resolve(undefined), repo.referrer(tx, c.referral_id),
    ]);
    if (recipient === 'referrer' && (!referrer || referrer.self_referral)) {
      throw new RuleViolation('The family referred themselves, so there is no referrer to write to. Write to the family instead.');
    }
    const presentIds = new Set(contact.present.map((p) => p.id));
    const carers = members.filter((m) => m.member_type === 'adult' && parentOrCarerRoles.includes(m.role));
    // Write to the parents and carers who were there; if none were, to all of them.
    const addressees = carers.filter((m) => presentIds.has(m.id)).length ? carers.filter((m) => presentIds.has(m.id)) : carers;
    const writer = practitioner(writerRow!);
    const facts: LetterFacts = {
      familyName: c.family_name, caseReference: c.reference, programmeName: c.programme_name,
      familyAddress: [family!.address_line1, family!.address_line2, family!.town, family!.postcode],
      adults: addressees.map((m: MemberRow) => ({ givenName: m.given_name, familyName: m.family_name })),
      present: contact.present.map((p) => p.givenName), contactType: contact.type, contactDate: contact.date, location: contact.location,
      didTogether: contact.didTogether, progress: contact.progress, nextSteps: contact.nextSteps,
      keyWorker: keyWorkerRow ? practitioner(keyWorkerRow) : writer, writer,
      referrer: referrer && !referrer.self_referral ? { name: referrer.referrer_name, agency: referrer.referrer_agency, contact: referrer.referrer_contact } : null,
      // Directory services the practitioner chose for the family's letter ("Services near you").
      services: (await signpostRepository.forCase(tx, c.id)).filter((s) => s.in_letter && s.status === 'active').map(letterService),
    };
    const consentWarning = recipient === 'referrer' && referrer?.consent === 'not_given'
      ? `The family did not consent to the referral${referrer.lawful_basis ? ` (lawful basis recorded: ${referrer.lawful_basis})` : ''}. Check it is right to share their progress with the referrer before you send this letter.`
      : null;
    return { facts, consentWarning };
  }

  /** Field errors for letter text that blames, or (family letters) repeats the case note. */
  function letterProblems(letter: z.infer<typeof letterSchema>, contact: ContactView): Record<string, string> {
    const errors = blamingProblems(letter);
    if (letter.recipient === 'family') {
      for (const field of letterSections) {
        const repeated = repeatedPassages(letter[field], `${contact.notes}\n${contact.othersPresent}`);
        if (repeated.length && !errors[field]) {
          errors[field] = `This repeats the case note (“${repeated[0]}”). A family letter must not include case-note details, which may be about other people`;
        }
      }
    }
    return errors;
  }

  // Need to know: a case note belongs to the recorder's agency, a letter to its writer's.
  const contactOwner = (r: ContactRow) => ({ agencyId: r.recorded_by_agency_id, agencyKind: r.recorded_by_agency_kind });
  const letterOwner = (l: LetterRow) => ({ agencyId: l.created_by_agency_id, agencyKind: l.created_by_agency_kind });
  async function requireContactShared(tx: Queryable, actor: Actor, familyId: string, caseId: string, contactId: string) {
    const row = await repo.contact(tx, caseId, contactId);
    const shared = await withholdingFor(tx, actor, familyId);
    if (row && !maySee(shared.facts, 'case_notes', contactOwner(row))) throw new ForbiddenError(shared.refusal('case note', contactOwner(row)));
    return shared;
  }
  async function requireLetterShared(tx: Queryable, actor: Actor, familyId: string, l: LetterRow) {
    const shared = await withholdingFor(tx, actor, familyId);
    if (!maySee(shared.facts, 'letters', letterOwner(l))) throw new ForbiddenError(shared.refusal('letter', letterOwner(l)));
  }

  /** The chronology's events this viewer may see (need to know: each source's category and agency through `shared`). */
  async function chronologyEvents(tx: Queryable, familyId: string, shared: Withholding): Promise<ChronologyEvent[]> {
    const [referrals, statuses, needs, caseEvents, contacts, entries] = await Promise.all([
      repo.referrals(tx, familyId, timeZone), repo.statuses(tx, familyId), repo.needs(tx, familyId), repo.caseEvents(tx, familyId, timeZone),
      repo.familyContacts(tx, familyId), repo.chronologyEntries(tx, familyId),
    ]);
    const present = await repo.present(tx, contacts.map((c) => c.id));
    const all: ChronologyEvent[] = [];
    const events = { push(event: ChronologyEvent, category: DataCategory, owner: ItemOwner) { if (shared.sees(category, owner)) all.push(event); } };
    const base = { time: null, personIds: [], people: [], detail: '', source: '', recordedBy: null, contact: null };
    // That a referral came and what was decided is the family's safeguarding history; its reasons are case notes.
    for (const r of referrals) {
      const referrer = { agencyId: r.referrer_agency_id, agencyKind: r.referrer_agency_kind, recorderAgencyId: r.decider_agency_id };
      const decider = { agencyId: r.decider_agency_id, agencyKind: r.decider_agency_kind, recorderAgencyId: r.referrer_agency_id };
      events.push({
        ...base, key: `referral:${r.id}`, date: r.date, time: r.time, type: 'referral', agency: r.referrer_agency,
        title: r.self_referral ? 'The family referred themselves' : `Referral received from ${nameWithAgency(r.referrer_name, r.referrer_agency)}`,
        detail: maySee(shared.facts, 'case_notes', referrer) ? `${r.urgency.charAt(0).toUpperCase()}${r.urgency.slice(1)}. ${r.reasons}` : '', source: `Referral ${r.reference}`,
      }, 'safeguarding', referrer);
      if (r.decided_date && r.status !== 'received') {
        const title = r.status === 'accepted' ? `Referral accepted${r.programme_name ? ` into ${r.programme_name}` : ''}`
          : r.status === 'signposted' ? `Referral signposted${r.signposted_to ? ` to ${r.signposted_to}` : ' elsewhere'}` : 'Referral declined';
        events.push({
          ...base, key: `referral-decision:${r.id}`, date: r.decided_date, time: r.decided_time, type: 'referral', agency: r.decided_by_agency,
          title, detail: maySee(shared.facts, 'case_notes', decider) ? r.decision_reason : '', source: `Referral ${r.reference}`, recordedBy: r.decided_by_name,
        }, 'safeguarding', decider);
      }
    }
    for (const s of statuses) {
      events.push({
        ...base, key: `legal-status:${s.id}`, date: s.start_date, type: 'legal_status', agency: s.agency_name, personIds: [s.person_id], people: [fullName(s)],
        title: `${fullName(s)}: ${legalStatusLabels[s.status]}`, detail: s.end_date ? `Until ${formatDate(s.end_date)}` : 'Current status', recordedBy: s.recorded_by_name,
      }, 'safeguarding', { agencyId: s.owner_agency_id, agencyKind: s.owner_agency_kind });
    }
    for (const n of needs) {
      events.push({
        ...base, key: `need:${n.id}`, date: n.identified_on, type: 'need', agency: n.agency_name, personIds: [n.person_id], people: [fullName(n)],
        title: `${fullName(n)}: ${n.code ? `${n.code} ` : ''}${needLabel(n.need_type, n.code)}`, detail: n.is_current ? '' : 'No longer current',
        recordedBy: n.recorded_by_name,
      }, needCategory(n.need_type, n.code), { agencyId: n.owner_agency_id, agencyKind: n.owner_agency_kind, recorderAgencyId: n.recorder_agency_id });
    }
    for (const e of caseEvents) {
      const entry = caseEventEntry(e.event, e.note);
      if (!entry) continue;
      events.push({
        ...base, key: `case-event:${String(e.id).padStart(12, '0')}`, date: e.date, time: e.time, type: entry.type, agency: e.agency_name,
        title: entry.title, detail: entry.detail, source: `Case ${e.case_reference}`, recordedBy: e.by_name,
      }, chronologyCategory(entry.type), { agencyId: e.owner_agency_id, agencyKind: e.owner_agency_kind });
    }
    for (const c of contacts) {
      const people = present.filter((p) => p.contact_id === c.id);
      const where = c.location ? ` at ${c.location}` : '';
      events.push({
        ...base, key: `contact:${c.id}`, date: c.contact_date, time: c.start_time, type: 'contact', agency: c.recorded_by_agency,
        personIds: people.map((p) => p.person_id), people: people.map(fullName),
        title: `${contactTypeShortLabels[c.contact_type]}${where}, ${c.start_time} to ${c.end_time}${c.out_of_hours ? ' (out of hours)' : ''}`,
        detail: [people.length ? `With ${people.map(fullName).join(', ')}` : 'No family members recorded as present', c.others_present ? `Also there: ${c.others_present}` : '']
          .filter(Boolean).join('. '),
        source: `Case ${c.case_reference}`, recordedBy: c.recorded_by_name,
        contact: { caseId: c.case_id, contactId: c.id },
      }, 'case_notes', { agencyId: c.recorded_by_agency_id, agencyKind: c.recorded_by_agency_kind });
    }
    for (const e of entries) {
      events.push({
        ...base, key: `entry:${e.id}`, date: e.occurred_on, type: e.entry_type, agency: e.agency_name,
        personIds: e.person_id ? [e.person_id] : [], people: e.given_name ? [`${e.given_name} ${e.family_name}`] : [],
        title: `${chronologyTypeLabels[e.entry_type]}${e.given_name ? `: ${e.given_name} ${e.family_name}` : ''}`, detail: e.summary, source: e.source,
        recordedBy: e.recorded_by_name,
      }, chronologyCategory(e.entry_type), { agencyId: e.owner_agency_id, agencyKind: e.owner_agency_kind, recorderAgencyId: e.recorder_agency_id });
    }
    return all;
  }

  return {
    /** The case's contacts (newest first) and this week's intensity against the programme. */
    contacts: (actor: Actor, caseId: string) =>
      cases.withCase(actor, caseId, 'view-contacts', async (tx, c) => {
        const [all, intensity, shared] = await Promise.all([repo.contacts(tx, caseId), intensityFor(tx, c), withholdingFor(tx, actor, c.family_id)]);
        const rows = all.filter((r) => shared.sees('case_notes', contactOwner(r)));
        const rule2 = contactRule(c);
        return {
          case: caseSummary(c), intensity, contacts: await withPresent(tx, rows), withheld: { total: shared.total, notices: shared.notices() },
          canRecord: rule2.ok, cannotRecordReason: rule2.ok ? null : rule2.reason,
        };
      }),

    /** What the contact form needs: the family's members and the out-of-hours rule in words. */
    contactForm: (actor: Actor, caseId: string) =>
      cases.withCase(actor, caseId, 'view-contact-form', async (tx, c) => {
        const members = await repo.members(tx, c.family_id);
        const rule2 = contactRule(c);
        return {
          case: caseSummary(c), members: members.map((m) => ({ id: m.id, name: fullName(m) })),
          outOfHoursRule: describeOutOfHoursRule(rule), rule, canRecord: rule2.ok, cannotRecordReason: rule2.ok ? null : rule2.reason,
        };
      }),

    /** Records a visit, call or meeting: the case's lifecycle must allow it (an allocated, open case). */
    async recordContact(actor: Actor, caseId: string, input: unknown) {
      await requireWriter(actor, 'record contacts');
      const fields = parse(contactSchemaOn(today()), input);
      return cases.withCase(actor, caseId, 'record-contact', async (tx, c) => {
        const members = new Set((await repo.members(tx, c.family_id)).map((m) => m.id));
        if (fields.presentPersonIds.some((id) => !members.has(id))) throw new ValidationError({ presentPersonIds: 'Select people from this family' });
        await cases.applyEvent(tx, c, 'record_contact', actor, `${contactTypeShortLabels[fields.type]} on ${formatDate(fields.date)}`);
        const byRule = isOutOfHours({ date: fields.date, startTime: fields.startTime, endTime: fields.endTime }, rule);
        const id = randomUUID();
        await repo.insertContact(tx, {
          id, caseId, type: fields.type, date: fields.date, startTime: fields.startTime, endTime: fields.endTime,
          durationMinutes: durationMinutes(fields.startTime, fields.endTime), location: fields.location, othersPresent: fields.othersPresent,
          outOfHours: fields.outOfHours ?? byRule, outOfHoursByRule: byRule, notes: fields.notes, didTogether: fields.didTogether,
          progress: fields.progress, nextSteps: fields.nextSteps, recordedBy: actor.id, recordedAt: options.clock.now(), presentPersonIds: [...new Set(fields.presentPersonIds)],
        });
        return { id, outOfHours: fields.outOfHours ?? byRule, outOfHoursByRule: byRule };
      });
    },

    contact: (actor: Actor, caseId: string, contactId: string) =>
      cases.withCase(actor, caseId, 'view-contact', async (tx, c) => {
        const shared = await requireContactShared(tx, actor, c.family_id, caseId, contactId);
        const contact = await contactIn(tx, caseId, contactId);
        const referrer = await repo.referrer(tx, c.referral_id);
        const letters = (await repo.letters(tx, caseId)).filter((l) => l.contact_id === contactId && shared.sees('letters', letterOwner(l))).map(letterView);
        return { case: caseSummary(c), contact, hasReferrer: Boolean(referrer && !referrer.self_referral), letters };
      }),

    /** A first draft of a progress letter after a contact, for the practitioner to edit and approve. */
    letterDraft: (actor: Actor, caseId: string, contactId: string, recipient: LetterRecipient) =>
      cases.withCase(actor, caseId, 'draft-letter', async (tx, c) => {
        await requireContactShared(tx, actor, c.family_id, caseId, contactId);
        const contact = await contactIn(tx, caseId, contactId);
        const { facts, consentWarning } = await letterFacts(tx, actor, c, contact, recipient);
        const draft = recipient === 'family' ? familyLetterDraft(facts) : referrerLetterDraft(facts);
        return { case: caseSummary(c), contact, draft, headings: letterHeadings[recipient], consentWarning };
      }),

    /** Saves an approved letter. Blaming words, and (to the family) case-note passages, are refused. */
    async saveLetter(actor: Actor, caseId: string, input: unknown) {
      await requireWriter(actor, 'write letters');
      const checked = letterSchema.safeParse(input);
      if (!checked.success) {
        // Say at once what blames, too, rather than only after the other problems are fixed.
        const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
        const blaming = blamingProblems(Object.fromEntries(letterFields.map((f) => [f, typeof raw[f] === 'string' ? raw[f] : ''])) as Record<(typeof letterFields)[number], string>);
        throw new ValidationError({ ...blaming, ...fieldErrors(checked.error) });
      }
      const fields = checked.data;
      return cases.withCase(actor, caseId, 'save-letter', async (tx, c) => {
        const row = await repo.contact(tx, caseId, fields.contactId);
        if (!row) throw new ValidationError({ contactId: 'Choose a contact on this case' });
        const contact = (await withPresent(tx, [row]))[0];
        if (fields.recipient === 'referrer') {
          const referrer = await repo.referrer(tx, c.referral_id);
          if (!referrer || referrer.self_referral) throw new RuleViolation('The family referred themselves, so there is no referrer to write to. Write to the family instead.');
        }
        const problems = letterProblems(fields, contact);
        if (Object.keys(problems).length) throw new ValidationError(problems);
        const writer = (await repo.practitioner(tx, actor.id))!;
        const id = randomUUID();
        await repo.insertLetter(tx, {
          id, caseId, contactId: fields.contactId, recipient: fields.recipient, recipientName: fields.recipientName, recipientAddress: fields.recipientAddress,
          letterDate: today(), subject: fields.subject, salutation: fields.salutation, didTogether: fields.didTogether, progress: fields.progress,
          nextSteps: fields.nextSteps, servicesNearYou: fields.servicesNearYou, whoToContact: fields.whoToContact, signedByName: writer.display_name, signedByRole: writer.job_title,
          organisation: writer.agency_name, createdBy: actor.id, createdAt: options.clock.now(),
        });
        await auditRepository.insert(tx, { userId: actor.id, action: 'save-letter', recordType: 'letter', recordId: id, familyId: c.family_id, outcome: 'allowed', ip: actor.ip, detail: { recipient: fields.recipient } });
        return { id };
      });
    },

    letters: (actor: Actor, caseId: string) =>
      cases.withCase(actor, caseId, 'list-letters', async (tx, c) => {
        const shared = await withholdingFor(tx, actor, c.family_id);
        const letters = (await repo.letters(tx, caseId)).filter((l) => shared.sees('letters', letterOwner(l))).map(letterView);
        return { case: caseSummary(c), letters, withheld: { total: shared.total, notices: shared.notices() } };
      }),

    letter: (actor: Actor, caseId: string, letterId: string) =>
      cases.withCase(actor, caseId, 'view-letter', async (tx, c) => {
        const row = await repo.letter(tx, caseId, letterId);
        if (!row) throw new NotFoundError('Letter');
        await requireLetterShared(tx, actor, c.family_id, row);
        await auditRepository.insert(tx, { userId: actor.id, action: 'view-letter', recordType: 'letter', recordId: letterId, familyId: c.family_id, outcome: 'allowed', ip: actor.ip });
        return { case: caseSummary(c), letter: letterView(row) };
      }),

    /** The letter as a PDF or Word file, made from the saved text: the same letter always gives the same bytes. */
    async letterFile(actor: Actor, caseId: string, letterId: string, format: LetterFormat) {
      const { row, familyName } = await cases.withCase(actor, caseId, `download-letter-${format}`, async (tx, c) => {
        const found = await repo.letter(tx, caseId, letterId);
        if (!found) throw new NotFoundError('Letter');
        await requireLetterShared(tx, actor, c.family_id, found);
        await auditRepository.insert(tx, { userId: actor.id, action: `download-letter-${format}`, recordType: 'letter', recordId: letterId, familyId: c.family_id, outcome: 'allowed', ip: actor.ip, detail: { format } });
        return { row: found, familyName: c.family_name };
      });
      const view = letterView(row);
      const body = await renderLetter(format, view.document, { createdAt: new Date(view.createdAt!), author: row.signed_by_name });
      return { body, fileName: fileName(row, familyName, format), contentType: format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
    },

    /** The family chronology: every agency's significant events, filtered, in date order. */
    chronology: (actor: Actor, familyId: string, filters: ChronologyFilters = noFilters) =>
      onFamily(actor, familyId, 'view-chronology', async (tx) => {
        const shared = await withholdingFor(tx, actor, familyId);
        const [family, members, all] = await Promise.all([repo.family(tx, familyId), repo.members(tx, familyId), chronologyEvents(tx, familyId, shared)]);
        const memberIds = new Set([...members.map((m) => m.id), wholeFamily]);
        const applied: ChronologyFilters = { ...filters, members: filters.members.filter((m) => memberIds.has(m)) };
        const events = sortChronology(filterChronology(all, applied), applied.order);
        return {
          family: { id: family!.id, reference: family!.reference, familyName: family!.family_name },
          filters: applied, total: all.length, events, asOf: today(), withheld: { total: shared.total, notices: shared.notices() },
          options: {
            members: [...members.map((m) => ({ value: m.id, text: fullName(m) })), { value: wholeFamily, text: 'The whole family (not about one person)' }],
            agencies: [...new Set(all.map((e) => e.agency).filter((a): a is string => Boolean(a)))].sort((a, b) => a.localeCompare(b)),
            types: chronologyTypes.map((t) => ({ value: t, text: chronologyTypeLabels[t] })),
          },
        };
      }, { type: 'chronology', id: familyId }),

    chronologyEntryForm: (actor: Actor, familyId: string) =>
      onFamily(actor, familyId, 'view-chronology-entry-form', async (tx) => {
        const [family, members, agencies] = await Promise.all([repo.family(tx, familyId), repo.members(tx, familyId), repo.agencies(tx)]);
        return {
          family: { id: family!.id, reference: family!.reference, familyName: family!.family_name },
          members: members.map((m) => ({ id: m.id, name: fullName(m) })), agencies,
        };
      }),

    /** Adds a significant event (an incident, a health or school matter...) to the family chronology by hand. */
    async addChronologyEntry(actor: Actor, familyId: string, input: unknown) {
      await requireWriter(actor, 'add to the chronology');
      const fields = parse(chronologyEntrySchemaOn(today()), input);
      return onFamily(actor, familyId, 'add-chronology-entry', async (tx) => {
        if (fields.personId && !(await repo.members(tx, familyId)).some((m) => m.id === fields.personId)) {
          throw new ValidationError({ personId: 'Select someone in this family, or the whole family' });
        }
        if (!(await repo.agency(tx, fields.agencyId))) throw new ValidationError({ agencyId: 'Select the agency' });
        const id = randomUUID();
        await repo.insertChronologyEntry(tx, { id, familyId, personId: fields.personId, occurredOn: fields.occurredOn, agencyId: fields.agencyId, type: fields.type, summary: fields.summary, source: fields.source, recordedBy: actor.id, recordedAt: options.clock.now() });
        return { id };
      }, { type: 'chronology-entry', id: familyId });
    },

    /**
     * For the "my work" helper, inside the caller's transaction (its own access check covers these
     * cases): per case with contacts, when the latest contact started and when the first home visit
     * started (null if none yet), as ISO instants. A case with no contacts is not in the map.
     */
    async lastContacts(tx: Queryable, caseIds: string[]): Promise<Map<string, { lastContactAt: string | null; firstVisitAt: string | null }>> {
      const result = new Map<string, { lastContactAt: string | null; firstVisitAt: string | null }>();
      if (!caseIds.length) return result;
      for (const row of await repo.lastContacts(tx, caseIds, timeZone)) {
        result.set(row.case_id, { lastContactAt: iso(row.last_contact_at), firstVisitAt: iso(row.first_visit_at) });
      }
      return result;
    },
  };
}

function addDaysIso(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}

export type ContactsService = ReturnType<typeof contactsService>;
