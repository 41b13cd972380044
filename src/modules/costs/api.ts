import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { paths } from '../../web/urls.ts';
import { costEditorRoles } from './service.ts';

type Params = { unitCostId: string; analysisId: string };

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** The same use cases as the cost pages, for bearer-token clients. Money is in pence in answers; requests take pounds like the forms. */
export async function costsApi(app: FastifyInstance, { services }: { services: Services }) {
  const { costs } = services;

  app.get(paths.api.unitCosts, { config: { access: 'signed-in' } }, async (request) => costs.unitCosts(request.actor!));

  app.post(paths.api.unitCosts, { config: { access: costEditorRoles } }, async (request, reply) =>
    reply.code(201).send(await costs.addUnitCost(request.actor!, body(request.body))));

  app.get<{ Params: Params }>(paths.api.unitCost, { config: { access: 'signed-in' } }, async (request) =>
    costs.unitCost(request.actor!, request.params.unitCostId));

  app.put<{ Params: Params }>(paths.api.unitCost, { config: { access: costEditorRoles } }, async (request) =>
    costs.updateUnitCost(request.actor!, request.params.unitCostId, body(request.body)));

  app.get(paths.api.deflator, { config: { access: 'signed-in' } }, async (request) => costs.deflator(request.actor!));

  app.put(paths.api.deflator, { config: { access: costEditorRoles } }, async (request) => costs.saveDeflator(request.actor!, body(request.body)));

  app.get(paths.api.costBenefitAnalyses, { config: { access: 'signed-in' } }, async (request) => costs.analyses(request.actor!));

  app.post(paths.api.costBenefitAnalyses, { config: { access: costEditorRoles } }, async (request, reply) =>
    reply.code(201).send(await costs.createAnalysis(request.actor!, body(request.body))));

  app.get<{ Params: Params; Querystring: { priceYear?: string } }>(paths.api.costBenefitAnalysis, { config: { access: 'signed-in' } }, async (request) =>
    costs.analysis(request.actor!, request.params.analysisId, { priceYear: request.query.priceYear }));

  app.put<{ Params: Params }>(paths.api.costBenefitAnalysis, { config: { access: costEditorRoles } }, async (request, reply) => {
    await costs.updateAnalysis(request.actor!, request.params.analysisId, body(request.body));
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>(paths.api.costBenefitAnalysis, { config: { access: costEditorRoles } }, async (request, reply) => {
    await costs.deleteAnalysis(request.actor!, request.params.analysisId);
    return reply.code(204).send();
  });
}
