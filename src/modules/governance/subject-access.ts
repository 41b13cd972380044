/**
 * A subject access export: everything Lantern holds about one person, with other people's personal
 * data redacted (their names taken out of text, their own assessments and plan actions withheld)
 * and a list of what was redacted, without repeating it.
 */
import type { Queryable } from '../../db/database.ts';
import { otherPeoplesNames, redactNames } from '../../domain/governance/redaction.ts';
import { ukDateTime } from '../admin/present.ts';
import { auditRepository } from '../audit/repository.ts';
import { heading, paragraph, pdfReport } from '../../web/pdf-report.ts';
import { formatDate } from '../../domain/dates.ts';
import { ukDate } from '../../domain/casework/due.ts';
import { nameWithAgency } from '../../domain/names.ts';
import { subjectAccessRepository as repo } from './repository.ts';

export interface Redaction { where: string; what: string; count: number }

export interface SubjectAccessExport {
  generatedAt: string;
  familyId: string;
  person: { givenName: string; familyName: string; dateOfBirth: string | null; expectedDate: string | null; sex: string; memberType: string; role: string };
  family: { reference: string; familyName: string; address: string };
  relationships: { relationship: string; otherPersonRole: string }[];
  needs: { type: string; code: string | null; identifiedOn: string; current: boolean; notes: string; agency: string | null }[];
  legalStatuses: { status: string; from: string; to: string | null }[];
  contacts: { date: string; type: string; present: boolean; notes: string; didTogether: string; progress: string; nextSteps: string; recordedBy: string }[];
  assessments: { case: string; started: string; completed: string | null; familyView: string; wantsToChange: string; aboutYou: { strengths: string; needs: string; risks: string; factorCodes: string[]; wishesAndFeelings: string } | null }[];
  planActions: { case: string; plan: number; planStatus: string; goal: string; action: string; owner: string; dueOn: string; status: string }[];
  letters: { date: string; recipient: string; subject: string; didTogether: string; progress: string; nextSteps: string; signedBy: string }[];
  views: { at: string; who: string; agency: string; action: string; basis: string }[];
  redacted: Redaction[];
}

export async function buildSubjectAccess(q: Queryable, personId: string, now: Date): Promise<SubjectAccessExport | null> {
  const person = await repo.person(q, personId);
  if (!person) return null;
  const [family, members] = await Promise.all([repo.family(q, person.family_id), repo.members(q, person.family_id)]);
  const others = members.filter((m) => m.id !== personId);
  const names = otherPeoplesNames({ givenName: person.given_name, familyName: person.family_name }, others.map((o) => ({ givenName: o.given_name, familyName: o.family_name })));
  const redacted: Redaction[] = [];
  const clean = (where: string, text: string) => {
    const out = redactNames(text, names);
    if (out.count) redacted.push({ where, what: 'names of other people', count: out.count });
    return out.text;
  };
  const mentions = (text: string) => new RegExp(`(?<![\\p{L}])${person.given_name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'iu').test(text);

  const contacts = (await repo.contacts(q, person.family_id, personId))
    .filter((c) => c.present || mentions(`${c.notes} ${c.did_together} ${c.progress} ${c.next_steps}`))
    .map((c) => {
      const where = `contact on ${c.contact_date}`;
      if (c.others_present.trim()) redacted.push({ where, what: 'who else was present', count: 1 });
      return {
        date: c.contact_date, type: c.contact_type, present: c.present, notes: clean(`${where}, case note`, c.notes),
        didTogether: clean(`${where}, what we did together`, c.did_together), progress: clean(`${where}, progress`, c.progress),
        nextSteps: clean(`${where}, next steps`, c.next_steps), recordedBy: c.recorded_by,
      };
    });

  const assessments = (await repo.assessments(q, person.family_id)).map((a) => {
    const where = `assessment in case ${a.case_reference}`;
    const mine = a.members.find((m) => m.person_id === personId);
    const withheld = a.members.length - (mine ? 1 : 0);
    if (withheld) redacted.push({ where, what: 'other family members’ own assessments', count: withheld });
    return {
      case: a.case_reference, started: ukDateTime(a.started_at), completed: a.completed_at ? ukDateTime(a.completed_at) : null,
      familyView: clean(`${where}, the family’s view`, a.family_view), wantsToChange: clean(`${where}, what the family wants to change`, a.wants_to_change),
      aboutYou: mine ? {
        strengths: clean(`${where}, strengths`, mine.strengths), needs: clean(`${where}, needs`, mine.needs), risks: clean(`${where}, risks`, mine.risks),
        factorCodes: mine.factor_codes, wishesAndFeelings: clean(`${where}, wishes and feelings`, mine.wishes_and_feelings),
      } : null,
    };
  });

  const planActions: SubjectAccessExport['planActions'] = [];
  let withheldActions = 0;
  for (const a of await repo.planActions(q, person.family_id)) {
    if (a.owner_type === 'person' && a.owner_person_id !== personId) {
      withheldActions += 1;
      continue;
    }
    const where = `plan ${a.plan_number} in case ${a.case_reference}`;
    planActions.push({
      case: a.case_reference, plan: a.plan_number, planStatus: a.plan_status, goal: clean(`${where}, goal`, a.goal), action: clean(`${where}, action`, a.description),
      owner: a.owner_type === 'person' ? 'You' : a.owner_name, dueOn: a.due_on, status: a.status,
    });
  }
  if (withheldActions) redacted.push({ where: 'family plans', what: 'actions for other family members', count: withheldActions });

  const letters = (await repo.letters(q, person.family_id)).map((l) => {
    const where = `letter of ${l.letter_date}`;
    return {
      date: l.letter_date, recipient: l.recipient === 'family' ? clean(`${where}, addressed to`, l.recipient_name) : 'The referrer',
      subject: clean(`${where}, subject`, l.subject), didTogether: clean(`${where}, what we did together`, l.did_together),
      progress: clean(`${where}, progress`, l.progress), nextSteps: clean(`${where}, next steps`, l.next_steps), signedBy: l.signed_by_name,
    };
  });

  const relationships = (await repo.relationships(q, personId)).map((r) => ({
    relationship: r.person_id === personId ? `you are ${r.kind.replace(/_/g, ' ')} them` : `they are ${r.kind.replace(/_/g, ' ')} you`,
    otherPersonRole: r.other_role.replace(/_/g, ' '),
  }));
  if (relationships.length) redacted.push({ where: 'relationships', what: 'the names of the people you are related to (their role is given)', count: relationships.length });
  if (others.length) redacted.push({ where: 'the household', what: 'other household members’ names, dates of birth, needs and legal statuses', count: others.length });

  const views = (await auditRepository.seenBy(q, person.family_id)).map((e) => ({
    at: ukDateTime(e.at), who: e.user_name ?? 'Not signed in', agency: e.agency_name ?? '', action: e.action, basis: e.basis,
  }));

  return {
    generatedAt: now.toISOString(),
    familyId: person.family_id,
    person: {
      givenName: person.given_name, familyName: person.family_name, dateOfBirth: person.date_of_birth, expectedDate: person.expected_date,
      sex: person.sex, memberType: person.member_type, role: person.role,
    },
    family: { reference: family.reference, familyName: family.family_name, address: [family.address_line1, family.address_line2, family.town, family.postcode].filter(Boolean).join(', ') },
    relationships,
    needs: (await repo.needs(q, personId)).map((n) => ({ type: n.need_type, code: n.code, identifiedOn: n.identified_on, current: n.is_current, notes: clean(`need identified ${n.identified_on}`, n.notes), agency: n.agency })),
    legalStatuses: (await repo.statuses(q, personId)).map((s) => ({ status: s.status, from: s.start_date, to: s.end_date })),
    contacts, assessments, planActions, letters, views, redacted,
  };
}

/** The export as JSON without the internal family id. */
export function subjectAccessJson(data: SubjectAccessExport) {
  const { familyId: _, ...rest } = data;
  return rest;
}

/** The export as a PDF: each part in turn, then what was redacted. */
export async function subjectAccessPdf(data: SubjectAccessExport, options: { compress?: boolean } = {}): Promise<Buffer> {
  const p = data.person;
  const { doc, done } = pdfReport({ title: `Subject access: ${p.givenName} ${p.familyName}`, author: 'Lantern', subject: 'Subject access export' }, options);
  doc.font('Helvetica-Bold').fontSize(20).text('What Lantern holds about you');
  paragraph(doc, `${p.givenName} ${p.familyName}${p.dateOfBirth ? `, born ${formatDate(p.dateOfBirth)}` : ''}. Family ${data.family.reference}, ${data.family.address}. Made ${formatDate(ukDate(new Date(data.generatedAt)))}.`);
  paragraph(doc, 'Other people’s personal information has been taken out and replaced by [another person]. The last section lists what was taken out.');
  const section = (title: string, lines: string[]) => {
    heading(doc, title);
    if (!lines.length) paragraph(doc, 'None recorded.');
    for (const line of lines) paragraph(doc, line);
  };
  section('Your relationships', data.relationships.map((r) => `${r.relationship} (${r.otherPersonRole})`));
  section('Needs recorded about you', data.needs.map((n) => `${formatDate(n.identifiedOn)}: ${n.type === 'offending' ? 'offending' : `factor ${n.code}`}${n.current ? '' : ' (no longer current)'}${n.agency ? `, from ${n.agency}` : ''}. ${n.notes}`));
  section('Legal status', data.legalStatuses.map((s) => `${s.status.replace(/_/g, ' ')} from ${formatDate(s.from)}${s.to ? ` to ${formatDate(s.to)}` : ''}`));
  section('Contacts and case notes', data.contacts.map((c) => `${formatDate(c.date)}, ${c.type.replace(/_/g, ' ')}${c.present ? ' (you were there)' : ''}, recorded by ${c.recordedBy}. ${c.notes} ${c.didTogether} ${c.progress} ${c.nextSteps}`.trim()));
  section('Assessments', data.assessments.map((a) => `Case ${a.case}, started ${a.started}. Family's view: ${a.familyView} What the family wants to change: ${a.wantsToChange}${a.aboutYou ? ` About you: strengths ${a.aboutYou.strengths}; needs ${a.aboutYou.needs}; risks ${a.aboutYou.risks}; ${a.aboutYou.wishesAndFeelings}` : ''}`));
  section('Family plans', data.planActions.map((a) => `Case ${a.case}, plan ${a.plan} (${a.planStatus}): ${a.goal}: ${a.action} (${a.owner}, by ${formatDate(a.dueOn)}, ${a.status.replace(/_/g, ' ')})`));
  section('Letters', data.letters.map((l) => `${formatDate(l.date)} to ${l.recipient}: ${l.subject}. ${l.didTogether} ${l.progress} ${l.nextSteps} Signed ${l.signedBy}.`));
  section('Who has seen your family’s record', data.views.map((v) => `${v.at}: ${nameWithAgency(v.who, v.agency)}: ${v.action.replace(/-/g, ' ')} (${v.basis || 'none'})`));
  section('What was redacted', data.redacted.map((r) => `${r.where}: ${r.what} (${r.count})`));
  doc.end();
  return done;
}
