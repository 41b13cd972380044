import { agencyKinds, userRoles } from '../../domain/codes.ts';
import { adminApiPaths as api } from '../../web/admin-urls.ts';
import { idParam, invalidRequest, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';

/** The admin area's part of the OpenAPI document (administrators only). */

const errors = { 400: invalidRequest, 401: unauthorised, 403: { description: 'Only administrators may do this' }, 404: { description: 'No such record' } };
const stale = { 409: { description: '`error: "conflict"`: someone saved first (send the version you read; nothing was overwritten)' } };
const version = { type: 'integer', minimum: 1, description: 'The version you read (optimistic locking)' };
const uuid = { type: 'string', format: 'uuid' };

export function adminApiSchemas() {
  const user = {
    type: 'object', required: ['displayName', 'email', 'role', 'agencyId'],
    properties: { displayName: { type: 'string' }, email: { type: 'string', format: 'email' }, jobTitle: { type: 'string' }, role: { enum: userRoles },
      agencyId: uuid, teamId: { ...uuid, nullable: true }, managedTeamIds: { type: 'array', items: uuid, description: 'Managers only' },
      frontDoorScreener: { type: 'boolean', description: 'Screens referrals sent to the partnership’s front door (managers only; refused with a field error for another role)' } },
  };
  const programme = {
    type: 'object',
    required: ['name', 'description', 'durationWeeks', 'maxHoursPerWeek', 'minVisitsPerWeek', 'maxVisitsPerWeek', 'firstVisitHours', 'reviewIntervalDays', 'caseloadLimit', 'noContactAlertDays', 'followUpMonths'],
    properties: {
      name: { type: 'string' }, description: { type: 'string' }, durationWeeks: { type: 'integer' }, maxHoursPerWeek: { type: 'number', multipleOf: 0.1 },
      minVisitsPerWeek: { type: 'integer' }, maxVisitsPerWeek: { type: 'integer' }, firstVisitHours: { type: 'integer', description: 'First visit due within this many hours of allocation' },
      reviewIntervalDays: { type: 'integer' }, caseloadLimit: { type: 'integer' }, noContactAlertDays: { type: 'integer' },
      followUpMonths: { type: 'array', items: { type: 'integer' } }, safetyPlanAtStart: { type: 'boolean' }, availability: { type: 'string' }, active: { type: 'boolean' },
    },
  };
  const withVersion = (schema: { required: string[]; properties: object }) => ({ ...schema, required: [...schema.required, 'version'], properties: { ...schema.properties, version } });
  const agency = { type: 'object', required: ['name', 'kind'], properties: { name: { type: 'string' }, kind: { enum: agencyKinds } } };
  const team = { type: 'object', required: ['name', 'agencyId'], properties: { name: { type: 'string' }, agencyId: uuid } };
  const district = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
  return {
    NewUser: user, UserUpdate: withVersion(user), VersionOnly: { type: 'object', required: ['version'], properties: { version } },
    Agency: agency, AgencyUpdate: withVersion(agency), Team: team, TeamUpdate: withVersion(team),
    District: district, DistrictUpdate: withVersion(district), Programme: programme, ProgrammeUpdate: withVersion(programme),
  };
}

function resource(list: string, one: string, param: string, what: string, schema: string) {
  return {
    [oa(list)]: {
      get: { summary: `Every ${what}`, responses: { 200: { description: `A list of every ${what}` }, 401: errors[401], 403: errors[403] } },
      post: { summary: `Add a ${what} (audited)`, requestBody: requestBody(schema), responses: { 201: { description: `The ${what}` }, ...errors } },
    },
    [oa(one)]: {
      get: { summary: `One ${what}`, parameters: [idParam(param)], responses: { 200: { description: `The ${what}` }, ...errors } },
      put: { summary: `Change a ${what} (send the version you read; audited with before and after)`, parameters: [idParam(param)], requestBody: requestBody(`${schema}Update`), responses: { 200: { description: `The ${what} as saved` }, ...stale, ...errors } },
    },
  };
}

export function adminApiPaths() {
  return {
    [oa(api.users)]: {
      get: { summary: 'Every user: role, agency, team, managed teams, status (active, invited, disabled) and last sign-in', responses: { 200: { description: '`users`' }, 401: errors[401], 403: errors[403] } },
      post: { summary: 'Add a user with no password: the answer carries a one-time `invitationLink` (7 days) to hand to them', requestBody: requestBody('NewUser'), responses: { 201: { description: '`id` and `invitationLink`' }, ...errors } },
    },
    [oa(api.user)]: {
      get: { summary: 'One user', parameters: [idParam('userId')], responses: { 200: { description: 'The user' }, ...errors } },
      put: { summary: 'Change a user’s name, email, role, agency, team and managed teams (send the version you read)', parameters: [idParam('userId')], requestBody: requestBody('UserUpdate'), responses: { 200: { description: 'The user as saved' }, ...stale, ...errors } },
    },
    [oa(api.userDisable)]: { post: { summary: 'Disable: ends their sessions and revokes their API tokens at once', parameters: [idParam('userId')], requestBody: requestBody('VersionOnly'), responses: { 200: { description: 'The user' }, ...stale, ...errors } } },
    [oa(api.userEnable)]: { post: { summary: 'Enable a disabled user (their old tokens stay revoked)', parameters: [idParam('userId')], requestBody: requestBody('VersionOnly'), responses: { 200: { description: 'The user' }, ...stale, ...errors } } },
    [oa(api.userInvitation)]: { post: { summary: 'A new one-time invitation link (earlier links stop working)', parameters: [idParam('userId')], responses: { 201: { description: '`invitationLink`' }, ...errors } } },
    ...resource(api.agencies, api.agency, 'agencyId', 'agency', 'Agency'),
    ...resource(api.teams, api.team, 'teamId', 'team', 'Team'),
    ...resource(api.districts, api.district, 'districtId', 'district', 'District'),
    ...resource(api.adminProgrammes, api.adminProgramme, 'programmeId', 'programme', 'Programme'),
  };
}
