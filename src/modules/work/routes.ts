import { formVersion } from '../../domain/input.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { closureReasonFamilyWords, closureReasonLabels, closureReasons, stepDownTierHints, stepDownTierLabels, stepDownTiers } from '../../domain/casework/closure.ts';
import { severityLabels, driftKindLabels, type Severity } from '../../domain/casework/due.ts';
import { ConflictError, RuleViolation, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { dateFromParts, errorList, redirectWithErrors, takeFormState, text } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { followUpRecordSchema } from './schemas.ts';
import { workApi } from './api.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { count as countWords } from '../../domain/plural.ts';

const caseWorkers = rolesWith('work.mine');
type Params = { caseId: string; followUpId: string };

export const severityTagClasses: Record<Severity, string> = {
  overdue: 'govuk-tag--red', due_today: 'govuk-tag--orange', due_soon: 'govuk-tag--blue', upcoming: 'govuk-tag--grey',
};

const fieldAnchors: Record<string, string> = { doneOn: 'doneOn-day' };
const fieldOrder = ['form', 'reason', 'reasonOther', 'stepDownTier', 'stepDownServiceId', 'stepDownTo', 'closingSummary', 'doneOn', 'outcomeNote'];

/** "2 things due today", "Nothing due today". */
export function dueTodayHeadline(count: number): string {
  return count === 0 ? 'Nothing due today' : `${countWords(count, 'thing')} due today`;
}

async function formPage(services: Services, request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown>, saved: Record<string, unknown> = {}) {
  const state = await takeFormState(services, request);
  return reply.view(template, {
    ...context,
    errors: state?.errors ?? {},
    errorList: state ? errorList(state.errors, fieldAnchors, fieldOrder) : [],
    values: state?.values ?? saved,
  });
}

/** Runs a save; invalid input, a stale save or a refusal by the case's rules go back to the form with the message and the answers. */
async function saveOrReturn(services: Services, request: FastifyRequest, reply: FastifyReply, options: {
  back: string; values: Record<string, unknown>; formErrors: FieldErrors; check?: () => FieldErrors; save: () => Promise<unknown>; then: string;
}) {
  try {
    // A date the boxes could not make sense of stops the save; the rest is still checked so every problem shows at once.
    if (Object.keys(options.formErrors).length) throw new ValidationError(options.check?.() ?? {});
    await options.save();
  } catch (error) {
    if (error instanceof ValidationError) return redirectWithErrors(services, request, reply, options.back, { errors: { ...error.fieldErrors, ...options.formErrors }, values: options.values });
    if (error instanceof ConflictError || error instanceof RuleViolation) {
      return redirectWithErrors(services, request, reply, options.back, { errors: { form: error.message }, values: options.values });
    }
    throw error;
  }
  return reply.redirect(options.then, 303);
}

export async function workPages(app: FastifyInstance, { services }: { services: Services }) {
  const { work } = services;
  const shared = { severityLabels, severityTagClasses, driftKindLabels };

  app.get(paths.myWork, { config: { access: caseWorkers } }, async (request, reply) => {
    const view = await work.myWork(request.actor!);
    return reply.view('work/views/my-work.njk', { pageTitle: 'My work', ...shared, ...view, headline: dueTodayHeadline(view.counts.due_today) });
  });

  app.get(paths.teamWork, { config: { access: rolesWith('work.team') } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const view = await work.teamWork(request.actor!, { workerId: text(query, 'workerId') || null, driftingOnly: text(query, 'drifting') === 'yes' });
    return reply.view('work/views/team-work.njk', { pageTitle: 'Team work', ...shared, ...view });
  });

  app.get<{ Params: Params }>(paths.closeCase, { config: { access: caseWorkers } }, async (request, reply) => {
    const view = await work.closureForm(request.actor!, request.params.caseId);
    if (view.case.state === 'closed') return reply.redirect(urls.followUps(view.case.id));
    return formPage(services, request, reply, 'work/views/close.njk', {
      pageTitle: 'Close the case', ...view, action: urls.closeCase(view.case.id), back: urls.case(view.case.id),
      reasons: closureReasons.map((r) => ({ value: r, text: closureReasonLabels[r], familyWords: closureReasonFamilyWords[r] })),
      tiers: stepDownTiers.map((t) => ({ value: String(t), text: stepDownTierLabels[t], hint: stepDownTierHints[t] })),
    }, { version: view.case.version });
  });

  app.post<{ Params: Params }>(paths.closeCase, { config: { access: rolesWith('case.close') } }, async (request, reply) => {
    const { caseId } = request.params;
    const body = request.body as Record<string, unknown>;
    const input = {
      reason: text(body, 'reason') || undefined, reasonOther: text(body, 'reasonOther'), stepDownTier: text(body, 'stepDownTier') || undefined,
      stepDownServiceId: text(body, 'stepDownServiceId') || undefined, stepDownTo: text(body, 'stepDownTo'), closingSummary: text(body, 'closingSummary'), version: formVersion(text(body, 'version') || undefined),
    };
    return saveOrReturn(services, request, reply, {
      back: urls.closeCase(caseId), values: body, formErrors: {},
      save: () => work.close(request.actor!, caseId, input),
      then: `${urls.followUps(caseId)}?closed=yes`,
    });
  });

  app.get<{ Params: Params }>(paths.followUps, { config: { access: caseWorkers } }, async (request, reply) => {
    const view = await work.followUps(request.actor!, request.params.caseId);
    const query = request.query as Record<string, unknown>;
    return reply.view('work/views/follow-ups.njk', {
      pageTitle: 'Follow-ups after closure', ...shared, ...view, closedNow: text(query, 'closed') === 'yes', savedNow: text(query, 'saved') === 'yes',
    });
  });

  app.get<{ Params: Params }>(paths.recordFollowUp, { config: { access: caseWorkers } }, async (request, reply) => {
    const view = await work.followUp(request.actor!, request.params.caseId, request.params.followUpId);
    const saved: Record<string, unknown> = { version: view.followUp.version, outcomeNote: view.followUp.outcomeNote };
    if (view.followUp.doneOn) {
      const [year, month, day] = view.followUp.doneOn.split('-');
      Object.assign(saved, { 'doneOn-day': String(Number(day)), 'doneOn-month': String(Number(month)), 'doneOn-year': year });
    }
    return formPage(services, request, reply, 'work/views/follow-up.njk', {
      pageTitle: `Record the ${view.followUp.label}`, ...view, action: urls.recordFollowUp(view.case.id, view.followUp.id), back: urls.followUps(view.case.id),
    }, saved);
  });

  app.post<{ Params: Params }>(paths.recordFollowUp, { config: { access: caseWorkers } }, async (request, reply) => {
    const { caseId, followUpId } = request.params;
    const body = request.body as Record<string, unknown>;
    const done = dateFromParts(body, 'doneOn', 'The date of the follow-up');
    const input = { doneOn: done.value ?? undefined, outcomeNote: text(body, 'outcomeNote'), version: formVersion(text(body, 'version') || undefined) };
    return saveOrReturn(services, request, reply, {
      back: urls.recordFollowUp(caseId, followUpId), values: body, formErrors: done.error ? { doneOn: done.error } : {},
      check: () => {
        const checked = followUpRecordSchema.safeParse(input);
        return checked.success ? {} : fieldErrors(checked.error);
      },
      save: () => work.recordFollowUp(request.actor!, caseId, followUpId, input),
      then: `${urls.followUps(caseId)}?saved=yes`,
    });
  });
}

/** The work module's pages and API, registered together in src/app.ts. */
export async function workRoutes(app: FastifyInstance, options: { services: Services }) {
  await workPages(app, options);
  await workApi(app, options);
}
