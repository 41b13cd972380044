import { idParam, invalidRequest, json, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';
import { paths } from '../../web/urls.ts';
import { claimSettingsSchema, recordMeasuresSchema } from './schemas.ts';

/** The outcomes module's part of the OpenAPI document. */

const errors = {
  400: invalidRequest,
  401: unauthorised,
  403: { description: 'You are not in the team around this family (the refusal is audited), or your role cannot do this' },
  404: { description: 'No such case' },
};
const period = [
  { name: 'programmeId', in: 'query', required: false, schema: { type: 'string', format: 'uuid' }, description: 'One programme; leave out for all' },
  { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' }, description: 'Cases opened on or after this date' },
  { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date' }, description: 'Cases opened on or before this date' },
];

export function outcomesApiSchemas() {
  return { OutcomeMeasures: json(recordMeasuresSchema), ClaimSettings: json(claimSettingsSchema) };
}

export function outcomesApiPaths() {
  return {
    [oa(paths.api.outcomes)]: {
      get: { summary: 'A case’s outcome measures: which time points are recorded or can be recorded, each member’s measures and the household’s, by time point', parameters: [idParam('caseId')], responses: { 200: { description: 'Measures by time point' }, ...errors } },
      put: {
        summary: 'Record the measures for one time point (referral, closure, follow_up_1/3/6/12) for the household and any of its members; replaces that time point’s values. Counts are for the 6 months before recordedOn unless named 12m. Closure and follow-ups only once the case is closed (409 with the reason otherwise)',
        parameters: [idParam('caseId')], requestBody: requestBody('OutcomeMeasures'),
        responses: { 200: { description: 'Recorded' }, 409: { description: '`error: "rule"`: this time point cannot be recorded on the case now' }, ...errors },
      },
    },
    [oa(paths.api.outcomesReport)]: {
      get: {
        summary: 'Programme evaluation (analysts, managers, administrators): statuses at referral, closure, 6 and 12 months, transitions, the headline figures with numerator and denominator, attendance, before and after. `cases` names only the cases the caller may open (empty for analysts)',
        parameters: period, responses: { 200: { description: 'The evaluation' }, 400: invalidRequest, 401: unauthorised, 403: errors[403] },
      },
    },
    [oa(paths.api.claims)]: {
      get: { summary: 'Supporting Families claims: each family’s problems at attachment, eligible / close / not eligible with what is missing, the payment and the totals', parameters: period, responses: { 200: { description: 'Claims' }, 400: invalidRequest, 401: unauthorised, 403: errors[403] } },
    },
    [oa(paths.api.claimSettings)]: {
      get: { summary: 'The claim rules: amounts, problems needed to attach, and the significant-and-sustained-progress tests for each headline outcome', responses: { 200: { description: 'The rules' }, 401: unauthorised, 403: errors[403] } },
      put: { summary: 'Replace the claim rules (managers, administrators)', requestBody: requestBody('ClaimSettings'), responses: { 200: { description: 'Saved' }, 400: invalidRequest, 401: unauthorised, 403: errors[403] } },
    },
  };
}
