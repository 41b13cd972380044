import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { UserRole } from '../../domain/codes.ts';
import { ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { groupHouseholds } from '../../domain/identification/households.ts';
import {
  assessHousehold, defaultIdentificationRules, identificationRulesSchema, type CostRate, type IdentificationRules, type HouseholdAssessment, type MemberFacts,
} from '../../domain/identification/prioritise.ts';
import type { LevelOfNeedRules } from '../../domain/level-of-need.ts';
import type { Explanation, LinkageModel, LinkageResult, PairDecision, PersonRecord } from '../../domain/linkage/types.ts';
import { withFamilyAccess } from '../access/family-access.ts';
import { auditShown, offers, requireFeature } from '../access/policy.ts';
import { extractFormats } from '../../domain/identification/formats.ts';
import { planHeaders, validateRow, type RowProblem, type SourceRow } from '../../domain/identification/validate.ts';
import { auditRepository } from '../audit/repository.ts';
import { FileFormatError, fileKindOf, hashFile, readRows } from './reader.ts';
import {
  identificationRepository as repo, linkageRepository as links, orderPair, type ExtractRow, type HouseholdFilter, type HouseholdInsert, type RecordRow,
} from './repository.ts';
import { agreementSchema, ingestSchemaWith, mappingSchema } from './schemas.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { formatDate } from '../../domain/dates.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { count, noun } from '../../domain/plural.ts';

/** Who may load extracts, run matching and review pairs: the linked data of the whole partnership. */
export const identificationRoles = rolesWith('identification.data');

/** Problems kept to show; the count of all problems is kept too. */
const problemLimit = 1000;
const batchSize = 500;
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
  link(records: readonly PersonRecord[], options?: { decisions?: PairDecision[] }): LinkageResult;
  explain(model: LinkageModel, left: PersonRecord, right: PersonRecord): Explanation;
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

function personRecord(r: RecordRow): PersonRecord {
  return { key: r.id, firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.date_of_birth, sex: r.sex, postcode: r.postcode, address: r.address };
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
    segment: a.segment, reasons: a.reasons, assessment: { members: a.members, problems: a.problems, level: a.level, costLines: a.costLines, uncosted: a.uncosted },
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
    return (householdId: string, members: MemberFacts[]) => assessHousehold({ householdId, members }, { today: today(), rules, levelRules, costs });
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
  async function check(path: string, kind: 'csv' | 'xlsx', source: keyof typeof extractFormats, mapping: Record<string, string>) {
    try {
      return await checkRows(path, kind, source, mapping);
    } catch (error) {
      if (!(error instanceof FileFormatError)) throw error;
      const unreadable = [{ row: error.row, field: 'file', value: '', reason: error.reason }];
      return { headerProblems: unreadable, problems: unreadable, problemCount: 1, rowsRead: 0, rowsInvalid: 0 };
    }
  }

  async function checkRows(path: string, kind: 'csv' | 'xlsx', source: keyof typeof extractFormats, mapping: Record<string, string>) {
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

  return {
    /**
     * Matches every source record: people (clusters), scored pairs for review, households, and each
     * household's assessment, replacing the last run's. Clerical decisions are kept and fed back,
     * so the same records and decisions give the same people and households every time.
     */
    async identify(actor: Caller) {
      await allow(actor);
      const linker = needEngine();
      const started = performance.now();
      const rows: RecordRow[] = [];
      for (let after: string | null = null; ;) {
        const page = await repo.recordsPage(db, after, 10_000);
        if (!page.length) break;
        for (const r of page) rows.push(r);
        after = page[page.length - 1].id;
      }
      const decisions = (await links.clericalDecisions(db)).map((d) => ({ left: d.left_record_id, right: d.right_record_id, match: d.is_match }));
      const result = linker.link(rows.map(personRecord), { decisions });

      // A person's id is the smallest record id in its cluster (records come in id order), so it is stable across runs.
      const personOfCluster = new Map<number, string>();
      const personOf: string[] = rows.map((r, i) => {
        const rep = result.clusterOf[i];
        if (!personOfCluster.has(rep)) personOfCluster.set(rep, r.id);
        return personOfCluster.get(rep)!;
      });
      const recordsOf = new Map<string, RecordRow[]>();
      rows.forEach((r, i) => {
        const list = recordsOf.get(personOf[i]);
        if (list) list.push(r);
        else recordsOf.set(personOf[i], [r]);
      });
      const households = groupHouseholds([...recordsOf].map(([personId, records]) => ({
        personId, records: records.map((r) => ({ postcode: r.postcode, address: r.address, eventDate: r.event_date, group: r.group_ref ? `${r.source}:${r.group_ref}` : null })),
      })));
      const assess = await assessor();
      const householdRows = households.map((h) => householdRow(h.householdId, h.postcode, h.address, assess(h.householdId, h.personIds.map((p) => memberFacts(p, recordsOf.get(p)!)))));

      const seen = new Set<string>();
      const pairs: [string, string, number, number, string][] = [];
      // Nobody reviews a million pairs: keep the review pairs nearest the link threshold, and every linked pair.
      const reviewCut = result.pairs.filter((p) => p.decision === 'review').map((p) => p.weight).sort((a, b) => b - a)[reviewLimit - 1] ?? -Infinity;
      for (const p of result.pairs) {
        if (p.decision === 'review' && p.weight < reviewCut) continue;
        const [l, r] = orderPair(rows[p.left].id, rows[p.right].id);
        if (seen.has(`${l}${r}`)) continue;
        seen.add(`${l}${r}`);
        pairs.push([l, r, p.weight, p.probability, p.decision]);
      }
      const stats = {
        records: rows.length, people: recordsOf.size, households: households.length, comparisons: result.stats.comparisons,
        links: result.stats.links, reviews: result.stats.reviews, reviewsKept: pairs.filter((p) => p[4] === 'review').length, decisionsFedBack: decisions.length, engineSeconds: result.stats.seconds,
      };
      const runId = randomUUID();
      await db.transaction(async (tx) => {
        await links.clearLinkage(tx);
        await links.insertPersons(tx, rows.map((r, i) => [r.id, personOf[i]]));
        await links.insertHouseholds(tx, householdRows);
        await links.insertMembers(tx, households.flatMap((h) => h.personIds.map((p) => [p, h.householdId] as [string, string])));
        await links.insertPairs(tx, pairs);
        await links.matchFamilies(tx);
        await links.insertRun(tx, runId, actor?.id ?? null, result.model, { ...stats, seconds: (performance.now() - started) / 1000 });
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
              if (!(await links.householdOf(tx, keep))) await links.insertMembers(tx, [[keep, keepH]]);
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
      // The file, the agreement (found, and not past its review) and the other answers, all at once.
      const chosen = z.uuid().safeParse(input.agreementId).success ? await repo.agreement(db, input.agreementId) : undefined;
      const fields = parse(ingestSchemaWith({
        filename: input.filename, today: today(),
        agreement: chosen === undefined ? undefined : chosen && { name: chosen.name, reviewDate: chosen.review_date, reviewWords: formatDate(chosen.review_date) },
      }), { source: input.source, agreementId: input.agreementId, agencyName: input.agencyName ?? '', validOnly: input.validOnly ?? false });
      const kind = fileKindOf(input.filename)!;
      const agreement = chosen!;

      const base = { filename: input.filename, rowsRead: 0, rowsLoaded: 0, rowsInvalid: 0, rowsAlreadyLoaded: 0, problemCount: 0, problems: [] as RowProblem[] };
      const hash = await hashFile(input.path);
      const earlier = await repo.extractByHash(db, hash);
      if (earlier) {
        await db.transaction((tx) => audit(tx, actor, 'extract-already-loaded', 'source_extract', earlier.id, { filename: input.filename }));
        return { ...base, status: 'already-loaded', extractId: earlier.id, message: `This file was already loaded on ${earlier.loaded_at.slice(0, 10)} (as ${earlier.filename}): nothing was added` };
      }

      const mapping = (await repo.mapping(db, fields.source, fields.agencyName)) ?? {};
      const checked = await check(input.path, kind, fields.source, mapping);
      const summary = { ...base, rowsRead: checked.rowsRead, rowsInvalid: checked.rowsInvalid, problemCount: checked.problemCount, problems: checked.problems };
      const refuse = (message: string): IngestResult => ({ ...summary, status: 'refused', extractId: null, message });
      if (checked.headerProblems.length) return refuse(checked.headerProblems[0].field === 'file' ? 'The file cannot be read: nothing was loaded' : 'The file’s columns do not match the format: nothing was loaded');
      if (checked.rowsInvalid > 0 && !fields.validOnly) {
        return refuse(`${checked.rowsInvalid.toLocaleString('en-GB')} of ${checked.rowsRead.toLocaleString('en-GB')} rows have problems: nothing was loaded. Correct them, or choose to load only the valid rows`);
      }
      if (checked.rowsRead - checked.rowsInvalid === 0) return refuse('The file has no valid rows: nothing was loaded');

      const format = extractFormats[fields.source];
      const extractId = randomUUID();
      let loaded = 0;
      let valid = 0;
      await db.transaction(async (tx) => {
        await repo.insertExtract(tx, { id: extractId, source: fields.source, agencyName: fields.agencyName, agreementId: agreement.id, filename: input.filename, hash, loadedBy: actor?.id ?? null });
        let index: Record<string, number> | null = null;
        let row = 0;
        let batch: (SourceRow & { id: string })[] = [];
        for await (const cells of readRows(input.path, kind)) {
          row += 1;
          if (!index) {
            index = planHeaders(format, cells, mapping).index;
            continue;
          }
          const { record } = validateRow(format, cells, index, row);
          if (!record) continue;
          valid += 1;
          batch.push({ ...record, id: randomUUID() });
          if (batch.length >= batchSize) {
            loaded += await repo.insertRecords(tx, extractId, fields.source, batch);
            batch = [];
          }
        }
        loaded += await repo.insertRecords(tx, extractId, fields.source, batch);
        await repo.finishExtract(tx, extractId, { read: checked.rowsRead, loaded, invalid: checked.rowsInvalid, already: valid - loaded });
        await audit(tx, actor, 'extract-loaded', 'source_extract', extractId, {
          source: fields.source, filename: input.filename, agreement: agreement.name, rowsLoaded: loaded, rowsInvalid: checked.rowsInvalid,
        });
      });
      const skipped = checked.rowsInvalid ? `; ${count(checked.rowsInvalid, 'row')} with problems ${noun(checked.rowsInvalid, 'was', 'were')} left out` : '';
      const already = valid - loaded ? `; ${count(valid - loaded, 'row')} ${noun(valid - loaded, 'was', 'were')} already loaded` : '';
      return { ...summary, status: 'loaded', extractId, rowsLoaded: loaded, rowsAlreadyLoaded: valid - loaded, message: `Loaded ${count(loaded, 'row')}${skipped}${already}` };
    },
  };
}

export type IdentificationService = ReturnType<typeof identificationService>;
