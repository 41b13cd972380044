import { tfProblems } from '../../domain/identification/prioritise.ts';
import { rulesApiPaths as api } from '../../web/rules-urls.ts';
import { invalidRequest, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';

/** The rules' part of the OpenAPI document. */

const forbidden = { description: 'Only administrators may do this' };
const stale = { description: '`error: "conflict"`: someone saved other rules after you read them (send the version you read; nothing was overwritten)' };
const version = { type: 'string', description: 'The version you read (a fingerprint of the rules; optimistic locking)' };

export function rulesApiSchemas() {
  return {
    LevelOfNeedRules: {
      type: 'object', required: ['name', 'vulnerabilities', 'bands', 'levelWithOtherNeeds', 'levelWithNoNeeds', 'version'],
      properties: {
        name: { type: 'string', description: 'What the rules follow, for example your threshold guidance' },
        vulnerabilities: {
          type: 'array', minItems: 1, description: 'The parental vulnerabilities counted',
          items: {
            type: 'object', required: ['label'],
            properties: {
              key: { type: 'string', description: 'Kept as first made (made from the label when absent)' },
              label: { type: 'string' },
              factorNumbers: { type: 'array', items: { type: 'string' }, description: 'Children in Need assessment factor numbers (without the letter), for example "4"' },
              needTypes: { type: 'array', items: { enum: ['offending'] } },
              whose: { enum: ['parents', 'household'], description: 'Whose needs count: parents and carers, or anyone in the household' },
            },
          },
        },
        bands: {
          type: 'array', minItems: 1, description: 'How many vulnerabilities give which level (checked from the most)',
          items: { type: 'object', required: ['minimumVulnerabilities', 'level', 'explanation'], properties: { minimumVulnerabilities: { type: 'integer', minimum: 1, maximum: 10 }, level: { type: 'integer', minimum: 1, maximum: 4 }, explanation: { type: 'string' } } },
        },
        levelWithOtherNeeds: { type: 'integer', minimum: 1, maximum: 4 },
        levelWithNoNeeds: { type: 'integer', minimum: 1, maximum: 4 },
        version,
      },
    },
    IdentificationRules: {
      type: 'object', required: ['name', 'minimumProblems', 'problems', 'requireChildren', 'attendanceBelow', 'windowDays', 'notCopingFrom', 'chaoticFrom', 'version'],
      properties: {
        name: { type: 'string' },
        problems: { type: 'array', minItems: 1, items: { enum: [...tfProblems] }, description: 'The Troubled Families problems that count' },
        minimumProblems: { type: 'integer', minimum: 1, maximum: 6, description: 'Eligible from this many of those problems (no more than the problems listed)' },
        requireChildren: { type: 'boolean', description: 'Only households with dependent children are eligible' },
        attendanceBelow: { type: 'number', minimum: 0, maximum: 100, description: 'School attendance below this percentage counts as not attending regularly' },
        windowDays: { type: 'integer', minimum: 30, maximum: 1095, description: 'How many days an event still counts' },
        notCopingFrom: { type: 'integer', minimum: 1, maximum: 6 },
        chaoticFrom: { type: 'integer', minimum: 1, maximum: 6, description: 'At or above notCopingFrom' },
        version,
      },
    },
  };
}

/** GET and PUT of one rule set, checked as its admin form. */
function ruleSet(what: string, schema: string, after: string) {
  return {
    get: { summary: `The ${what} in force, with their \`version\` (administrators)`, responses: { 200: { description: `The rules (${schema})` }, 401: unauthorised, 403: forbidden } },
    put: {
      summary: `Replace the ${what} (send the version you read; checked as the admin form checks them; audited with before and after${after})`,
      requestBody: requestBody(schema),
      responses: { 200: { description: 'The rules as saved, with their new version' }, 400: invalidRequest, 401: unauthorised, 403: forbidden, 409: stale },
    },
  };
}

export function rulesApiPathItems() {
  return {
    [oa(api.levelOfNeedRules)]: ruleSet('level of need rules', 'LevelOfNeedRules', ''),
    [oa(api.identificationRules)]: ruleSet('identification rules (eligibility and segments of the prioritised list)', 'IdentificationRules', '; used from the next matching run'),
  };
}
