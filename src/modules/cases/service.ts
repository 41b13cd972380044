import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { closureReasonLabel } from '../../domain/casework/closure.ts';
import { caseload } from '../../domain/casework/due.ts';
import { caseStateLabels, transition, type CaseEvent } from '../../domain/casework/lifecycle.ts';
import { ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { mayJoinTeam } from '../../domain/access/policy.ts';
import { permissionFor } from '../access/family-access.ts';
import { auditRepository } from '../audit/repository.ts';
import { familyDecision, guardedWork, inTransaction, requireFeature } from '../access/policy.ts';
import { validated } from '../../domain/errors.ts';
import { allocationSchemaWith, joinTeamSchemaWith } from './schemas.ts';
import { casesRepository as repo, type CaseRow, type WorkerCaseloadRow } from './repository.ts';


/** A possible key worker's caseload now and if they took a case of a programme with this limit. */
function workerCaseload(w: WorkerCaseloadRow, programmeLimit: number) {
  const now = caseload(w.open_case_limits);
  const after = caseload([...w.open_case_limits, programmeLimit]);
  return { id: w.id, name: w.display_name, jobTitle: w.job_title, teamName: w.team_name, agencyName: w.agency_name, now, after, overAfter: after.status === 'over' };
}

export function casesService(db: Database, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  /**
   * Runs a use case on one case through the access policy on the case's family: the decision is
   * audited in the same transaction as the work; a refusal, or a failure after the check, is audited and committed too.
   */
  async function withCase<T>(actor: Actor, caseId: string, action: string, work: (tx: Queryable, c: CaseRow) => Promise<T>): Promise<T> {
    return inTransaction(db, async (tx) => {
      const found = await repo.case(tx, caseId);
      if (!found) throw new NotFoundError('Case');
      return guardedWork(tx, actor, found.family_id, { action, permission: permissionFor(action), record: { type: 'case', id: caseId } }, (t) => work(t, found));
    });
  }

  /** Moves the case through its lifecycle, or refuses with the reason the rule gives. */
  async function applyEvent(tx: Queryable, c: CaseRow, event: CaseEvent, actor: Actor, note = '') {
    const result = transition(c.state, event);
    if (!result.ok) throw new RuleViolation(result.reason);
    await repo.setState(tx, c.id, c.state, result.state, event, actor.id, clock.now(), note);
    c.state = result.state;
  }

  return {
    withCase,
    applyEvent,

    programmes: () => repo.programmes(db),

    /** The case's programme, inside the caller's access-checked transaction. */
    programmeOf: async (tx: Queryable, c: CaseRow) => (await repo.programme(tx, c.programme_id))!,

    async case(actor: Actor, caseId: string) {
      return withCase(actor, caseId, 'view-case', async (tx, c) => {
        const [programme, events] = await Promise.all([repo.programme(tx, c.programme_id), repo.caseEvents(tx, caseId)]);
        const closureReason = c.closure_reason === 'other' ? c.closure_reason_other || 'Other' : closureReasonLabel(c.closure_reason);
        return { case: { ...c, stateLabel: caseStateLabels[c.state], closureReasonLabel: closureReason }, programme: programme!, events };
      });
    },

    /** The family's cases, for its family page: the page's own read is audited, so this only re-checks access. */
    async casesForFamily(actor: Actor, familyId: string) {
      if (!(await familyDecision(db, actor, 'family.read', familyId)).allowed) throw new ForbiddenError();
      return (await repo.casesForFamily(db, familyId)).map((c) => ({ ...c, stateLabel: caseStateLabels[c.state] }));
    },

    /**
     * Key workers for this case: the manager's own teams first, then, when asked for, one other
     * team's. Each shows their caseload now and after taking this case, by the caseload rule.
     */
    async allocationOptions(actor: Actor, caseId: string, filter: { teamId?: string | null } = {}) {
      await requireFeature(actor, 'case.allocate', 'Only managers allocate cases');
      return withCase(actor, caseId, 'view-allocation', async (tx, c) => {
        const programme = (await repo.programme(tx, c.programme_id))!;
        const ownTeamIds = await repo.managedTeamIds(tx, actor.id);
        const otherTeams = (await repo.teamsWithPractitioners(tx)).filter((t) => !ownTeamIds.includes(t.id));
        const otherTeam = otherTeams.find((t) => t.id === filter.teamId) ?? null;
        const withCaseloads = (rows: WorkerCaseloadRow[]) => rows.map((w) => workerCaseload(w, programme.caseload_limit));
        return {
          case: c, programme,
          team: withCaseloads(ownTeamIds.length ? await repo.workersWithCaseloads(tx, { exceptCaseId: caseId, teamIds: ownTeamIds }) : []),
          otherTeams, otherTeam,
          others: withCaseloads(otherTeam ? await repo.workersWithCaseloads(tx, { exceptCaseId: caseId, teamIds: [otherTeam.id] }) : []),
        };
      });
    },

    async allocate(actor: Actor, caseId: string, input: unknown) {
      await requireFeature(actor, 'case.allocate', 'Only managers allocate cases');
      return withCase(actor, caseId, 'allocate-case', async (tx, c) => {
        const programme = (await repo.programme(tx, c.programme_id))!;
        // The person chosen and their caseload are checked with the rest of the form, in one round.
        const { keyWorkerId, overCaseloadReason } = await validated(allocationSchemaWith({
          keyWorker: async (id) => {
            const worker = await repo.user(tx, id);
            if (!worker || !worker.active || worker.role !== 'practitioner') return null;
            const [row] = await repo.workersWithCaseloads(tx, { exceptCaseId: caseId, userId: id });
            const load = workerCaseload(row, programme.caseload_limit);
            return { name: worker.display_name, overAfter: load.overAfter, openAfter: load.after.open, limit: load.after.limit };
          },
        }), input);
        const worker = (await repo.user(tx, keyWorkerId))!;
        const [row] = await repo.workersWithCaseloads(tx, { exceptCaseId: caseId, userId: keyWorkerId });
        const load = workerCaseload(row, programme.caseload_limit);
        await applyEvent(tx, c, 'allocate', actor, `Allocated to ${worker.display_name}`);
        await repo.setKeyWorker(tx, caseId, keyWorkerId, load.overAfter ? overCaseloadReason : '', clock.now());
        await repo.makeLead(tx, c.family_id, keyWorkerId, randomUUID(), today());
        return { keyWorker: worker.display_name };
      });
    },

    async joinTeam(actor: Actor, caseId: string, input: unknown) {
      return withCase(actor, caseId, 'join-team-around-family', async (tx, c) => {
        const fields = await validated(joinTeamSchemaWith({
          person: async (id) => {
            const user = await repo.user(tx, id);
            if (!user) return undefined;
            // Analysts and administrators never join a team around the family: that would open the family's record to them.
            return { name: user.display_name, mayJoin: mayJoinTeam({ role: user.role, agencyKind: user.agency_kind, active: user.active }), alreadyInTeam: await repo.inTeam(tx, c.family_id, id) };
          },
        }), input);
        const user = (await repo.user(tx, fields.userId))!;
        const added = await repo.joinTeam(tx, { id: randomUUID(), familyId: c.family_id, userId: user.id, roleInFamily: fields.roleInFamily, today: today() });
        if (!added) throw new ValidationError({ userId: `${user.display_name} is already in the team around the family` });
        // Shown to the family's lead on "Who has seen this family": who joined, and who added them.
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'team-member-added', recordType: 'user', recordId: user.id, familyId: c.family_id, outcome: 'allowed', ip: actor.ip,
          basis: 'team around the family', detail: { added: user.display_name, roleInFamily: fields.roleInFamily },
        });
      });
    },

    practitioners: (tx: Queryable = db) => repo.workersWithCaseloads(tx),
  };
}

export type CasesService = ReturnType<typeof casesService>;
