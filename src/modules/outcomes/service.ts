import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { outcomeAreaKeys, type OutcomeAreaKey } from '../../domain/casework/outcome-areas.ts';
import { roleLabels } from '../../domain/codes.ts';
import { describeAge } from '../../domain/dates.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { assessClaim, claimTotals, defaultClaimSettings, problemAreasFromMeasures, type ClaimCase, type ClaimSettings } from '../../domain/outcomes/claims.ts';
import { evaluate, type CohortCase } from '../../domain/outcomes/evaluation.ts';
import { agencyMeasures, type LinkedPersonRecords } from '../../domain/outcomes/agency-measures.ts';
import { addMonths } from '../../domain/casework/due.ts';
import {
  emptyHouseholdMeasures, emptyMemberMeasures, followUpTimePoint, mergeAgencyMeasures, monthsAfterClosure, timePointLabels, timePoints, timePointSlugs,
  type HouseholdMeasures, type MemberMeasures, type TimePoint,
} from '../../domain/outcomes/measures.ts';
import { familiesAllowed, offers, requireFeature } from '../access/policy.ts';
import { auditRepository } from '../audit/repository.ts';
import type { CaseRow } from '../cases/repository.ts';
import { casesRepository } from '../cases/repository.ts';
import type { CasesService } from '../cases/service.ts';
import { familiesRepository } from '../families/repository.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { outcomesRepository as repo, type MeasureRow, type MeasureWrite } from './repository.ts';
import { claimSettingsSchema, recordMeasuresSchemaOn, reportQuerySchema } from './schemas.ts';

/** The programme report and the claims list are aggregate work: analysts, managers and administrators. */
export const claimSettingsKey = 'supporting-families-claims';
export const staleMeasuresMessage = 'Someone else saved these outcome measures after you opened them. Open them again to see their changes, then make yours.';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

export function rowToMember(r: MeasureRow): MemberMeasures {
  return {
    legalStatus: r.legal_status, atRiskOfRemoval: r.at_risk_of_removal, attendancePercent: num(r.attendance_percent), exclusions: r.exclusions,
    offences6m: r.offences_6m, offences12m: r.offences_12m, asb6m: r.asb_6m, asb12m: r.asb_12m, emergencyAdmissions: r.emergency_admissions,
    daysInCare: r.days_in_care, substanceTreatment: r.substance_treatment, workSteps: r.work_steps ?? [], sdqTotal: r.sdq_total,
  };
}

export function rowToHousehold(r: MeasureRow): HouseholdMeasures {
  return {
    domesticAbuseIncidents: r.domestic_abuse_incidents, policeCallOuts: r.police_call_outs, rentArrears: r.rent_arrears, evictionNotices: r.eviction_notices,
    familyStar: r.family_star ?? {},
  };
}

/** A practitioner's save keeps an agency source only on a field whose value they left as it was. */
function keptSources(before: Record<string, unknown> | null, after: Record<string, unknown>, sources: Record<string, string>) {
  if (!before) return {};
  return Object.fromEntries(Object.entries(sources).filter(([k]) => JSON.stringify(before[k]) === JSON.stringify(after[k])));
}

export interface ReportQuery {
  programmeId: string;
  from: string;
  to: string;
}

export function outcomesService(db: Database, cases: CasesService, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  /** The version a save of this time point must send: its household row's, or 0 when nothing is recorded. */
  function versionOf(rows: MeasureRow[], timePoint: TimePoint): number {
    return rows.find((r) => r.time_point === timePoint && r.person_id === null)?.version ?? 0;
  }

  /** The time points that can be recorded on this case now, and why the others cannot. */
  function timePointStates(c: CaseRow, followUpMonths: number[], recorded: Set<TimePoint>) {
    return timePoints.map((t) => {
      let reason = '';
      if (t === 'closure' && c.state !== 'closed') reason = 'Record these once the case is closed';
      if (t.startsWith('follow_up')) {
        const months = monthsAfterClosure(t);
        if (!followUpMonths.includes(months)) reason = 'Not in this programme’s follow-up schedule';
        else if (c.state !== 'closed') reason = 'Follow-ups start after closure';
      }
      return { timePoint: t, label: timePointLabels[t], slug: timePointSlugs[t], available: !reason, reason, recorded: recorded.has(t) };
    }).filter((s) => !(s.reason === 'Not in this programme’s follow-up schedule' && !s.recorded));
  }

  async function caseMeasures(tx: Queryable, c: CaseRow) {
    const [programme, rows, people] = [await casesRepository.programme(tx, c.programme_id), await repo.measures(tx, [c.id]), await familiesRepository.members(tx, c.family_id)];
    return { programme: programme!, rows, people: people.filter((p) => p.member_type !== 'unborn') };
  }

  async function cohortFor(tx: Queryable, query: ReportQuery) {
    const caseRows = await repo.cohort(tx, { programmeId: query.programmeId || null, from: query.from, to: query.to });
    const ids = caseRows.map((c) => c.id);
    const [people, rows, goals] = [await repo.people(tx, [...new Set(caseRows.map((c) => c.family_id))]), await repo.measures(tx, ids), await repo.goalAreas(tx, ids)];
    const cohort: CohortCase[] = caseRows.map((c) => {
      const own = rows.filter((r) => r.case_id === c.id);
      return {
        caseId: c.id, familyId: c.family_id,
        reasonAreas: [...new Set(goals.filter((g) => g.case_id === c.id).map((g) => g.outcome_area))],
        household: Object.fromEntries(own.filter((r) => r.person_id === null).map((r) => [r.time_point, rowToHousehold(r)])),
        members: people.filter((p) => p.family_id === c.family_id && p.member_type !== 'unborn').map((p) => ({
          personId: p.id, memberType: p.member_type as 'adult' | 'child',
          measures: Object.fromEntries(own.filter((r) => r.person_id === p.id).map((r) => [r.time_point, rowToMember(r)])),
        })),
      };
    });
    return { caseRows, cohort, goals };
  }

  /** Case references (and family names) for the cases this person may open; others are counted, never named. */
  async function caseLinks(tx: Queryable, actor: Actor, caseRows: { id: string; reference: string; family_id: string; family_name: string }[], action: string) {
    const readable = await familiesAllowed(tx, actor, 'family.read', [...new Set(caseRows.map((c) => c.family_id))]);
    const openable = new Set(caseRows.filter((c) => readable.has(c.family_id)).map((c) => c.id));
    const links: Record<string, { reference: string; familyName: string }> = {};
    for (const c of caseRows.filter((r) => openable.has(r.id))) {
      links[c.id] = { reference: c.reference, familyName: c.family_name };
      await auditRepository.insert(tx, { userId: actor.id, action, recordType: 'case', recordId: c.id, familyId: c.family_id, outcome: 'allowed', ip: actor.ip });
    }
    return links;
  }

  async function settingsIn(tx: Queryable): Promise<ClaimSettings> {
    const saved = await repo.setting<unknown>(tx, claimSettingsKey);
    // Settings saved before the payment models existed read as the phase 2 preset they were.
    return saved ? claimSettingsSchema.parse(saved) : defaultClaimSettings;
  }

  function checkQuery(input: unknown): ReportQuery {
    return parse(reportQuerySchema, input);
  }

  const service = {
    /** Which time points have measures, which can be recorded now, and what each member's measures say. */
    overview: (actor: Actor, caseId: string) => cases.withCase(actor, caseId, 'view-outcome-measures', async (tx, c) => {
      const { programme, rows, people } = await caseMeasures(tx, c);
      const recorded = new Set(rows.map((r) => r.time_point));
      return {
        case: c, canRecord: offers(actor, 'casework.write'),
        timePoints: timePointStates(c, programme.follow_up_months, recorded).map((s) => ({ ...s, version: versionOf(rows, s.timePoint) })),
        members: people.map((p) => ({
          id: p.id, name: `${p.given_name} ${p.family_name}`, memberType: p.member_type,
          measures: Object.fromEntries(rows.filter((r) => r.person_id === p.id).map((r) => [r.time_point, rowToMember(r)])) as Partial<Record<TimePoint, MemberMeasures>>,
        })),
        household: Object.fromEntries(rows.filter((r) => r.person_id === null).map((r) => [r.time_point, rowToHousehold(r)])) as Partial<Record<TimePoint, HouseholdMeasures>>,
      };
    }),

    /** One time point's form: every member of the household (not unborn babies) with what is recorded. */
    form: (actor: Actor, caseId: string, timePoint: TimePoint) => cases.withCase(actor, caseId, 'view-outcome-measures', async (tx, c) => {
      const { programme, rows, people } = await caseMeasures(tx, c);
      const state = timePointStates(c, programme.follow_up_months, new Set(rows.map((r) => r.time_point))).find((s) => s.timePoint === timePoint);
      const at = rows.filter((r) => r.time_point === timePoint);
      const household = at.find((r) => r.person_id === null);
      return {
        case: c, timePoint, label: timePointLabels[timePoint], available: state?.available ?? false, reason: state?.reason ?? 'Not in this programme’s follow-up schedule',
        canRecord: offers(actor, 'casework.write'), version: versionOf(rows, timePoint), recordedOn: at[0]?.recorded_on ?? null, recordedBy: at[0]?.recorded_by_name ?? null,
        household: household ? rowToHousehold(household) : emptyHouseholdMeasures(), householdSources: household?.sources ?? {},
        members: people.map((p) => {
          const row = at.find((r) => r.person_id === p.id);
          return {
            id: p.id, name: `${p.given_name} ${p.family_name}`, memberType: p.member_type as 'adult' | 'child', roleLabel: roleLabels[p.role],
            age: describeAge({ dateOfBirth: p.date_of_birth, expectedDate: p.expected_date }, today()),
            measures: row ? rowToMember(row) : emptyMemberMeasures(), sources: row?.sources ?? {},
          };
        }),
      };
    }),

    /**
     * Records the measures for one time point, all members at once. The source says who gave
     * them; a practitioner's save replaces the time point's values.
     */
    async record(actor: Actor, caseId: string, input: unknown) {
      await requireFeature(actor, 'casework.write', 'Only practitioners and managers can record outcome measures');
      return cases.withCase(actor, caseId, 'record-outcome-measures', async (tx, c) => {
        const { programme, rows, people } = await caseMeasures(tx, c);
        // The date against today and the people against the family, with every other answer at once.
        const fields = parse(recordMeasuresSchemaOn(today(), new Set(people.map((p) => p.id))), input);
        const state = timePointStates(c, programme.follow_up_months, new Set()).find((s) => s.timePoint === fields.timePoint);
        if (!state?.available) throw new RuleViolation(`Measures ${timePointLabels[fields.timePoint].toLowerCase()} cannot be recorded on this case: ${(state?.reason ?? 'Not in this programme’s follow-up schedule').toLowerCase()}`);
        const claim = { id: randomUUID(), caseId: c.id, timePoint: fields.timePoint, recordedOn: fields.recordedOn, userId: actor.id };
        if (!(await repo.claimTimePoint(tx, claim, fields.version))) throw new ConflictError(staleMeasuresMessage);
        const at = (await repo.measures(tx, [c.id])).filter((r) => r.time_point === fields.timePoint);
        for (const m of fields.members) {
          const { personId, ...measures } = m;
          const before = at.find((r) => r.person_id === personId);
          await repo.upsert(tx, randomUUID(), {
            caseId: c.id, personId, timePoint: fields.timePoint, recordedOn: fields.recordedOn, recordedAt: clock.now(), ...measures,
            sources: keptSources(before ? { ...rowToMember(before) } : null, measures, before?.sources ?? {}), userId: actor.id,
          });
        }
        const beforeHousehold = at.find((r) => r.person_id === null);
        await repo.upsert(tx, randomUUID(), {
          caseId: c.id, personId: null, timePoint: fields.timePoint, recordedOn: fields.recordedOn, recordedAt: clock.now(), ...fields.household,
          sources: keptSources(beforeHousehold ? { ...rowToHousehold(beforeHousehold) } : null, fields.household, beforeHousehold?.sources ?? {}), userId: actor.id,
        });
        return { timePoint: fields.timePoint, members: fields.members.length };
      });
    },

    /**
     * The seam for linked agency data (identification work): measures that arrive from an agency
     * extract fill the empty fields of a case's time point, never a value a practitioner typed,
     * and each filled field remembers its source. Runs as the system, so the audit row has no user.
     */
    async recordFromAgencyData(caseId: string, timePoint: TimePoint, recordedOn: string, measures: {
      household?: Partial<HouseholdMeasures>; members?: { personId: string; measures: Partial<MemberMeasures> }[];
    }, source: { kind: 'agency_data'; label: string }) {
      return db.transaction(async (tx) => {
        const c = await casesRepository.case(tx, caseId);
        if (!c) throw new NotFoundError('Case');
        const rows = (await repo.measures(tx, [caseId])).filter((r) => r.time_point === timePoint);
        const filled: string[] = [];
        const write = async (personId: string | null, incoming: object) => {
          const row = rows.find((r) => r.person_id === personId);
          const current = personId ? (row ? rowToMember(row) : emptyMemberMeasures()) : (row ? rowToHousehold(row) : emptyHouseholdMeasures());
          const merged = mergeAgencyMeasures(current as object, incoming, row?.sources ?? {}, source.label);
          if (!merged.filled.length) return;
          filled.push(...merged.filled.map((f) => (personId ? `${personId}.${f}` : f)));
          await repo.upsert(tx, randomUUID(), {
            caseId, personId, timePoint, recordedOn: row?.recorded_on ?? recordedOn, recordedAt: clock.now(), ...(merged.measures as Partial<MeasureWrite>), sources: merged.sources, userId: null,
          } as MeasureWrite);
        };
        if (measures.household) await write(null, measures.household);
        for (const m of measures.members ?? []) await write(m.personId, m.measures);
        // Nothing new (the same linked data again): nothing written, so nothing to audit.
        if (!filled.length) return { filled };
        await repo.bumpTimePoint(tx, caseId, timePoint);
        await auditRepository.insert(tx, {
          userId: null, action: 'outcome-measures-from-agency-data', recordType: 'case', recordId: caseId, familyId: c.family_id, outcome: 'allowed', ip: null,
          detail: { timePoint, source: source.label, filled },
        });
        return { filled };
      });
    },

    /**
     * Fills a family's cases from the linked agency records of the household matched to it: for
     * each time point whose date has passed, what each source says about the window before that
     * date, through recordFromAgencyData (empty fields only, source kept, audited). Runs as the
     * system after a matching run; a second run with the same records fills nothing.
     */
    async fillFromLinkedRecords(familyId: string, people: readonly LinkedPersonRecords[]) {
      const { caseRows, members, measured } = await db.transaction(async (tx) => {
        const caseRows = await repo.familyCases(tx, familyId);
        const members = (await familiesRepository.members(tx, familyId)).filter((p) => p.member_type !== 'unborn')
          .map((p) => ({ id: p.id, givenName: p.given_name, familyName: p.family_name, dateOfBirth: p.date_of_birth }));
        return { caseRows, members, measured: await repo.measures(tx, caseRows.map((c) => c.id)) };
      });
      const day = today();
      let filled = 0;
      for (const c of caseRows) {
        const dates: [TimePoint, string][] = [['referral', c.opened_on]];
        if (c.closed_on) {
          dates.push(['closure', c.closed_on]);
          for (const months of c.follow_up_months) {
            const t = followUpTimePoint(months);
            if (t) dates.push([t, addMonths(c.closed_on, months)]);
          }
        }
        for (const [timePoint, due] of dates) {
          // Measures already taken on a date are about the window before that date, not the nominal one.
          const on = measured.find((r) => r.case_id === c.id && r.time_point === timePoint)?.recorded_on ?? due;
          if (on > day) continue;
          for (const set of agencyMeasures(on, people, members)) {
            const result = await service.recordFromAgencyData(c.id, timePoint, on, { household: set.household, members: set.members }, { kind: 'agency_data', label: set.label });
            filled += result.filled.length;
          }
        }
      }
      return { cases: caseRows.length, filled };
    },

    /** The programme evaluation for a programme (or all) and a period. Case lists only for people who may open those cases. */
    async evaluation(actor: Actor, input: unknown) {
      await requireFeature(actor, 'outcomes.report', 'Only analysts, managers and administrators can read the programme evaluation');
      const query = checkQuery(input);
      return db.transaction(async (tx) => {
        const { caseRows, cohort } = await cohortFor(tx, query);
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'view-outcomes-report', recordType: 'outcomes-report', recordId: null, familyId: null, outcome: 'allowed', ip: actor.ip,
          detail: { ...query, cases: caseRows.length },
        });
        const links = await caseLinks(tx, actor, caseRows, 'list-case-in-outcomes-report');
        const programme = query.programmeId ? await casesRepository.programme(tx, query.programmeId) : undefined;
        return { query, programmeName: programme?.name ?? 'All programmes', evaluation: evaluate(cohort), links, mayListCases: offers(actor, 'outcomes.case-list') };
      });
    },

    /** Families attached to Supporting Families in the period, who may be claimed for, who is close, what is missing, and the payment. */
    async claims(actor: Actor, input: unknown) {
      await requireFeature(actor, 'outcomes.report', 'Only analysts, managers and administrators can see Supporting Families claims');
      const query = checkQuery(input);
      return db.transaction(async (tx) => {
        const settings = await settingsIn(tx);
        const { caseRows, cohort, goals } = await cohortFor(tx, query);
        const day = today();
        const results = caseRows.map((row, i) => {
          const own = goals.filter((g) => g.case_id === row.id);
          const planAreas = outcomeAreaKeys.filter((a) => own.some((g) => g.outcome_area === a));
          const goalDistance: Partial<Record<OutcomeAreaKey, number>> = {};
          for (const g of own) if (g.distance_travelled !== null) goalDistance[g.outcome_area] = Math.min(goalDistance[g.outcome_area] ?? 5, g.distance_travelled);
          const fromMeasures = problemAreasFromMeasures(cohort[i]);
          const closedOn = row.closed_at ? new Date(row.closed_at).toISOString().slice(0, 10) : null;
          const claimCase: ClaimCase = {
            caseId: row.id, familyId: row.family_id, hasDependentChildren: row.dependent_children, hasLeadPractitioner: row.has_lead,
            assessmentComplete: row.assessment_complete, planAgreed: row.plan_agreed, closed: row.state === 'closed',
            monthsSinceClosure: closedOn ? monthsBetween(closedOn, day) : null,
            areasAtAttachment: outcomeAreaKeys.filter((a) => planAreas.includes(a) || fromMeasures.includes(a)), planAreas, goalDistance,
            members: cohort[i].members, household: cohort[i].household,
          };
          return { ...assessClaim(claimCase, settings), reference: row.reference, problems: claimCase.areasAtAttachment };
        });
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'view-supporting-families-claims', recordType: 'claims', recordId: null, familyId: null, outcome: 'allowed', ip: actor.ip,
          detail: { ...query, cases: caseRows.length },
        });
        const links = await caseLinks(tx, actor, caseRows, 'list-case-in-claims');
        const programme = query.programmeId ? await casesRepository.programme(tx, query.programmeId) : undefined;
        return { query, programmeName: programme?.name ?? 'All programmes', settings, results, totals: claimTotals(results, settings), links };
      });
    },

    async claimSettings(actor: Actor) {
      await requireFeature(actor, 'outcomes.report', 'Only analysts, managers and administrators can see the claim rules');
      return { settings: await settingsIn(db), canEdit: offers(actor, 'outcomes.settings') };
    },

    async saveClaimSettings(actor: Actor, input: unknown) {
      await requireFeature(actor, 'outcomes.settings', 'Only managers and administrators can change the claim rules');
      const settings = parse(claimSettingsSchema, input);
      await db.transaction(async (tx) => {
        await repo.saveSetting(tx, claimSettingsKey, settings, clock.now());
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'save-claim-settings', recordType: 'setting', recordId: claimSettingsKey, familyId: null, outcome: 'allowed', ip: actor.ip,
          detail: { attachmentFee: settings.attachmentFee, resultsPayment: settings.resultsPayment, minimumProblems: settings.minimumProblems },
        });
      });
      return settings;
    },

    programmes: () => casesRepository.programmes(db),
    followUpTimePoint,
  };
  return service;
}

/** Whole months from one date to another (a follow-up 6 months after closure is due on the same day 6 months on). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

export type OutcomesService = ReturnType<typeof outcomesService>;
