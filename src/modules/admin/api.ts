import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { adminApiPaths as api } from '../../web/admin-urls.ts';
import { urls } from '../../web/urls.ts';
import type { AdminUserRow } from './repository.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const admins = { config: { access: rolesWith('admin.manage') } };

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name];

function user(u: AdminUserRow) {
  return {
    id: u.id, email: u.email, displayName: u.display_name, jobTitle: u.job_title, role: u.role, agencyId: u.agency_id, agencyName: u.agency_name,
    teamId: u.team_id, teamName: u.team_name, managedTeamIds: u.managed_team_ids, frontDoorScreener: u.front_door_screener, status: !u.active ? 'disabled' : u.invited ? 'invited' : 'active',
    lastSignInAt: u.last_sign_in_at, version: u.version,
  };
}

/** The admin area through the JSON API: the same use cases, checks and audit as the pages. */
export async function adminApi(app: FastifyInstance, { services }: { services: Services }) {
  const admin = services.admin;
  const link = (request: FastifyRequest, token: string) => `${request.protocol}://${request.host}${urls.invitation(token)}`;

  app.get(api.users, admins, async (request) => ({ users: (await admin.users(request.actor)).map(user) }));
  app.post(api.users, admins, async (request, reply) => {
    const { userId, invitation } = await admin.inviteUser(request.actor, body(request.body));
    return reply.code(201).send({ id: userId, invitationLink: link(request, invitation) });
  });
  app.get(api.user, admins, async (request) => user(await admin.user(request.actor, param(request, 'userId'))));
  app.put(api.user, admins, async (request) => {
    const id = param(request, 'userId');
    await admin.updateUser(request.actor, id, body(request.body));
    return user(await admin.user(request.actor, id));
  });
  for (const [path, active] of [[api.userDisable, false], [api.userEnable, true]] as const) {
    app.post(path, admins, async (request) => {
      const id = param(request, 'userId');
      await admin.setUserActive(request.actor, id, body(request.body), active);
      return user(await admin.user(request.actor, id));
    });
  }
  app.post(api.userInvitation, admins, async (request, reply) =>
    reply.code(201).send({ invitationLink: link(request, await admin.reinvite(request.actor, param(request, 'userId'))) }));

  const resources = [
    { list: api.agencies, one: api.agency, param: 'agencyId', key: 'agencies', all: admin.agencies, get: admin.agency, create: admin.createAgency, update: admin.updateAgency },
    { list: api.teams, one: api.team, param: 'teamId', key: 'teams', all: admin.teams, get: admin.team, create: admin.createTeam, update: admin.updateTeam },
    { list: api.districts, one: api.district, param: 'districtId', key: 'districts', all: admin.districts, get: admin.district, create: admin.createDistrict, update: admin.updateDistrict },
    { list: api.adminProgrammes, one: api.adminProgramme, param: 'programmeId', key: 'programmes', all: admin.programmes, get: admin.programme, create: admin.createProgramme, update: admin.updateProgramme },
  ] as const;
  for (const r of resources) {
    app.get(r.list, admins, async (request) => ({ [r.key]: await r.all(request.actor) }));
    app.post(r.list, admins, async (request, reply) => {
      const id = await r.create(request.actor, body(request.body));
      return reply.code(201).send(await r.get(request.actor, id));
    });
    app.get(r.one, admins, async (request) => r.get(request.actor, param(request, r.param)));
    app.put(r.one, admins, async (request) => {
      const id = param(request, r.param);
      await r.update(request.actor, id, body(request.body));
      return r.get(request.actor, id);
    });
  }
}
