import { agencyKinds } from '../../domain/codes.ts';
import { dataCategories } from '../../domain/access/categories.ts';
import { needToKnowApiPaths as api } from '../../web/need-to-know-urls.ts';
import { idParam, invalidRequest, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';

/** Need to know: sharing rules (administrators) and a family's consents (its team around the family). */
const errors = { 400: invalidRequest, 401: unauthorised, 403: { description: 'Not allowed' }, 404: { description: 'No such record' } };
const stale = { 409: { description: '`error: "conflict"`: someone saved first, or already withdrawn (nothing was overwritten)' } };

export function needToKnowApiSchemas() {
  const categories = { type: 'array', items: { enum: dataCategories } };
  return {
    SharingRules: {
      type: 'object', required: ['version', 'rules'],
      properties: {
        version: { type: 'integer', minimum: 0, description: 'The version you read (optimistic locking)' },
        rules: { type: 'object', required: [...agencyKinds], properties: Object.fromEntries(agencyKinds.map((k) => [k, categories])), additionalProperties: false },
      },
    },
    Consent: {
      type: 'object', required: ['basis', 'agencyKinds', 'categories', 'givenOn'],
      properties: {
        basis: { enum: ['consent', 'schedule1'], description: 'consent: an adult agreed; schedule1: a DPA 2018 Schedule 1 para 18 decision by the caller' },
        personId: { type: 'string', format: 'uuid', description: 'The adult who agreed (consent)' },
        agencyKinds: { type: 'array', minItems: 1, items: { enum: agencyKinds } }, categories: { ...categories, minItems: 1 },
        givenOn: { type: 'string', format: 'date' }, reason: { type: 'string', maxLength: 2000, description: 'Why (required for schedule1)' },
      },
    },
    ConsentWithdrawal: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 }, reason: { type: 'string', maxLength: 2000 } } },
  };
}

export function needToKnowApiPaths() {
  return {
    [oa(api.sharingRules)]: {
      get: { summary: 'The sharing rules: which data categories each agency kind may see (administrators)', responses: { 200: { description: 'version and rules' }, ...errors } },
      put: { summary: 'Replace the sharing rules (audited with before and after)', requestBody: requestBody('SharingRules'), responses: { 200: { description: 'The new version and rules' }, ...errors, ...stale } },
    },
    [oa(api.familyConsents)]: {
      get: { summary: "The family's consents and Schedule 1 decisions", parameters: [idParam('familyId')], responses: { 200: { description: 'consents' }, ...errors } },
      post: { summary: 'Record a consent or a Schedule 1 decision', parameters: [idParam('familyId')], requestBody: requestBody('Consent'), responses: { 201: { description: 'Created: id' }, ...errors } },
    },
    [oa(api.withdrawConsent)]: {
      post: { summary: 'Withdraw a consent from today: the next request no longer sees what it covered', parameters: [idParam('familyId'), idParam('consentId')], requestBody: requestBody('ConsentWithdrawal'), responses: { 200: { description: 'withdrawnOn' }, ...errors, ...stale } },
    },
  };
}
