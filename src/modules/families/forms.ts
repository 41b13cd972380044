import { formVersion } from '../../domain/input.ts';
import { dateFromParts, text } from '../../web/forms.ts';

/** Turns posted form fields into the shape the service validates, plus any date-box errors found on the way. */
export function memberFromForm(body: Record<string, unknown>) {
  const dob = dateFromParts(body, 'dateOfBirth', 'Date of birth');
  const due = dateFromParts(body, 'expectedDate', 'Expected date of birth');
  const errors: Record<string, string> = {};
  if (dob.error) errors.dateOfBirth = dob.error;
  if (due.error) errors.expectedDate = due.error;
  const input = {
    givenName: text(body, 'givenName'), familyName: text(body, 'familyName'),
    role: text(body, 'role') || undefined, sex: text(body, 'sex') || undefined,
    dateOfBirth: dob.value, expectedDate: due.value,
    version: formVersion(text(body, 'version') || undefined),
  };
  return { input, errors, values: body };
}


export function familyFromForm(body: Record<string, unknown>) {
  return {
    familyName: text(body, 'familyName'), addressLine1: text(body, 'addressLine1'), addressLine2: text(body, 'addressLine2'),
    town: text(body, 'town'), postcode: text(body, 'postcode'), districtId: text(body, 'districtId') || null,
    version: formVersion(text(body, 'version') || undefined),
  };
}

export function needFromForm(body: Record<string, unknown>) {
  const identified = dateFromParts(body, 'identifiedOn', 'The date the need was identified');
  const errors: Record<string, string> = {};
  if (identified.error) errors.identifiedOn = identified.error;
  const needType = text(body, 'needType') || 'cin_factor';
  const current = text(body, 'isCurrent');
  return {
    input: {
      needType, code: needType === 'offending' ? null : text(body, 'code') || null,
      sourceAgencyId: text(body, 'sourceAgencyId') || undefined, identifiedOn: identified.value ?? undefined,
      isCurrent: current === '' ? undefined : current === 'yes', notes: text(body, 'notes'),
    },
    errors,
  };
}

export function statusFromForm(body: Record<string, unknown>) {
  const start = dateFromParts(body, 'startDate', 'The date the status started');
  const errors: Record<string, string> = {};
  if (start.error) errors.startDate = start.error;
  return { input: { status: text(body, 'status') || undefined, startDate: start.value ?? undefined }, errors };
}

/** Where each field's error links to: the first box of a date, the first option of radios. */
export const fieldAnchors: Record<string, string> = {
  dateOfBirth: 'dateOfBirth-day', expectedDate: 'expectedDate-day', identifiedOn: 'identifiedOn-day', startDate: 'startDate-day',
};

/** The order fields appear in on every Lantern form, so the error summary lists problems top to bottom. */
export const fieldOrder = [
  // givenName sits before familyName: the member form asks first name first; the household form has no givenName.
  'form', 'givenName', 'familyName', 'addressLine1', 'addressLine2', 'town', 'postcode', 'districtId', 'role', 'sex', 'dateOfBirth', 'expectedDate',
  'needType', 'code', 'sourceAgencyId', 'identifiedOn', 'isCurrent', 'notes', 'status', 'startDate', 'members',
];
