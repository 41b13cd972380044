import type { Queryable } from '../../db/database.ts';
import type { CostUnit, StoredUnitCost, UnitCost } from '../../domain/costs/unit-costs.ts';

interface UnitCostRow {
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

const unitCostColumns = 'key, label, amount_pence, unit, price_year, source, notes, version, updated_at, updated_by';

const toUnitCost = (r: UnitCostRow): StoredUnitCost => ({
  key: r.key, label: r.label, amountPence: Number(r.amount_pence), unit: r.unit, priceYear: r.price_year, source: r.source, notes: r.notes,
  version: r.version, updatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null, updatedBy: r.updated_by,
});

/** SQL for unit costs only. */
export const unitCostRepository = {
  async list(q: Queryable): Promise<StoredUnitCost[]> {
    return (await q.query<UnitCostRow>(`SELECT ${unitCostColumns} FROM unit_cost ORDER BY label, key`)).map(toUnitCost);
  },

  async get(q: Queryable, key: string, forUpdate = false): Promise<StoredUnitCost | null> {
    const rows = await q.query<UnitCostRow>(`SELECT ${unitCostColumns} FROM unit_cost WHERE key = $1${forUpdate ? ' FOR UPDATE' : ''}`, [key]);
    return rows[0] ? toUnitCost(rows[0]) : null;
  },

  async insert(q: Queryable, cost: UnitCost, userId: string): Promise<void> {
    await q.query(
      `INSERT INTO unit_cost (key, label, amount_pence, unit, price_year, source, notes, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [cost.key, cost.label, cost.amountPence, cost.unit, cost.priceYear, cost.source, cost.notes, userId],
    );
  },

  /** Saves only if nobody has saved since `version` was read; returns whether it did. */
  async update(q: Queryable, cost: UnitCost, version: number, userId: string): Promise<boolean> {
    const rows = await q.query(
      `UPDATE unit_cost SET label = $2, amount_pence = $3, unit = $4, price_year = $5, source = $6, notes = $7, updated_by = $8,
              updated_at = now(), version = version + 1
        WHERE key = $1 AND version = $9 RETURNING key`,
      [cost.key, cost.label, cost.amountPence, cost.unit, cost.priceYear, cost.source, cost.notes, userId, version],
    );
    return rows.length === 1;
  },
};
