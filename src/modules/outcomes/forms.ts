import { formVersion } from '../../domain/input.ts';
import type { FieldErrors } from '../../domain/errors.ts';
import { familyStarAreas, type HouseholdMeasures, type MemberMeasures, type TimePoint } from '../../domain/outcomes/measures.ts';
import { dateFromParts, dateParts, errorList, text } from '../../web/forms.ts';

type Body = Record<string, unknown>;

export const memberFields = [
  'legalStatus', 'atRiskOfRemoval', 'attendancePercent', 'exclusions', 'offences12m', 'offences6m', 'asb12m', 'asb6m', 'emergencyAdmissions', 'daysInCare',
  'substanceTreatment', 'workSteps', 'sdqTotal',
] as const;
export const householdFields = ['policeCallOuts', 'domesticAbuseIncidents', 'rentArrears', 'evictionNotices'] as const;

/** A typed number as a number; blank as not recorded; anything else stays text so the schema says what is wrong. */
function numberOrText(value: string): number | string | null {
  const v = value.trim().replace(/%$/, '').replace(/^£/, '').replace(/,/g, '');
  if (!v) return null;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? [value] : []);

/** The form's fields (member fields end in -<personId>) as the API's input, and any date problem. */
export function measuresFromForm(body: Body, timePoint: TimePoint, personIds: string[]) {
  const date = dateFromParts(body, 'recordedOn', 'The date the measures were taken');
  const members = personIds.map((id) => {
    const f = (name: string) => text(body, `${name}-${id}`);
    const yesNo = f('atRiskOfRemoval');
    return {
      personId: id,
      legalStatus: f('legalStatus') || null,
      atRiskOfRemoval: yesNo === 'yes' ? true : yesNo === 'no' ? false : null,
      attendancePercent: numberOrText(f('attendancePercent')), exclusions: numberOrText(f('exclusions')),
      offences6m: numberOrText(f('offences6m')), offences12m: numberOrText(f('offences12m')), asb6m: numberOrText(f('asb6m')), asb12m: numberOrText(f('asb12m')),
      emergencyAdmissions: numberOrText(f('emergencyAdmissions')), daysInCare: numberOrText(f('daysInCare')),
      substanceTreatment: f('substanceTreatment') || null, workSteps: list(body[`workSteps-${id}`]), sdqTotal: numberOrText(f('sdqTotal')),
    };
  });
  const familyStar: Record<string, number | string> = {};
  for (const a of familyStarAreas) {
    const v = numberOrText(text(body, `star-${a.key}`));
    if (v !== null) familyStar[a.key] = v;
  }
  const household = {
    policeCallOuts: numberOrText(text(body, 'policeCallOuts')), domesticAbuseIncidents: numberOrText(text(body, 'domesticAbuseIncidents')),
    rentArrears: numberOrText(text(body, 'rentArrears')), evictionNotices: numberOrText(text(body, 'evictionNotices')), familyStar,
  };
  const formErrors: FieldErrors = {};
  if (date.error) formErrors.recordedOn = date.error;
  else if (!date.value) formErrors.recordedOn = 'Enter the date the measures were taken';
  return { input: { timePoint, recordedOn: date.value ?? '', household, members, version: formVersion(text(body, 'version')) }, formErrors };
}

/** The API's error keys (members.0.attendancePercent, household.familyStar.wellbeing) as the form's field ids, with the member's name on the message. */
export function formErrors(errors: FieldErrors, members: { id: string; name: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const member = /^members\.(\d+)\.(\w+)/.exec(key);
    const star = /^household\.familyStar\.(\w+)/.exec(key);
    const household = /^household\.(\w+)/.exec(key);
    if (member) {
      const m = members[Number(member[1])];
      out[`${member[2]}-${m?.id ?? member[1]}`] = m ? `${message} (${m.name})` : message;
    } else if (star) out[`star-${star[1]}`] = message;
    else if (household) out[household[1]] = message;
    else out[key] = message;
  }
  return out;
}

const ordered = (members: { id: string }[]) => [
  'recordedOn', ...members.flatMap((m) => memberFields.map((f) => `${f}-${m.id}`)), ...householdFields, ...familyStarAreas.map((a) => `star-${a.key}`),
];

export function outcomeErrorList(errors: FieldErrors, members: { id: string }[]) {
  const anchors: Record<string, string> = { recordedOn: 'recordedOn-day' };
  for (const m of members) {
    anchors[`legalStatus-${m.id}`] = `legalStatus-${m.id}`;
    anchors[`workSteps-${m.id}`] = `workSteps-${m.id}`;
  }
  return errorList(errors, anchors, ordered(members));
}

const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** Saved measures as form values (the same names the form posts). */
export function formValues(recordedOn: string | null, members: { id: string; measures: MemberMeasures }[], household: HouseholdMeasures): Body {
  const values: Body = { ...(recordedOn ? prefixed('recordedOn', dateParts(recordedOn)) : {}) };
  for (const m of members) {
    const x = m.measures;
    Object.assign(values, {
      [`legalStatus-${m.id}`]: x.legalStatus ?? '', [`atRiskOfRemoval-${m.id}`]: x.atRiskOfRemoval === null ? '' : x.atRiskOfRemoval ? 'yes' : 'no',
      [`attendancePercent-${m.id}`]: str(x.attendancePercent), [`exclusions-${m.id}`]: str(x.exclusions), [`offences6m-${m.id}`]: str(x.offences6m),
      [`offences12m-${m.id}`]: str(x.offences12m), [`asb6m-${m.id}`]: str(x.asb6m), [`asb12m-${m.id}`]: str(x.asb12m),
      [`emergencyAdmissions-${m.id}`]: str(x.emergencyAdmissions), [`daysInCare-${m.id}`]: str(x.daysInCare), [`substanceTreatment-${m.id}`]: x.substanceTreatment ?? '',
      [`workSteps-${m.id}`]: x.workSteps, [`sdqTotal-${m.id}`]: str(x.sdqTotal),
    });
  }
  Object.assign(values, {
    policeCallOuts: str(household.policeCallOuts), domesticAbuseIncidents: str(household.domesticAbuseIncidents), rentArrears: str(household.rentArrears),
    evictionNotices: str(household.evictionNotices),
  });
  for (const a of familyStarAreas) values[`star-${a.key}`] = str(household.familyStar[a.key]);
  return values;
}

function prefixed(name: string, parts: { day: string; month: string; year: string }) {
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year };
}
