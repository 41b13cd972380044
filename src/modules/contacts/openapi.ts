import { idParam, invalidRequest, json, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';
import { chronologyTypes } from '../../domain/casework/chronology.ts';
import { paths } from '../../web/urls.ts';
import { chronologyEntrySchema, contactSchema, letterSchema } from './schemas.ts';

/** The contacts module's part of the OpenAPI document: contacts and intensity, progress letters, the family chronology. */

const id = idParam;
const ref = requestBody;

const errors = {
  400: invalidRequest,
  401: unauthorised,
  403: { description: 'You are not in the team around this family (the refusal is audited), or your role cannot do this' },
  404: { description: 'No such case, family, contact or letter' },
};
const rule = { 409: { description: '`error: "rule"`: the case’s state does not allow this now (for example, contacts on a case awaiting allocation or closed); `message` says why' } };
const c = id('caseId');
const file = (type: string) => ({ description: 'The file, as an attachment (Content-Disposition). Made from the saved text: the same letter always gives the same bytes', content: { [type]: { schema: { type: 'string', format: 'binary' } } } });
const list = (name: string, description: string, values?: readonly string[]) =>
  ({ name, in: 'query', required: false, description, style: 'form', explode: true, schema: { type: 'array', items: values ? { type: 'string', enum: values } : { type: 'string' } } });

export function contactApiSchemas() {
  return {
    Contact: json(contactSchema),
    Letter: json(letterSchema),
    ChronologyEntry: json(chronologyEntrySchema),
  };
}

export function contactApiPaths() {
  return {
    [oa(paths.api.contacts)]: {
      get: { summary: 'The case’s contacts (newest first) and this ISO week’s intensity: hours against the programme maximum, visits against the expected range, with warnings', parameters: [c], responses: { 200: { description: 'Contacts and intensity' }, ...errors } },
      post: { summary: 'Record a visit, call or meeting. `outOfHours` null (or left out) uses the rule: before 07:30, after 20:00, or at a weekend. Refused on a case awaiting allocation or closed', parameters: [c], requestBody: ref('Contact'), responses: { 201: { description: 'Recorded: id, outOfHours, outOfHoursByRule' }, ...rule, ...errors } },
    },
    [oa(paths.api.contact)]: {
      get: { summary: 'One contact, with its case note and the letters written after it', parameters: [c, id('contactId')], responses: { 200: { description: 'The contact' }, ...errors } },
    },
    [oa(paths.api.letterDraft)]: {
      get: { summary: 'A first draft of a progress letter after a contact (never from the case note), to edit and approve before saving', parameters: [c, id('contactId'), { name: 'recipient', in: 'query', required: true, schema: { type: 'string', enum: ['family', 'referrer'] } }], responses: { 200: { description: 'The draft, with any consent warning' }, ...rule, ...errors } },
    },
    [oa(paths.api.letters)]: {
      get: { summary: 'The case’s letters, newest first', parameters: [c], responses: { 200: { description: 'Letters' }, ...errors } },
      post: { summary: 'Save an approved letter (`approved: true`). Refused with field messages if it uses blaming words, or (to the family) repeats the case note', parameters: [c], requestBody: ref('Letter'), responses: { 201: { description: 'Saved: id' }, ...rule, ...errors } },
    },
    [oa(paths.api.letter)]: {
      get: { summary: 'A saved letter (the read is audited)', parameters: [c, id('letterId')], responses: { 200: { description: 'The letter' }, ...errors } },
    },
    [oa(paths.api.letterPdf)]: {
      get: { summary: 'The letter as a PDF (the download is audited)', parameters: [c, id('letterId')], responses: { 200: file('application/pdf'), ...errors } },
    },
    [oa(paths.api.letterDocx)]: {
      get: { summary: 'The letter as a Word document, to edit (the download is audited)', parameters: [c, id('letterId')], responses: { 200: file('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), ...errors } },
    },
    [oa(paths.api.chronology)]: {
      get: {
        summary: 'The family chronology: referrals, legal statuses, needs, case changes, contacts and events added by hand, from every agency, in date order',
        parameters: [id('familyId'), list('member', 'Person ids, or `family` for whole-family events'), list('agency', 'Agency names'), list('type', 'Types of event', chronologyTypes),
          { name: 'order', in: 'query', required: false, schema: { type: 'string', enum: ['oldest', 'newest'], default: 'oldest' } }],
        responses: { 200: { description: 'Events, with the filters applied and the options to filter by' }, ...errors },
      },
      post: { summary: 'Add a significant event (incident, health, education, police, housing, other) to the chronology', parameters: [id('familyId')], requestBody: ref('ChronologyEntry'), responses: { 201: { description: 'Added: id' }, ...errors } },
    },
  };
}
