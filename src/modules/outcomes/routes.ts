import type { FastifyInstance } from 'fastify';
import { ConflictError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { legalStatusLabels, legalStatuses } from '../../domain/codes.ts';
import {
  familyStarAreas, timePointLabels, timePointSlugs, timePoints, treatmentLabels, treatmentStates, workStepLabels, workSteps,
} from '../../domain/outcomes/measures.ts';
import type { Services } from '../../services.ts';
import { redirectWithErrors, takeFormState } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { formErrors, formValues, measuresFromForm, outcomeErrorList } from './forms.ts';
import { outcomesApi } from './api.ts';
import { reportPages } from './report-routes.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type Params = { caseId: string };

const choices = {
  legalStatuses: legalStatuses.map((s) => ({ value: s, text: legalStatusLabels[s] })),
  treatments: treatmentStates.map((s) => ({ value: s, text: treatmentLabels[s] })),
  workSteps: workSteps.map((s) => ({ value: s, text: workStepLabels[s] })),
  familyStarAreas,
};

/** A single ticked checkbox posts a string; the template wants a list. */
function withArrays(values: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k.startsWith('workSteps-') ? [v ?? []].flat() : v]));
}

/** The case's outcome measures: an overview and one form per time point for the whole household. */
export async function outcomeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { outcomes } = services;

  app.get<{ Params: Params }>(paths.outcomes, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await outcomes.overview(request.actor!, request.params.caseId);
    const saved = (request.query as Record<string, string>).saved;
    const savedPoint = timePoints.find((t) => timePointSlugs[t] === saved);
    return reply.view('outcomes/views/overview.njk', {
      pageTitle: 'Outcome measures', ...view, timePointLabels, legalStatusLabels,
      savedMessage: savedPoint ? `Outcome measures saved: ${timePointLabels[savedPoint].toLowerCase()}` : null,
    });
  });

  for (const timePoint of timePoints) {
    const route = paths.recordOutcomes.replace(':timePoint', timePointSlugs[timePoint]);

    app.get<{ Params: Params }>(route, { config: { access: 'signed-in' } }, async (request, reply) => {
      const view = await outcomes.form(request.actor!, request.params.caseId, timePoint);
      const state = await takeFormState(services, request);
      return reply.view('outcomes/views/record.njk', {
        pageTitle: `Record outcomes: ${view.label.toLowerCase()}`, ...view, choices, back: urls.outcomes(view.case.id),
        action: urls.recordOutcomes(view.case.id, timePointSlugs[timePoint]), isReferral: timePoint === 'referral',
        errors: state?.errors ?? {}, errorList: state ? outcomeErrorList(state.errors, view.members) : [],
        values: withArrays(state?.values ?? formValues(view.recordedOn, view.members, view.household)),
      });
    });

    app.post<{ Params: Params; Body: Record<string, unknown> }>(route, { config: { access: writers } }, async (request, reply) => {
      const { caseId } = request.params;
      const back = urls.recordOutcomes(caseId, timePointSlugs[timePoint]);
      const view = await outcomes.form(request.actor!, caseId, timePoint);
      const body = request.body ?? {};
      const { input, formErrors: dateErrors } = measuresFromForm(body, timePoint, view.members.map((m) => m.id));
      const { _csrf: _, ...values } = body;
      try {
        await outcomes.record(request.actor!, caseId, input);
      } catch (error) {
        if (error instanceof ValidationError) {
          return redirectWithErrors(services, request, reply, back, { errors: { ...formErrors(error.fieldErrors, view.members), ...dateErrors }, values });
        }
        if (error instanceof RuleViolation) return redirectWithErrors(services, request, reply, back, { errors: { form: error.message }, values });
        // Someone saved first: show their measures (not the stale copy) with the message.
        if (error instanceof ConflictError) {
          const fresh = await outcomes.form(request.actor!, caseId, timePoint);
          return redirectWithErrors(services, request, reply, back, { errors: { form: error.message }, values: formValues(fresh.recordedOn, fresh.members, fresh.household) });
        }
        throw error;
      }
      return reply.redirect(`${urls.outcomes(caseId)}?saved=${timePointSlugs[timePoint]}`, 303);
    });
  }

  await app.register(reportPages, { services });
  await app.register(outcomesApi, { services });
}
