import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { UserRole } from '../../domain/codes.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { compareAreas } from '../../domain/needs-analysis/area-comparison.ts';
import { auditVulnerabilities, auditVulnerabilityKeys, essexAudit, extrapolate } from '../../domain/needs-analysis/case-file-audit.ts';
import { formatKnownRule, parseKnownRule, type FamilyProfile } from '../../domain/needs-analysis/known.ts';
import { overlap, overlapVulnerabilities } from '../../domain/needs-analysis/overlap.ts';
import {
  parseAreaCountCsv, parsePopulationCsv, validateAreaCounts, validatePopulation, type AreaRule, type RawPopulationRow, type RowProblem,
} from '../../domain/needs-analysis/population.ts';
import { essexPrevalenceRates, prevalenceTable, type PopulationRow, type PrevalenceRate } from '../../domain/needs-analysis/prevalence.ts';
import { auditRepository } from '../audit/repository.ts';
import { needsAnalysisRepository as repo, type AuditRow, type Eligibility, type PopulationSetRow } from './repository.ts';
import { fieldErrors, validatedWith } from '../../domain/errors.ts';
import { countSetSchema, newPopulationSetSchema, populationSetSchema, ratesSchema, recordedAuditSchema, sampleAuditSchema } from './schemas.ts';
import { rolesWith, type Feature } from '../../domain/access/policy.ts';
import { requireFeature } from '../access/policy.ts';
import { count, noun } from '../../domain/plural.ts';

/** Who may use needs analysis: the figures are aggregates, but they come from families' needs. */
export const needsAnalysisRoles = rolesWith('needs-analysis.use');
/** Who may see which families an audit sampled (their references) and record what each file shows. */
export const auditSampleRoles = rolesWith('needs-analysis.sample');

export const essexPopulationName = 'Essex (Hidden Harm report, 2010)';
export const essexPopulation: PopulationRow[] = [
  { area: 'Essex', districtId: null, ageBand: '0-15', children: 262_000, births: 16_264, families: 160_000, people: 1_300_000 },
];
const essexPopulationSource = 'Essex Hidden Harm report (2010), section 4: 262,000 children aged 0-15; 16,264 births in Essex in 2009; '
  + 'just under 160,000 households with a dependent child (2001 Census); a population of 1.3 million';

export const eligibilityLabels: Record<Eligibility, string> = {
  all: 'families', looked_after: 'families with a looked-after child', child_protection_plan: 'families with a child on a child protection plan',
  child_in_need: 'families with a child in need',
};

/** Measures Lantern counts itself, for the area comparison beside any counts entered. */
export const lanternMeasures = {
  'lantern:children-with-vulnerability': 'Children living with a current parental vulnerability known to Lantern',
  'lantern:families-with-vulnerability': 'Families with a current parental vulnerability known to Lantern',
  'lantern:families': 'Families known to Lantern',
  'lantern:referrals': 'Referrals received in the last 12 months',
} as const;
type LanternMeasure = keyof typeof lanternMeasures;

/** One problem per field key, in row order, so the page can link each to its input. */
function problemErrors(problems: readonly RowProblem[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of problems) errors[`row${p.row}.${p.field}`] ??= p.message;
  return errors;
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

function toProfiles(rows: Awaited<ReturnType<typeof repo.profiles>>): FamilyProfile[] {
  return rows.map((r) => ({
    districtId: r.district_id, parentalCodes: r.parental_codes, motherCodes: r.mother_codes, needs: r.needs,
    families: r.families, children: r.children, unborn: r.unborn,
  }));
}

export function needsAnalysisService(db: Database, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  function allow(actor: Actor, feature: Feature = 'needs-analysis.use', what = 'Only analysts, managers and administrators can use needs analysis') {
    return requireFeature(actor, feature, what);
  }

  /** Every read of a report is audited: aggregate figures, so no family id. */
  async function read<T>(actor: Actor, report: string, detail: Record<string, unknown>, work: (tx: Queryable) => Promise<T>): Promise<T> {
    await allow(actor);
    return db.transaction(async (tx) => {
      const value = await work(tx);
      await auditRepository.insert(tx, { userId: actor.id, action: 'needs-analysis-report', recordType: 'needs_analysis', recordId: report, outcome: 'allowed', ip: actor.ip, detail: { report, ...detail } });
      return value;
    });
  }

  async function change<T>(actor: Actor, action: string, recordType: string, work: (tx: Queryable) => Promise<{ value: T; recordId?: string; detail?: Record<string, unknown> }>, feature: Feature = 'needs-analysis.use'): Promise<T> {
    await allow(actor, feature);
    return db.transaction(async (tx) => {
      const done = await work(tx);
      await auditRepository.insert(tx, { userId: actor.id, action, recordType, recordId: done.recordId ?? null, outcome: 'allowed', ip: actor.ip, detail: done.detail ?? {} });
      return done.value;
    });
  }

  async function rates(q: Queryable): Promise<PrevalenceRate[]> {
    const stored = await repo.rates(q);
    if (!stored.length) return essexPrevalenceRates.map((r) => ({ ...r }));
    return stored.map((r) => ({ key: r.key, label: r.label, rate: r.rate, base: r.base, source: r.source, roundTo: r.round_to, knownRule: r.known_rule }));
  }

  /** The population set asked for, or the best one to show: the partnership's districts if entered, else any with figures. */
  async function chooseSet(q: Queryable, id: string | undefined, filter: (s: PopulationSetRow) => boolean = () => true) {
    const sets = (await repo.populationSets(q)).filter(filter);
    const set = (id ? sets.find((s) => s.id === id) : undefined) ?? sets.find((s) => s.by_district && s.rows > 0) ?? sets.find((s) => s.rows > 0) ?? sets[0] ?? null;
    return { sets, set };
  }

  async function areaRule(q: Queryable, set: PopulationSetRow): Promise<AreaRule> {
    return set.by_district ? { districts: await repo.districts(q) } : { anyArea: true };
  }

  async function prevalenceOn(q: Queryable, populationSetId?: string) {
    const { sets, set } = await chooseSet(q, populationSetId);
    const rateList = await rates(q);
    if (!set) return { sets, set, rates: rateList, table: null, knownCounted: false, knownWithoutDistrict: 0 };
    const population = await repo.populationRows(q, set.id);
    const profiles = set.by_district ? toProfiles(await repo.profiles(q)) : null;
    const table = prevalenceTable(rateList, population, profiles);
    // Known families in no district of this population (no district recorded, or a district with no figures).
    const districtsShown = new Set(population.map((r) => r.districtId));
    const knownWithoutDistrict = profiles ? profiles.filter((p) => !districtsShown.has(p.districtId)).reduce((s, p) => s + p.families, 0) : 0;
    return { sets, set, rates: rateList, table, knownCounted: Boolean(profiles), knownWithoutDistrict };
  }

  async function overlapOn(q: Queryable) {
    const profiles = toProfiles(await repo.profiles(q));
    const result = overlap(profiles);
    const complexFamilies = profiles.filter((p) => p.needs >= 4).reduce((s, p) => s + p.families, 0);
    return { ...result, complexFamilies };
  }

  function measureOptions(countSets: { id: string; name: string; period: string }[]) {
    return [
      ...countSets.map((s) => ({ value: `set:${s.id}`, label: s.period ? `${s.name} (${s.period})` : s.name })),
      ...Object.entries(lanternMeasures).map(([value, label]) => ({ value, label })),
    ];
  }

  async function areasOn(q: Queryable, opts: { measure?: string; populationSetId?: string }) {
    const countSets = await repo.countSets(q);
    const measures = measureOptions(countSets);
    const measure = measures.find((m) => m.value === opts.measure) ?? measures[0];
    const { sets, set } = await chooseSet(q, opts.populationSetId, (s) => s.by_district);
    const districts = await repo.districts(q);
    const counts = new Map<string, number>();
    let source = '';
    if (measure.value.startsWith('set:')) {
      const countSet = countSets.find((s) => `set:${s.id}` === measure.value)!;
      source = countSet.source;
      for (const c of await repo.counts(q, countSet.id)) counts.set(c.district_id, c.count);
    } else if (measure.value === 'lantern:referrals') {
      const since = new Date(`${today()}T00:00:00Z`);
      since.setUTCFullYear(since.getUTCFullYear() - 1);
      for (const c of await repo.referralsByDistrict(q, since.toISOString().slice(0, 10))) counts.set(c.district_id, c.count);
      source = 'Lantern referrals attached to a family, by the family’s district';
    } else {
      const codes = overlapVulnerabilities.map((v) => v.code as string);
      for (const p of toProfiles(await repo.profiles(q))) {
        if (!p.districtId) continue;
        const vulnerable = p.parentalCodes.some((c) => codes.includes(c));
        const n = measure.value === 'lantern:families' ? p.families
          : !vulnerable ? 0 : measure.value === 'lantern:families-with-vulnerability' ? p.families : p.children;
        counts.set(p.districtId, (counts.get(p.districtId) ?? 0) + n);
      }
      source = 'Lantern: current needs recorded for parents and carers (alcohol, drugs, domestic abuse, mental health, offending)';
    }
    const people = new Map<string, number>();
    if (set) for (const r of await repo.populationRows(q, set.id)) if (r.districtId) people.set(r.districtId, (people.get(r.districtId) ?? 0) + r.people);
    const comparison = compareAreas(districts.map((d) => ({ area: d.name, count: counts.get(d.id) ?? 0, people: people.get(d.id) ?? 0 })));
    return { measures, measure: { ...measure, source }, sets, set, comparison };
  }

  async function auditResult(q: Queryable, audit: AuditRow) {
    const rows = audit.method === 'recorded' ? await repo.recordedCounts(q, audit.id) : await repo.reviewedCounts(q, audit.id);
    const counts = Object.fromEntries(rows.map((r) => [r.vulnerability, r.files]));
    const sampleSize = audit.method === 'recorded' ? audit.sample_size : audit.reviewed;
    return extrapolate(sampleSize, audit.population, counts);
  }

  async function auditOrNotFound(q: Queryable, auditId: string) {
    const audit = await repo.audit(q, auditId);
    if (!audit) throw new NotFoundError('Case-file audit');
    return audit;
  }

  async function populationSetOrNotFound(q: Queryable, setId: string) {
    const set = await repo.populationSet(q, setId);
    if (!set) throw new NotFoundError('Population');
    return set;
  }

  /** The partnership's own population, to change: the Essex example stays as the report gives it. */
  async function ownPopulationSet(q: Queryable, setId: string, field: string) {
    const set = await populationSetOrNotFound(q, setId);
    if (set.example) throw new ValidationError({ [field]: `${set.name} is the Essex report’s example and is kept as the report gives it: create a population of your own to enter other figures` });
    return set;
  }

  async function uniqueName(q: Queryable, name: string, setId?: string) {
    const problem = await nameProblem(q, name, setId);
    if (problem) throw new ValidationError({ name: problem });
  }

  async function nameProblem(q: Queryable, name: string, setId?: string): Promise<string | null> {
    const existing = await repo.populationSetIdByName(q, name);
    return existing && existing !== setId ? `There is already a population called ${name}: choose another name` : null;
  }

  /** A population's form in one round: the schema's problems and a name another population has. */
  async function checkedPopulationSet<S extends typeof populationSetSchema | typeof newPopulationSetSchema>(q: Queryable, schema: S, input: unknown, setId?: string): Promise<z.output<S>> {
    return validatedWith(schema as z.ZodType, input, async (raw, errors) => {
      const name = populationSetSchema.shape.name.safeParse(raw.name);
      if (!name.success) return;
      // Two saves of one name at once: the lock makes the second see the first.
      await repo.lockPopulationSetName(q, name.data);
      const problem = await nameProblem(q, name.data, setId);
      if (problem) errors.name = problem;
    }) as Promise<z.output<S>>;
  }

  return {
    /** Prevalence estimates of hidden harm beside the numbers known to services, for a population. */
    prevalence: (actor: Actor, opts: { populationSetId?: string } = {}) =>
      read(actor, 'prevalence', { populationSetId: opts.populationSetId ?? null }, (tx) => prevalenceOn(tx, opts.populationSetId)),

    overlap: (actor: Actor) => read(actor, 'overlap', {}, (tx) => overlapOn(tx)),

    areaComparison: (actor: Actor, opts: { measure?: string; populationSetId?: string } = {}) =>
      read(actor, 'area-comparison', { measure: opts.measure ?? null, populationSetId: opts.populationSetId ?? null }, (tx) => areasOn(tx, opts)),

    /** Everything for the PDF report, read (and audited) once. */
    report: (actor: Actor, opts: { populationSetId?: string; measure?: string; auditId?: string } = {}) =>
      read(actor, 'pdf-report', { ...opts }, async (tx) => {
        const prevalence = await prevalenceOn(tx, opts.populationSetId);
        const areas = await areasOn(tx, { measure: opts.measure });
        const overlapResult = await overlapOn(tx);
        const audits = await repo.audits(tx);
        const audit = (opts.auditId ? audits.find((a) => a.id === opts.auditId) : undefined) ?? audits[0];
        return { prevalence, areas, overlap: overlapResult, audit: audit ? { audit, result: await auditResult(tx, audit) } : null };
      }),

    async rates(actor: Actor) {
      await allow(actor);
      const list = await rates(db);
      return { rates: list, usingDefaults: !(await repo.rates(db)).length };
    },

    /** Replaces the prevalence rates (validated as a whole: every problem at once). */
    saveRates: (actor: Actor, input: unknown) =>
      change(actor, 'needs-analysis-set-rates', 'prevalence_rate', async (tx) => {
        const parsed = parse(ratesSchema, input);
        const normalised = parsed.map((r) => {
          const rule = parseKnownRule(r.knownRule);
          return { ...r, knownRule: 'rule' in rule ? formatKnownRule(rule.rule) : '' };
        });
        await repo.replaceRates(tx, normalised);
        return { value: normalised, detail: { rates: normalised.map((r) => ({ key: r.key, rate: r.rate, base: r.base, roundTo: r.roundTo })) } };
      }),

    restoreDefaultRates: (actor: Actor) =>
      change(actor, 'needs-analysis-set-rates', 'prevalence_rate', async (tx) => {
        await repo.clearRates(tx);
        return { value: undefined, detail: { restoredDefaults: true } };
      }),

    async populationSets(actor: Actor) {
      await allow(actor);
      return { sets: await repo.populationSets(db), districts: await repo.districts(db) };
    },

    async population(actor: Actor, setId: string) {
      await allow(actor);
      const set = await populationSetOrNotFound(db, setId);
      const [rows, districts] = await Promise.all([repo.populationRows(db, setId), repo.districts(db)]);
      return { set, rows, districts };
    },

    /** A population of the partnership's own, named and described by its users: by district, or for any area. */
    createPopulationSet: (actor: Actor, input: unknown) =>
      change(actor, 'needs-analysis-create-population', 'population_set', async (tx) => {
        const fields = await checkedPopulationSet(tx, newPopulationSetSchema, input);
        const id = randomUUID();
        await repo.insertPopulationSet(tx, { id, name: fields.name, byDistrict: fields.covers === 'districts', source: fields.source });
        return { value: id, recordId: id };
      }),

    /** Renames a population and says what it covers and where its figures come from. */
    describePopulationSet: (actor: Actor, setId: string, input: unknown) =>
      change(actor, 'needs-analysis-describe-population', 'population_set', async (tx) => {
        await ownPopulationSet(tx, setId, 'name');
        const fields = await checkedPopulationSet(tx, populationSetSchema, input, setId);
        await repo.describePopulationSet(tx, setId, fields);
        return { value: undefined, recordId: setId };
      }),

    /** The Essex report's inputs as a population, so its Table 1 can be seen (and checked) in Lantern. */
    loadEssexExample: (actor: Actor) =>
      change(actor, 'needs-analysis-create-population', 'population_set', async (tx) => {
        await repo.lockPopulationSetName(tx, essexPopulationName);
        let id = (await repo.populationSets(tx)).find((s) => s.example === 'essex')?.id;
        if (!id) {
          id = randomUUID();
          await uniqueName(tx, essexPopulationName);
          await repo.insertPopulationSet(tx, { id, name: essexPopulationName, byDistrict: false, source: essexPopulationSource, example: 'essex' });
        }
        await repo.replacePopulationRows(tx, id, essexPopulation, clock.now(), essexPopulationSource);
        return { value: id, recordId: id, detail: { example: 'essex' } };
      }),

    /** Saves the figures typed into the page's table: all or nothing. */
    savePopulation: (actor: Actor, setId: string, raw: readonly RawPopulationRow[], source?: string) =>
      change(actor, 'needs-analysis-save-population', 'population_set', async (tx) => {
        const set = await ownPopulationSet(tx, setId, 'row1.district');
        const checked = validatePopulation(raw, await areaRule(tx, set));
        if ('problems' in checked) throw new ValidationError(problemErrors(checked.problems));
        const rows = checked.rows.filter((r) => r.children || r.births || r.families || r.people);
        await repo.replacePopulationRows(tx, setId, rows, clock.now(), source);
        return { value: rows.length, recordId: setId, detail: { rows: rows.length } };
      }),

    /** Replaces a set's figures with a CSV file's: all or nothing, every problem reported with its row and field. */
    importPopulation: (actor: Actor, setId: string, csv: string) =>
      change(actor, 'needs-analysis-import-population', 'population_set', async (tx) => {
        const set = await ownPopulationSet(tx, setId, 'csv');
        const parsed = parsePopulationCsv(csv, await areaRule(tx, set));
        if ('problems' in parsed) throw new ValidationError(problemErrors(parsed.problems));
        await repo.replacePopulationRows(tx, setId, parsed.rows, clock.now());
        return { value: parsed.rows.length, recordId: setId, detail: { rows: parsed.rows.length } };
      }),

    async districts(actor: Actor) {
      await allow(actor);
      return repo.districts(db);
    },

    /** A count by district to compare areas by (incidents, referrals ...), typed or from CSV (district,count). */
    createCountSet: (actor: Actor, input: { name?: unknown; period?: unknown; source?: unknown; counts?: readonly { row: number; district: string; count: string }[]; csv?: string }) =>
      change(actor, 'needs-analysis-create-counts', 'area_count_set', async (tx) => {
        const fields = countSetSchema.safeParse({ name: input.name, period: input.period, source: input.source });
        const errors: Record<string, string> = fields.success ? {} : fieldErrors(fields.error);
        const districts = await repo.districts(tx);
        const typed = (input.counts ?? []).filter((c) => c.count.trim() !== '');
        const checked = input.csv?.trim() ? parseAreaCountCsv(input.csv, districts) : validateAreaCounts(typed, districts);
        if ('problems' in checked) Object.assign(errors, problemErrors(checked.problems));
        if (fields.success && (await repo.countSetIdByName(tx, fields.data.name))) errors.name ??= `There are already counts called ${fields.data.name}: use another name`;
        if (Object.keys(errors).length || !fields.success || 'problems' in checked) throw new ValidationError(errors);
        const id = randomUUID();
        await repo.insertCountSet(tx, { id, ...fields.data, createdBy: actor.id, counts: checked.rows });
        return { value: id, recordId: id, detail: { districts: checked.rows.length } };
      }),

    async audits(actor: Actor) {
      await allow(actor);
      const [audits, eligible] = await Promise.all([
        repo.audits(db),
        Promise.all((Object.keys(eligibilityLabels) as Eligibility[]).map(async (e) => [e, await repo.eligibleCount(db, e)] as const)),
      ]);
      return { audits, eligible: Object.fromEntries(eligible) as Record<Eligibility, number> };
    },

    /** Starts an audit on a random sample of cases: the sample is drawn in the database. */
    startSampleAudit: (actor: Actor, input: unknown) =>
      change(actor, 'needs-analysis-create-audit', 'case_file_audit', async (tx) => {
        // How many cases there are to sample from is checked with the rest of the form, in one round.
        let eligible = 0;
        const a = await validatedWith(sampleAuditSchema, input, async (raw, errors) => {
          const eligibility = sampleAuditSchema.shape.eligibility.safeParse(raw.eligibility);
          if (!eligibility.success) return;
          const label = eligibilityLabels[eligibility.data];
          eligible = await repo.eligibleCount(tx, eligibility.data);
          if (eligible === 0) errors.eligibility = `There are no ${label} to sample from`;
          const size = sampleAuditSchema.shape.sampleSize.safeParse(raw.sampleSize);
          if (eligible > 0 && size.success && size.data > eligible) errors.sampleSize = `There ${noun(eligible, 'is', 'are')} ${count(eligible, 'case')} to sample from (${label}): choose ${eligible} or fewer`;
        });
        const id = randomUUID();
        await repo.insertAudit(tx, { id, name: a.name, method: 'sample', eligibility: a.eligibility, population: eligible, populationLabel: eligibilityLabels[a.eligibility], sampleSize: a.sampleSize, source: 'Case files sampled at random in Lantern', createdBy: actor.id });
        const drawn = await repo.drawSample(tx, id, a.eligibility, a.sampleSize);
        return { value: id, recordId: id, detail: { eligibility: a.eligibility, population: eligible, sampleSize: drawn } };
      }, 'needs-analysis.sample'),

    /** Records the results of an audit done outside Lantern: files audited, the whole population, and counts. */
    recordAudit: (actor: Actor, input: unknown) =>
      change(actor, 'needs-analysis-create-audit', 'case_file_audit', async (tx) => {
        const a = parse(recordedAuditSchema, input);
        const id = randomUUID();
        await repo.insertAudit(tx, { id, name: a.name, method: 'recorded', eligibility: null, population: a.population, populationLabel: a.populationLabel, sampleSize: a.sampleSize, source: a.source, createdBy: actor.id });
        await repo.insertAuditCounts(tx, id, a.counts as Record<string, number>);
        return { value: id, recordId: id, detail: { method: 'recorded' } };
      }),

    loadEssexAudit: (actor: Actor) =>
      change(actor, 'needs-analysis-create-audit', 'case_file_audit', async (tx) => {
        const existing = await repo.auditIdByName(tx, essexAudit.name);
        if (existing) return { value: existing, recordId: existing };
        const id = randomUUID();
        await repo.insertAudit(tx, { id, name: essexAudit.name, method: 'recorded', eligibility: null, population: essexAudit.population, populationLabel: essexAudit.populationLabel, sampleSize: essexAudit.sampleSize, source: essexAudit.source, createdBy: actor.id });
        await repo.insertAuditCounts(tx, id, essexAudit.counts);
        return { value: id, recordId: id, detail: { example: 'essex' } };
      }),

    /** An audit's results: percentages with 95% intervals and the numbers indicated in the whole population. */
    audit: (actor: Actor, auditId: string) =>
      read(actor, 'case-file-audit', { auditId }, async (tx) => {
        const audit = await auditOrNotFound(tx, auditId);
        return { audit, result: await auditResult(tx, audit) };
      }),

    /** The sampled files (family references) and what was recorded for each: analysts and managers only, audited. */
    async auditFiles(actor: Actor, auditId: string) {
      await allow(actor, 'needs-analysis.sample', 'Only analysts and managers can see which case files an audit sampled');
      return db.transaction(async (tx) => {
        const audit = await auditOrNotFound(tx, auditId);
        if (audit.method !== 'sample') throw new NotFoundError('Sample');
        const files = await repo.auditFiles(tx, auditId);
        await auditRepository.insert(tx, { userId: actor.id, action: 'needs-analysis-read-audit-sample', recordType: 'case_file_audit', recordId: auditId, outcome: 'allowed', ip: actor.ip, detail: { files: files.length } });
        return { audit, files };
      });
    },

    /**
     * Saves what each sampled file shows: for each file position, the vulnerabilities ticked, or
     * 'none' for a file reviewed and showing none of them. A file with nothing ticked is not yet reviewed.
     */
    saveAuditFiles: (actor: Actor, auditId: string, answers: Readonly<Record<number, readonly string[]>>) =>
      change(actor, 'needs-analysis-record-audit-files', 'case_file_audit', async (tx) => {
        const audit = await auditOrNotFound(tx, auditId);
        if (audit.method !== 'sample') throw new NotFoundError('Sample');
        const files = await repo.auditFiles(tx, auditId);
        const errors: Record<string, string> = {};
        const updates: { position: number; reviewed: boolean; vulnerabilities: string[] }[] = [];
        for (const file of files) {
          const ticked = [...new Set(answers[file.position] ?? [])];
          const unknown = ticked.filter((t) => t !== 'none' && !auditVulnerabilityKeys.includes(t));
          if (unknown.length) errors[`f${file.position}`] = `${file.reference}: ${unknown[0]} is not one of the vulnerabilities recorded`;
          else if (ticked.includes('none') && ticked.length > 1) errors[`f${file.position}`] = `${file.reference}: select the vulnerabilities the file shows, or ‘None of these’, not both`;
          const vulnerabilities = auditVulnerabilities.map((v) => v.key as string).filter((k) => ticked.includes(k));
          updates.push({ position: file.position, reviewed: ticked.length > 0, vulnerabilities });
        }
        if (Object.keys(errors).length) throw new ValidationError(errors);
        let changed = 0;
        for (const u of updates) {
          const before = files.find((f) => f.position === u.position)!;
          if (before.reviewed === u.reviewed && before.vulnerabilities.join() === u.vulnerabilities.join()) continue;
          await repo.saveAuditFile(tx, auditId, u.position, u.reviewed, u.vulnerabilities, actor.id, clock.now());
          changed += 1;
        }
        return { value: { reviewed: updates.filter((u) => u.reviewed).length, changed }, recordId: auditId, detail: { changed } };
      }, 'needs-analysis.sample'),
  };
}

export type NeedsAnalysisService = ReturnType<typeof needsAnalysisService>;
export type PrevalenceView = Awaited<ReturnType<NeedsAnalysisService['prevalence']>>;
export type AreaView = Awaited<ReturnType<NeedsAnalysisService['areaComparison']>>;
export type OverlapView = Awaited<ReturnType<NeedsAnalysisService['overlap']>>;
export type AuditView = Awaited<ReturnType<NeedsAnalysisService['audit']>>;
export type ReportView = Awaited<ReturnType<NeedsAnalysisService['report']>>;
