import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { UserRole } from '../../domain/codes.ts';
import { todayIso } from '../../domain/dates.ts';
import { ForbiddenError, ValidationError } from '../../domain/errors.ts';
import { extractFormats } from '../../domain/identification/formats.ts';
import { planHeaders, validateRow, type RowProblem, type SourceRow } from '../../domain/identification/validate.ts';
import { auditRepository } from '../audit/repository.ts';
import { fileKindOf, hashFile, readRows } from './reader.ts';
import { identificationRepository as repo, type ExtractRow } from './repository.ts';
import { agreementSchema, fieldErrors, ingestSchema, mappingSchema } from './schemas.ts';

/** Who may load extracts, run matching and review pairs: the linked data of the whole partnership. */
export const identificationRoles: readonly UserRole[] = ['analyst'];

/** Problems kept to show; the count of all problems is kept too. */
const problemLimit = 1000;
const batchSize = 500;

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

export function identificationService(db: Database, options: { today?: () => string } = {}) {
  const today = options.today ?? (() => todayIso());

  function allow(actor: Caller) {
    if (actor && !identificationRoles.includes(actor.role)) throw new ForbiddenError('Only analysts can use the linked agency data');
  }

  async function audit(q: Queryable, actor: Caller, action: string, recordType: string, recordId: string | null, detail: Record<string, unknown> = {}) {
    await auditRepository.insert(q, { userId: actor?.id ?? null, action, recordType, recordId, outcome: 'allowed', ip: actor?.ip ?? null, detail: actor ? detail : { ...detail, via: 'command line' } });
  }

  /** Reads the whole file once, checking every row, before anything is written. */
  async function check(path: string, kind: 'csv' | 'xlsx', source: keyof typeof extractFormats, mapping: Record<string, string>) {
    const format = extractFormats[source];
    const problems: RowProblem[] = [];
    let problemCount = 0;
    let rowsRead = 0;
    let rowsInvalid = 0;
    let index: Record<string, number> | null = null;
    let row = 0;
    for await (const cells of readRows(path, kind)) {
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
    if (!index) {
      const empty = [{ row: 1, field: 'file', value: '', reason: 'is empty: it has no header row' }];
      return { headerProblems: empty, problems: empty, problemCount: 1, rowsRead: 0, rowsInvalid: 0 };
    }
    return { headerProblems: [], problems, problemCount, rowsRead, rowsInvalid };
  }

  return {
    async agreements(actor: Caller) {
      allow(actor);
      return repo.agreements(db);
    },

    async createAgreement(actor: Caller, input: unknown): Promise<string> {
      allow(actor);
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
      allow(actor);
      const found = (await repo.agreementByName(db, nameOrId)) ?? (/^[0-9a-f-]{36}$/i.test(nameOrId) ? await repo.agreement(db, nameOrId) : null);
      if (!found) throw new ValidationError({ agreement: `No data-sharing agreement is called '${nameOrId}'` });
      return found.id;
    },

    async mappings(actor: Caller) {
      allow(actor);
      return repo.mappings(db);
    },

    async saveMapping(actor: Caller, input: unknown): Promise<void> {
      allow(actor);
      const m = parse(mappingSchema, input);
      const mapping = Object.fromEntries(Object.entries(m.mapping).filter(([, header]) => header !== ''));
      await db.transaction(async (tx) => {
        await repo.saveMapping(tx, randomUUID(), m.source, m.agencyName, mapping);
        await audit(tx, actor, 'column-mapping-saved', 'column_mapping', null, { source: m.source, agencyName: m.agencyName });
      });
    },

    async extracts(actor: Caller): Promise<ExtractRow[]> {
      allow(actor);
      return repo.extracts(db);
    },

    /**
     * Loads one extract: every row is checked first; a file with any bad row is refused whole
     * unless validOnly; then the rows go in, in batches, in one transaction. The same file
     * (by hash), or a row already loaded from the same source (by its record_id), adds nothing.
     */
    async ingest(actor: Caller, input: IngestInput): Promise<IngestResult> {
      allow(actor);
      const fields = parse(ingestSchema, { source: input.source, agreementId: input.agreementId, agencyName: input.agencyName ?? '', validOnly: input.validOnly ?? false });
      const kind = fileKindOf(input.filename);
      if (!kind) throw new ValidationError({ file: 'The file must be a CSV or an XLSX spreadsheet' });
      const agreement = await repo.agreement(db, fields.agreementId);
      if (!agreement) throw new ValidationError({ agreementId: 'Select the data-sharing agreement that allows this extract' });
      if (agreement.review_date < today()) throw new ValidationError({ agreementId: `The agreement ${agreement.name} was due for review on ${agreement.review_date}: review it before loading more data under it` });

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
      if (checked.headerProblems.length) return refuse('The file’s columns do not match the format: nothing was loaded');
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
      const skipped = checked.rowsInvalid ? `; ${checked.rowsInvalid.toLocaleString('en-GB')} rows with problems were left out` : '';
      const already = valid - loaded ? `; ${(valid - loaded).toLocaleString('en-GB')} rows were already loaded` : '';
      return { ...summary, status: 'loaded', extractId, rowsLoaded: loaded, rowsAlreadyLoaded: valid - loaded, message: `Loaded ${loaded.toLocaleString('en-GB')} rows${skipped}${already}` };
    },
  };
}

export type IdentificationService = ReturnType<typeof identificationService>;
