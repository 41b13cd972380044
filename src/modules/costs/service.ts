import type { z } from 'zod';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { UserRole } from '../../domain/codes.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { newUnitCostSchema, unitCostUpdateSchema, type StoredUnitCost } from '../../domain/costs/unit-costs.ts';
import { auditRepository } from '../audit/repository.ts';
import { unitCostRepository as unitCosts } from './repository.ts';

/** Who may change unit costs, the deflator and analyses. Everyone signed in may read them: they are aggregate figures. */
export const costEditorRoles: readonly UserRole[] = ['analyst', 'administrator'];

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export const staleUnitCostMessage = 'Someone else changed this unit cost after you opened it. Your changes have not been saved: check the figures shown now and make your change again.';

export function costsService(db: Database) {
  function allowEdit(actor: Actor) {
    if (!costEditorRoles.includes(actor.role)) throw new ForbiddenError('Only analysts and administrators can change unit costs');
  }

  /** Writes and their audit row land together. Unit costs are not personal data, so reads are not audited. */
  async function change<T>(actor: Actor, action: string, recordType: string, recordId: string, work: (tx: Queryable) => Promise<{ value: T; detail: Record<string, unknown> }>): Promise<T> {
    allowEdit(actor);
    return db.transaction(async (tx) => {
      const done = await work(tx);
      await auditRepository.insert(tx, { userId: actor.id, action, recordType, recordId, outcome: 'allowed', ip: actor.ip, detail: done.detail });
      return done.value;
    });
  }

  return {
    /**
     * Every unit cost, by label. Reference data for any module (identification uses it to
     * estimate a household's annual cost): pass your open transaction as `q` when calling from
     * inside one, because PGlite has one connection.
     */
    list(q: Queryable = db): Promise<StoredUnitCost[]> {
      return unitCosts.list(q);
    },

    /** One unit cost by key ('residential_care_week'), or null. Pass `q` from inside a transaction. */
    get(key: string, q: Queryable = db): Promise<StoredUnitCost | null> {
      return unitCosts.get(q, key);
    },

    /** One unit cost for a page or the API: NotFoundError when there is no such key. */
    async unitCost(_actor: Actor, key: string): Promise<StoredUnitCost> {
      const cost = await unitCosts.get(db, key);
      if (!cost) throw new NotFoundError('Unit cost');
      return cost;
    },

    async addUnitCost(actor: Actor, input: unknown): Promise<StoredUnitCost> {
      allowEdit(actor);
      const fields = parse(newUnitCostSchema, input);
      const cost = { key: fields.key, label: fields.label, amountPence: fields.amount, unit: fields.unit, priceYear: fields.priceYear, source: fields.source, notes: fields.notes };
      return change(actor, 'unit-cost-add', 'unit_cost', cost.key, async (tx) => {
        if (await unitCosts.get(tx, cost.key)) throw new ValidationError({ key: `There is already a unit cost with the key ${cost.key}` });
        await unitCosts.insert(tx, cost, actor.id);
        return { value: (await unitCosts.get(tx, cost.key))!, detail: { amountPence: cost.amountPence, unit: cost.unit, priceYear: cost.priceYear } };
      });
    },

    /** Saves a change if nobody else has saved since `version` was read; otherwise refuses with a ConflictError. */
    async updateUnitCost(actor: Actor, key: string, input: unknown): Promise<StoredUnitCost> {
      allowEdit(actor);
      const fields = parse(unitCostUpdateSchema, input);
      const cost = { key, label: fields.label, amountPence: fields.amount, unit: fields.unit, priceYear: fields.priceYear, source: fields.source, notes: fields.notes };
      return change(actor, 'unit-cost-change', 'unit_cost', key, async (tx) => {
        const before = await unitCosts.get(tx, key, true);
        if (!before) throw new NotFoundError('Unit cost');
        if (!(await unitCosts.update(tx, cost, fields.version, actor.id))) throw new ConflictError(staleUnitCostMessage);
        // The audit keeps the figure before and after, so a changed cost can be traced to who changed it and from what.
        const pick = (c: StoredUnitCost | typeof cost) => ({ amountPence: c.amountPence, unit: c.unit, priceYear: c.priceYear, source: c.source });
        return { value: (await unitCosts.get(tx, key))!, detail: { before: pick(before), after: pick(cost), version: before.version } };
      });
    },
  };
}

export type CostsService = ReturnType<typeof costsService>;
