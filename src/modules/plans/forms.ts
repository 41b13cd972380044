import { formVersion } from '../../domain/input.ts';
import type { FieldErrors } from '../../domain/errors.ts';
import type { Gap } from '../../domain/casework/plan.ts';
import { dateFromParts, dateParts, text } from '../../web/forms.ts';

/**
 * Posted form fields turned into the shapes the plans service validates, plus any date-box
 * errors found on the way; and the error anchors of the plans module's pages.
 */

type Body = Record<string, unknown>;

function list(body: Body, name: string): string[] {
  const value = body[name];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value ? [value] : [];
}

const version = (body: Body) => formVersion(text(body, 'version') || '0');

export function memberAssessmentFromForm(body: Body) {
  return {
    strengths: text(body, 'strengths'), needs: text(body, 'needs'), risks: text(body, 'risks'), factorCodes: list(body, 'factorCodes'),
    wishesAndFeelings: text(body, 'wishesAndFeelings'), wishesNotRecordedReason: text(body, 'wishesNotRecordedReason'), version: version(body),
  };
}

export function familyViewFromForm(body: Body) {
  return { familyView: text(body, 'familyView'), wantsToChange: text(body, 'wantsToChange'), version: version(body) };
}

export function goalFromForm(body: Body) {
  const distance = text(body, 'distanceTravelled');
  return {
    goal: text(body, 'goal'), outcomeArea: text(body, 'outcomeArea') || undefined, progressNote: text(body, 'progressNote'),
    distanceTravelled: distance ? (/^\d$/.test(distance) ? Number(distance) : distance) : null, version: version(body),
  };
}

/** The owner radios post 'person:<id>', 'user:<id>' or 'agency' (with the agency's name in its own box). */
export function actionFromForm(body: Body) {
  const due = dateFromParts(body, 'dueOn', 'The due date');
  const owner = text(body, 'owner');
  const [kind, id] = owner.split(':');
  const errors: FieldErrors = {};
  if (due.error) errors.dueOn = due.error;
  return {
    input: {
      description: text(body, 'description'),
      ownerType: kind === 'person' ? 'person' : kind === 'user' ? 'practitioner' : kind === 'agency' ? 'agency' : undefined,
      ownerPersonId: kind === 'person' ? id || null : null,
      ownerUserId: kind === 'user' ? id || null : null,
      ownerName: kind === 'agency' ? text(body, 'ownerName') : '',
      dueOn: due.value ?? undefined,
      status: text(body, 'status') || undefined,
      version: version(body),
    },
    errors,
  };
}

/** The owner radio value for an action, to tick the right option when the form is shown again. */
export function ownerValue(a: { ownerType: string; ownerPersonId: string | null; ownerUserId: string | null }): string {
  if (a.ownerType === 'person') return `person:${a.ownerPersonId}`;
  if (a.ownerType === 'practitioner') return `user:${a.ownerUserId}`;
  return 'agency';
}

export function dateValues(name: string, iso: string | null | undefined) {
  const parts = dateParts(iso);
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year };
}

export function reviewDateFromForm(body: Body) {
  const date = dateFromParts(body, 'reviewDate', 'The review date');
  const errors: FieldErrors = date.error ? { reviewDate: date.error } : {};
  return { input: { reviewDate: date.value ?? undefined, version: version(body) }, errors };
}

/**
 * The contract form lists the agencies in the team around the family (name fixed, commitment
 * optional) and blank rows for other agencies (name and commitment). Rows left blank are
 * skipped; `rows` maps each sent commitment back to its row on the form for error messages.
 */
export function contractFromForm(body: Body) {
  const count = Math.min(Number(text(body, 'agencyRows')) || 0, 20);
  const agencyCommitments: { agency: string; commitment: string }[] = [];
  const rows: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const agency = text(body, `agency-${i}`);
    const commitment = text(body, `commitment-${i}`);
    const fixed = text(body, `fixed-${i}`) === 'yes';
    if (commitment.trim() || (!fixed && agency.trim())) {
      agencyCommitments.push({ agency, commitment });
      rows.push(i);
    }
  }
  const agreed = dateFromParts(body, 'agreedOn', 'The date the family agreed');
  return {
    input: {
      familyCommitments: text(body, 'familyCommitments'), keyWorkerCommitments: text(body, 'keyWorkerCommitments'), agencyCommitments,
      consequences: text(body, 'consequences'), agreedOn: agreed.value, version: version(body),
    },
    errors: (agreed.error ? { agreedOn: agreed.error } : {}) as FieldErrors,
    rows,
  };
}

/** Safety plan contact rows: a row with a name or a number is sent; blank rows are skipped. */
export function safetyPlanFromForm(body: Body) {
  const count = Math.min(Number(text(body, 'contactRows')) || 0, 12);
  const contacts: { name: string; phone: string; when: string | undefined }[] = [];
  const rows: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = text(body, `contactName-${i}`);
    const phone = text(body, `contactPhone-${i}`);
    if (name.trim() || phone.trim()) {
      contacts.push({ name, phone, when: text(body, `contactWhen-${i}`) || undefined });
      rows.push(i);
    }
  }
  return {
    input: { risks: text(body, 'risks'), keepingSafe: text(body, 'keepingSafe'), whoDoesWhat: text(body, 'whoDoesWhat'), contacts, version: version(body) },
    rows,
  };
}

/** Renames list errors ('contacts.1.phone') to the form's row fields ('contactPhone-3'). */
export function rowErrors(errors: FieldErrors, list: string, rows: number[], fields: Record<string, string>): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const match = new RegExp(`^${list}\\.(\\d+)\\.(\\w+)$`).exec(key);
    if (match && fields[match[2]] && rows[Number(match[1])] !== undefined) out[`${fields[match[2]]}-${rows[Number(match[1])]}`] = message;
    else out[key] = message;
  }
  return out;
}

/** Owner errors all point at the one set of owner radios. */
export function actionErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const field = key === 'ownerType' || key === 'ownerPersonId' || key === 'ownerUserId' ? 'owner' : key;
    out[field] ??= message;
  }
  return out;
}

/** Gaps (things still to do) as errors: one entry each, linking to the part of the page it is about. */
export function gapErrors(gaps: Gap[]): FieldErrors {
  return Object.fromEntries(gaps.map((g, i) => [`${g.field}|${i}`, g.message]));
}

/** Where each field's error links to: the first box of a date, the first option of radios. */
export const fieldAnchors: Record<string, string> = {
  dueOn: 'dueOn-day', reviewDate: 'reviewDate-day', agreedOn: 'agreedOn-day', outcomeArea: 'outcomeArea', owner: 'owner', status: 'status',
  factorCodes: 'factorCodes', contacts: 'contactName-0', form: 'main-content',
};

export function anchorFor(field: string): string {
  const base = field.split('|')[0];
  return fieldAnchors[base] ?? base;
}

/** The order fields appear in on the plans module's forms, so the error summary lists problems top to bottom. */
export const fieldOrder = [
  'form', 'members', 'strengths', 'needs', 'risks', 'factorCodes', 'wishesAndFeelings', 'wishesNotRecordedReason', 'familyView', 'wantsToChange',
  'goals', 'goal', 'outcomeArea', 'progressNote', 'distanceTravelled', 'description', 'owner', 'ownerName', 'dueOn', 'status', 'reviewDate',
  'familyCommitments', 'keyWorkerCommitments', 'agency', 'commitment', 'consequences', 'agreedOn',
  'keepingSafe', 'whoDoesWhat', 'contacts', 'contactName', 'contactPhone', 'contactWhen',
];

/** Field errors as the GOV.UK error summary list, in page order (rows in row order), each linking to its field. */
export function errorSummary(errors: FieldErrors, anchors: Record<string, string> = {}) {
  const rank = (key: string): [number, number] => {
    // Gaps keep the order the rule lists them in (the session store may not keep key order).
    if (key.includes('|')) return [Number(key.split('|')[1]), 0];
    const base = key;
    const row = /^(\w+)-(\d+)$/.exec(base);
    const name = row ? row[1] : base.startsWith('member-') || base.startsWith('goal-') ? base.split('-')[0] : base;
    const index = fieldOrder.indexOf(name === 'member' ? 'members' : name === 'goal' ? 'goals' : name);
    return [index === -1 ? fieldOrder.length : index, row ? Number(row[2]) : 0];
  };
  return Object.entries(errors)
    .map(([key, text], i) => ({ key, text, i, rank: rank(key) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.i - b.i)
    .map(({ key, text }) => ({ text, href: `#${anchors[key.split('|')[0]] ?? anchorFor(key)}` }));
}
