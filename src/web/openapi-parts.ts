import { z } from 'zod';

/** Building blocks every module's part of the OpenAPI document shares. */

export const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** '/families/:familyId' → '/families/{familyId}' */
export const oa = (path: string) => path.replace(/:(\w+)/g, '{$1}');

export const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });

export const requestBody = (schemaName: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } });

export const invalidRequest = { description: 'Invalid request: `fields` maps each field to what is wrong', content: { 'application/json': { schema: { $ref: '#/components/schemas/ValidationError' } } } };
export const unauthorised = { description: 'No valid API token' };
