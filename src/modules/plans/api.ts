import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { paths } from '../../web/urls.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type Params = { caseId: string; personId: string; goalId: string; actionId: string; planId: string };

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** The same use cases as the assessment, plan, contract and safety plan pages, for bearer-token clients. */
export async function planApi(app: FastifyInstance, { services }: { services: Services }) {
  const { plans } = services;

  app.get(paths.api.outcomeAreas, { config: { access: 'signed-in' } }, async () => ({ outcomeAreas: plans.outcomeAreas() }));

  // Assessment
  app.get<{ Params: Params }>(paths.api.assessment, { config: { access: 'signed-in' } }, async (request) =>
    plans.assessment(request.actor!, request.params.caseId));

  app.post<{ Params: Params }>(paths.api.startAssessment, { config: { access: writers } }, async (request, reply) => {
    await plans.startAssessment(request.actor!, request.params.caseId);
    return reply.code(204).send();
  });

  app.put<{ Params: Params }>(paths.api.memberAssessment, { config: { access: writers } }, async (request, reply) => {
    await plans.saveMemberAssessment(request.actor!, request.params.caseId, request.params.personId, body(request.body));
    return reply.code(204).send();
  });

  app.put<{ Params: Params }>(paths.api.familyView, { config: { access: writers } }, async (request, reply) => {
    await plans.saveFamilyView(request.actor!, request.params.caseId, body(request.body));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>(paths.api.completeAssessment, { config: { access: writers } }, async (request, reply) => {
    await plans.completeAssessment(request.actor!, request.params.caseId);
    return reply.code(204).send();
  });

  // Plan
  app.get<{ Params: Params }>(paths.api.plan, { config: { access: 'signed-in' } }, async (request) => plans.plan(request.actor!, request.params.caseId));

  app.get<{ Params: Params }>(paths.api.planSummary, { config: { access: 'signed-in' } }, async (request) => plans.summary(request.actor!, request.params.caseId));

  app.post<{ Params: Params }>(paths.api.planGoals, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await plans.addGoal(request.actor!, request.params.caseId, body(request.body))));

  app.put<{ Params: Params }>(paths.api.planGoal, { config: { access: writers } }, async (request, reply) => {
    await plans.updateGoal(request.actor!, request.params.caseId, request.params.goalId, body(request.body));
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>(paths.api.planGoal, { config: { access: writers } }, async (request, reply) => {
    await plans.removeGoal(request.actor!, request.params.caseId, request.params.goalId, body(request.body));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>(paths.api.planGoalActions, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await plans.addAction(request.actor!, request.params.caseId, request.params.goalId, body(request.body))));

  app.put<{ Params: Params }>(paths.api.planAction, { config: { access: writers } }, async (request, reply) => {
    await plans.updateAction(request.actor!, request.params.caseId, request.params.actionId, body(request.body));
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>(paths.api.planAction, { config: { access: writers } }, async (request, reply) => {
    await plans.removeAction(request.actor!, request.params.caseId, request.params.actionId, body(request.body));
    return reply.code(204).send();
  });

  app.put<{ Params: Params }>(paths.api.planActionStatus, { config: { access: writers } }, async (request, reply) => {
    await plans.setActionStatus(request.actor!, request.params.caseId, request.params.actionId, body(request.body));
    return reply.code(204).send();
  });

  app.put<{ Params: Params }>(paths.api.planReviewDate, { config: { access: writers } }, async (request, reply) => {
    await plans.setReviewDate(request.actor!, request.params.caseId, body(request.body));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>(paths.api.agreePlan, { config: { access: writers } }, async (request) =>
    plans.agreePlan(request.actor!, request.params.caseId, body(request.body)));

  app.post<{ Params: Params }>(paths.api.planReview, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await plans.startReview(request.actor!, request.params.caseId)));

  app.delete<{ Params: Params }>(paths.api.planReview, { config: { access: writers } }, async (request, reply) => {
    await plans.cancelReview(request.actor!, request.params.caseId, body(request.body));
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>(paths.api.planVersions, { config: { access: 'signed-in' } }, async (request) =>
    plans.planVersions(request.actor!, request.params.caseId));

  app.get<{ Params: Params }>(paths.api.planVersion, { config: { access: 'signed-in' } }, async (request) =>
    plans.planVersion(request.actor!, request.params.caseId, request.params.planId));

  // Contract and safety plan
  app.get<{ Params: Params }>(paths.api.familyContract, { config: { access: 'signed-in' } }, async (request) =>
    plans.contract(request.actor!, request.params.caseId));

  app.put<{ Params: Params }>(paths.api.familyContract, { config: { access: writers } }, async (request, reply) => {
    await plans.saveContract(request.actor!, request.params.caseId, body(request.body));
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>(paths.api.safetyPlan, { config: { access: 'signed-in' } }, async (request) =>
    plans.safetyPlan(request.actor!, request.params.caseId));

  app.put<{ Params: Params }>(paths.api.safetyPlan, { config: { access: writers } }, async (request, reply) => {
    await plans.saveSafetyPlan(request.actor!, request.params.caseId, body(request.body));
    return reply.code(204).send();
  });
}
