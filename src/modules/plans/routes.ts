import { formVersion } from '../../domain/input.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { ConflictError, RuleViolation, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { actionStatusLabels, actionStatuses, contactTimeLabels, contactTimes, IncompleteError } from '../../domain/casework/plan.ts';
import { outcomeAreas } from '../../domain/casework/outcome-areas.ts';
import { formatDate } from '../../domain/dates.ts';
import type { Services } from '../../services.ts';
import { redirectWithErrors, takeFormState } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { fieldErrors } from '../../domain/errors.ts';
import {
  actionErrors, actionFromForm, contractFromForm, dateValues, errorSummary, familyViewFromForm, gapErrors, goalFromForm, memberAssessmentFromForm,
  ownerValue, reviewDateFromForm, rowErrors, safetyPlanFromForm,
} from './forms.ts';
import { actionSchema, contractSchema, reviewDateSchema } from './schemas.ts';
import { planApi } from './api.ts';
import { taskStatusLabels } from './service.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type Params = { caseId: string; personId: string; goalId: string; actionId: string; planId: string };
type Body = Record<string, unknown>;

const savedMessages: Record<string, string> = {
  started: 'Assessment started', member: 'Assessment saved', familyView: 'The family’s view has been saved', completed: 'Assessment complete: you can now write the family plan',
  goal: 'Goal saved', goalRemoved: 'Goal removed', action: 'Action saved', actionRemoved: 'Action removed', status: 'Action status updated',
  reviewDate: 'Review date saved', agreed: 'Plan agreed with the family', review: 'Review started: a new draft version of the plan has been made from the current one',
  reviewCancelled: 'Review cancelled: the agreed plan has not changed', contract: 'Family contract saved', safetyPlan: 'Safety plan saved',
};

const statusItems = actionStatuses.map((s) => ({ value: s, text: actionStatusLabels[s] }));
const contactTimeItems = contactTimes.map((t) => ({ value: t, text: contactTimeLabels[t] }));

interface SaveOptions {
  back: string;
  values: Body;
  formErrors?: FieldErrors;
  /** Checks the rest of the form when a date could not be read, so every problem shows at once. */
  schema?: ZodType;
  input?: unknown;
  mapErrors?: (errors: FieldErrors) => FieldErrors;
  save: () => Promise<unknown>;
  then: string;
}

export async function planPages(app: FastifyInstance, { services }: { services: Services }) {
  const { plans } = services;

  /** Renders a form page: the stored errors and answers after a failed save, else the saved values. */
  async function formPage(request: FastifyRequest, reply: FastifyReply, template: string, context: Body, saved: Body = {}, anchors: Record<string, string> = {}) {
    const state = await takeFormState(services, request);
    return reply.view(template, {
      ...context,
      errors: state?.errors ?? {},
      errorList: state ? errorSummary(state.errors, anchors) : [],
      values: state?.values ?? saved,
      conflict: Boolean(state?.errors.form),
    });
  }

  /** Runs a save; on invalid input, a stale save or a refusal, sends the user back to the form with the message and what they typed. */
  async function saveOrReturn(request: FastifyRequest, reply: FastifyReply, o: SaveOptions) {
    const map = o.mapErrors ?? ((e: FieldErrors) => e);
    try {
      if (o.formErrors && Object.keys(o.formErrors).length) {
        const checked = o.schema?.safeParse(o.input);
        throw new ValidationError(checked && !checked.success ? fieldErrors(checked.error) : {});
      }
      await o.save();
    } catch (error) {
      if (error instanceof ValidationError) {
        return redirectWithErrors(services, request, reply, o.back, { errors: { ...map(error.fieldErrors), ...(o.formErrors ?? {}) }, values: o.values });
      }
      if (error instanceof IncompleteError) {
        return redirectWithErrors(services, request, reply, o.back, { errors: gapErrors(error.gaps), values: o.values });
      }
      if (error instanceof ConflictError || error instanceof RuleViolation) {
        return redirectWithErrors(services, request, reply, o.back, { errors: { form: error.message }, values: o.values });
      }
      throw error;
    }
    return reply.redirect(o.then, 303);
  }

  const saved = (request: FastifyRequest) => {
    const key = (request.query as Record<string, string>).saved;
    return key ? savedMessages[key] ?? null : null;
  };

  // The assessment and plan task list

  app.get<{ Params: Params }>(paths.assessment, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.assessment(request.actor!, request.params.caseId);
    return formPage(request, reply, 'plans/views/assessment.njk', {
      pageTitle: 'Assessment and family plan', ...view, taskStatusLabels, savedMessage: saved(request),
    }, {}, { familyView: 'task-family-view', wantsToChange: 'task-family-view', members: 'task-members' });
  });

  app.post<{ Params: Params }>(paths.startAssessment, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    return saveOrReturn(request, reply, {
      back: urls.assessment(caseId), values: {}, save: () => plans.startAssessment(request.actor!, caseId), then: `${urls.assessment(caseId)}?saved=started`,
    });
  });

  app.post<{ Params: Params }>(paths.completeAssessment, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    return saveOrReturn(request, reply, {
      back: urls.assessment(caseId), values: {}, save: () => plans.completeAssessment(request.actor!, caseId), then: `${urls.assessment(caseId)}?saved=completed`,
    });
  });

  app.get<{ Params: Params }>(paths.memberAssessment, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.memberAssessment(request.actor!, request.params.caseId, request.params.personId);
    const m = view.member;
    const record = m.record;
    return formPage(request, reply, 'plans/views/member-assessment.njk', {
      pageTitle: `Assessment: ${m.name}`, ...view, action: urls.memberAssessment(view.case.id, m.id), back: urls.assessment(view.case.id),
    }, record ? { ...record } : { factorCodes: m.knownNeeds.map((n) => n.code).filter(Boolean) });
  });

  app.post<{ Params: Params }>(paths.memberAssessment, { config: { access: writers } }, async (request, reply) => {
    const { caseId, personId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.memberAssessment(caseId, personId), values: { ...body, factorCodes: memberAssessmentFromForm(body).factorCodes },
      save: () => plans.saveMemberAssessment(request.actor!, caseId, personId, memberAssessmentFromForm(body)),
      then: `${urls.assessment(caseId)}?saved=member`,
    });
  });

  app.get<{ Params: Params }>(paths.familyView, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.assessment(request.actor!, request.params.caseId);
    return formPage(request, reply, 'plans/views/family-view.njk', {
      pageTitle: 'The family’s view', ...view, action: urls.familyView(view.case.id), back: urls.assessment(view.case.id),
    }, { familyView: view.assessment?.familyView, wantsToChange: view.assessment?.wantsToChange });
  });

  app.post<{ Params: Params }>(paths.familyView, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.familyView(caseId), values: body,
      save: () => plans.saveFamilyView(request.actor!, caseId, familyViewFromForm(body)), then: `${urls.assessment(caseId)}?saved=familyView`,
    });
  });

  // The family plan

  app.get<{ Params: Params }>(paths.plan, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    return formPage(request, reply, 'plans/views/plan.njk', { pageTitle: 'Family plan', ...view, savedMessage: saved(request) }, {}, { reviewDate: 'review-date', goals: 'add-goal' });
  });

  app.get<{ Params: Params }>(paths.newPlanGoal, { config: { access: writers } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    return formPage(request, reply, 'plans/views/goal-form.njk', {
      pageTitle: 'Add a goal', ...view, outcomeAreas, action: urls.newPlanGoal(view.case.id), back: urls.plan(view.case.id),
      version: view.draft?.version ?? 0, goal: null,
    });
  });

  app.post<{ Params: Params }>(paths.newPlanGoal, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.newPlanGoal(caseId), values: body, save: () => plans.addGoal(request.actor!, caseId, goalFromForm(body)), then: `${urls.plan(caseId)}?saved=goal`,
    });
  });

  app.get<{ Params: Params }>(paths.planGoal, { config: { access: writers } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    const goal = view.draft?.goals.find((g) => g.id === request.params.goalId);
    if (!goal) return reply.callNotFound();
    return formPage(request, reply, 'plans/views/goal-form.njk', {
      pageTitle: 'Change a goal', ...view, outcomeAreas, action: urls.planGoal(view.case.id, goal.id), back: urls.plan(view.case.id),
      version: view.draft!.version, goal, isReview: view.draft!.isReview,
    }, { goal: goal.goal, outcomeArea: goal.outcomeArea, progressNote: goal.progressNote, distanceTravelled: goal.distanceTravelled === null ? '' : String(goal.distanceTravelled) });
  });

  app.post<{ Params: Params }>(paths.planGoal, { config: { access: writers } }, async (request, reply) => {
    const { caseId, goalId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.planGoal(caseId, goalId), values: body, save: () => plans.updateGoal(request.actor!, caseId, goalId, goalFromForm(body)),
      then: `${urls.plan(caseId)}?saved=goal`,
    });
  });

  app.post<{ Params: Params }>(paths.removePlanGoal, { config: { access: writers } }, async (request, reply) => {
    const { caseId, goalId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.planGoal(caseId, goalId), values: {}, save: () => plans.removeGoal(request.actor!, caseId, goalId, { version: formVersion(body.version) }),
      then: `${urls.plan(caseId)}?saved=goalRemoved`,
    });
  });

  app.get<{ Params: Params }>(paths.newPlanAction, { config: { access: writers } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    const goal = view.draft?.goals.find((g) => g.id === request.params.goalId);
    if (!goal) return reply.callNotFound();
    return formPage(request, reply, 'plans/views/action-form.njk', {
      pageTitle: 'Add an action', ...view, goal, statusItems, action: urls.newPlanAction(view.case.id, goal.id), back: urls.plan(view.case.id),
      version: view.draft!.version, planAction: null,
    }, { status: 'not_started' });
  });

  app.post<{ Params: Params }>(paths.newPlanAction, { config: { access: writers } }, async (request, reply) => {
    const { caseId, goalId } = request.params;
    const body = request.body as Body;
    const form = actionFromForm(body);
    return saveOrReturn(request, reply, {
      back: urls.newPlanAction(caseId, goalId), values: body, formErrors: form.errors, schema: actionSchema, input: form.input, mapErrors: actionErrors,
      save: () => plans.addAction(request.actor!, caseId, goalId, form.input), then: `${urls.plan(caseId)}?saved=action`,
    });
  });

  app.get<{ Params: Params }>(paths.planAction, { config: { access: writers } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    const goal = view.draft?.goals.find((g) => g.actions.some((a) => a.id === request.params.actionId));
    const planAction = goal?.actions.find((a) => a.id === request.params.actionId);
    if (!goal || !planAction) return reply.callNotFound();
    return formPage(request, reply, 'plans/views/action-form.njk', {
      pageTitle: 'Change an action', ...view, goal, statusItems, action: urls.planAction(view.case.id, planAction.id), back: urls.plan(view.case.id),
      version: view.draft!.version, planAction,
    }, { description: planAction.description, owner: ownerValue(planAction), ownerName: planAction.ownerType === 'agency' ? planAction.ownerName : '', status: planAction.status, ...dateValues('dueOn', planAction.dueOn) });
  });

  app.post<{ Params: Params }>(paths.planAction, { config: { access: writers } }, async (request, reply) => {
    const { caseId, actionId } = request.params;
    const body = request.body as Body;
    const form = actionFromForm(body);
    return saveOrReturn(request, reply, {
      back: urls.planAction(caseId, actionId), values: body, formErrors: form.errors, schema: actionSchema, input: form.input, mapErrors: actionErrors,
      save: () => plans.updateAction(request.actor!, caseId, actionId, form.input), then: `${urls.plan(caseId)}?saved=action`,
    });
  });

  app.post<{ Params: Params }>(paths.removePlanAction, { config: { access: writers } }, async (request, reply) => {
    const { caseId, actionId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.planAction(caseId, actionId), values: {}, save: () => plans.removeAction(request.actor!, caseId, actionId, { version: formVersion(body.version) }),
      then: `${urls.plan(caseId)}?saved=actionRemoved`,
    });
  });

  app.get<{ Params: Params }>(paths.planActionStatus, { config: { access: writers } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    const goal = view.current?.goals.find((g) => g.actions.some((a) => a.id === request.params.actionId));
    const planAction = goal?.actions.find((a) => a.id === request.params.actionId);
    if (!goal || !planAction) return reply.callNotFound();
    return formPage(request, reply, 'plans/views/action-status.njk', {
      pageTitle: 'Update an action’s status', ...view, goal, planAction, statusItems, action: urls.planActionStatus(view.case.id, planAction.id),
      back: urls.plan(view.case.id), version: view.current!.version,
    }, { status: planAction.status });
  });

  app.post<{ Params: Params }>(paths.planActionStatus, { config: { access: writers } }, async (request, reply) => {
    const { caseId, actionId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.planActionStatus(caseId, actionId), values: body,
      save: () => plans.setActionStatus(request.actor!, caseId, actionId, { status: (body.status as string) || undefined, version: formVersion(body.version) }),
      then: `${urls.plan(caseId)}?saved=status`,
    });
  });

  app.get<{ Params: Params }>(paths.planReviewDate, { config: { access: writers } }, async (request, reply) => {
    const view = await plans.plan(request.actor!, request.params.caseId);
    return formPage(request, reply, 'plans/views/review-date.njk', {
      pageTitle: 'When will the plan be reviewed?', ...view, action: urls.planReviewDate(view.case.id), back: urls.plan(view.case.id),
      version: view.draft?.version ?? 0, suggested: formatDate(view.suggestedReviewDate),
    }, dateValues('reviewDate', view.draft?.reviewDate ?? view.suggestedReviewDate));
  });

  app.post<{ Params: Params }>(paths.planReviewDate, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    const form = reviewDateFromForm(body);
    return saveOrReturn(request, reply, {
      back: urls.planReviewDate(caseId), values: body, formErrors: form.errors, schema: reviewDateSchema, input: form.input,
      save: () => plans.setReviewDate(request.actor!, caseId, form.input), then: `${urls.plan(caseId)}?saved=reviewDate`,
    });
  });

  app.post<{ Params: Params }>(paths.agreePlan, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.plan(caseId), values: {}, save: () => plans.agreePlan(request.actor!, caseId, { version: formVersion(body.version) }), then: `${urls.plan(caseId)}?saved=agreed`,
    });
  });

  app.post<{ Params: Params }>(paths.startPlanReview, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    return saveOrReturn(request, reply, {
      back: urls.plan(caseId), values: {}, save: () => plans.startReview(request.actor!, caseId), then: `${urls.plan(caseId)}?saved=review`,
    });
  });

  app.post<{ Params: Params }>(paths.cancelPlanReview, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, {
      back: urls.plan(caseId), values: {}, save: () => plans.cancelReview(request.actor!, caseId, { version: formVersion(body.version) }), then: `${urls.plan(caseId)}?saved=reviewCancelled`,
    });
  });

  app.get<{ Params: Params }>(paths.planVersions, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.planVersions(request.actor!, request.params.caseId);
    return reply.view('plans/views/plan-versions.njk', { pageTitle: 'Versions of the family plan', ...view });
  });

  app.get<{ Params: Params }>(paths.planVersion, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.planVersion(request.actor!, request.params.caseId, request.params.planId);
    return reply.view('plans/views/plan-version.njk', { pageTitle: `Family plan version ${view.plan.number}`, ...view });
  });

  // Family contract

  app.get<{ Params: Params }>(paths.familyContract, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.contract(request.actor!, request.params.caseId);
    const c = view.contract;
    const listed = [...view.agencies];
    for (const a of c?.agencyCommitments ?? []) if (!listed.includes(a.agency)) listed.push(a.agency);
    const rows = [
      ...listed.map((agency) => ({ agency, fixed: true })),
      { agency: '', fixed: false }, { agency: '', fixed: false },
    ];
    const initial: Body = {
      familyCommitments: c?.familyCommitments, keyWorkerCommitments: c?.keyWorkerCommitments, consequences: c?.consequences, ...dateValues('agreedOn', c?.agreedOn),
    };
    rows.forEach((r, i) => {
      initial[`agency-${i}`] = r.agency;
      initial[`commitment-${i}`] = c?.agencyCommitments.find((a) => a.agency === r.agency && r.fixed)?.commitment ?? '';
    });
    return formPage(request, reply, 'plans/views/contract.njk', {
      pageTitle: 'Family contract', ...view, rows, action: urls.familyContract(view.case.id), back: urls.assessment(view.case.id),
      version: c?.version ?? 0, savedMessage: saved(request),
    }, initial);
  });

  app.post<{ Params: Params }>(paths.familyContract, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    const form = contractFromForm(body);
    return saveOrReturn(request, reply, {
      back: urls.familyContract(caseId), values: body, formErrors: form.errors, schema: contractSchema, input: form.input,
      mapErrors: (e) => rowErrors(e, 'agencyCommitments', form.rows, { agency: 'agency', commitment: 'commitment' }),
      save: () => plans.saveContract(request.actor!, caseId, form.input), then: `${urls.familyContract(caseId)}?saved=contract`,
    });
  });

  app.get<{ Params: Params }>(paths.printFamilyContract, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.contractForPrint(request.actor!, request.params.caseId);
    if (!view.contract) return reply.redirect(urls.familyContract(view.case.id));
    return reply.view('plans/views/contract-print.njk', { pageTitle: `The ${view.case.familyName} family’s agreement`, ...view });
  });

  // Safety plan

  app.get<{ Params: Params }>(paths.safetyPlan, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.safetyPlan(request.actor!, request.params.caseId);
    const s = view.safetyPlan;
    const contacts = s?.contacts ?? [];
    const count = Math.max(contacts.length + 2, 4);
    const initial: Body = { risks: s?.risks, keepingSafe: s?.keepingSafe, whoDoesWhat: s?.whoDoesWhat };
    for (let i = 0; i < count; i += 1) {
      initial[`contactName-${i}`] = contacts[i]?.name ?? '';
      initial[`contactPhone-${i}`] = contacts[i]?.phone ?? '';
      initial[`contactWhen-${i}`] = contacts[i]?.when ?? 'any_time';
    }
    return formPage(request, reply, 'plans/views/safety-plan.njk', {
      pageTitle: 'Safety plan', ...view, contactRows: Array.from({ length: count }, (_, i) => i), contactTimeItems,
      action: urls.safetyPlan(view.case.id), back: urls.assessment(view.case.id), version: s?.version ?? 0, savedMessage: saved(request),
    }, initial);
  });

  app.post<{ Params: Params }>(paths.safetyPlan, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Body;
    const form = safetyPlanFromForm(body);
    return saveOrReturn(request, reply, {
      back: urls.safetyPlan(caseId), values: body,
      mapErrors: (e) => rowErrors(e, 'contacts', form.rows, { name: 'contactName', phone: 'contactPhone', when: 'contactWhen' }),
      save: () => plans.saveSafetyPlan(request.actor!, caseId, form.input), then: `${urls.safetyPlan(caseId)}?saved=safetyPlan`,
    });
  });

  app.get<{ Params: Params }>(paths.printSafetyPlan, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await plans.safetyPlanForPrint(request.actor!, request.params.caseId);
    if (!view.safetyPlan) return reply.redirect(urls.safetyPlan(view.case.id));
    return reply.view('plans/views/safety-plan-print.njk', { pageTitle: `The ${view.case.familyName} family’s safety plan`, ...view });
  });
}

/** The plans module's pages and API, registered with one line in the app. */
export async function planRoutes(app: FastifyInstance, options: { services: Services }) {
  await planPages(app, options);
  await planApi(app, options);
}
