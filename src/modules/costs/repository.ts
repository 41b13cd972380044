import type { Queryable } from '../../db/database.ts';
import type { CostBenefitLine, CountOf } from '../../domain/costs/cost-benefit.ts';
import type { DeflatorYear } from '../../domain/costs/deflator.ts';
import { parseScaled } from '../../domain/costs/money.ts';
import type { CostUnit, StoredUnitCost, UnitCost } from '../../domain/costs/unit-costs.ts';

interface UnitCostRow {
  id: string;
  key: string;
  label: string;
  amount_pence: number;
  unit: CostUnit;
  price_year: string;
  source: string;
  notes: string;
  version: number;
  updated_at: string | Date | null;
  updated_by: string | null;
}

const unitCostColumns = 'id, key, label, amount_pence, unit, price_year, source, notes, version, updated_at, updated_by';

const iso = (value: string | Date | null) => (value ? new Date(value).toISOString() : null);

const toUnitCost = (r: UnitCostRow): StoredUnitCost => ({
  id: r.id, key: r.key, label: r.label, amountPence: Number(r.amount_pence), unit: r.unit, priceYear: r.price_year, source: r.source, notes: r.notes,
  version: r.version, updatedAt: iso(r.updated_at), updatedBy: r.updated_by,
});

export interface AnalysisRecord {
  id: string;
  name: string;
  cohort: string;
  period: string;
  families: number;
  children: number | null;
  priceYear: string;
  deliveryCostPence: number;
  deliveryCostNote: string;
  deadweightTenths: number;
  optimismBiasBenefitsTenths: number;
  optimismBiasCostsTenths: number;
  notes: string;
  version: number;
  createdBy: string | null;
  updatedAt: string | null;
  updatedByName: string | null;
}

export type AnalysisFields = Omit<AnalysisRecord, 'id' | 'version' | 'createdBy' | 'updatedAt' | 'updatedByName'>;

interface AnalysisRow {
  id: string; name: string; cohort: string; period: string; families: number; children: number | null; price_year: string;
  delivery_cost_pence: number; delivery_cost_note: string; deadweight_tenths: number; optimism_bias_benefits_tenths: number;
  optimism_bias_costs_tenths: number; notes: string; version: number; created_by: string | null; updated_at: string | Date | null; updated_by_name: string | null;
}

const toAnalysis = (r: AnalysisRow): AnalysisRecord => ({
  id: r.id, name: r.name, cohort: r.cohort, period: r.period, families: r.families, children: r.children, priceYear: r.price_year,
  deliveryCostPence: Number(r.delivery_cost_pence), deliveryCostNote: r.delivery_cost_note, deadweightTenths: r.deadweight_tenths,
  optimismBiasBenefitsTenths: r.optimism_bias_benefits_tenths, optimismBiasCostsTenths: r.optimism_bias_costs_tenths, notes: r.notes,
  version: r.version, createdBy: r.created_by, updatedAt: iso(r.updated_at), updatedByName: r.updated_by_name,
});

const analysisSelect = `
  SELECT a.id, a.name, a.cohort, a.period, a.families, a.children, a.price_year, a.delivery_cost_pence, a.delivery_cost_note,
         a.deadweight_tenths, a.optimism_bias_benefits_tenths, a.optimism_bias_costs_tenths, a.notes, a.version, a.created_by,
         a.updated_at, u.display_name AS updated_by_name
    FROM cost_benefit_analysis a LEFT JOIN app_user u ON u.id = a.updated_by`;

interface LineRow {
  position: number; description: string; count: number; count_of: CountOf; unit_cost_key: string; unit_cost_label: string;
  amount_pence: number; unit: CostUnit; price_year: string; source: string; quantity_hundredths: number;
}

/** SQL for unit costs, the deflator and cost-benefit analyses. Aggregate figures only. */
export const costsRepository = {
  async unitCosts(q: Queryable): Promise<StoredUnitCost[]> {
    return (await q.query<UnitCostRow>(`SELECT ${unitCostColumns} FROM unit_cost ORDER BY label, key`)).map(toUnitCost);
  },

  async unitCost(q: Queryable, key: string, forUpdate = false): Promise<StoredUnitCost | null> {
    const rows = await q.query<UnitCostRow>(`SELECT ${unitCostColumns} FROM unit_cost WHERE key = $1${forUpdate ? ' FOR UPDATE' : ''}`, [key]);
    return rows[0] ? toUnitCost(rows[0]) : null;
  },

  async unitCostById(q: Queryable, id: string): Promise<StoredUnitCost | null> {
    const rows = await q.query<UnitCostRow>(`SELECT ${unitCostColumns} FROM unit_cost WHERE id = $1`, [id]);
    return rows[0] ? toUnitCost(rows[0]) : null;
  },

  async insertUnitCost(q: Queryable, cost: UnitCost, userId: string): Promise<void> {
    await q.query(
      `INSERT INTO unit_cost (key, label, amount_pence, unit, price_year, source, notes, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [cost.key, cost.label, cost.amountPence, cost.unit, cost.priceYear, cost.source, cost.notes, userId],
    );
  },

  /** Saves only if nobody has saved since `version` was read; returns whether it did. */
  async updateUnitCost(q: Queryable, cost: UnitCost, version: number, userId: string, at: Date): Promise<boolean> {
    const rows = await q.query(
      `UPDATE unit_cost SET label = $2, amount_pence = $3, unit = $4, price_year = $5, source = $6, notes = $7, updated_by = $8,
              updated_at = $10, version = version + 1
        WHERE key = $1 AND version = $9 RETURNING key`,
      [cost.key, cost.label, cost.amountPence, cost.unit, cost.priceYear, cost.source, cost.notes, userId, version, at],
    );
    return rows.length === 1;
  },

  // The deflator

  async deflator(q: Queryable): Promise<DeflatorYear[]> {
    const rows = await q.query<{ financial_year: string; index_value: string; source: string }>(
      'SELECT financial_year, index_value::text AS index_value, source FROM deflator_index ORDER BY financial_year');
    return rows.map((r) => ({ financialYear: r.financial_year, indexThousandths: parseScaled(r.index_value, 3) ?? 0, source: r.source }));
  },

  /** Locks the series so two loads cannot interleave. */
  async lockDeflator(q: Queryable): Promise<void> {
    await q.query('LOCK TABLE deflator_index IN SHARE ROW EXCLUSIVE MODE');
  },

  async replaceDeflator(q: Queryable, years: readonly DeflatorYear[], userId: string): Promise<void> {
    await q.query('DELETE FROM deflator_index');
    for (const y of years) {
      await q.query(
        'INSERT INTO deflator_index (financial_year, index_value, source, updated_by) VALUES ($1, $2::numeric / 1000, $3, $4)',
        [y.financialYear, y.indexThousandths, y.source, userId],
      );
    }
  },

  // Analyses

  async analyses(q: Queryable): Promise<(AnalysisRecord & { lines: number })[]> {
    const rows = await q.query<AnalysisRow & { lines: number }>(
      `${analysisSelect.replace('a.updated_at,', 'a.updated_at, (SELECT count(*)::int FROM cost_benefit_line l WHERE l.analysis_id = a.id) AS lines,')} ORDER BY a.name`);
    return rows.map((r) => ({ ...toAnalysis(r), lines: r.lines }));
  },

  async analysis(q: Queryable, id: string, forUpdate = false): Promise<AnalysisRecord | null> {
    const rows = await q.query<AnalysisRow>(`${analysisSelect} WHERE a.id = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`, [id]);
    return rows[0] ? toAnalysis(rows[0]) : null;
  },

  async analysisIdByName(q: Queryable, name: string): Promise<string | null> {
    const rows = await q.query<{ id: string }>('SELECT id FROM cost_benefit_analysis WHERE lower(name) = lower($1)', [name]);
    return rows[0]?.id ?? null;
  },

  async lines(q: Queryable, analysisId: string): Promise<CostBenefitLine[]> {
    const rows = await q.query<LineRow>(
      `SELECT position, description, count, count_of, unit_cost_key, unit_cost_label, amount_pence, unit, price_year, source, quantity_hundredths
         FROM cost_benefit_line WHERE analysis_id = $1 ORDER BY position`, [analysisId]);
    return rows.map((r) => ({
      description: r.description, count: r.count, countOf: r.count_of, unitCostKey: r.unit_cost_key, unitCostLabel: r.unit_cost_label,
      amountPence: Number(r.amount_pence), unit: r.unit, priceYear: r.price_year, source: r.source, quantityHundredths: r.quantity_hundredths,
    }));
  },

  async insertAnalysis(q: Queryable, id: string, a: AnalysisFields, userId: string | null): Promise<void> {
    await q.query(
      `INSERT INTO cost_benefit_analysis (id, name, cohort, period, families, children, price_year, delivery_cost_pence, delivery_cost_note,
              deadweight_tenths, optimism_bias_benefits_tenths, optimism_bias_costs_tenths, notes, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
      [id, a.name, a.cohort, a.period, a.families, a.children, a.priceYear, a.deliveryCostPence, a.deliveryCostNote,
        a.deadweightTenths, a.optimismBiasBenefitsTenths, a.optimismBiasCostsTenths, a.notes, userId],
    );
  },

  async updateAnalysis(q: Queryable, id: string, a: AnalysisFields, version: number, userId: string, at: Date): Promise<boolean> {
    const rows = await q.query(
      `UPDATE cost_benefit_analysis SET name = $2, cohort = $3, period = $4, families = $5, children = $6, price_year = $7,
              delivery_cost_pence = $8, delivery_cost_note = $9, deadweight_tenths = $10, optimism_bias_benefits_tenths = $11,
              optimism_bias_costs_tenths = $12, notes = $13, updated_by = $14, updated_at = $16, version = version + 1
        WHERE id = $1 AND version = $15 RETURNING id`,
      [id, a.name, a.cohort, a.period, a.families, a.children, a.priceYear, a.deliveryCostPence, a.deliveryCostNote,
        a.deadweightTenths, a.optimismBiasBenefitsTenths, a.optimismBiasCostsTenths, a.notes, userId, version, at],
    );
    return rows.length === 1;
  },

  async replaceLines(q: Queryable, analysisId: string, lines: readonly CostBenefitLine[]): Promise<void> {
    await q.query('DELETE FROM cost_benefit_line WHERE analysis_id = $1', [analysisId]);
    let position = 0;
    for (const l of lines) {
      position += 1;
      await q.query(
        `INSERT INTO cost_benefit_line (analysis_id, position, description, count, count_of, unit_cost_key, unit_cost_label, amount_pence, unit,
                price_year, source, quantity_hundredths) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [analysisId, position, l.description, l.count, l.countOf, l.unitCostKey, l.unitCostLabel, l.amountPence, l.unit, l.priceYear, l.source, l.quantityHundredths],
      );
    }
  },

  async deleteAnalysis(q: Queryable, id: string): Promise<void> {
    await q.query('DELETE FROM cost_benefit_analysis WHERE id = $1', [id]);
  },
};
