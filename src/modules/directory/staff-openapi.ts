import { dayCodes } from '../../domain/directory/editor.ts';
import { categoryCodes } from '../../domain/directory/taxonomy.ts';
import { idParam, invalidRequest, json, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';
import { paths } from '../../web/urls.ts';
import { caseServiceSchema } from './staff.ts';

/** The directory's staff side in the OpenAPI document (issue 17): editors (the directory editor permission) and signposting from a case. */

const errors = {
  400: invalidRequest, 401: unauthorised,
  403: { description: 'Not a directory editor (or, on a case, not in the team around the family); the refusal is audited and `message` says what to do' },
  404: { description: 'No such service or case' },
};
const stale = { 409: { description: '`error: "conflict"`: someone saved the service after you read it (send the version you read; nothing was overwritten)' } };
const version = { type: 'integer', minimum: 1, description: 'The version you read (optimistic locking)' };
const text = (maxLength: number, description?: string) => ({ type: 'string', maxLength, ...(description ? { description } : {}) });

export function directoryStaffApiSchemas() {
  const service = {
    type: 'object', required: ['organisationName', 'name', 'description', 'categories', 'cost'],
    properties: {
      organisationName: text(300), name: text(300), description: text(5000),
      categories: { type: 'array', items: { enum: categoryCodes }, minItems: 1, description: 'Lantern’s kinds of help' },
      minimumAge: text(3, 'Whole years, or empty'), maximumAge: text(3, 'Whole years, or empty'),
      cost: { enum: ['free', 'paid'] }, costAmount: text(12, 'Pounds, when paid, like 4.50'), costDescription: text(300),
      locationName: text(300), address1: text(300), town: text(200), postcode: text(20, 'A full UK postcode found in the postcode directory; empty for a service with no address'),
      hideAddress: { type: 'boolean', description: 'A refuge: the address is never shown; families find it by the areas it covers' },
      areaName: text(300), areaDistricts: text(300, 'Postcode districts separated by spaces, like NV1 NV2'),
      days: { type: 'array', items: { enum: dayCodes } }, opensAt: text(5, 'HH:MM'), closesAt: text(5, 'HH:MM'), scheduleDescription: text(1000),
      contactName: text(300), phone: text(50), email: text(300), website: text(1000, 'Starting https://'), languages: text(500, 'Separated by commas'), accessibility: text(1000),
    },
  };
  return {
    DirectoryServiceEdit: service,
    DirectoryServiceUpdate: { ...service, required: [...service.required, 'version'], properties: { ...service.properties, version } },
    DirectoryVersion: { type: 'object', required: ['version'], properties: { version } },
    CaseService: json(caseServiceSchema),
  };
}

export function directoryStaffApiPaths() {
  const s = idParam('serviceId');
  return {
    [oa(paths.api.directoryServices)]: {
      get: { summary: 'Directory services (directory editors): those not checked for 12 months first, 100 a page (`page`)', parameters: [{ name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } }], responses: { 200: { description: '`total`, `stale`, `services` (id, name, organization_name, status, assured_date, stale, version)' }, 401: errors[401], 403: errors[403] } },
      post: { summary: 'Add a service (directory editors); saving counts as checking it today', requestBody: requestBody('DirectoryServiceEdit'), responses: { 201: { description: '`id`' }, ...errors } },
    },
    [oa(paths.api.directoryService)]: {
      get: { summary: 'A service as the editor’s fields, with `version`, `status`, `checkedOn` and `stale`', parameters: [s], responses: { 200: { description: 'The service' }, ...errors } },
      put: { summary: 'Change a service (send the version you read); audited with before and after', parameters: [s], requestBody: requestBody('DirectoryServiceUpdate'), responses: { 200: { description: '`id` and the new `version`' }, ...stale, ...errors } },
    },
    [oa(paths.api.directoryServiceRetire)]: { post: { summary: 'Retire a service: it leaves the public directory', parameters: [s], requestBody: requestBody('DirectoryVersion'), responses: { 200: { description: '`name`' }, ...stale, ...errors } } },
    [oa(paths.api.directoryServiceChecked)]: { post: { summary: 'Mark a service as checked today (its review date): no longer stale', parameters: [s], requestBody: requestBody('DirectoryVersion'), responses: { 200: { description: '`name`, `checkedOn`' }, ...stale, ...errors } } },
    [oa(paths.api.caseServices)]: {
      get: { summary: 'Services the case signposted or referred the family to; with `search` and/or `category`, active directory services to choose from', parameters: [idParam('caseId'), { name: 'search', in: 'query', required: false, schema: { type: 'string', maxLength: 100 } }, { name: 'category', in: 'query', required: false, schema: { enum: categoryCodes } }], responses: { 200: { description: '`services` and `results`' }, ...errors } },
      post: { summary: 'Record that the family was signposted or referred to a directory service: on the case, its history and the family chronology', parameters: [idParam('caseId')], requestBody: requestBody('CaseService'), responses: { 201: { description: '`id`, `serviceName`' }, ...errors } },
    },
  };
}
