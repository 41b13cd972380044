import { wholeFamily } from '../../domain/casework/chronology.ts';
import type { LetterRecipient } from '../../domain/casework/letters.ts';
import { dateFromParts, text } from '../../web/forms.ts';

/** Every value a repeated field (checkboxes) posted, as a list. */
export function list(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String).filter((v) => v !== '');
}

/** The contact form's fields as the service's input, plus any date-box error found on the way. */
export function contactFromForm(body: Record<string, unknown>) {
  const date = dateFromParts(body, 'date', 'The date of the contact');
  const errors: Record<string, string> = {};
  if (date.error) errors.date = date.error;
  const outOfHours = text(body, 'outOfHours');
  return {
    input: {
      type: text(body, 'type') || undefined, date: date.value ?? undefined,
      startTime: text(body, 'startTime'), endTime: text(body, 'endTime'), location: text(body, 'location'),
      presentPersonIds: list(body, 'present'), othersPresent: text(body, 'othersPresent'),
      outOfHours: outOfHours === 'yes' ? true : outOfHours === 'no' ? false : null,
      notes: text(body, 'notes'), didTogether: text(body, 'didTogether'), progress: text(body, 'progress'), nextSteps: text(body, 'nextSteps'),
    },
    errors,
    values: { ...body, present: list(body, 'present') },
  };
}

export function letterFromForm(body: Record<string, unknown>, contactId: string, recipient: LetterRecipient) {
  return {
    contactId, recipient,
    recipientName: text(body, 'recipientName'), recipientAddress: text(body, 'recipientAddress'), subject: text(body, 'subject'),
    salutation: text(body, 'salutation'), didTogether: text(body, 'didTogether'), progress: text(body, 'progress'),
    nextSteps: text(body, 'nextSteps'), servicesNearYou: text(body, 'servicesNearYou'), whoToContact: text(body, 'whoToContact'),
    approved: text(body, 'approved') === 'yes' ? true : undefined,
  };
}

export function chronologyEntryFromForm(body: Record<string, unknown>) {
  const occurred = dateFromParts(body, 'occurredOn', 'The date of the event');
  const errors: Record<string, string> = {};
  if (occurred.error) errors.occurredOn = occurred.error;
  const person = text(body, 'personId');
  return {
    input: {
      occurredOn: occurred.value ?? undefined, personId: person && person !== wholeFamily ? person : null,
      agencyId: text(body, 'agencyId') || undefined, type: text(body, 'type') || undefined,
      summary: text(body, 'summary'), source: text(body, 'source'),
    },
    errors,
  };
}

/** Where each field's error links to: the first box of a date, the first option of radios and checkboxes. */
export const fieldAnchors: Record<string, string> = {
  date: 'date-day', occurredOn: 'occurredOn-day', presentPersonIds: 'present', contactId: 'form', recipient: 'form',
};

/** The order of the fields on each form, so the error summary lists problems top to bottom. */
export const fieldOrder = {
  contact: ['form', 'type', 'date', 'startTime', 'endTime', 'location', 'presentPersonIds', 'othersPresent', 'outOfHours', 'notes', 'didTogether', 'progress', 'nextSteps'],
  letter: ['form', 'recipientName', 'recipientAddress', 'subject', 'salutation', 'didTogether', 'progress', 'nextSteps', 'servicesNearYou', 'whoToContact', 'approved'],
  chronologyEntry: ['form', 'occurredOn', 'personId', 'agencyId', 'type', 'summary', 'source'],
} as const;
