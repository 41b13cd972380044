import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, takeFormState, text } from '../../web/forms.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths, urls } from '../../web/urls.ts';
import { rolesWith } from '../../domain/access/policy.ts';

type Params = { caseId: string };

async function formState(services: Services, request: FastifyRequest) {
  const state = await takeFormState(services, request);
  return { errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, { keyWorkerId: 'keyWorkerId', userId: 'userId' }) : [], values: state?.values ?? {} };
}

async function saveOrReturn(services: Services, request: FastifyRequest, reply: FastifyReply, back: string, then: string, save: () => Promise<unknown>) {
  try {
    await save();
    return reply.redirect(then, 303);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return redirectWithErrors(services, request, reply, back, { errors: error.fieldErrors, values: request.body as Record<string, unknown> });
  }
}

export async function casePages(app: FastifyInstance, { services }: { services: Services }) {
  const { cases } = services;

  app.get(paths.programmes, { config: { access: 'signed-in' } }, async (_request, reply) =>
    reply.view('cases/views/programmes.njk', { pageTitle: 'Programmes', programmes: await cases.programmes() }));

  app.get<{ Params: Params }>(paths.case, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await cases.case(request.actor!, request.params.caseId);
    const planSummary = await services.plans.summary(request.actor!, view.case.id);
    const firstVisitAt = await services.work.firstVisit(request.actor!, view.case.id);
    return reply.view('cases/views/case.njk', { pageTitle: `Case ${view.case.reference}: ${view.case.family_name} family`, ...view, planSummary, firstVisitAt, saved: (request.query as Record<string, string>).saved });
  });

  app.get<{ Params: Params }>(paths.allocateCase, { config: { access: rolesWith('case.allocate') } }, async (request, reply) => {
    const teamId = text(request.query as Record<string, unknown>, 'teamId');
    const options = await cases.allocationOptions(request.actor!, request.params.caseId, { teamId: isUuid(teamId) ? teamId : null });
    return reply.view('cases/views/allocate.njk', { pageTitle: 'Allocate a key worker', ...options, ...(await formState(services, request)) });
  });

  app.post<{ Params: Params }>(paths.allocateCase, { config: { access: rolesWith('case.allocate') } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { caseId } = request.params;
    return saveOrReturn(services, request, reply, urls.allocateCase(caseId), `${urls.case(caseId)}?saved=allocated`, () =>
      cases.allocate(request.actor!, caseId, { keyWorkerId: text(body, 'keyWorkerId') || undefined, overCaseloadReason: text(body, 'overCaseloadReason') }));
  });

  app.get<{ Params: Params }>(paths.joinTeam, { config: { access: rolesWith('case.team.add') } }, async (request, reply) => {
    const view = await cases.case(request.actor!, request.params.caseId);
    const practitioners = await cases.practitioners();
    return reply.view('cases/views/join-team.njk', { pageTitle: 'Add someone to the team around the family', ...view, practitioners, ...(await formState(services, request)) });
  });

  app.post<{ Params: Params }>(paths.joinTeam, { config: { access: rolesWith('case.team.add') } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { caseId } = request.params;
    return saveOrReturn(services, request, reply, urls.joinTeam(caseId), `${urls.case(caseId)}?saved=team`, () =>
      cases.joinTeam(request.actor!, caseId, { userId: text(body, 'userId') || undefined, roleInFamily: text(body, 'roleInFamily') }));
  });

  // API
  app.get(paths.api.programmes, { config: { access: 'signed-in' } }, async () => ({ programmes: await cases.programmes() }));
  app.get<{ Params: Params }>(paths.api.case, { config: { access: 'signed-in' } }, async (request) => cases.case(request.actor!, request.params.caseId));
  app.post<{ Params: Params }>(paths.api.allocateCase, { config: { access: rolesWith('case.allocate') } }, async (request) => cases.allocate(request.actor!, request.params.caseId, request.body));
  app.post<{ Params: Params }>(paths.api.caseTeam, { config: { access: rolesWith('case.team.add') } }, async (request, reply) => {
    await cases.joinTeam(request.actor!, request.params.caseId, request.body);
    return reply.code(204).send();
  });
}
