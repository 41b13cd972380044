import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { UserRole } from '../../domain/codes.ts';
import { ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { householdSteps, type PersonForHousehold } from '../../domain/identification/households.ts';
import {
  assessHousehold, defaultIdentificationRules, identificationRulesSchema, type CostRate, type IdentificationRules, type HouseholdAssessment, type MemberFacts,
} from '../../domain/identification/prioritise.ts';
import type { LevelOfNeedRules } from '../../domain/level-of-need.ts';
import type { Explanation, LinkageModel, LinkageResult, PairDecision, PersonRecord, ScoredPair } from '../../domain/linkage/types.ts';
import { decodePartition, encodePartition, type PartitionPairs } from '../../domain/linkage/link.ts';
import { createHash } from 'node:crypto';
import { withFamilyAccess } from '../access/family-access.ts';
import { auditShown, offers, requireFeature } from '../access/policy.ts';
import { extractFormats } from '../../domain/identification/formats.ts';
import { planHeaders, validateRow, type RowProblem, type SourceRow } from '../../domain/identification/validate.ts';
import { auditRepository } from '../audit/repository.ts';
import { FileFormatError, fileKindOf, hashFile, readRows } from './reader.ts';
import {
  identificationRepository as repo, linkageRepository as links, orderPair, type ExtractRow, type HouseholdFilter, type HouseholdInsert, type MatchRow, type RecordRow,
} from './repository.ts';
import { agreementSchema, ingestSchemaWith, mappingSchema } from './schemas.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { formatDate } from '../../domain/dates.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { count, noun } from '../../domain/plural.ts';
import { extractLoadStages, jobProgress, matchingStages, type JobProgress } from '../../domain/jobs/progress.ts';
import { JobCancelled, type JobContext, type JobsService } from '../jobs/service.ts';
import { uploadsRepository as jobRepo } from './uploads-repository.ts';
import type { JobRow } from '../jobs/repository.ts';

/** Who may load extracts, run matching and review pairs: the linked data of the whole partnership. */
export const identificationRoles = rolesWith('identification.data');

/** Problems kept to show; the count of all problems is kept too. */
const problemLimit = 1000;
/** Rows an extract loads a statement. */
const batchSize = 5000;
/** Rows a statement when a run is stored (households a tenth of it: each carries its assessment). */
const storeBatch = 20_000;
/** The most review pairs one run keeps for clerical review. */
const reviewLimit = 20_000;

export interface IngestInput {
  path: string;
  filename: string;
  source: string;
  agreementId: string;
  agencyName?: string;
  validOnly?: boolean;
}

export interface IngestResult {
  status: 'loaded' | 'refused' | 'already-loaded';
  extractId: string | null;
  filename: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsInvalid: number;
  rowsAlreadyLoaded: number;
  problemCount: number;
  problems: RowProblem[];
  /** Why a file was refused, in a sentence. */
  message: string;
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/** A null actor is the command line, run by someone with access to the server itself. */
type Caller = Actor | null;

/** The record-linkage engine (src/domain/linkage), passed in so this module depends only on its contract. */
export interface LinkageEngine {
  /** link(), or linkThreaded (the same result, its comparisons shared between threads). */
  link(records: readonly PersonRecord[], options?: { decisions?: PairDecision[] }): LinkageResult | Promise<LinkageResult>;
  explain(model: LinkageModel, left: PersonRecord, right: PersonRecord): Explanation;
  /** A run in partitions (several workers): one partition's compared pairs, and the merge of all of them into link()'s result. */
  comparePartition?(records: readonly PersonRecord[], partition: { index: number; count: number }): PartitionPairs;
  linkPartitions?(records: readonly PersonRecord[], parts: readonly PartitionPairs[], options?: { decisions?: PairDecision[] }): LinkageResult;
}

/** Who may see the prioritised list: analysts all of it; practitioners and managers only the families they may open. */
export const listRoles = rolesWith('identification.list');

export interface IdentificationDependencies {
  clock: Clock;
  engine?: LinkageEngine;
  /** The unit-cost table (costs module). */
  costRates?: () => Promise<CostRate[]>;
  /** The configured level of need rules (families module). */
  levelRules?: () => Promise<LevelOfNeedRules>;
  /** Called after a matching run is stored, with each matched family's linked people and records (outcomes fills measures from them). */
  afterRun?: (families: MatchedFamily[]) => Promise<void>;
  /** The job queue: loading an extract and matching run as background jobs (src/modules/jobs). */
  jobs?: JobsService;
  /** Matching runs queued from here are split into this many partitions, shared by every worker (1: one worker runs it whole). */
  partitions?: number;
}

/** What identifies the records a run read: their number and a hash of their ids, in order. */
function recordsDigest(rows: readonly { id: string }[]): string {
  const hash = createHash('sha256');
  for (const r of rows) hash.update(r.id);
  return `${rows.length}:${hash.digest('hex')}`;
}

/** The matching step: link(), or the same over partitions shared by workers. */
type LinkStep = (records: PersonRecord[], rows: readonly MatchRow[], decisions: PairDecision[]) => Promise<LinkageResult>;

/** A checkpoint in long work: the stage and records done; throws to stop (cancelled). */
type Progress = (stage: string, done: number, total: number | null) => Promise<void>;
const noProgress: Progress = async () => undefined;

/** The kinds of job identification runs, and their stages for the progress page. */
export const identificationJobKinds = { 'extract-load': extractLoadStages, matching: matchingStages } as const;
export type IdentificationJobKind = keyof typeof identificationJobKinds;

/** Extracts are kept in the database in chunks of this size until a worker loads them. */
const chunkBytes = 1024 * 1024;

/** Lines in a CSV file (a row's count, near enough: a quoted cell may hold a line break); null for XLSX. */
async function lineCount(file: string, kind: 'csv' | 'xlsx'): Promise<number | null> {
  if (kind !== 'csv') return null;
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n += 1;
    last = chunk[chunk.length - 1];
  }
  return last === 10 ? n : n + 1;
}

/** Lets pages through (a turn of the event loop) once `everyMs` have passed since it last did: long loops call it every step or few. */
function pacer(everyMs = 20): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < everyMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/** The actor a job runs as: who queued it, as they were then (null: the command line). */
function actorOf(job: JobRow): Caller {
  const a = (job.payload as { actor?: Actor | null }).actor;
  return a ? { ...a } : null;
}

export interface JobView {
  id: string;
  kind: IdentificationJobKind;
  status: JobRow['status'];
  progress: JobProgress;
  createdAt: Date;
  finishedAt: Date | null;
  cancelRequested: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
  /** An extract's answers as they were sent (to show them again with its problems). */
  form: { source: string; agreementId: string; agencyName: string; validOnly: boolean; filename: string } | null;
}

/** A Lantern family a linked household was matched to, with the linked people in that household. */
export interface MatchedFamily {
  familyId: string;
  people: {
    personId: string; firstName: string; lastName: string; dateOfBirth: string | null;
    records: { source: string; eventDate: string; fields: Record<string, string | number | boolean | null> }[];
  }[];
}

/** Groups a run's matched records by family and linked person; a person's name and date of birth from their latest record that has them. */
function matchedFamilies(rows: readonly (RecordRow & { person_id: string; family_id: string })[]): MatchedFamily[] {
  const byFamily = new Map<string, Map<string, RecordRow[]>>();
  for (const r of rows) {
    const people = byFamily.get(r.family_id) ?? new Map<string, RecordRow[]>();
    people.set(r.person_id, [...(people.get(r.person_id) ?? []), r]);
    byFamily.set(r.family_id, people);
  }
  return [...byFamily].map(([familyId, people]) => ({
    familyId,
    people: [...people].map(([personId, records]) => {
      const facts = memberFacts(personId, records);
      return { personId, firstName: facts.firstName, lastName: facts.lastName, dateOfBirth: facts.dateOfBirth, records: facts.records.map(({ source, eventDate, fields }) => ({ source, eventDate, fields })) };
    }),
  }));
}

function personRecord(r: Omit<RecordRow, 'fields'>): PersonRecord {
  return { key: r.id, firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.date_of_birth, sex: r.sex, postcode: r.postcode, address: r.address, identifiers: r.identifiers };
}

function parsedRow(r: MatchRow): RecordRow {
  return { ...r, fields: JSON.parse(r.fields) as RecordRow['fields'] };
}

/** A linked person's details: each taken from the latest record that has it. */
function memberFacts(personId: string, records: readonly RecordRow[]): MemberFacts {
  const latest = records.slice().sort((a, b) => (a.event_date < b.event_date ? 1 : -1));
  const pick = <K extends keyof RecordRow>(k: K) => latest.find((r) => r[k] !== null && r[k] !== '')?.[k] ?? null;
  return {
    personId, firstName: String(pick('first_name') ?? ''), lastName: String(pick('last_name') ?? ''),
    dateOfBirth: pick('date_of_birth') as string | null, sex: pick('sex') as 'F' | 'M' | null,
    records: records.map((r) => ({ source: r.source, recordRef: r.record_ref, eventDate: r.event_date, fields: r.fields })),
  };
}

function householdRow(id: string, postcode: string | null, address: string | null, a: HouseholdAssessment): HouseholdInsert {
  return {
    id, postcode, address, eligible: a.eligible, problemCount: a.problems.length, level: a.level.level, costPence: a.costPence,
    segment: a.segment, reasons: a.reasons, assessment: JSON.stringify({ members: a.members, problems: a.problems, level: a.level, costLines: a.costLines, uncosted: a.uncosted }),
  };
}

export function identificationService(db: Database, options: IdentificationDependencies) {
  const today = () => options.clock.today();
  const engine = options.engine;

  async function costMap(): Promise<Map<string, CostRate>> {
    return new Map((options.costRates ? await options.costRates() : []).map((c) => [c.key, c]));
  }

  async function assessor() {
    const costs = await costMap();
    const levelRules = options.levelRules ? await options.levelRules() : undefined;
    const rules = await rulesIn(db);
    // One day for every household of a run, even one that runs past midnight.
    const day = today();
    return (householdId: string, members: MemberFacts[]) => assessHousehold({ householdId, members }, { today: day, rules, levelRules, costs });
  }

  async function rulesIn(q: Queryable): Promise<IdentificationRules> {
    const stored = await links.rules(q);
    return stored ? identificationRulesSchema.parse(stored) : defaultIdentificationRules;
  }

  function needEngine(): LinkageEngine {
    if (!engine) throw new RuleViolation('Matching is not available: no record-linkage engine is installed');
    return engine;
  }

  function allow(actor: Caller) {
    return requireFeature(actor, 'identification.data', 'Only analysts can use the linked agency data');
  }

  async function audit(q: Queryable, actor: Caller, action: string, recordType: string, recordId: string | null, detail: Record<string, unknown> = {}) {
    await auditRepository.insert(q, { userId: actor?.id ?? null, action, recordType, recordId, outcome: 'allowed', ip: actor?.ip ?? null, detail: actor ? detail : { ...detail, via: 'command line' } });
  }

  /** Reads the whole file once, checking every row, before anything is written. */
  async function check(path: string, kind: 'csv' | 'xlsx', source: keyof typeof extractFormats, mapping: Record<string, string>, progress: Progress = noProgress, total: number | null = null) {
    try {
      return await checkRows(path, kind, source, mapping, progress, total);
    } catch (error) {
      if (!(error instanceof FileFormatError)) throw error;
      const unreadable = [{ row: error.row, field: 'file', value: '', reason: error.reason }];
      return { headerProblems: unreadable, problems: unreadable, problemCount: 1, rowsRead: 0, rowsInvalid: 0 };
    }
  }

  async function checkRows(path: string, kind: 'csv' | 'xlsx', source: keyof typeof extractFormats, mapping: Record<string, string>, progress: Progress, total: number | null) {
    const format = extractFormats[source];
    const problems: RowProblem[] = [];
    let problemCount = 0;
    let rowsRead = 0;
    let rowsInvalid = 0;
    let index: Record<string, number> | null = null;
    let row = 0;
    // A row the file's own format breaks (an unclosed quote, say) ends the reading, but the rows
    // checked before it keep their problems: all are reported, in row order.
    let unreadable: RowProblem | null = null;
    const rowsOf = async function* () {
      try {
        yield* readRows(path, kind);
      } catch (error) {
        if (!(error instanceof FileFormatError)) throw error;
        unreadable = { row: error.row, field: 'file', value: '', reason: error.reason };
      }
    };
    for await (const cells of rowsOf()) {
      row += 1;
      if (!index) {
        const plan = planHeaders(format, cells, mapping);
        if (plan.problems.length) return { headerProblems: plan.problems, problems: plan.problems, problemCount: plan.problems.length, rowsRead: 0, rowsInvalid: 0 };
        index = plan.index;
        continue;
      }
      rowsRead += 1;
      if (rowsRead % 1000 === 0) await progress('checking', rowsRead, total);
      const checked = validateRow(format, cells, index, row);
      if (checked.problems.length) {
        rowsInvalid += 1;
        problemCount += checked.problems.length;
        for (const p of checked.problems) if (problems.length < problemLimit) problems.push(p);
      }
    }
    const broken = unreadable as RowProblem | null;
    if (broken) {
      const all = [...problems, broken].sort((a, b) => a.row - b.row);
      return { headerProblems: [broken], problems: all, problemCount: problemCount + 1, rowsRead, rowsInvalid: rowsInvalid + 1 };
    }
    if (!index) {
      const empty = [{ row: 1, field: 'file', value: '', reason: 'is empty: it has no header row' }];
      return { headerProblems: empty, problems: empty, problemCount: 1, rowsRead: 0, rowsInvalid: 0 };
    }
    return { headerProblems: [], problems: problems.sort((a, b) => a.row - b.row), problemCount, rowsRead, rowsInvalid };
  }

  const service = {
    /**
     * Matches every source record: people (clusters), scored pairs for review, households, and each
     * household's assessment, replacing the last run's. Clerical decisions are kept and fed back,
     * so the same records and decisions give the same people and households every time.
     */
    async identify(actor: Caller, progress: Progress = noProgress, linkStep?: LinkStep) {
      await allow(actor);
      const started = performance.now();
      const { ids, personOf, households, householdRows, pairs, stats, model } = await matchRecords(progress, linkStep);
      const runId = randomUUID();
      // The last chance to cancel: storing replaces the last run's people and households whole, in one transaction.
      await progress('storing', 0, ids.length);
      await db.transaction(async (tx) => {
        await links.clearLinkage(tx);
        for (let at = 0; at < ids.length; at += storeBatch) await links.insertPersons(tx, ids.slice(at, at + storeBatch), personOf.slice(at, at + storeBatch));
        for (let at = 0; at < householdRows.length; at += storeBatch / 10) await links.insertHouseholds(tx, householdRows.slice(at, at + storeBatch / 10));
        const members = households.flatMap((h) => h.personIds.map((p) => [p, h.householdId] as const));
        for (let at = 0; at < members.length; at += storeBatch) {
          const batch = members.slice(at, at + storeBatch);
          await links.insertMembers(tx, batch.map((m) => m[0]), batch.map((m) => m[1]));
        }
        for (let at = 0; at < pairs.length; at += storeBatch) {
          await links.insertPairs(tx, pairs.slice(at, at + storeBatch).map((p) => {
            const [l, r] = orderPair(ids[p.left], ids[p.right]);
            return [l, r, p.weight, p.probability, p.decision];
          }));
        }
        await links.matchFamilies(tx);
        await links.insertRun(tx, runId, actor?.id ?? null, model, { ...stats, seconds: (performance.now() - started) / 1000 });
        await audit(tx, actor, 'linkage-run', 'linkage_run', runId, stats);
      });
      // After the run is committed: what follows reads the stored linkage, and its own writes are its own transactions.
      if (options.afterRun) await options.afterRun(matchedFamilies(await links.matchedFamilyRecords(db)));
      return { runId, ...stats, seconds: (performance.now() - started) / 1000 };
    },

    async latestRun(actor: Caller) {
      await allow(actor);
      const run = await links.latestRun<LinkageModel>(db);
      return run ? { ...run, waiting: await links.reviewCount(db) } : null;
    },

    /** Audited: the queue shows people's names. */
    async reviewQueue(actor: Actor, limit = 100) {
      await allow(actor);
      return db.transaction(async (tx) => {
        const pairs = await links.reviewQueue(tx, limit);
        await audit(tx, actor, 'linkage-review-queue-viewed', 'linkage_pair', null, { shown: pairs.length });
        return pairs;
      });
    },

    /** One pair side by side with the weight each field added or took away. Audited: it shows two people's details. */
    async pair(actor: Actor, leftRecordId: string, rightRecordId: string) {
      await allow(actor);
      const linker = needEngine();
      const [left, right] = orderPair(leftRecordId, rightRecordId);
      return db.transaction(async (tx) => {
        const pair = await links.pair(tx, left, right);
        const run = await links.latestRun<LinkageModel>(tx);
        if (!pair || !run) throw new NotFoundError('Pair');
        const records = await repo.records(tx, [left, right]);
        const l = records.find((r) => r.id === left)!;
        const r = records.find((x) => x.id === right)!;
        await audit(tx, actor, 'linkage-pair-viewed', 'linkage_pair', `${left}/${right}`);
        return { pair, left: l, right: r, explanation: linker.explain(run.model, personRecord(l), personRecord(r)) };
      });
    },

    /** A clerical decision: kept for every later run; an accepted pair joins the two people and their households now. */
    async decide(actor: Actor, leftRecordId: string, rightRecordId: string, isMatch: boolean) {
      await allow(actor);
      const [left, right] = orderPair(leftRecordId, rightRecordId);
      const assess = await assessor();
      await db.transaction(async (tx) => {
        if (!(await links.pair(tx, left, right))) throw new NotFoundError('Pair');
        await links.saveDecision(tx, left, right, isMatch, actor.id, options.clock.now());
        if (isMatch) {
          const a = await links.personOf(tx, left);
          const b = await links.personOf(tx, right);
          if (a && b && a !== b) {
            const [keep, drop] = orderPair(a, b);
            const ha = await links.householdOf(tx, keep);
            const hb = await links.householdOf(tx, drop);
            const [keepH, dropH] = ha && hb ? orderPair(ha, hb) : [ha ?? hb, null];
            await links.mergePeople(tx, keep, drop, keepH, dropH);
            if (keepH) {
              if (!(await links.householdOf(tx, keep))) await links.insertMembers(tx, [keep], [keepH]);
              const records = await links.householdRecords(tx, keepH);
              const byPerson = new Map<string, RecordRow[]>();
              for (const r of records) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r]);
              const h = (await links.household(tx, keepH))!;
              await links.updateHousehold(tx, householdRow(keepH, h.postcode, h.address, assess(keepH, [...byPerson].map(([p, rs]) => memberFacts(p, rs)))));
            }
          }
        }
        await audit(tx, actor, 'linkage-pair-decided', 'linkage_pair', `${left}/${right}`, { match: isMatch });
      });
    },

    /** The ranked list: analysts see every household; practitioners and managers only families they may open. */
    async households(actor: Actor, filter: Omit<HouseholdFilter, 'visibleTo'>, action = 'identification-list-viewed') {
      await requireFeature(actor, 'identification.list', 'You do not have access to the identification list');
      // Linked agency data users see every household; the others only the families they may open.
      const visibleTo = offers(actor, 'identification.data') ? null : actor;
      return db.transaction(async (tx) => {
        const rows = await links.households(tx, { ...filter, visibleTo });
        // Each family the list showed is audited against it, so "Who has seen this family" finds the list too.
        await auditShown(tx, actor, action, 'linked_household', rows.map((r) => r.family_id).filter((id): id is string => Boolean(id)), { ...filter, households: rows.length });
        return rows;
      });
    },

    async household(actor: Actor, householdId: string) {
      await requireFeature(actor, 'identification.list', 'You do not have access to the identification list');
      const row = await links.household(db, householdId);
      if (!row) throw new NotFoundError('Household');
      const view = { ...row, assessment: row.assessment as Pick<HouseholdAssessment, 'members' | 'problems' | 'level' | 'costLines' | 'uncosted'> };
      if (offers(actor, 'identification.data')) {
        // The matched family's id goes on the row, so the family's lead sees that an analyst looked at its household.
        await auditRepository.insert(db, {
          userId: actor.id, action: 'identification-household-viewed', recordType: 'linked_household', recordId: householdId,
          familyId: row.family_id, outcome: 'allowed', ip: actor.ip, basis: 'identification (analyst)',
        });
        return view;
      }
      // Practitioners and managers: only a household matched to a family they may open, by the foundation's rule.
      if (!row.family_id) throw new ForbiddenError();
      await withFamilyAccess(db, actor, row.family_id, 'identification-household-viewed', async () => undefined, { type: 'linked_household', id: householdId });
      return view;
    },

    /** The eligibility and segment rules in force (local policy; Troubled Families phase 2 by default). */
    rules: () => rulesIn(db),

    /** Replaces the rules; the next matching run ranks households by them. Analysts and administrators (and the command line). */
    async setRules(actor: Caller, input: unknown): Promise<IdentificationRules> {
      await requireFeature(actor, 'identification.rules', 'Only analysts and administrators can change the identification rules');
      const result = identificationRulesSchema.safeParse(input);
      if (!result.success) throw new ValidationError(fieldErrors(result.error));
      await db.transaction(async (tx) => {
        await links.saveRules(tx, result.data, options.clock.now());
        await audit(tx, actor, 'set-identification-rules', 'setting', 'identification_rules', { name: result.data.name });
      });
      return result.data;
    },

    async districts(actor: Actor) {
      await requireFeature(actor, 'identification.list', 'You do not have access to the identification list');
      return links.districts(db);
    },

    async agreements(actor: Caller) {
      await allow(actor);
      return repo.agreements(db);
    },

    async createAgreement(actor: Caller, input: unknown): Promise<string> {
      await allow(actor);
      const a = parse(agreementSchema, input);
      return db.transaction(async (tx) => {
        if (await repo.agreementByName(tx, a.name)) throw new ValidationError({ name: 'An agreement with this name already exists' });
        const id = randomUUID();
        await repo.insertAgreement(tx, { id, name: a.name, parties: a.parties, lawful_basis: a.lawfulBasis, article9_condition: a.article9Condition, review_date: a.reviewDate });
        await audit(tx, actor, 'sharing-agreement-created', 'sharing_agreement', id, { name: a.name });
        return id;
      });
    },

    /** The agreement named on the command line, by name or id. */
    async agreementId(actor: Caller, nameOrId: string): Promise<string> {
      await allow(actor);
      const found = (await repo.agreementByName(db, nameOrId)) ?? (/^[0-9a-f-]{36}$/i.test(nameOrId) ? await repo.agreement(db, nameOrId) : null);
      if (!found) throw new ValidationError({ agreement: `No data-sharing agreement is called '${nameOrId}'` });
      return found.id;
    },

    async mappings(actor: Caller) {
      await allow(actor);
      return repo.mappings(db);
    },

    async saveMapping(actor: Caller, input: unknown): Promise<void> {
      await allow(actor);
      const m = parse(mappingSchema, input);
      const mapping = Object.fromEntries(Object.entries(m.mapping).filter(([, header]) => header !== ''));
      await db.transaction(async (tx) => {
        await repo.saveMapping(tx, randomUUID(), m.source, m.agencyName, mapping, options.clock.now());
        await audit(tx, actor, 'column-mapping-saved', 'column_mapping', null, { source: m.source, agencyName: m.agencyName });
      });
    },

    async extracts(actor: Caller): Promise<ExtractRow[]> {
      await allow(actor);
      return repo.extracts(db);
    },

    /**
     * Loads one extract: every row is checked first; a file with any bad row is refused whole
     * unless validOnly; then the rows go in, in batches, in one transaction. The same file
     * (by hash), or a row already loaded from the same source (by its record_id), adds nothing.
     */
    async ingest(actor: Caller, input: IngestInput): Promise<IngestResult> {
      await allow(actor);
      const { fields, agreement, kind } = await checkAnswers(input);
      return loadFile(actor, { path: input.path, filename: input.filename }, fields, agreement, kind, randomUUID(), noProgress);
    },

    /**
     * Loading an extract as a background job: the answers are checked now (the same checks and
     * messages as the page), the file is kept in the database in 1 MiB chunks, and a worker on any
     * machine loads it. Returns the job's id; nothing here reads the file's rows.
     */
    async startExtractLoad(actor: Caller, input: IngestInput): Promise<{ jobId: string; uploadId: string }> {
      await allow(actor);
      const jobs = needJobs();
      const { fields, agreement } = await checkAnswers(input);
      const uploadId = randomUUID();
      let bytes = 0;
      await jobRepo.insertUpload(db, { id: uploadId, source: fields.source, agencyName: fields.agencyName, agreementId: agreement.id, filename: input.filename, validOnly: fields.validOnly, uploadedBy: actor?.id ?? null, at: options.clock.now() });
      // One chunk per statement: a large file never holds the database (PGlite has one connection) for long.
      let seq = 0;
      for await (const chunk of createReadStream(input.path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
        await jobRepo.insertChunk(db, uploadId, seq++, chunk);
        bytes += chunk.length;
      }
      const jobId = await db.transaction(async (tx) => {
        await jobRepo.uploadStored(tx, uploadId, bytes);
        const id = await jobs.enqueue(tx, { kind: 'extract-load', payload: { uploadId, actor: storedActor(actor), form: { source: fields.source, agreementId: agreement.id, agencyName: fields.agencyName, validOnly: fields.validOnly, filename: input.filename } }, createdBy: actor?.id ?? null });
        await audit(tx, actor, 'extract-load-queued', 'background_job', id, { filename: input.filename, source: fields.source, bytes });
        return id;
      });
      jobs.kick();
      return { jobId, uploadId };
    },

    /** A matching run as a background job. Returns the job's id. */
    async startMatching(actor: Caller): Promise<string> {
      await allow(actor);
      needEngine();
      const jobs = needJobs();
      const jobId = await db.transaction(async (tx) => {
        const id = await jobs.enqueue(tx, { kind: 'matching', payload: { actor: storedActor(actor), partitions: options.partitions ?? 1 }, createdBy: actor?.id ?? null });
        await audit(tx, actor, 'linkage-run-queued', 'background_job', id);
        return id;
      });
      jobs.kick();
      return jobId;
    },

    /** One identification job: its stage, percent and time left, and what it produced. */
    async job(actor: Caller, jobId: string): Promise<JobView> {
      await allow(actor);
      const job = await needJobs().get(jobId);
      if (!job || !(job.kind in identificationJobKinds)) throw new NotFoundError('Job');
      return jobView(job);
    },

    /** Jobs waiting or running, for the identification page. */
    async activeJobs(actor: Caller): Promise<JobView[]> {
      await allow(actor);
      if (!options.jobs) return [];
      return (await options.jobs.active(Object.keys(identificationJobKinds))).map(jobView);
    },

    /** Asks a job to stop: a waiting job is cancelled now, a running one at its next checkpoint. Audited. */
    async cancelJob(actor: Caller, jobId: string): Promise<JobView> {
      await allow(actor);
      const jobs = needJobs();
      const job = await jobs.get(jobId);
      if (!job || !(job.kind in identificationJobKinds)) throw new NotFoundError('Job');
      if (job.status !== 'queued' && job.status !== 'running') throw new RuleViolation('This job has already finished: there is nothing to cancel');
      await db.transaction(async (tx) => {
        await jobs.requestCancel(tx, jobId);
        await audit(tx, actor, 'job-cancel-requested', 'background_job', jobId, { kind: job.kind });
      });
      return jobView((await jobs.get(jobId))!);
    },
  };

  /**
   * Reads every record and matches them: people, households and their assessments, and the pairs
   * to keep. Returns only what is stored (ids, not records), so the records read, a gigabyte at a
   * million, are let go before the run is written.
   */
  async function matchRecords(progress: Progress, linkStep: LinkStep | undefined) {
    const linker = needEngine();
    const total = await repo.recordCount(db);
    await progress('reading', 0, total);
    const rows = await allRecords((read) => progress('reading', read, total));
    const decisions = (await links.clericalDecisions(db)).map((d) => ({ left: d.left_record_id, right: d.right_record_id, match: d.is_match }));
    await progress('matching', 0, rows.length);
    const { clusterOf, model, pairs, reviewsKept, engineStats } = await keptPairs(linkStep ? await linkStep(rows.map(personRecord), rows, decisions) : await linker.link(rows.map(personRecord), { decisions }));
    await progress('households', 0, null);
    // The loops below take seconds at a million records: they let pages through every few milliseconds.
    const pace = pacer();
    await pace();

    // A person's id is the smallest record id in its cluster (records come in id order), so it is stable across runs.
    const personOfCluster = new Map<number, string>();
    const personOf: string[] = [];
    const recordsOf = new Map<string, MatchRow[]>();
    for (let i = 0; i < rows.length; i += 1) {
      const rep = clusterOf[i];
      if (!personOfCluster.has(rep)) personOfCluster.set(rep, rows[i].id);
      const person = personOfCluster.get(rep)!;
      personOf.push(person);
      const list = recordsOf.get(person);
      if (list) list.push(rows[i]);
      else recordsOf.set(person, [rows[i]]);
      if (i % 1000 === 999) await pace();
    }
    const people: PersonForHousehold[] = [];
    for (const [personId, records] of recordsOf) {
      people.push({ personId, records: records.map((r) => ({ postcode: r.postcode, address: r.address, eventDate: r.event_date, group: r.group_ref ? `${r.source}:${r.group_ref}` : null })) });
      if (people.length % 1000 === 0) await pace();
    }
    const steps = householdSteps(people);
    let step = steps.next();
    for (; !step.done; step = steps.next()) await pace();
    const households = step.value;
    const assess = await assessor();
    const householdRows: HouseholdInsert[] = [];
    for (const h of households) {
      householdRows.push(householdRow(h.householdId, h.postcode, h.address, assess(h.householdId, h.personIds.map((p) => memberFacts(p, recordsOf.get(p)!.map(parsedRow))))));
      if (householdRows.length % 1000 === 0) await progress('households', householdRows.length, households.length);
      await pace();
    }
    return {
      ids: rows.map((r) => r.id), personOf, households, householdRows, pairs, model,
      stats: {
        records: rows.length, people: recordsOf.size, households: households.length, comparisons: engineStats.comparisons,
        links: engineStats.links, reviews: engineStats.reviews, reviewsKept, decisionsFedBack: decisions.length, engineSeconds: engineStats.seconds,
      },
    };
  }

  /**
   * The pairs a run stores, and the rest of the engine's result: its whole list of pairs is let go
   * here. Pairs stay record indexes until each batch is written.
   */
  async function keptPairs(result: LinkageResult) {
    const pace = pacer();
    // Nobody reviews a million pairs: keep the review pairs nearest the link threshold, and every linked pair.
    const reviewWeights = Float64Array.from(result.pairs.filter((p) => p.decision === 'review'), (p) => p.weight).sort();
    const reviewCut = reviewWeights[reviewWeights.length - reviewLimit] ?? -Infinity;
    // Keyed by the pair's two indexes, smaller first: the key drops repeats, and its order is index order.
    const byKey = new Map<number, ScoredPair>();
    let reviewsKept = 0;
    for (const [i, p] of result.pairs.entries()) {
      if (i % 1000 === 999) await pace();
      if (p.decision === 'review' && p.weight < reviewCut) continue;
      const key = Math.min(p.left, p.right) * result.clusterOf.length + Math.max(p.left, p.right);
      if (byKey.has(key)) continue;
      byKey.set(key, p);
      if (p.decision === 'review') reviewsKept += 1;
    }
    // In index order, which is id order (records come in id order), the table's key: each batch goes
    // into the pair index, and looks its records up, near where the last one did.
    const keys = Float64Array.from(byKey.keys()).sort();
    await pace();
    const pairs: ScoredPair[] = [];
    for (const key of keys) {
      pairs.push(byKey.get(key)!);
      if (pairs.length % 1000 === 0) await pace();
    }
    return { clusterOf: result.clusterOf, model: result.model, engineStats: result.stats, pairs, reviewsKept };
  }

  /** Every record, in id order (the engine's input order), read a page at a time. */
  async function allRecords(read: (count: number) => Promise<void> = async () => undefined): Promise<MatchRow[]> {
    const rows: MatchRow[] = [];
    // Names, dates, postcodes and addresses repeat across a million records: each row keeps one shared copy of its value, not its own.
    const copies = new Map<string, string>();
    const one = <V extends string | null>(value: V): V => {
      if (value === null) return value;
      const kept = copies.get(value);
      if (kept !== undefined) return kept as V;
      copies.set(value, value);
      return value;
    };
    for (let after: string | null = null; ;) {
      const page = await repo.recordsPage(db, after, 10_000);
      if (!page.length) break;
      for (const r of page) {
        rows.push({
          ...r, source: one(r.source), first_name: one(r.first_name), last_name: one(r.last_name), date_of_birth: one(r.date_of_birth), sex: one(r.sex),
          postcode: one(r.postcode), address: one(r.address), event_date: one(r.event_date),
        });
      }
      after = page[page.length - 1].id;
      await read(rows.length);
    }
    return rows;
  }

  /**
   * The matching step of a run in partitions: the partitions are queued as jobs of their own (for
   * any worker), this worker runs partitions too while it waits, then merges them. A run taken
   * over by another worker finds its partitions already queued, and waits for them.
   */
  async function partitionedLink(context: JobContext, count: number, records: PersonRecord[], rows: readonly MatchRow[], decisions: PairDecision[]): Promise<LinkageResult> {
    const jobs = needJobs();
    const linker = needEngine();
    if (!linker.comparePartition || !linker.linkPartitions) throw new RuleViolation('This record-linkage engine cannot split a run into partitions');
    const digest = recordsDigest(rows);
    if (!(await jobs.children(context.job.id)).length) {
      await db.transaction(async (tx) => {
        for (let index = 0; index < count; index += 1) {
          await jobs.enqueue(tx, { kind: 'matching-partition', payload: { index, count, digest }, createdBy: context.job.created_by, parentId: context.job.id });
        }
      });
      jobs.kick();
    }
    for (;;) {
      const children = await jobs.children(context.job.id);
      const finished = children.filter((c) => c.status === 'done');
      const broken = children.find((c) => c.status === 'failed' || c.status === 'cancelled');
      if (broken) throw new Error(`A partition of the run stopped: ${broken.error ?? broken.status}`);
      if (finished.length === children.length) {
        await context.progress('matching', count, count, { force: true });
        const parts: PartitionPairs[] = [];
        for (const c of finished) parts.push(decodePartition(Buffer.concat(await links.partitionChunks(db, c.id))));
        const result = linker.linkPartitions(records, parts, { decisions });
        await links.dropPartitionChunks(db, finished.map((c) => c.id));
        return result;
      }
      try {
        await context.progress('matching', finished.length, count, { force: true });
      } catch (error) {
        if (error instanceof JobCancelled) for (const c of children) if (c.status === 'queued' || c.status === 'running') await jobs.requestCancel(db, c.id);
        throw error;
      }
      // Help with the run's own partitions while waiting; sleep a little when none is left to take.
      if (!(await jobs.runNext(context.worker, ['matching-partition']))) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** One partition: the same records in the same order as the run read (checked), its blocks compared. */
  async function runPartition(context: JobContext): Promise<{ pairs: number }> {
    const { index, count, digest } = context.job.payload as { index: number; count: number; digest: string };
    const rows = await allRecords();
    if (recordsDigest(rows) !== digest) throw new Error('The records changed while the run was under way: run matching again');
    await context.progress('comparing', 0, 1);
    const part = needEngine().comparePartition!(rows.map(personRecord), { index, count });
    const bytes = encodePartition(part);
    // A partition taken over from a worker that stopped may have left chunks: start again.
    await links.dropPartitionChunks(db, [context.job.id]);
    for (let seq = 0, at = 0; at < bytes.length; seq += 1, at += chunkBytes) await links.insertPartitionChunk(db, context.job.id, seq, bytes.subarray(at, at + chunkBytes));
    return { pairs: part.left.length };
  }

  function jobView(job: JobRow): JobView {
    const kind = job.kind as IdentificationJobKind;
    return {
      id: job.id, kind, status: job.status, createdAt: job.created_at, finishedAt: job.finished_at, cancelRequested: job.cancel_requested,
      result: job.result, error: job.error, form: (job.payload as { form?: JobView['form'] }).form ?? null,
      progress: jobProgress(identificationJobKinds[kind], { status: job.status, stage: job.stage, done: job.done, total: job.total, stageStartedAt: job.stage_started_at }, options.clock.now()),
    };
  }

  function needJobs(): JobsService {
    if (!options.jobs) throw new RuleViolation('Background jobs are not available');
    return options.jobs;
  }

  function storedActor(actor: Caller) {
    return actor && { id: actor.id, role: actor.role, displayName: actor.displayName, agencyId: actor.agencyId, teamId: actor.teamId, ip: actor.ip };
  }

  /** The answers with the file: the file's name, the agreement (found, and not past its review) and the rest, all at once. */
  async function checkAnswers(input: IngestInput) {
    const chosen = z.uuid().safeParse(input.agreementId).success ? await repo.agreement(db, input.agreementId) : undefined;
    const fields = parse(ingestSchemaWith({
      filename: input.filename, today: today(),
      agreement: chosen === undefined ? undefined : chosen && { name: chosen.name, reviewDate: chosen.review_date, reviewWords: formatDate(chosen.review_date) },
    }), { source: input.source, agreementId: input.agreementId, agencyName: input.agencyName ?? '', validOnly: input.validOnly ?? false });
    return { fields, agreement: chosen!, kind: fileKindOf(input.filename)! };
  }

  /**
   * Loads one extract: every row is checked first; a file with any bad row is refused whole
   * unless validOnly; then the rows go in, in batches of short transactions (a cancel or a failure
   * part way removes the rows loaded so far). The same file (by hash), or a row already loaded
   * from the same source (by its record_id), adds nothing.
   */
  async function loadFile(actor: Caller, file: { path: string; filename: string }, fields: { source: keyof typeof extractFormats; agencyName: string; validOnly: boolean }, agreement: { id: string; name: string }, kind: 'csv' | 'xlsx', extractId: string, progress: Progress): Promise<IngestResult> {
    const base = { filename: file.filename, rowsRead: 0, rowsLoaded: 0, rowsInvalid: 0, rowsAlreadyLoaded: 0, problemCount: 0, problems: [] as RowProblem[] };
    await progress('reading', 0, null);
    const hash = await hashFile(file.path);
    const earlier = await repo.extractByHash(db, hash);
    if (earlier) {
      await db.transaction((tx) => audit(tx, actor, 'extract-already-loaded', 'source_extract', earlier.id, { filename: file.filename }));
      return { ...base, status: 'already-loaded', extractId: earlier.id, message: `This file was already loaded on ${earlier.loaded_at.slice(0, 10)} (as ${earlier.filename}): nothing was added` };
    }

    const mapping = (await repo.mapping(db, fields.source, fields.agencyName)) ?? {};
    const lines = await lineCount(file.path, kind);
    const rowsTotal = lines === null ? null : Math.max(0, lines - 1);
    await progress('checking', 0, rowsTotal);
    const checked = await check(file.path, kind, fields.source, mapping, progress, rowsTotal);
    const summary = { ...base, rowsRead: checked.rowsRead, rowsInvalid: checked.rowsInvalid, problemCount: checked.problemCount, problems: checked.problems };
    const refuse = (message: string): IngestResult => ({ ...summary, status: 'refused', extractId: null, message });
    if (checked.headerProblems.length) return refuse(checked.headerProblems[0].field === 'file' ? 'The file cannot be read: nothing was loaded' : 'The file’s columns do not match the format: nothing was loaded');
    if (checked.rowsInvalid > 0 && !fields.validOnly) {
      return refuse(`${checked.rowsInvalid.toLocaleString('en-GB')} of ${checked.rowsRead.toLocaleString('en-GB')} rows have problems: nothing was loaded. Correct them, or choose to load only the valid rows`);
    }
    if (checked.rowsRead - checked.rowsInvalid === 0) return refuse('The file has no valid rows: nothing was loaded');

    const format = extractFormats[fields.source];
    let loaded = 0;
    let valid = 0;
    await progress('loading', 0, checked.rowsRead);
    await repo.insertExtract(db, { id: extractId, source: fields.source, agencyName: fields.agencyName, agreementId: agreement.id, filename: file.filename, hash, loadedBy: actor?.id ?? null });
    // One batch is written while the next is read and checked (the server and this process each have work).
    let writing: Promise<number> = Promise.resolve(0);
    try {
      let index: Record<string, number> | null = null;
      let row = 0;
      let batch: (SourceRow & { id: string })[] = [];
      const write = async (rows: (SourceRow & { id: string })[]) => {
        loaded += await writing;
        writing = repo.insertRecords(db, extractId, fields.source, rows);
        // Its failure is seen where it is awaited: at the next batch, at the end, or before the rows are removed.
        writing.catch(() => undefined);
      };
      for await (const cells of readRows(file.path, kind)) {
        row += 1;
        if (!index) {
          index = planHeaders(format, cells, mapping).index;
          continue;
        }
        const { record } = validateRow(format, cells, index, row, fields.agencyName);
        if (!record) continue;
        valid += 1;
        batch.push({ ...record, id: randomUUID() });
        if (batch.length >= batchSize) {
          await write(batch);
          batch = [];
          await progress('loading', row - 1, checked.rowsRead);
        }
      }
      await write(batch);
      loaded += await writing;
      await progress('loading', checked.rowsRead, checked.rowsRead);
    } catch (error) {
      // A batch still being written would land after the removal.
      await writing.catch(() => undefined);
      await db.transaction((tx) => repo.discardExtract(tx, extractId));
      throw error;
    }
    await db.transaction(async (tx) => {
      await repo.finishExtract(tx, extractId, { read: checked.rowsRead, loaded, invalid: checked.rowsInvalid, already: valid - loaded });
      await audit(tx, actor, 'extract-loaded', 'source_extract', extractId, {
        source: fields.source, filename: file.filename, agreement: agreement.name, rowsLoaded: loaded, rowsInvalid: checked.rowsInvalid,
      });
    });
    const skipped = checked.rowsInvalid ? `; ${count(checked.rowsInvalid, 'row')} with problems ${noun(checked.rowsInvalid, 'was', 'were')} left out` : '';
    const already = valid - loaded ? `; ${count(valid - loaded, 'row')} ${noun(valid - loaded, 'was', 'were')} already loaded` : '';
    return { ...summary, status: 'loaded', extractId, rowsLoaded: loaded, rowsAlreadyLoaded: valid - loaded, message: `Loaded ${count(loaded, 'row')}${skipped}${already}` };
  }

  /** The extract-load job: the stored file is written to this worker's own temporary directory, loaded, and the chunks removed. */
  async function runExtractLoad(context: JobContext): Promise<IngestResult> {
    const actor = actorOf(context.job);
    const uploadId = String((context.job.payload as { uploadId: string }).uploadId);
    const upload = await jobRepo.upload(db, uploadId);
    if (!upload) throw new NotFoundError('Extract upload');
    const agreement = await repo.agreement(db, upload.agreement_id);
    if (!agreement) throw new NotFoundError('Agreement');
    // A worker that stopped part way (and was taken over) leaves rows under the upload's id: remove them first.
    if (await repo.extractExists(db, uploadId)) await db.transaction((tx) => repo.discardExtract(tx, uploadId));
    await jobRepo.setUploadStatus(db, uploadId, 'loading');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-extract-'));
    const file = path.join(dir, path.basename(upload.filename));
    try {
      const out = createWriteStream(file);
      let done = 0;
      for (let seq = 0; ; seq += 1) {
        const chunk = await jobRepo.chunk(db, uploadId, seq);
        if (!chunk) break;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        done += chunk.length;
        await context.progress('reading', done, upload.bytes);
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const kind = fileKindOf(upload.filename)!;
      const fields = { source: upload.source as keyof typeof extractFormats, agencyName: upload.agency_name, validOnly: upload.valid_only };
      const result = await loadFile(actor, { path: file, filename: upload.filename }, fields, agreement, kind, uploadId, context.progress);
      await db.transaction(async (tx) => {
        await jobRepo.setUploadStatus(tx, uploadId, result.status, result.status === 'loaded' ? uploadId : null);
        await jobRepo.dropChunks(tx, uploadId);
      });
      return result;
    } catch (error) {
      await jobRepo.setUploadStatus(db, uploadId, error instanceof JobCancelled ? 'cancelled' : 'failed');
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  if (options.jobs) {
    options.jobs.register('extract-load', runExtractLoad);
    options.jobs.register('matching', async (context) => {
      const count = Number((context.job.payload as { partitions?: number }).partitions ?? 1);
      return service.identify(actorOf(context.job), context.progress, count > 1 ? (records, rows, decisions) => partitionedLink(context, count, records, rows, decisions) : undefined);
    });
    options.jobs.register('matching-partition', runPartition);
  }
  return service;
}

export type IdentificationService = ReturnType<typeof identificationService>;
