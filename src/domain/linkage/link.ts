/**
 * train, link, explain and decide: the engine's public operations (see types.ts for the contract).
 */
import type { Decision, Explanation, FieldWeight, LinkageModel, LinkageResult, PairDecision, PersonRecord, ScoredPair, Thresholds } from './types.ts';
import { blockAndCompare, mergeStores, ruleFieldsOf, rulesFor, type BlockingOptions, type PairStore } from './blocking.ts';
import { buildFeatures, comparePair, type Features } from './features.ts';
import { ADDRESS, DOB, EMAIL, EmailLevel, FIELDS, FIRST, FirstLevel, IDENTIFIER, IdentifierLevel, LAST, countedWithGuard, DobLevel, isTwinLevel, LastLevel, LEVEL_NAMES, POSTCODE, SEX, levelOf } from './levels.ts';
import { compile, estimateModel, tfAdjustment, type CompiledModel, type RecordEstimates, type TrainOptions } from './model.ts';
import { formalNameOf, nicknameGroupsOf, normaliseNameKey } from './strings.ts';
import { formatDate, isIsoDate } from '../dates.ts';

export interface TrainingOptions extends TrainOptions {
  blocking?: BlockingOptions;
}

/** Estimates a model (m, u, prior, term frequencies) from unlabelled records. */
export function train(records: readonly PersonRecord[], options: TrainingOptions = {}): LinkageModel {
  const f = buildFeatures(records);
  const store = blockAndCompare(f, options.blocking);
  return estimateModel(f, store, options);
}

export function decide(weight: number, thresholds: Thresholds): Decision {
  if (weight >= thresholds.link) return 'link';
  if (weight >= thresholds.review) return 'review';
  return 'apart';
}

export function probabilityOf(weight: number): number {
  const odds = 2 ** weight;
  return Number.isFinite(odds) ? odds / (1 + odds) : 1;
}

export interface LinkOptions extends TrainingOptions {
  /** A stored model; without one, link() trains on the records first. */
  model?: LinkageModel;
  thresholds?: Thresholds;
  /** Clerical decisions: accepted pairs are joined, rejected pairs are never joined directly. */
  decisions?: PairDecision[];
}

/** Per-name term-frequency adjustments (by name id), computed once per distinct name. */
function tfByName(c: CompiledModel, f: Features, which: 0 | 1): Float64Array {
  const out = new Float64Array(f.names.length);
  const used = new Uint8Array(f.names.length);
  const ids = which === 0 ? f.first : f.last;
  for (let i = 0; i < f.n; i++) {
    const id = ids[i];
    if (id < 0 || used[id]) continue;
    used[id] = 1;
    out[id] = tfAdjustment(c, which, f.names[id]);
  }
  return out;
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }
  /** The smaller index becomes the root, so each cluster's representative is its first record. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

export function link(records: readonly PersonRecord[], options: LinkOptions = {}): LinkageResult {
  const started = performance.now();
  const f = buildFeatures(records);
  return linkStore(records, f, blockAndCompare(f, options.blocking), options, started);
}

/** What one partition of a run sends to the merge: its compared pairs and their training counts. */
export interface PartitionPairs {
  index: number;
  count: number;
  left: Int32Array;
  right: Int32Array;
  code: Uint32Array;
  rule: Uint8Array;
  counts: Float64Array[];
}

/** Blocks and compares one partition of a run's records (see BlockingOptions.partition). */
export function comparePartition(records: readonly PersonRecord[], partition: { index: number; count: number }, blocking: BlockingOptions = {}): PartitionPairs {
  const store = blockAndCompare(buildFeatures(records), { ...blocking, partition });
  const n = store.length;
  return { ...partition, left: store.left.slice(0, n), right: store.right.slice(0, n), code: store.code.slice(0, n), rule: store.rule.slice(0, n), counts: store.counts };
}

/**
 * A partition as bytes, to pass between machines: a header (index, count, pairs, rules, patterns,
 * counted entries), the pair arrays, then the training counts sparsely (rule, pattern, count for
 * each pattern counted: the dense arrays hold millions of patterns, nearly all never seen).
 */
export function encodePartition(p: PartitionPairs): Uint8Array {
  const n = p.left.length;
  const patterns = p.counts[0]?.length ?? 0;
  const rules: number[] = [];
  const codes: number[] = [];
  const values: number[] = [];
  p.counts.forEach((c, r) => {
    for (let x = 0; x < c.length; x++) if (c[x] !== 0) { rules.push(r); codes.push(x); values.push(c[x]); }
  });
  const header = Int32Array.of(p.index, p.count, n, p.counts.length, patterns, values.length);
  const arrays = [header, p.left, p.right, p.code, Float64Array.from(values), Uint32Array.from(codes), Uint8Array.from(rules), p.rule];
  const parts = arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const out = new Uint8Array(parts.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function decodePartition(bytes: Uint8Array): PartitionPairs {
  let at = 0;
  // new Uint8Array(view) copies: a Node Buffer's slice() would share (and .buffer give) its whole pool.
  const take = (length: number) => new Uint8Array(bytes.subarray(at, (at += length))).buffer;
  const [index, count, n, ruleCount, patterns, entries] = new Int32Array(take(24));
  const left = new Int32Array(take(4 * n));
  const right = new Int32Array(take(4 * n));
  const code = new Uint32Array(take(4 * n));
  const values = new Float64Array(take(8 * entries));
  const codes = new Uint32Array(take(4 * entries));
  const rules = new Uint8Array(take(entries));
  const rule = new Uint8Array(take(n));
  const counts = Array.from({ length: ruleCount }, () => new Float64Array(patterns));
  for (let e = 0; e < entries; e++) counts[rules[e]][codes[e]] = values[e];
  return { index, count, left, right, code, rule, counts };
}

/**
 * The final step of a run split into partitions: the partitions' pairs as one store, then
 * training, scoring and clustering exactly as link() does them. The same pairs, weights and
 * clusters as link() on the same records, whichever workers compared which partition.
 */
export function linkPartitions(records: readonly PersonRecord[], parts: readonly PartitionPairs[], options: LinkOptions = {}): LinkageResult {
  const started = performance.now();
  const f = buildFeatures(records);
  const rules = rulesFor(f, options.blocking);
  const stores: PairStore[] = [...parts].sort((a, b) => a.index - b.index).map((p) => ({
    length: p.left.length, left: p.left, right: p.right, code: p.code, rule: p.rule, counts: p.counts, rules, ruleFields: ruleFieldsOf(rules),
  }));
  return linkStore(records, f, mergeStores(stores), options, started);
}

/** Training, scoring and clustering over compared pairs (link() after blocking; linkThreaded in threads.ts). */
export function linkStore(records: readonly PersonRecord[], f: Features, store: PairStore, options: LinkOptions, started: number, ahead: RecordEstimates = {}): LinkageResult {
  const trained = options.model ?? estimateModel(f, store, options, ahead);
  const thresholds = options.thresholds ?? trained.thresholds;
  const model: LinkageModel = { ...trained, thresholds };
  const c = compile(model);
  const tfFirst = tfByName(c, f, 0);
  const tfLast = tfByName(c, f, 1);
  const [t0, t1, t2, t3, t4, t5, t6, t7] = c.table;
  const [l0, l1, l2, l3, l4, l5, l6, l7] = levelOf;
  const prior = c.prior;
  const tfAtHome = c.tfAtHome;
  const twinTf = c.twinTf;
  const review = thresholds.review;
  const linkAt = thresholds.link;
  const n = f.n;

  // clerical decisions by record index; a rejected pair is a key i * n + j (i < j)
  const rejected = new Set<number>();
  const accepted: [number, number][] = [];
  if (options.decisions?.length) {
    const index = new Map<string, number>();
    records.forEach((r, i) => index.set(r.key, i));
    for (const d of options.decisions) {
      const a = index.get(d.left);
      const b = index.get(d.right);
      if (a === undefined || b === undefined || a === b) continue;
      const [i, j] = a < b ? [a, b] : [b, a];
      if (d.match) accepted.push([i, j]);
      else rejected.add(i * n + j);
    }
  }
  const acceptedKeys = new Set(accepted.map(([i, j]) => i * n + j));

  const uf = new UnionFind(n);
  const pairs: ScoredPair[] = [];
  let links = 0;
  let reviews = 0;
  const { left, right, code } = store;
  for (let k = 0; k < store.length; k++) {
    const p = code[k];
    const i = left[k];
    const j = right[k];
    const a = l0[p];
    const b = l1[p];
    let w0 = a === FirstLevel.exact ? t0[a] + tfFirst[f.first[i]] : t0[a];
    let w1 = b === LastLevel.exact || (b === LastLevel.exactAtHome && tfAtHome) ? t1[b] + tfLast[f.last[i]] : t1[b];
    if (a === FirstLevel.swapped || b === LastLevel.swapped) [w0, w1] = swappedNames(c, f, i, j, w0, w1, (id) => tfFirst[id], (id) => tfLast[id]);
    // a twin level's chance of two people sharing the surname is the average one: a rare surname makes it rarer
    const tw = a === FirstLevel.twin || a === FirstLevel.twinElsewhere ? t0[a] + (twinTf[a] && (b === LastLevel.exact || b === LastLevel.exactAtHome) ? tfLast[f.last[i]] : 0) : 0;
    const weight =
      l2[p] === DobLevel.namesake
        ? prior + t2[DobLevel.namesake] + t6[l6[p]] + t7[l7[p]]
        : a === FirstLevel.twin
          ? prior + tw + t3[l3[p]] + t6[l6[p]] + t7[l7[p]]
          : a === FirstLevel.twinElsewhere
            ? prior + tw + t3[l3[p]] + t4[l4[p]] + t5[l5[p]] + t6[l6[p]] + t7[l7[p]]
            : prior + w0 + w1 + t2[l2[p]] + t3[l3[p]] + t4[l4[p]] + t5[l5[p]] + t6[l6[p]] + t7[l7[p]];
    if (weight < review && !acceptedKeys.has(i * n + j)) continue;
    let decision: Decision = weight >= linkAt ? 'link' : 'review';
    let clerical: boolean | undefined;
    if (rejected.size && rejected.has(i * n + j)) {
      decision = 'apart';
      clerical = true;
    } else if (acceptedKeys.size && acceptedKeys.has(i * n + j)) {
      decision = 'link';
      clerical = true;
      acceptedKeys.delete(i * n + j);
    }
    const pair: ScoredPair = { left: i, right: j, weight, probability: probabilityOf(weight), decision };
    if (clerical) pair.clerical = true;
    pairs.push(pair);
    if (decision === 'link') {
      links++;
      uf.union(i, j);
    } else if (decision === 'review') reviews++;
  }
  // accepted pairs that blocking never compared still join their records
  for (const key of acceptedKeys) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    const weight = scorePair(c, f, i, j);
    pairs.push({ left: i, right: j, weight, probability: probabilityOf(weight), decision: 'link', clerical: true });
    links++;
    uf.union(i, j);
  }
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) clusterOf[i] = uf.find(i);
  return {
    model,
    pairs,
    clusterOf,
    stats: { records: n, comparisons: store.length, links, reviews, seconds: (performance.now() - started) / 1000 },
  };
}

/**
 * First name and surname the other way round weigh at most what the same two names in the same
 * order would: a name pair agreeing in either order is at least as likely by chance as in one
 * order, so a swap is no stronger evidence than both names exact, each with its term frequency.
 * The level's own u is an average over all names (from random pairs, where swaps are all but
 * unseen), which for a common pair (Claire Smith) overstates the evidence many times over; at a
 * million records a swapped record then linked to every Claire Smith and chained them into one
 * cluster. The names' frequencies are taken in the order that makes them commoner (the record
 * not swapped), so the cap is the lesser of the two orders.
 */
function swappedNames(c: CompiledModel, f: Features, i: number, j: number, w0: number, w1: number, tfFirst: (id: number) => number, tfLast: (id: number) => number): [number, number] {
  // log2(1 / tf): the chance two people's records carry this name, against certainty for one person
  const odds = (which: 0 | 1, level: number, tf: number) => (c.uExact[which] > 0 ? tf - Math.log2(c.uExact[which]) : c.table[which][level]);
  const exact = (x: number): [number, number] => [odds(0, FirstLevel.exact, tfFirst(f.first[x])), odds(1, LastLevel.exact, tfLast(f.last[x]))];
  const a = exact(i);
  const b = exact(j);
  const cap = a[0] + a[1] <= b[0] + b[1] ? a : b;
  return w0 + w1 > cap[0] + cap[1] ? cap : [w0, w1];
}

/** Field weights of one pair, in FIELDS order, computed exactly as link() computes them. */
function fieldWeights(c: CompiledModel, f: Features, i: number, j: number): { levels: number[]; weights: number[] } {
  const p = comparePair(f, i, j);
  const levels = FIELDS.map((_, field) => levelOf[field][p]);
  const weights = levels.map((l, field) => c.table[field][l]);
  if (levels[FIRST] === FirstLevel.exact) weights[FIRST] = c.table[FIRST][levels[FIRST]] + tfAdjustment(c, 0, f.names[f.first[i]]);
  if (levels[LAST] === LastLevel.exact || (levels[LAST] === LastLevel.exactAtHome && c.tfAtHome)) weights[LAST] = c.table[LAST][levels[LAST]] + tfAdjustment(c, 1, f.names[f.last[i]]);
  if (levels[FIRST] === FirstLevel.swapped || levels[LAST] === LastLevel.swapped)
    [weights[FIRST], weights[LAST]] = swappedNames(c, f, i, j, weights[FIRST], weights[LAST], (id) => tfAdjustment(c, 0, f.names[id]), (id) => tfAdjustment(c, 1, f.names[id]));
  if (isTwinLevel(levels[FIRST]) && c.twinTf[levels[FIRST]] && (levels[LAST] === LastLevel.exact || levels[LAST] === LastLevel.exactAtHome)) weights[FIRST] += tfAdjustment(c, 1, f.names[f.last[i]]);
  for (let field = 0; field < weights.length; field++) if (countedWithGuard(levels[FIRST], levels[DOB], field)) weights[field] = 0;
  return { levels, weights };
}

function scorePair(c: CompiledModel, f: Features, i: number, j: number): number {
  const { weights } = fieldWeights(c, f, i, j);
  return weights.reduce((sum, w) => sum + w, c.prior);
}

const compiled = new WeakMap<LinkageModel, CompiledModel>();

/** The waterfall for one pair: the prior and each field's weight, with plain words for the review page. */
export function explain(model: LinkageModel, left: PersonRecord, right: PersonRecord): Explanation {
  let c = compiled.get(model);
  if (!c) {
    c = compile(model);
    compiled.set(model, c);
  }
  const f = buildFeatures([left, right]);
  const { levels, weights } = fieldWeights(c, f, 0, 1);
  const fields: FieldWeight[] = FIELDS.map((field, k) => ({
    field,
    level: LEVEL_NAMES[k][levels[k]],
    label: labelFor(k, levels[k], left, right, c, levels[FIRST], levels[DOB]),
    weight: weights[k],
  }));
  const weight = weights.reduce((sum, w) => sum + w, c.prior);
  return { prior: c.prior, fields, weight, probability: probabilityOf(weight) };
}

const FIELD_WORDS = ['first name', 'surname', 'date of birth', 'sex', 'postcode', 'address', 'email', 'identifier'];

function show(v: string | null | undefined): string {
  return v && v.trim() ? v.trim() : 'blank';
}

/** A date as a practitioner reads it (GOV.UK style, 14 March 1980); anything that is not a real date as it was given. */
function showDate(v: string | null | undefined): string {
  return v && isIsoDate(v.trim()) ? formatDate(v.trim()) : show(v);
}

function valuesOf(field: number, r: PersonRecord): string | null | undefined {
  switch (field) {
    case FIRST:
      return r.firstName;
    case LAST:
      return r.lastName;
    case DOB:
      return r.dateOfBirth;
    case SEX:
      return r.sex === 'F' ? 'female' : r.sex === 'M' ? 'male' : null;
    case POSTCODE:
      return r.postcode;
    case ADDRESS:
      return r.address;
    case EMAIL:
      return r.email;
    case IDENTIFIER:
      return r.identifiers ? Object.entries(r.identifiers).filter(([, v]) => v).map(([k, v]) => `${SCHEME_WORDS[k] ?? k} ${v}`).join(', ') || null : null;
    default:
      return null;
  }
}

const SCHEME_WORDS: Record<string, string> = { nhs: 'NHS number', upn: 'UPN', ni: 'NI number', pnc: 'PNC ID' };

/** The schemes both records carry, in words. */
function sharedSchemes(left: PersonRecord, right: PersonRecord): string {
  const both = Object.keys(left.identifiers ?? {}).filter((k) => left.identifiers?.[k] && right.identifiers?.[k]);
  return both.map((k) => SCHEME_WORDS[k] ?? k).join(', ');
}

/** The schemes in which both records carry one number, in words. */
function sameNumberSchemes(left: PersonRecord, right: PersonRecord): string {
  const same = Object.keys(left.identifiers ?? {}).filter((k) => left.identifiers?.[k]?.trim() && left.identifiers[k].trim() === right.identifiers?.[k]?.trim());
  return same.map((k) => SCHEME_WORDS[k] ?? k).join(', ');
}

function labelFor(field: number, level: number, left: PersonRecord, right: PersonRecord, c: CompiledModel, first: number, dob: number): string {
  const what = FIELD_WORDS[field];
  if (countedWithGuard(first, dob, field))
    return dob === DobLevel.namesake ? `${what}: counted with the date of birth (the same name at one home a generation apart)` : `${what}: counted with the first name (different names, as twins have)`;
  const a = field === DOB ? showDate(valuesOf(field, left)) : show(valuesOf(field, left));
  const b = field === DOB ? showDate(valuesOf(field, right)) : show(valuesOf(field, right));
  const name = LEVEL_NAMES[field][level];
  if (field === IDENTIFIER && level === IdentifierLevel.missing && sameNumberSchemes(left, right))
    return `${what}: the same ${sameNumberSchemes(left, right)} on records of different first names born a generation apart, as a parent's number on a child's record is, so it counts neither way`;
  if (level === 0) return `${what}: blank on ${a === 'blank' && b === 'blank' ? 'both records' : 'one record'}, so it counts neither way`;
  if (field === FIRST && level === FirstLevel.nickname) {
    const groups = nicknameGroupsOf(normaliseNameKey(left.firstName)).filter((g) => nicknameGroupsOf(normaliseNameKey(right.firstName)).includes(g));
    const formal = groups.length ? formalNameOf(groups[0]) : '';
    return `${what}: ${a} and ${b} are forms of the same name${formal ? ` (${formal})` : ''}`;
  }
  if (field === FIRST && level === FirstLevel.middle) return `${what}: one record's first name is the other's middle name (${[left, right].map((r) => [r.firstName, r.middleName].filter(Boolean).join(' ') || 'blank').join(' and ')})`;
  if (field === FIRST && isTwinLevel(level))
    return `${what}: ${a} and ${b} are different names with the same date of birth and the same ${level === FirstLevel.twin ? 'home' : 'surname'}, as twins have; this weight is how often such pairs are one person in these records, and stands for the surname, date of birth${level === FirstLevel.twin ? ' and home' : ''} too`;
  if ((field === FIRST || field === LAST) && name === 'first and last name swapped') return `${what}: first name and surname appear the other way round on one record`;
  if (field === LAST && level === LastLevel.exactAtHome) return `${what}: ${a} on both records, who share a home, so it counts for less (families share both)`;
  if ((field === FIRST || field === LAST) && name === 'exact') {
    const value = normaliseNameKey(field === FIRST ? left.firstName : left.lastName);
    const tf = c.tf[field === FIRST ? 0 : 1].get(value);
    const rarity = tf === undefined ? 'a rare name' : tf >= 0.005 ? 'a common name' : 'an uncommon name';
    return `${what}: ${a} on both records (${rarity})`;
  }
  if (name.startsWith('jaro-winkler')) return `${what}: ${a} and ${b} are spelt very similarly`;
  if (name === 'phonetic') return `${what}: ${a} and ${b} sound alike`;
  if (field === DOB) {
    if (level === 1) return `${what}: ${a} on both records`;
    if (level === 2) return `${what}: ${a} and ${b} have the day and month swapped`;
    if (level === 3) return `${what}: ${a} and ${b} differ in one of day, month or year`;
    if (level === 4) return `${what}: ${a} and ${b} are within a year of each other`;
    if (level === DobLevel.namesake) return `${what}: ${a} and ${b} are a generation apart for the same name and sex at the same home, as a parent and a child named after them are; this weight is how often such pairs are one person in these records, and stands for the names, sex and home too`;
    return `${what}: ${a} and ${b} are different`;
  }
  if (field === POSTCODE && level === 2) return `${what}: ${a} and ${b} are in the same postcode district`;
  if (field === POSTCODE && name === 'same, counted with the address') return `${what}: ${a} on both records, counted once with the address (the same home)`;
  if (field === ADDRESS && level === 2) return `${what}: ${a} and ${b} are similar`;
  if (field === ADDRESS && level === 3) return `${what}: ${a} and ${b} are on the same street with different house numbers`;
  if (field === EMAIL && level === EmailLevel.localPart) return `${what}: ${a} and ${b} have the same name before the @ at different providers`;
  if (field === EMAIL && level === EmailLevel.similar) return `${what}: ${a} and ${b} differ by one character`;
  if (field === IDENTIFIER) {
    const schemes = sharedSchemes(left, right);
    if (level === IdentifierLevel.exact) return `${what}: the same ${schemes} on both records`;
    if (level === IdentifierLevel.typo) return `${what}: ${schemes} differ by one digit or two swapped digits`;
    return `${what}: ${schemes} different`;
  }
  if (name === 'exact' || name === 'same' || a === b) return `${what}: ${a} on both records`;
  return `${what}: ${a} and ${b} are different`;
}
