import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { text } from '../../web/forms.ts';
import { paths } from '../../web/urls.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const caseWorkers = rolesWith('work.mine');
type Params = { caseId: string; followUpId: string };

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** The JSON API for keeping cases moving: the same use cases as the pages. */
export async function workApi(app: FastifyInstance, { services }: { services: Services }) {
  const { work } = services;

  app.get(paths.api.myWork, { config: { access: caseWorkers } }, async (request) => work.myWork(request.actor!));

  app.get(paths.api.teamWork, { config: { access: rolesWith('work.team') } }, async (request) => {
    const query = request.query as Record<string, unknown>;
    const drifting = text(query, 'drifting');
    return work.teamWork(request.actor!, { workerId: text(query, 'workerId') || null, driftingOnly: drifting === 'yes' || drifting === 'true' });
  });

  app.post<{ Params: Params }>(paths.api.closeCase, { config: { access: rolesWith('case.close') } }, async (request) =>
    work.close(request.actor!, request.params.caseId, body(request.body)));

  app.get<{ Params: Params }>(paths.api.followUps, { config: { access: caseWorkers } }, async (request) =>
    work.followUps(request.actor!, request.params.caseId));

  app.post<{ Params: Params }>(paths.api.followUp, { config: { access: caseWorkers } }, async (request) =>
    work.recordFollowUp(request.actor!, request.params.caseId, request.params.followUpId, body(request.body)));
}
