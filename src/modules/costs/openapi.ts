import { idParam, invalidRequest, json, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';
import { paths } from '../../web/urls.ts';
import { newUnitCostSchema, unitCostUpdateSchema } from '../../domain/costs/unit-costs.ts';
import { analysisSchema, analysisUpdateSchema, deflatorSeriesSchema } from './schemas.ts';

/** The costs module's part of the OpenAPI document: its request schemas and its paths. */

const errors = {
  400: invalidRequest,
  401: unauthorised,
  403: { description: 'Only analysts and administrators may change costs, the deflator and analyses' },
  404: { description: 'No such unit cost or analysis' },
};
const stale = { 409: { description: '`error: "conflict"`: someone saved first (send the version you read; nothing was overwritten)' } };
const money = 'Amounts in requests are pounds (a number, or text such as "1,053.50"); answers give pence (`amountPence`).';

export function costApiSchemas() {
  return {
    NewUnitCost: json(newUnitCostSchema),
    UnitCostUpdate: json(unitCostUpdateSchema),
    DeflatorSeries: json(deflatorSeriesSchema),
    CostBenefitAnalysis: json(analysisSchema),
    CostBenefitAnalysisUpdate: json(analysisUpdateSchema),
  };
}

const priceYear = { name: 'priceYear', in: 'query', required: false, schema: { type: 'string' }, description: 'Show the figures in this financial year’s prices (e.g. 2024/25), using the deflator' };

export function costApiPaths() {
  return {
    [oa(paths.api.unitCosts)]: {
      get: { summary: 'The unit-cost table: each cost’s key, label, amountPence, unit, price year (financial year), source, notes and version', responses: { 200: { description: '`unitCosts`' }, 401: errors[401] } },
      post: { summary: `Add a unit cost (analysts, administrators). ${money}`, requestBody: requestBody('NewUnitCost'), responses: { 201: { description: 'The unit cost' }, ...errors } },
    },
    [oa(paths.api.unitCost)]: {
      get: { summary: 'One unit cost', parameters: [idParam('unitCostId')], responses: { 200: { description: 'The unit cost' }, ...errors } },
      put: { summary: `Change a unit cost (send the version you read). ${money} Saved analyses keep the figure they were saved with.`, parameters: [idParam('unitCostId')], requestBody: requestBody('UnitCostUpdate'), responses: { 200: { description: 'The unit cost as saved' }, ...stale, ...errors } },
    },
    [oa(paths.api.deflator)]: {
      get: { summary: 'The deflator: an index by financial year (`indexThousandths`), and the series `version`', responses: { 200: { description: '`years` and `version`' }, 401: errors[401] } },
      put: { summary: 'Replace the whole series, all or nothing (send the `version` you read). `index` is the index with up to 3 decimals', requestBody: requestBody('DeflatorSeries'), responses: { 200: { description: 'The series as saved' }, ...stale, ...errors } },
    },
    [oa(paths.api.costBenefitAnalyses)]: {
      get: { summary: 'Saved cost-benefit analyses', responses: { 200: { description: '`analyses`' }, 401: errors[401] } },
      post: { summary: `Save a cost-benefit analysis: the counterfactual lines (count x unit cost x quantity), delivery cost and optional deadweight and optimism-bias percentages. Each line copies the unit cost as it is now. ${money}`, requestBody: requestBody('CostBenefitAnalysis'), responses: { 201: { description: 'Created: id' }, ...errors } },
    },
    [oa(paths.api.costBenefitAnalysis)]: {
      get: { summary: 'An analysis with its result: each line’s sum (and deflation), cost avoided, each adjustment, delivery cost, net saving, saving per family and return per £1, each with the sum behind it', parameters: [idParam('analysisId'), priceYear], responses: { 200: { description: 'The analysis, `result` (null with `problem` when a price year has no deflator index) and `changedCosts`' }, ...errors } },
      put: { summary: `Change an analysis (send the version you read); the lines are saved again from the current unit costs. ${money}`, parameters: [idParam('analysisId')], requestBody: requestBody('CostBenefitAnalysisUpdate'), responses: { 204: { description: 'Saved' }, ...stale, ...errors } },
      delete: { summary: 'Delete an analysis', parameters: [idParam('analysisId')], responses: { 204: { description: 'Deleted' }, ...errors } },
    },
  };
}
