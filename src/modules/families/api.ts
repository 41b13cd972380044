import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { paths } from '../../web/urls.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type Params = { familyId: string; personId: string };

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** The JSON API: the same use cases as the pages, authenticated with bearer tokens. */
export async function familyApi(app: FastifyInstance, { services }: { services: Services }) {
  const { families } = services;

  app.get(paths.api.families, { config: { access: 'signed-in' } }, async (request) => ({ families: await families.myFamilies(request.actor!) }));

  // POST, so the words searched for stay out of URLs and the request log.
  app.post(paths.api.search, { config: { access: 'signed-in' } }, async (request) => {
    const q = String(body(request.body).q ?? '');
    if (!q.trim()) throw new ValidationError({ q: 'Enter a name, date of birth or postcode to search for' });
    return families.search(request.actor!, q.slice(0, 200));
  });

  app.post(paths.api.families, { config: { access: writers } }, async (request, reply) => {
    const input = body(request.body);
    if (!Array.isArray(input.members)) throw new ValidationError({ members: 'Send members as a list of family members' });
    const created = await families.createFamily(request.actor!, { family: input.family, members: input.members });
    return reply.code(201).send(created);
  });

  app.get<{ Params: Params }>(paths.api.family, { config: { access: 'signed-in' } }, async (request) =>
    families.family(request.actor!, request.params.familyId));

  app.put<{ Params: Params }>(paths.api.family, { config: { access: writers } }, async (request, reply) => {
    await families.updateFamily(request.actor!, request.params.familyId, body(request.body));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>(paths.api.members, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await families.addMember(request.actor!, request.params.familyId, body(request.body))));

  app.put<{ Params: Params }>(paths.api.member, { config: { access: writers } }, async (request, reply) => {
    await families.updateMember(request.actor!, request.params.familyId, request.params.personId, body(request.body));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>(paths.api.needs, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await families.addNeed(request.actor!, request.params.familyId, request.params.personId, body(request.body))));

  app.post<{ Params: Params }>(paths.api.statuses, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await families.recordStatus(request.actor!, request.params.familyId, request.params.personId, body(request.body))));
}
