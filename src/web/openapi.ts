import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { familySchema, familyUpdateSchema, memberSchema, memberUpdateSchema, needSchema, statusSchema } from '../modules/families/schemas.ts';
import { paths } from './urls.ts';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const oa = (p: string) => p.replace(/:(\w+)/g, '{$1}');

const errorResponses = {
  400: { description: 'Invalid request: `fields` maps each field to what is wrong', content: { 'application/json': { schema: { $ref: '#/components/schemas/ValidationError' } } } },
  401: { description: 'No valid API token' },
  403: { description: 'You may not see or change this family' },
  404: { description: 'No such family or person' },
};
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const requestBody = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'Lantern API', version: '1', description: 'Whole-family casework. Authenticate with `Authorization: Bearer <token>` (create one with `npm run lantern -- token create --email ...`). Every call is authorised against your relationship to the family and audited.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Family: json(familySchema),
        FamilyUpdate: json(familyUpdateSchema),
        Member: json(memberSchema),
        MemberUpdate: json(memberUpdateSchema),
        Need: json(needSchema),
        LegalStatus: json(statusSchema),
        NewFamily: { type: 'object', required: ['family', 'members'], properties: { family: { $ref: '#/components/schemas/Family' }, members: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/Member' } } } },
        ValidationError: { type: 'object', properties: { error: { const: 'validation' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } } },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      [oa(paths.api.families)]: {
        get: { summary: 'Families you work with', responses: { 200: { description: 'Your families' }, 401: errorResponses[401] } },
        post: { summary: 'Add a family with its members', requestBody: requestBody('NewFamily'), responses: { 201: { description: 'Created: id and reference' }, ...errorResponses } },
      },
      [oa(paths.api.search)]: {
        get: { summary: 'Find people by name (typos and nicknames tolerated), date of birth or postcode', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'Matches in families you may open' }, 400: errorResponses[400] } },
      },
      [oa(paths.api.family)]: {
        get: { summary: 'A family: members, relationships, legal statuses, needs, level of need, team around the family', parameters: [idParam('familyId')], responses: { 200: { description: 'The family' }, ...errorResponses } },
        put: { summary: 'Change household details (send the version you read; 409 if someone saved first)', parameters: [idParam('familyId')], requestBody: requestBody('FamilyUpdate'), responses: { 204: { description: 'Saved' }, 409: { description: 'Changed by someone else since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.members)]: {
        post: { summary: 'Add a family member', parameters: [idParam('familyId')], requestBody: requestBody('Member'), responses: { 201: { description: 'Created' }, ...errorResponses } },
      },
      [oa(paths.api.member)]: {
        put: { summary: 'Change a family member (send the version you read)', parameters: [idParam('familyId'), idParam('personId')], requestBody: requestBody('MemberUpdate'), responses: { 204: { description: 'Saved' }, 409: { description: 'Changed by someone else since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.needs)]: {
        post: { summary: 'Record a need or vulnerability (CIN assessment-factor code, or offending)', parameters: [idParam('familyId'), idParam('personId')], requestBody: requestBody('Need'), responses: { 201: { description: 'Created' }, ...errorResponses } },
      },
      [oa(paths.api.statuses)]: {
        post: { summary: "Record a child's legal status (ends the previous one)", parameters: [idParam('familyId'), idParam('personId')], requestBody: requestBody('LegalStatus'), responses: { 201: { description: 'Created' }, ...errorResponses } },
      },
    },
  };
}

export async function openApi(app: FastifyInstance) {
  const document = openApiDocument();
  app.get(paths.api.openapi, { config: { access: 'public' } }, async () => document);
}
