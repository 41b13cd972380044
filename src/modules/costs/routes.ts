import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countOfs } from '../../domain/costs/cost-benefit.ts';
import { formatPence, formatScaled } from '../../domain/costs/money.ts';
import { costUnitLabels, costUnits } from '../../domain/costs/unit-costs.ts';
import { ConflictError, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, takeFormState } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { costsApi } from './api.ts';
import {
  analysisErrorOrder, analysisErrors, analysisFromForm, analysisValues, deflatorErrors, deflatorFromForm, deflatorSeriesText, lineCount,
  unitCostFieldOrder, unitCostFromForm, unitCostValues,
} from './forms.ts';
import { analysisPdf } from './pdf.ts';
import { adjustmentsText, analysisCsv, headline, lineRows, sendCsv, stepRows, unitCostsCsv } from './present.ts';
import { costEditorRoles } from './service.ts';
import { offers } from '../access/policy.ts';

type Params = { unitCostId: string; analysisId: string };
type Body = Record<string, unknown>;

const savedMessages: Record<string, string> = {
  unitCost: 'Unit cost saved', added: 'Unit cost added', deflator: 'Deflator saved', analysis: 'Analysis saved', deleted: 'Analysis deleted',
};

const unitItems = (selected: unknown) => [
  { value: '', text: 'Select' },
  ...costUnits.map((u) => ({ value: u, text: costUnitLabels[u], selected: u === selected })),
];
const countOfItems = (selected: unknown) => countOfs.map((c) => ({ value: c, text: c.charAt(0).toUpperCase() + c.slice(1), selected: c === (selected || 'children') }));

function saved(request: FastifyRequest) {
  const key = (request.query as Record<string, string>).saved;
  return key ? savedMessages[key] ?? null : null;
}

/** The cost pages and API: unit costs, the deflator and cost-benefit analyses. */
export async function costPages(app: FastifyInstance, { services }: { services: Services }) {
  const { costs } = services;
  const isEditor = (request: FastifyRequest) => offers(request.actor, 'costs.edit');

  /**
   * A form page: after a failed save, the errors and what was typed; after a stale save, the
   * message with the figures as they are now (so the user sees what changed); else the saved values.
   */
  async function formPage(request: FastifyRequest, reply: FastifyReply, template: string, context: Body, current: Record<string, unknown>, order: string[] = [], anchors: Record<string, string> = {}) {
    const state = await takeFormState(services, request);
    const conflict = Boolean(state?.errors.form);
    const errors = state?.errors ?? {};
    return reply.view(template, {
      ...context,
      errors,
      errorList: state ? errorList(errors, { form: order[0] ?? 'main-content', ...anchors }, order) : [],
      values: state && !conflict ? state.values : current,
      conflict,
    });
  }

  /** Runs a save; on invalid input or a stale save, back to the form with the message. */
  async function saveOrReturn(request: FastifyRequest, reply: FastifyReply, back: string, values: Body, save: () => Promise<string>, mapErrors: (e: FieldErrors) => FieldErrors = (e) => e) {
    try {
      return reply.redirect(await save(), 303);
    } catch (error) {
      if (error instanceof ValidationError) return redirectWithErrors(services, request, reply, back, { errors: mapErrors(error.fieldErrors), values });
      if (error instanceof ConflictError) return redirectWithErrors(services, request, reply, back, { errors: { form: error.message }, values });
      throw error;
    }
  }

  // Unit costs

  app.get(paths.costs, { config: { access: 'signed-in' } }, async (request, reply) => {
    const { unitCosts } = await costs.unitCosts(request.actor!);
    return reply.view('costs/views/unit-costs.njk', { pageTitle: 'Unit costs', unitCosts, costUnitLabels, money: formatPence, canEdit: isEditor(request), savedMessage: saved(request) });
  });

  app.get(paths.costsCsv, { config: { access: 'signed-in' } }, async (request, reply) => {
    const { unitCosts } = await costs.unitCosts(request.actor!);
    return sendCsv(reply, 'unit-costs.csv', unitCostsCsv(unitCosts));
  });

  app.get(paths.newUnitCost, { config: { access: costEditorRoles } }, async (request, reply) =>
    formPage(request, reply, 'costs/views/unit-cost-form.njk', { pageTitle: 'Add a unit cost', isNew: true, action: urls.newUnitCost(), unitItems }, {}, unitCostFieldOrder));

  app.post(paths.newUnitCost, { config: { access: costEditorRoles } }, async (request, reply) => {
    const body = request.body as Body;
    return saveOrReturn(request, reply, urls.newUnitCost(), body, async () => {
      await costs.addUnitCost(request.actor!, unitCostFromForm(body));
      return `${urls.costs()}?saved=added`;
    });
  });

  app.get<{ Params: Params }>(paths.editUnitCost, { config: { access: costEditorRoles } }, async (request, reply) => {
    const cost = await costs.unitCost(request.actor!, request.params.unitCostId);
    return formPage(request, reply, 'costs/views/unit-cost-form.njk', {
      pageTitle: `Change a unit cost: ${cost.label}`, isNew: false, cost, action: urls.editUnitCost(cost.id), unitItems,
    }, unitCostValues(cost), unitCostFieldOrder.slice(1));
  });

  app.post<{ Params: Params }>(paths.editUnitCost, { config: { access: costEditorRoles } }, async (request, reply) => {
    const { unitCostId } = request.params;
    const body = request.body as Body;
    return saveOrReturn(request, reply, urls.editUnitCost(unitCostId), body, async () => {
      await costs.updateUnitCost(request.actor!, unitCostId, unitCostFromForm(body));
      return `${urls.costs()}?saved=unitCost`;
    });
  });

  // The deflator

  app.get(paths.deflator, { config: { access: 'signed-in' } }, async (request, reply) => {
    const { years, version } = await costs.deflator(request.actor!);
    return formPage(request, reply, 'costs/views/deflator.njk', {
      pageTitle: 'Deflator', years: years.map((y) => ({ ...y, index: formatScaled(y.indexThousandths, 3) })), canEdit: isEditor(request), savedMessage: saved(request),
    }, { series: deflatorSeriesText(years), source: years[0]?.source ?? '', version }, ['series', 'source']);
  });

  app.post(paths.deflator, { config: { access: costEditorRoles } }, async (request, reply) => {
    const body = request.body as Body;
    const { input, rows } = deflatorFromForm(body);
    return saveOrReturn(request, reply, urls.deflator(), body, async () => {
      await costs.saveDeflator(request.actor!, input);
      return `${urls.deflator()}?saved=deflator`;
    }, (e) => deflatorErrors(e, rows));
  });

  // Cost-benefit analyses

  app.get(paths.costBenefit, { config: { access: 'signed-in' } }, async (request, reply) => {
    const { analyses } = await costs.analyses(request.actor!);
    return reply.view('costs/views/analyses.njk', { pageTitle: 'Cost-benefit analyses', analyses, canEdit: isEditor(request), savedMessage: saved(request) });
  });

  async function analysisForm(request: FastifyRequest, reply: FastifyReply, context: Body, current: Record<string, string>) {
    const { unitCosts } = await costs.unitCosts(request.actor!);
    const { years } = await costs.deflator(request.actor!);
    const state = await takeFormState(services, request);
    const conflict = Boolean(state?.errors.form);
    const values = (state && !conflict ? state.values : current) as Record<string, string>;
    // One more blank row after "Add another line"; at least one row always.
    const rowCount = Math.max(1, lineCount(values) + (values.addLine === 'yes' ? 1 : 0));
    const errors = state?.errors ?? {};
    const order = analysisErrorOrder(rowCount);
    const costItems = (selected: unknown) => [
      { value: '', text: 'Select a unit cost' },
      ...unitCosts.map((c) => ({ value: c.key, text: `${c.label}: £${formatScaled(c.amountPence, 2)} ${costUnitLabels[c.unit]} (${c.priceYear})`, selected: c.key === selected })),
    ];
    return reply.view('costs/views/analysis-form.njk', {
      ...context, errors, values, conflict, rowCount, costItems, countOfItems,
      errorList: state && Object.keys(errors).length ? errorList(errors, { form: 'name' }, order) : [],
      priceYearHint: `Every cost is brought to this financial year’s prices${years.length
        ? ` with the deflator (years entered: ${years.map((y) => y.financialYear).join(', ')})`
        : '; with no deflator entered, every unit cost used must be priced in this year'}. For example 2009/10.`,
    });
  }

  app.get(paths.newCostBenefit, { config: { access: costEditorRoles } }, async (request, reply) =>
    analysisForm(request, reply, { pageTitle: 'New cost-benefit analysis', action: urls.newCostBenefit(), back: urls.costBenefit(), isNew: true }, { lineCount: '3', version: '' }));

  /** "Add another line" keeps what was typed and shows one more row; "Save" saves. */
  async function postAnalysis(request: FastifyRequest, reply: FastifyReply, back: string, save: (input: unknown) => Promise<string>) {
    const body = request.body as Body;
    if (body.action === 'add-line') {
      return redirectWithErrors(services, request, reply, back, { errors: {}, values: { ...body, addLine: 'yes', lineCount: String(lineCount(body)) } });
    }
    const { input, rows } = analysisFromForm(body);
    return saveOrReturn(request, reply, back, { ...body, addLine: '' }, () => save(input), (e) => analysisErrors(e, rows));
  }

  app.post(paths.newCostBenefit, { config: { access: costEditorRoles } }, async (request, reply) =>
    postAnalysis(request, reply, urls.newCostBenefit(), async (input) => {
      const { id } = await costs.createAnalysis(request.actor!, input);
      return `${urls.costBenefitAnalysis(id)}?saved=analysis`;
    }));

  app.get<{ Params: Params; Querystring: { priceYear?: string } }>(paths.costBenefitAnalysis, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await costs.analysis(request.actor!, request.params.analysisId, { priceYear: request.query.priceYear });
    const other = view.shownPriceYear !== view.analysis.priceYear ? view.shownPriceYear : undefined;
    return reply.view('costs/views/analysis.njk', {
      pageTitle: view.analysis.name, view, money: formatPence, updatedOn: view.analysis.updatedAt ? new Date(view.analysis.updatedAt) : null,
      deflatorRows: view.deflatorUsed.map((y) => ({ ...y, index: formatScaled(y.indexThousandths, 3) })), lines: lineRows(view), steps: stepRows(view), headline: headline(view), adjustments: adjustmentsText(view),
      canEdit: isEditor(request), savedMessage: saved(request),
      csvHref: urls.costBenefitCsv(view.analysis.id, other), pdfHref: urls.costBenefitPdf(view.analysis.id, other),
      priceYearItems: view.priceYears.map((y) => ({ value: y, text: y === view.analysis.priceYear ? `${y} (the analysis’s own)` : y, selected: y === view.shownPriceYear })),
    });
  });

  app.get<{ Params: Params }>(paths.editCostBenefit, { config: { access: costEditorRoles } }, async (request, reply) => {
    const view = await costs.analysis(request.actor!, request.params.analysisId);
    const id = view.analysis.id;
    return analysisForm(request, reply, {
      pageTitle: `Change the analysis: ${view.analysis.name}`, action: urls.editCostBenefit(id), back: urls.costBenefitAnalysis(id), isNew: false,
      deleteAction: urls.deleteCostBenefit(id),
    }, analysisValues(view.analysis, view.lines, view.deliveryLine));
  });

  app.post<{ Params: Params }>(paths.editCostBenefit, { config: { access: costEditorRoles } }, async (request, reply) => {
    const { analysisId } = request.params;
    return postAnalysis(request, reply, urls.editCostBenefit(analysisId), async (input) => {
      await costs.updateAnalysis(request.actor!, analysisId, input);
      return `${urls.costBenefitAnalysis(analysisId)}?saved=analysis`;
    });
  });

  app.post<{ Params: Params }>(paths.deleteCostBenefit, { config: { access: costEditorRoles } }, async (request, reply) => {
    await costs.deleteAnalysis(request.actor!, request.params.analysisId);
    return reply.redirect(`${urls.costBenefit()}?saved=deleted`, 303);
  });

  app.get<{ Params: Params; Querystring: { priceYear?: string } }>(paths.costBenefitCsv, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await costs.analysis(request.actor!, request.params.analysisId, { priceYear: request.query.priceYear });
    return sendCsv(reply, `cost-benefit-${view.analysis.name}.csv`, analysisCsv(view));
  });

  app.get<{ Params: Params; Querystring: { priceYear?: string } }>(paths.costBenefitPdf, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await costs.analysis(request.actor!, request.params.analysisId, { priceYear: request.query.priceYear });
    const pdf = await analysisPdf(view, { generatedOn: services.clock.today(), generatedBy: request.actor!.displayName });
    return reply.type('application/pdf').header('Content-Disposition', `attachment; filename="cost-benefit-${view.analysis.name.replace(/[^a-z0-9.-]/gi, '-')}.pdf"`).send(pdf);
  });
}

/** The costs module's pages and API, registered with one line in the app. */
export async function costRoutes(app: FastifyInstance, options: { services: Services }) {
  await costPages(app, options);
  await costsApi(app, options);
}
