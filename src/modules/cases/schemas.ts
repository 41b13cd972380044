import { z } from 'zod';

/**
 * Allocating a case and adding someone to the team around the family: one schema each, shared by
 * the pages and the API. What only the database knows (whether the person chosen can be a key
 * worker, their caseload, whether they are already in the team) is asked while the schema runs,
 * through `…SchemaWith(lookups)`, so it is reported with every other problem at once.
 */

/** A possible key worker as the database tells it: null when the person cannot be a key worker. */
export type KeyWorkerFacts = { name: string; overAfter: boolean; openAfter: number; limit: number | null } | null;

export function allocationSchemaWith(lookups?: { keyWorker(id: string): Promise<KeyWorkerFacts> }) {
  const schema = z.object({
    keyWorkerId: z.uuid({ error: 'Select a key worker' }),
    overCaseloadReason: z.string({ error: 'Enter the reason to allocate over the caseload limit again' }).trim()
      .max(1000, 'The reason must be 1,000 characters or fewer').default(''),
  });
  if (!lookups) return schema;
  return schema.superRefine(async (a, ctx) => {
    if (!a || typeof a !== 'object' || typeof a.keyWorkerId !== 'string' || !z.uuid().safeParse(a.keyWorkerId).success) return;
    const worker = await lookups.keyWorker(a.keyWorkerId);
    if (!worker) {
      ctx.addIssue({ code: 'custom', path: ['keyWorkerId'], message: 'Select a practitioner who can be a key worker' });
      return;
    }
    const reason = typeof a.overCaseloadReason === 'string' ? a.overCaseloadReason.trim() : '';
    if (worker.overAfter && !reason) {
      ctx.addIssue({ code: 'custom', path: ['overCaseloadReason'], message: `Give a reason to allocate over the caseload limit: ${worker.name} would have ${worker.openAfter} open cases and their limit is ${worker.limit}` });
    }
  }, { when: () => true });
}
export const allocationSchema = allocationSchemaWith();

/** A person who may join the team around the family, or why not. */
export type TeamJoinerFacts = { name: string; mayJoin: boolean; alreadyInTeam: boolean } | undefined;

export function joinTeamSchemaWith(lookups?: { person(id: string): Promise<TeamJoinerFacts> }) {
  const schema = z.object({
    userId: z.uuid({ error: 'Select the practitioner' }),
    roleInFamily: z.string({ error: 'Enter their role with this family' }).trim().min(1, 'Enter their role with this family')
      .max(100, 'Their role must be 100 characters or fewer'),
  });
  if (!lookups) return schema;
  return schema.superRefine(async (j, ctx) => {
    if (!j || typeof j !== 'object' || typeof j.userId !== 'string' || !z.uuid().safeParse(j.userId).success) return;
    const person = await lookups.person(j.userId);
    if (!person?.mayJoin) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'Select an active practitioner or manager of an agency that works with families' });
    else if (person.alreadyInTeam) ctx.addIssue({ code: 'custom', path: ['userId'], message: `${person.name} is already in the team around the family` });
  }, { when: () => true });
}
export const joinTeamSchema = joinTeamSchemaWith();
