import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import { familiesPlusExample } from '../../domain/costs/cost-benefit.ts';
import { costsRepository as repo } from './repository.ts';

/** Seeds the Families Plus analysis for the demo, once (no user: it is the example Lantern ships with). */
export async function seedCostBenefitDemo(tx: Queryable): Promise<void> {
  if (await repo.analysisIdByName(tx, familiesPlusExample.name)) return;
  const id = randomUUID();
  const { lines, ...fields } = familiesPlusExample;
  await repo.insertAnalysis(tx, id, fields, null);
  await repo.replaceLines(tx, id, lines);
}
