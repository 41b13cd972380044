import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { UserRole } from '../../domain/codes.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, fieldErrors, validatedWith, type FieldErrors } from '../../domain/errors.ts';
import { costBenefit, lineFromUnitCost, lineTotal, LineTooLargeError, type CostBenefitLine, type CostBenefitResult } from '../../domain/costs/cost-benefit.ts';
import { applyFactor, deflate, deflationFactor, MissingDeflatorError, type DeflatorYear } from '../../domain/costs/deflator.ts';
import { AmountTooLargeError } from '../../domain/costs/money.ts';
import { isFinancialYear, newUnitCostSchema, normaliseFinancialYear, unitCostUpdateSchema, type StoredUnitCost } from '../../domain/costs/unit-costs.ts';
import { auditRepository } from '../audit/repository.ts';
import { costsRepository as repo, type AnalysisFields, type AnalysisRecord } from './repository.ts';
import { analysisFields, analysisSchema, analysisUpdateSchema, deflatorSeriesSchema, deliveryLineSchema, lineSchema, type AnalysisInput } from './schemas.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { requireFeature } from '../access/policy.ts';

/** Who may change unit costs, the deflator and analyses. Everyone signed in may read them: they are aggregate figures. */
export const costEditorRoles = rolesWith('costs.edit');


function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export const staleUnitCostMessage = 'Someone else changed this unit cost after you opened it. Your changes have not been saved: check the figures shown now and make your change again.';
export const staleDeflatorMessage = 'Someone else changed the deflator after you opened it. Your changes have not been saved: check the series shown now and make your change again.';
export const staleAnalysisMessage = 'Someone else changed this analysis after you opened it. Your changes have not been saved: check the analysis shown now and make your change again.';

/** A short fingerprint of the whole series: the deflator is saved as one series, so this is its version. */
export function deflatorVersion(years: readonly DeflatorYear[]): string {
  return createHash('sha256').update(JSON.stringify(years)).digest('hex').slice(0, 16);
}

export interface ChangedCost {
  position: number;
  key: string;
  label: string;
  then: { amountPence: number; priceYear: string };
  now: { amountPence: number; priceYear: string } | null;
}

export interface AnalysisView {
  analysis: AnalysisRecord;
  lines: CostBenefitLine[];
  /** The delivery cost's unit cost x count, when it was built that way. */
  deliveryLine: CostBenefitLine | null;
  /** The price year the figures are shown in: the analysis's own, or one asked for. */
  shownPriceYear: string;
  result: CostBenefitResult | null;
  /** Why there is no result (a price year with no deflator index). */
  problem: string | null;
  /** Price years the figures can be shown in. */
  priceYears: string[];
  /** The deflator years the figures used, with their source. */
  deflatorUsed: DeflatorYear[];
  /** Lines whose unit cost has changed in the table since the analysis was saved. */
  changedCosts: ChangedCost[];
}

function toFields(input: AnalysisInput): AnalysisFields {
  return {
    name: input.name, cohort: input.cohort, period: input.period, families: input.families, children: input.children, priceYear: input.priceYear,
    deliveryCostPence: input.deliveryLine ? 0 : input.deliveryCost!, deliveryCostNote: input.deliveryCostNote, deadweightTenths: input.deadweightPercent,
    optimismBiasBenefitsTenths: input.optimismBiasBenefitsPercent, optimismBiasCostsTenths: input.optimismBiasCostsPercent, notes: input.notes,
  };
}

export function costsService(db: Database, { clock }: { clock: Clock }) {
  function allowEdit(actor: Actor, what = 'Only analysts and administrators can change unit costs') {
    return requireFeature(actor, 'costs.edit', what);
  }
  const analysisRefusal = 'Only analysts and administrators can build or change cost-benefit analyses';

  /** Writes and their audit row land together. These are aggregate figures, not personal data, so reads are not audited. */
  async function change<T>(actor: Actor, action: string, recordType: string, recordId: string, work: (tx: Queryable) => Promise<{ value: T; detail: Record<string, unknown> }>): Promise<T> {
    return db.transaction(async (tx) => {
      const done = await work(tx);
      await auditRepository.insert(tx, { userId: actor.id, action, recordType, recordId, outcome: 'allowed', ip: actor.ip, detail: done.detail });
      return done.value;
    });
  }

  /**
   * The lines as saved: each copies the unit cost as the table has it now. Finds each line whose
   * cost does not exist or cannot be brought to the report's price year (`errors`). A line the form
   * got wrong is left out of `input.lines` (a hole at its place), and a price year it got wrong is null.
   */
  type LinesInput = { priceYear: string | null; lines: AnalysisInput['lines']; deliveryLine: AnalysisInput['deliveryLine'] };
  async function buildLines(q: Queryable, input: LinesInput, errors: FieldErrors = {}): Promise<{ lines: CostBenefitLine[]; deliveryLine: CostBenefitLine | null }> {
    const costs = new Map((await repo.unitCosts(q)).map((c) => [c.key, c]));
    const deflator = await repo.deflator(q);
    const lines: CostBenefitLine[] = [];
    input.lines.forEach((line, i) => {
      const cost = costs.get(line.unitCostKey);
      if (!cost) {
        errors[`lines.${i}.unitCostKey`] = 'Select a unit cost from the list';
        return;
      }
      if (input.priceYear === null) return;
      try {
        const factor = deflationFactor(cost.priceYear, input.priceYear, deflator);
        lineTotal(line.count, applyFactor(cost.amountPence, factor), line.quantity, i + 1);
      } catch (error) {
        if (error instanceof AmountTooLargeError) {
          errors[`lines.${i}.count`] = error instanceof LineTooLargeError ? error.message : `Line ${i + 1} is too large to work out: check the number, the unit cost and the quantity`;
          return;
        }
        if (!(error instanceof MissingDeflatorError)) throw error;
        const key = error.financialYear === input.priceYear ? 'priceYear' : `lines.${i}.unitCostKey`;
        errors[key] ??= `${cost.label} is priced in ${cost.priceYear}. ${error.message}`;
        return;
      }
      lines.push(lineFromUnitCost(cost, { description: line.description, count: line.count, countOf: line.countOf, quantityHundredths: line.quantity }));
    });
    let deliveryLine: CostBenefitLine | null = null;
    if (input.deliveryLine) {
      const d = input.deliveryLine;
      const cost = costs.get(d.unitCostKey);
      if (!cost) errors['deliveryLine.unitCostKey'] = 'Select a unit cost from the list';
      else if (input.priceYear !== null) {
        try {
          deflationFactor(cost.priceYear, input.priceYear, deflator);
          deliveryLine = lineFromUnitCost(cost, { description: 'Delivery cost', count: d.count, countOf: d.countOf, quantityHundredths: d.quantity });
        } catch (error) {
          if (!(error instanceof MissingDeflatorError)) throw error;
          errors['deliveryLine.unitCostKey'] = `${cost.label} is priced in ${cost.priceYear}. ${error.message}`;
        }
      }
    }
    return { lines, deliveryLine };
  }

  /**
   * The analysis form in one round: the schema's problems, a name another analysis has, and every
   * line whose unit cost is missing or cannot be priced, all at once.
   */
  async function checkedAnalysis<S extends typeof analysisSchema | typeof analysisUpdateSchema>(q: Queryable, schema: S, input: unknown, exceptId?: string) {
    let built = { lines: [] as CostBenefitLine[], deliveryLine: null as CostBenefitLine | null };
    const fields = await validatedWith(schema, input, async (raw, errors) => {
      const name = analysisFields.shape.name.safeParse(raw.name);
      const existing = name.success ? await repo.analysisIdByName(q, name.data) : null;
      if (name.success && existing && existing !== exceptId) errors.name = `There is already an analysis called ${name.data}`;
      const priceYear = analysisFields.shape.priceYear.safeParse(raw.priceYear);
      const lines: AnalysisInput['lines'] = [];
      (Array.isArray(raw.lines) ? raw.lines : []).forEach((line, i) => {
        const parsed = lineSchema.safeParse(line);
        if (parsed.success) lines[i] = parsed.data;
      });
      const delivery = raw.deliveryLine ? deliveryLineSchema.safeParse(raw.deliveryLine) : null;
      built = await buildLines(q, { priceYear: priceYear.success ? priceYear.data : null, lines, deliveryLine: delivery?.success ? delivery.data : null }, errors);
    });
    return { fields: fields as z.output<S>, ...built };
  }

  return {
    /**
     * Every unit cost, by label. Reference data for any module (identification uses it to
     * estimate a household's annual cost): pass your open transaction as `q` when calling from
     * inside one, because PGlite has one connection.
     */
    list(q: Queryable = db): Promise<StoredUnitCost[]> {
      return repo.unitCosts(q);
    },

    /** One unit cost by key ('residential_care_week'), or null. Pass `q` from inside a transaction. */
    get(key: string, q: Queryable = db): Promise<StoredUnitCost | null> {
      return repo.unitCost(q, key);
    },

    /** The deflator series, oldest year first. Pass `q` from inside a transaction. */
    deflatorSeries(q: Queryable = db): Promise<DeflatorYear[]> {
      return repo.deflator(q);
    },

    async unitCosts(_actor: Actor) {
      return { unitCosts: await repo.unitCosts(db) };
    },

    /** One unit cost by its id, for a page or the API. */
    async unitCost(_actor: Actor, unitCostId: string): Promise<StoredUnitCost> {
      const cost = await repo.unitCostById(db, unitCostId);
      if (!cost) throw new NotFoundError('Unit cost');
      return cost;
    },

    async addUnitCost(actor: Actor, input: unknown): Promise<StoredUnitCost> {
      await allowEdit(actor);
      // A key already in use is reported with the form's other problems, in one round (and checked again as it is saved).
      const fields = await validatedWith(newUnitCostSchema, input, async (raw, errors) => {
        const key = newUnitCostSchema.shape.key.safeParse(raw.key);
        if (key.success && (await repo.unitCost(db, key.data))) errors.key = `There is already a unit cost with the key ${key.data}`;
      });
      const cost = { key: fields.key, label: fields.label, amountPence: fields.amount, unit: fields.unit, priceYear: fields.priceYear, source: fields.source, notes: fields.notes };
      return change(actor, 'unit-cost-add', 'unit_cost', cost.key, async (tx) => {
        if (await repo.unitCost(tx, cost.key)) throw new ValidationError({ key: `There is already a unit cost with the key ${cost.key}` });
        await repo.insertUnitCost(tx, cost, actor.id);
        return { value: (await repo.unitCost(tx, cost.key))!, detail: { amountPence: cost.amountPence, unit: cost.unit, priceYear: cost.priceYear } };
      });
    },

    /** Saves a change if nobody else has saved since `version` was read; otherwise refuses with a ConflictError. */
    async updateUnitCost(actor: Actor, unitCostId: string, input: unknown): Promise<StoredUnitCost> {
      await allowEdit(actor);
      const fields = parse(unitCostUpdateSchema, input);
      const found = await repo.unitCostById(db, unitCostId);
      if (!found) throw new NotFoundError('Unit cost');
      const key = found.key;
      const cost = { key, label: fields.label, amountPence: fields.amount, unit: fields.unit, priceYear: fields.priceYear, source: fields.source, notes: fields.notes };
      return change(actor, 'unit-cost-change', 'unit_cost', key, async (tx) => {
        const before = await repo.unitCost(tx, key, true);
        if (!before) throw new NotFoundError('Unit cost');
        if (!(await repo.updateUnitCost(tx, cost, fields.version, actor.id, clock.now()))) throw new ConflictError(staleUnitCostMessage);
        // The audit keeps the figure before and after, so a changed cost can be traced to who changed it and from what.
        const pick = (c: StoredUnitCost | typeof cost) => ({ amountPence: c.amountPence, unit: c.unit, priceYear: c.priceYear, source: c.source });
        return { value: (await repo.unitCost(tx, key))!, detail: { before: pick(before), after: pick(cost), version: before.version } };
      });
    },

    // The deflator

    async deflator(_actor: Actor) {
      const years = await repo.deflator(db);
      return { years, version: deflatorVersion(years) };
    },

    /** Replaces the whole series (a council loads the current HM Treasury series), all or nothing. */
    async saveDeflator(actor: Actor, input: unknown) {
      await allowEdit(actor, 'Only analysts and administrators can change the deflator');
      const fields = parse(deflatorSeriesSchema, input);
      const years: DeflatorYear[] = fields.years
        .map((y) => ({ financialYear: y.financialYear, indexThousandths: y.index, source: fields.source }))
        .sort((a, b) => a.financialYear.localeCompare(b.financialYear));
      return change(actor, 'deflator-change', 'deflator_index', 'series', async (tx) => {
        await repo.lockDeflator(tx);
        const before = await repo.deflator(tx);
        if (deflatorVersion(before) !== fields.version) throw new ConflictError(staleDeflatorMessage);
        await repo.replaceDeflator(tx, years, actor.id);
        const after = await repo.deflator(tx);
        return { value: { years: after, version: deflatorVersion(after) }, detail: { before: before.length, after: after.length, source: fields.source } };
      });
    },

    // Cost-benefit analyses

    async analyses(_actor: Actor) {
      return { analyses: await repo.analyses(db) };
    },

    /** An analysis with its figures worked out, in its own price year or in `priceYear` if given. */
    async analysis(_actor: Actor, analysisId: string, options: { priceYear?: string } = {}): Promise<AnalysisView> {
      const analysis = await repo.analysis(db, analysisId);
      if (!analysis) throw new NotFoundError('Cost-benefit analysis');
      const [lines, deliveryLine, deflator, costs] = await Promise.all([repo.lines(db, analysisId), repo.deliveryLine(db, analysisId), repo.deflator(db), repo.unitCosts(db)]);
      const asked = options.priceYear ? normaliseFinancialYear(options.priceYear) : '';
      const shownPriceYear = asked && isFinancialYear(asked) ? asked : analysis.priceYear;
      let result: CostBenefitResult | null = null;
      let problem: string | null = null;
      // Figures in another price year: the delivery cost moves with the same deflator as the lines.
      try {
        const delivery = deflate(analysis.deliveryCostPence, analysis.priceYear, shownPriceYear, deflator);
        result = costBenefit({
          ...analysis, priceYear: shownPriceYear, deliveryCostPence: delivery.pence, lines, deliveryLine,
          deliverySum: delivery.sum ? `${delivery.sum}: entered in ${analysis.priceYear} prices` : undefined,
        }, deflator);
      } catch (error) {
        // Saved before the limits existed, or moved to a price year where it no longer fits: show why, never fail.
        if (error instanceof AmountTooLargeError) problem = error instanceof LineTooLargeError ? `${error.message}. Change the analysis to see its figures.`
          : 'A figure of this analysis is too large to work out exactly in these prices: check the numbers, unit costs and quantities of its lines.';
        else if (error instanceof MissingDeflatorError) problem = error.message;
        else throw error;
      }
      const used = new Set([shownPriceYear, analysis.priceYear, ...[...lines, ...(deliveryLine ? [deliveryLine] : [])].map((l) => l.priceYear)]);
      const byKey = new Map(costs.map((c) => [c.key, c]));
      const changedCosts = lines.flatMap((l, i) => {
        const now = byKey.get(l.unitCostKey);
        if (now && now.amountPence === l.amountPence && now.priceYear === l.priceYear) return [];
        return [{ position: i + 1, key: l.unitCostKey, label: l.unitCostLabel, then: { amountPence: l.amountPence, priceYear: l.priceYear }, now: now ? { amountPence: now.amountPence, priceYear: now.priceYear } : null }];
      });
      const needsDeflator = [...used].some((y) => y !== shownPriceYear);
      return {
        analysis, lines, deliveryLine, shownPriceYear, result, problem,
        priceYears: [...new Set([analysis.priceYear, ...deflator.map((y) => y.financialYear)])].sort(),
        deflatorUsed: needsDeflator ? deflator.filter((y) => used.has(y.financialYear)) : [],
        changedCosts,
      };
    },

    async createAnalysis(actor: Actor, input: unknown): Promise<{ id: string }> {
      await allowEdit(actor, analysisRefusal);
      const id = randomUUID();
      return change(actor, 'cost-benefit-add', 'cost_benefit_analysis', id, async (tx) => {
        const { fields, lines, deliveryLine } = await checkedAnalysis(tx, analysisSchema, input);
        await repo.insertAnalysis(tx, id, toFields(fields), actor.id);
        await repo.replaceLines(tx, id, lines);
        await repo.replaceDeliveryLine(tx, id, deliveryLine);
        return { value: { id }, detail: { name: fields.name, lines: lines.length } };
      });
    },

    /** Saves the analysis again from the current unit-cost table, if nobody has saved since `version` was read. */
    async updateAnalysis(actor: Actor, analysisId: string, input: unknown): Promise<void> {
      await allowEdit(actor, analysisRefusal);
      await change(actor, 'cost-benefit-change', 'cost_benefit_analysis', analysisId, async (tx) => {
        const current = await repo.analysis(tx, analysisId, true);
        if (!current) throw new NotFoundError('Cost-benefit analysis');
        const { fields, lines, deliveryLine } = await checkedAnalysis(tx, analysisUpdateSchema, input, analysisId);
        if (current.version !== fields.version) throw new ConflictError(staleAnalysisMessage);
        if (!(await repo.updateAnalysis(tx, analysisId, toFields(fields), fields.version, actor.id, clock.now()))) throw new ConflictError(staleAnalysisMessage);
        await repo.replaceLines(tx, analysisId, lines);
        await repo.replaceDeliveryLine(tx, analysisId, deliveryLine);
        return { value: undefined, detail: { name: fields.name, lines: lines.length, version: fields.version } };
      });
    },

    async deleteAnalysis(actor: Actor, analysisId: string): Promise<void> {
      await allowEdit(actor, analysisRefusal);
      await change(actor, 'cost-benefit-delete', 'cost_benefit_analysis', analysisId, async (tx) => {
        const current = await repo.analysis(tx, analysisId, true);
        if (!current) throw new NotFoundError('Cost-benefit analysis');
        await repo.deleteAnalysis(tx, analysisId);
        return { value: undefined, detail: { name: current.name } };
      });
    },
  };
}

export type CostsService = ReturnType<typeof costsService>;
