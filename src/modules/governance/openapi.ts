import { idParam, json, oa, requestBody, invalidRequest, unauthorised } from '../../web/openapi-parts.ts';
import { governanceApiPaths as api } from '../../web/governance-urls.ts';
import { breakGlassSchema, legalHoldSchema, liftHoldSchema, retentionRulesSchema, reviewSchema } from './schemas.ts';

const errors = { 400: invalidRequest, 401: unauthorised, 403: { description: 'Your role cannot do this' }, 404: { description: 'No such record' } };

export function governanceApiSchemas() {
  return {
    BreakGlass: json(breakGlassSchema), BreakGlassReview: json(reviewSchema), LegalHold: json(legalHoldSchema), LiftLegalHold: json(liftHoldSchema),
    RetentionRules: json(retentionRulesSchema),
  };
}

export function governanceApiPaths() {
  return {
    [oa(api.breakGlass)]: { post: { summary: 'Emergency read-only access to a family you are not connected to: its reference, a reason and your password again. Someone who signs in only through single sign-on (no Lantern password of their own, or passwords switched off) is refused with 403 and sent to the web page /emergency-access, where their issuer confirms who they are. Lasts BREAK_GLASS_HOURS (24); the lead and your managers are told; audited', requestBody: requestBody('BreakGlass'), responses: { 201: { description: '`familyId` and `expiresAt`' }, ...errors } } },
    [oa(api.breakGlassReviews)]: { get: { summary: 'Emergency access to review (data protection officers: all; managers: their teams)', responses: { 200: { description: '`grants`' }, 401: errors[401], 403: errors[403] } } },
    [oa(api.breakGlassReview)]: { post: { summary: 'Mark emergency access as reviewed, with a note', parameters: [idParam('grantId')], requestBody: requestBody('BreakGlassReview'), responses: { 200: { description: 'Reviewed' }, 409: { description: 'Already reviewed' }, ...errors } } },
    [oa(api.legalHolds)]: {
      get: { summary: 'Legal holds in place', responses: { 200: { description: '`legalHolds`' }, 401: errors[401], 403: errors[403] } },
      post: { summary: 'Place a legal hold on a family (retention never touches it)', requestBody: requestBody('LegalHold'), responses: { 201: { description: '`id`' }, ...errors } },
    },
    [oa(api.liftLegalHold)]: { post: { summary: 'Lift a legal hold, with a reason', parameters: [idParam('legalHoldId')], requestBody: requestBody('LiftLegalHold'), responses: { 200: { description: 'Lifted' }, ...errors } } },
    [oa(api.retentionRules)]: {
      get: { summary: 'Retention periods per record type (months)', responses: { 200: { description: '`rules`' }, 401: errors[401], 403: errors[403] } },
      put: { summary: 'Change retention periods: `{ "closed_family": { "months": 84, "version": 1 } }` (send the version you read)', requestBody: requestBody('RetentionRules'), responses: { 200: { description: '`rules`' }, 409: { description: 'Changed by someone else' }, ...errors } },
    },
    [oa(api.retentionDue)]: { get: { summary: 'Records due to be anonymised or deleted within 30 days (and overdue), with legal holds', responses: { 200: { description: '`items`' }, 401: errors[401], 403: errors[403] } } },
    [oa(api.subjectAccess)]: { get: { summary: 'Subject access export for one person (data protection officers; audited): other people’s data redacted, `redacted` lists what', parameters: [idParam('personId')], responses: { 200: { description: 'The export' }, ...errors } } },
  };
}
