/**
 * Estimating the Fellegi–Sunter model from the data, as Splink does: u (how often a level occurs
 * between two records of different people) from random pairs and value frequencies; m (how often
 * it occurs between two records of one person) and the prior by expectation maximisation over the
 * blocked pairs, one blocking rule at a time, leaving out the fields each rule forces to agree.
 */
import type { LinkageModel, Thresholds } from './types.ts';
import { type Features, comparePair } from './features.ts';
import { pairKeys, trainableFields, type PairStore } from './blocking.ts';
import { ADDRESS, AddressLevel, DOB, DobLevel, FIELDS, FIRST, FirstLevel, LAST, LastLevel, LEVEL_NAMES, PATTERNS, POSTCODE, PostcodeLevel, RADIX, SEX, SexLevel, TWIN_GUARD_WEIGHT, isTwinLevel, levelOf } from './levels.ts';

/**
 * Link at weight 4 (probability 0.94), review from 0 (0.5). Measured across every labelled set we
 * have (FEBRL 1-3, Splink's fake_1000, generated agency data), 4 gave a higher F1 than 7 on each of
 * them; 7, chosen on generated data alone, lost the public sets 0.04 to 0.12 of recall. Below 4,
 * clusters chain (connected components join two people through a third) and precision falls
 * on generated data.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { link: 4, review: 0 };

/** Deterministic PRNG (mulberry32), so training twice on the same records gives the same model. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FLOOR = 1e-9;

/** Per field, per level: u estimated from random pairs, with the exact level taken from value frequencies. */
export function estimateU(f: Features, samples: number, seed: number): Float64Array[] {
  const n = f.n;
  const counts = RADIX.map((r) => new Float64Array(r));
  const total = (n * (n - 1)) / 2;
  const random = mulberry32(seed);
  if (n >= 2) {
    if (total <= samples) {
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) tally(counts, comparePair(f, i, j));
    } else {
      for (let s = 0; s < samples; s++) {
        const i = Math.floor(random() * n);
        let j = Math.floor(random() * (n - 1));
        if (j >= i) j++;
        tally(counts, comparePair(f, Math.min(i, j), Math.max(i, j)));
      }
    }
  }
  // Exact agreement between two random records is sum(p^2) over values: far more precise than a sample.
  const exact: (number | null)[] = [
    sumSquares(f.first, n),
    sumSquares(f.last, n),
    sumSquares(f.dayNo, n, 0),
    null,
    sumSquares(f.postcode, n),
    sumSquares(f.address, n),
    sumSquares(f.email, n),
    sharedIdentifiers(f),
  ];
  return counts.map((c, field) => {
    const u = new Float64Array(c.length);
    let present = 0;
    for (let l = 1; l < c.length; l++) present += c[l] + 0.5;
    for (let l = 1; l < c.length; l++) u[l] = (c[l] + 0.5) / present;
    const e = exact[field];
    if (e !== null && e > 0) {
      const rest = 1 - u[1];
      u[1] = e;
      for (let l = 2; l < c.length; l++) u[l] = rest > 0 ? (u[l] * (1 - e)) / rest : (1 - e) / (c.length - 2);
    }
    u[0] = 1;
    for (let l = 1; l < c.length; l++) u[l] = Math.max(u[l], FLOOR);
    return u;
  });
}

function tally(counts: Float64Array[], code: number): void {
  for (let field = 0; field < counts.length; field++) counts[field][levelOf[field][code]]++;
}

/** The share of all record pairs that carry one number in one scheme (0 when no number is shared). */
function sharedIdentifiers(f: Features): number | null {
  if (!f.idValue.length) return null;
  const counts = new Int32Array(f.identifierValues.length);
  for (const v of f.idValue) counts[v]++;
  let shared = 0;
  for (const c of counts) shared += (c * (c - 1)) / 2;
  const all = (f.n * (f.n - 1)) / 2;
  return all > 0 ? Math.max(shared, 0.5) / all : null;
}

function sumSquares(values: Int32Array, n: number, missing = -1): number {
  const freq = new Map<number, number>();
  let present = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === missing || v < 0) continue;
    present++;
    freq.set(v, (freq.get(v) ?? 0) + 1);
  }
  if (present < 2) return 0;
  let s = 0;
  for (const c of freq.values()) s += (c / present) * (c / present);
  return s;
}

/** Pairs at the twin and namesake levels take no part in estimating m: each level is weighed for the pair as a whole (twinShare, namesakeShare). */
function isTwin(code: number): boolean {
  return isTwinLevel(levelOf[FIRST][code]) || levelOf[DOB][code] === DobLevel.namesake;
}

/** The level the training counts a pattern's field under (0 = takes no part). */
function trainingLevel(field: number, code: number): number {
  const l = levelOf[field][code];
  if (field === POSTCODE && l === PostcodeLevel.withAddress) return 0;
  // an exact surname is an exact surname to m, wherever the records live
  if (field === LAST && l === LastLevel.exactAtHome) return LastLevel.exact;
  return l;
}

function initialM(): Float64Array[] {
  return RADIX.map((r, field) => {
    const m = new Float64Array(r);
    const last = field === FIRST ? FirstLevel.different : field === POSTCODE ? PostcodeLevel.different : field === DOB ? DobLevel.different : field === LAST ? LastLevel.different : r - 1;
    m[0] = 1;
    m[1] = 0.85;
    const middle = last - 2;
    for (let l = 2; l < last; l++) m[l] = 0.1 / middle;
    m[last] = middle > 0 ? 0.05 : 0.15;
    if (field === FIRST) m[FirstLevel.middle] = 0.02;
    return m;
  });
}

/**
 * The third class: two different people of one household (parent and child, siblings, a couple).
 * They share a surname and a home far more often than two random records do, so without a class
 * of their own EM mistakes them for matches and learns that a match often has a different first
 * name and date of birth.
 */
function initialH(u: Float64Array[]): Float64Array[] {
  const h = u.map((a) => a.slice());
  const set = (field: number, level: number, p: number) => {
    const other = 1 - p;
    let rest = 0;
    for (let l = 1; l < h[field].length; l++) if (l !== level) rest += h[field][l];
    for (let l = 1; l < h[field].length; l++) h[field][l] = l === level ? p : rest > 0 ? (h[field][l] * other) / rest : 0;
  };
  set(LAST, LastLevel.exact, 0.8);
  set(POSTCODE, PostcodeLevel.exact, 0.8);
  set(ADDRESS, AddressLevel.exact, 0.8);
  return h;
}

interface EmResult {
  /** Expected match counts per field and level (numerators of m). */
  matched: Float64Array[];
  lambda: number;
}

/**
 * EM over one rule's pattern counts with three classes: match (m, estimated), same household
 * (h, fixed: unrelated people who share a surname and a home) and unrelated (u, fixed from
 * random pairs). Were h estimated too, the class would wander off to model any subgroup (people
 * who moved house, say) rather than households. Only the rule's trainable fields
 * take part.
 */
function emOnRule(counts: Float64Array, trainable: boolean[], u: Float64Array[], mStart: Float64Array[], iterations: number, fixM = false): EmResult {
  const m = mStart.map((a) => a.slice());
  const h = initialH(u);
  const patterns: number[] = [];
  let total = 0;
  for (let p = 0; p < PATTERNS; p++)
    if (counts[p] > 0 && !isTwin(p)) {
      patterns.push(p);
      total += counts[p];
    }
  let lambda = 0.05;
  let eta = 0.05;
  let matched = RADIX.map((r) => new Float64Array(r));
  for (let it = 0; it < iterations; it++) {
    matched = RADIX.map((r) => new Float64Array(r));
    let sumMatch = 0;
    let sumHousehold = 0;
    for (const p of patterns) {
      let pm = lambda;
      let ph = eta;
      let pu = 1 - lambda - eta;
      for (let field = 0; field < FIELDS.length; field++) {
        if (!trainable[field]) continue;
        const l = trainingLevel(field, p);
        if (l === 0) continue;
        pm *= m[field][l];
        ph *= h[field][l];
        pu *= u[field][l];
      }
      const z = pm + ph + pu;
      if (!(z > 0)) continue;
      const cm = (counts[p] * pm) / z;
      const ch = (counts[p] * ph) / z;
      sumMatch += cm;
      sumHousehold += ch;
      for (let field = 0; field < FIELDS.length; field++) {
        if (!trainable[field]) continue;
        const l = trainingLevel(field, p);
        if (l === 0) continue;
        matched[field][l] += cm;
      }
    }
    for (let field = 0; field < FIELDS.length; field++) {
      if (!trainable[field]) continue;
      if (!fixM) normaliseInto(m[field], matched[field]);
    }
    if (total > 0) {
      lambda = Math.min(Math.max(sumMatch / total, 1e-9), 0.98);
      eta = Math.min(Math.max(sumHousehold / total, 1e-9), 0.99 - lambda);
    }
  }
  return { matched, lambda };
}

function normaliseInto(target: Float64Array, counts: Float64Array): void {
  let s = 0;
  for (let l = 1; l < counts.length; l++) s += counts[l];
  if (s <= 0) return;
  for (let l = 1; l < counts.length; l++) target[l] = Math.max(counts[l] / s, 1e-6);
}

export interface TrainOptions {
  thresholds?: Thresholds;
  /** Seed for the random pairs that estimate u. */
  seed?: number;
  /** How many random pairs estimate u. */
  uSamples?: number;
  iterations?: number;
}

/** u as training estimates it (the options' samples and seed). */
export function uFor(f: Features, options: TrainOptions = {}): Float64Array[] {
  return estimateU(f, options.uSamples ?? 400_000, options.seed ?? 1);
}

/** What training computes from the records alone, computed ahead (by another thread: threads.ts). */
export interface RecordEstimates {
  u?: Float64Array[];
  rates?: Coincidences;
}

/**
 * Estimates m, u, the prior and the term frequencies from the records' blocked pairs. `ahead`
 * gives u (estimateU with the same samples and seed) or the chance rates (coincidences) already
 * computed: the same model either way.
 */
export function estimateModel(f: Features, store: PairStore, options: TrainOptions = {}, ahead: RecordEstimates = {}): LinkageModel {
  const u = ahead.u ?? uFor(f, options);
  const iterations = options.iterations ?? 25;
  const start = initialM();
  const totals = RADIX.map((r) => new Float64Array(r));
  const trainable = trainableFields(store);
  store.counts.forEach((counts, r) => {
    const { matched } = emOnRule(counts, trainable[r], u, start, iterations);
    for (let field = 0; field < FIELDS.length; field++) {
      if (!trainable[r][field]) continue;
      for (let l = 1; l < RADIX[field]; l++) totals[field][l] += matched[field][l];
    }
  });
  const m = RADIX.map((r, field) => {
    const out = start[field].slice();
    let s = 0;
    for (let l = 1; l < r; l++) s += totals[field][l];
    if (s > 0) for (let l = 1; l < r; l++) out[l] = Math.max(totals[field][l] / s, 1e-6);
    return out;
  });
  // The prior, as Splink estimates it: count the pairs a strict deterministic rule calls matches
  // (same first name or nickname, same surname, same date of birth) and divide by that rule's
  // recall, which the m probabilities give. EM over the blocked pairs would overstate it: the
  // blocked non-matches agree on the blocking fields far more often than u (from random pairs)
  // allows, and more so the larger the data.
  let strict = 0;
  for (let k = 0; k < store.length; k++) {
    const c = store.code[k];
    const first = levelOf[FIRST][c];
    if ((first === FirstLevel.exact || first === FirstLevel.nickname) && (levelOf[LAST][c] === LastLevel.exact || levelOf[LAST][c] === LastLevel.exactAtHome) && levelOf[DOB][c] === DobLevel.exact) strict++;
  }
  const present = (field: number, levels: readonly number[]) => levels.reduce((s, l) => s + m[field][l], 0);
  const strictRecall = present(FIRST, [FirstLevel.exact, FirstLevel.nickname]) * present(LAST, [LastLevel.exact]) * present(DOB, [DobLevel.exact]) * (1 - missingShare(f));
  const n = f.n;
  const allPairs = Math.max(1, (n * (n - 1)) / 2);
  let expectedMatches: number;
  if (strict > 0 && strictRecall > 0) expectedMatches = strict / strictRecall;
  else {
    const union = new Float64Array(PATTERNS);
    for (let k = 0; k < store.length; k++) union[store.code[k]]++;
    expectedMatches = Math.max(1, emOnRule(union, FIELDS.map(() => true), u, m, iterations, true).lambda * store.length);
  }
  const p = Math.min(expectedMatches / allPairs, 0.5);

  const chanceRates = ahead.rates ?? coincidences(f);
  const surnameAtHome = householdRate(store, chanceRates);
  const householdsSeen = surnameAtHome > chanceRates.surname;
  const fields: LinkageModel['fields'] = {};
  const twinByChance: Record<string, boolean> = {};
  FIELDS.forEach((name, field) => {
    const levels: Record<string, { m: number; u: number }> = {};
    LEVEL_NAMES[field].forEach((level, l) => {
      if (l === 0) levels[level] = { m: 1, u: 1 };
      else if (field === FIRST && isTwinLevel(l)) {
        // stored so that log2(m / u) + prior = log2((1 - share) / share): the pair's odds as the data give them
        const { share, byChance } = twinShare(store, l, m, u, allPairs, chanceRates);
        levels[level] = { m: 1 - share, u: share * (p / (1 - p)) };
        twinByChance[level] = byChance;
      }
      else if (field === DOB && l === DobLevel.namesake) {
        // as the twin levels: prior + weight = log2((1 - share) / share)
        const share = namesakeShare(f, store, m);
        levels[level] = { m: 1 - share, u: share * (p / (1 - p)) };
      }
      else if (field === LAST && l === LastLevel.exactAtHome) levels[level] = { m: m[field][LastLevel.exact], u: householdsSeen ? surnameAtHome : u[field][LastLevel.exact] };
      else if (field === POSTCODE && l === PostcodeLevel.withAddress) levels[level] = { m: 1, u: 1 };
      else levels[level] = { m: m[field][l], u: u[field][l] };
    });
    fields[name] = levels;
  });
  const { tables, floors } = termFrequencies(f);
  return {
    version: 1,
    prior: Math.log2(p / (1 - p)),
    fields,
    termFrequencies: tables,
    termFrequencyFloor: floors,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    householdsSeen,
    twinByChance,
  };
}

export interface Coincidences {
  /** How often two different people share a date of birth. */
  dateOfBirth: number;
  /** How often two different people share a surname. */
  surname: number;
  /** How often two different people share a home (postcode, or the address where there is none). */
  home: number;
}

/**
 * How often two different people share a date of birth, and a surname, by chance. u (Σp² over the
 * values) counts every pair that shares a value, the records of one person included, and where
 * each person has several records those pairs are most of it (FEBRL dataset3: u of the birth date
 * 7e-4, of which 0.3e-4 is people born on one day). So count only pairs that are plainly two
 * people on the other fields: the share of pairs with different first names and surnames that
 * share a birth date, and the share of pairs with different first names and birth dates that
 * share a surname (or a home). Exact counts over all pairs, by grouping (no sampling).
 */
export function coincidences(f: Features): Coincidences {
  const n = f.n;
  const first = (i: number) => f.first[i];
  const last = (i: number) => f.last[i];
  const dob = (i: number) => (f.dayNo[i] !== 0 ? f.dayNo[i] + 1_000_000 : -1);
  // the home as sameHome in features.ts sees it: the postcode, or without one the address
  const home = (i: number) => (f.postcode[i] >= 0 ? f.postcode[i] : f.address[i] >= 0 ? 10_000_000 + f.address[i] : -1);
  const names = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (f.first[i] >= 0 && f.last[i] >= 0 && f.dayNo[i] !== 0) names[i] = 1;
  const scratch = Array.from({ length: 6 }, () => new Int32Array(n));
  const namesDiffer = sharing(n, scratch, names, null, first, last).neither;
  const surname = sharing(n, scratch, null, last, first, dob);
  const atHome = sharing(n, scratch, null, home, first, dob);
  // with no such pairs to count, one pair in all: rare, not impossible
  return {
    dateOfBirth: Math.max(plainlyTwoOnOneDay(f, names), 1) / Math.max(namesDiffer, 1),
    surname: Math.max(surname.shared, 1) / Math.max(surname.neither, 1),
    home: Math.max(atHome.shared, 1) / Math.max(atHome.neither, 1),
  };
}

/**
 * Over the records with all the keys present (and in `keep`, when given): the pairs that differ
 * on both a and b (neither), and of those the pairs that share `target` (shared), by inclusion and
 * exclusion over exact group counts.
 */
function sharing(n: number, scratch: Int32Array[], keep: Uint8Array | null, target: ((i: number) => number) | null, a: (i: number) => number, b: (i: number) => number): { neither: number; shared: number } {
  // each key once per record, -1 for a record left out; then dense group ids (pairKeys), counted
  // in typed arrays. The arrays are the caller's, for all its calls: at a million records each
  // allocation is megabytes, and allocating them afresh set off full garbage collections.
  const [ka, kb, kt, counts, groupIds, byTargetAndA] = scratch;
  for (let i = 0; i < n; i++) {
    const x = a(i);
    const y = b(i);
    const t = target ? target(i) : 0;
    const on = (!keep || keep[i]) && x >= 0 && y >= 0 && t >= 0;
    ka[i] = on ? x : -1;
    kb[i] = on ? y : -1;
    kt[i] = on ? t : -1;
  }
  const groups = (x: Int32Array, y: Int32Array | null, out = groupIds) => pairKeys(n, (i) => x[i], y ? (i) => y[i] : () => 0, out);
  const pairsSharing = (ids: Int32Array) => {
    counts.fill(0);
    for (let i = 0; i < n; i++) if (ids[i] >= 0) counts[ids[i]]++;
    let pairs = 0;
    let present = 0;
    for (const c of counts) {
      pairs += (c * (c - 1)) / 2;
      present += c;
    }
    return { pairs, present };
  };
  const byA = pairsSharing(groups(ka, null));
  const total = (byA.present * (byA.present - 1)) / 2;
  const neither = total - byA.pairs - pairsSharing(groups(kb, null)).pairs + pairsSharing(groups(ka, kb)).pairs;
  if (!target) return { neither, shared: 0 };
  const ta = groups(kt, ka, byTargetAndA);
  const shared = pairsSharing(groups(kt, null)).pairs - pairsSharing(ta).pairs - pairsSharing(groups(kt, kb)).pairs + pairsSharing(groups(ta, kb)).pairs;
  return { neither, shared };
}

/** Pairs compared within one large birth-date group at most: beyond it each record meets a sample. */
const DAY_GROUP_SAMPLE = 64;

/**
 * Pairs of records born on one day whose names are plainly two people's: different first names
 * and surnames, and neither name the other record's name in the other slot (a swap is one person).
 * Within a day of more than DAY_GROUP_SAMPLE records, each record meets the next DAY_GROUP_SAMPLE
 * (in record order) and the count is scaled up.
 */
function plainlyTwoOnOneDay(f: Features, keep: Uint8Array): number {
  const n = f.n;
  const days = pairKeys(n, (i) => (keep[i] ? f.dayNo[i] + 1_000_000 : -1), () => 0);
  let k = 0;
  for (let i = 0; i < n; i++) if (days[i] + 1 > k) k = days[i] + 1;
  const start = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) if (days[i] >= 0) start[days[i] + 1]++;
  for (let d = 0; d < k; d++) start[d + 1] += start[d];
  const fill = start.slice(0, k);
  const order = new Int32Array(start[k]);
  for (let i = 0; i < n; i++) if (days[i] >= 0) order[fill[days[i]]++] = i;
  let pairs = 0;
  for (let d = 0; d < k; d++) {
    const lo = start[d];
    const hi = start[d + 1];
    const size = hi - lo;
    if (size < 2) continue;
    const reach = Math.min(size - 1, DAY_GROUP_SAMPLE);
    let found = 0;
    let met = 0;
    for (let x = lo; x < hi; x++) {
      const i = order[x];
      for (let s = 1; s <= reach; s++) {
        const y = x + s < hi ? x + s : x + s - size;
        if (reach === size - 1 && y < x) continue;
        const j = order[y];
        met++;
        const a = f.first[i];
        const b = f.first[j];
        const c = f.last[i];
        const e = f.last[j];
        if (a !== b && c !== e && a !== e && c !== b) found++;
      }
    }
    pairs += met ? (found * ((size * (size - 1)) / 2)) / met : 0;
  }
  return pairs;
}

/**
 * The share of the pairs at a twin level (clearly different first names, the same birth date and
 * surname or home) that are two people, as the data show it, not a fixed guard. Twins are two
 * people; a true pair lands here when one record's first name was replaced. The evidence that
 * tells them apart is the sex: two people of one birth are of different sexes about as often as
 * any two people are (u), one person rarely is (m). So among the pairs at the level with the sex
 * recorded on both, share = (different-sex share - m) / (u - m), with one pseudo-pair at the
 * match rate so that a handful of pairs prove little. Data without sex give no evidence of
 * twins: the share is then what chance alone explains (different people who happen to share a
 * birth date and surname, from u), at least half a pair.
 */
export function twinShare(store: PairStore, level: number, m: Float64Array[], u: Float64Array[], allPairs: number, rates: Coincidences): { share: number; byChance: boolean } {
  let total = 0;
  let sexKnown = 0;
  let sexDifferent = 0;
  for (let k = 0; k < store.length; k++) {
    const c = store.code[k];
    if (levelOf[FIRST][c] !== level) continue;
    total++;
    const sex = levelOf[SEX][c];
    if (sex === SexLevel.missing) continue;
    sexKnown++;
    if (sex === SexLevel.different) sexDifferent++;
  }
  const mDifferent = m[SEX][SexLevel.different];
  const uDifferent = u[SEX][SexLevel.different];
  let share = 0;
  if (uDifferent > mDifferent) share = ((sexDifferent + mDifferent) / (sexKnown + 1) - mDifferent) / (uDifferent - mDifferent);
  // different people who happen to share a birth date and a surname, or (at one home) a home (see coincidences)
  const chance = allPairs * u[FIRST][FirstLevel.different] * rates.dateOfBirth * (level === FirstLevel.twin ? rates.home : rates.surname);
  const floor = Math.max(chance, 0.5) / (total + 1);
  return { share: Math.min(Math.max(share, floor), 1 - 1e-6), byChance: share <= floor };
}

/**
 * How often two different people at one home share a surname: the u of the surname level "exact,
 * at the same home". Counted over the compared pairs at one home that are plainly two people:
 * different first names, birth dates more than a typo apart, and different sexes. The sex is what
 * makes the count safe: where each record is one person living alone (FEBRL), the pairs at one home
 * with a new first name and birth date are mostly one person re-keyed, and would pass for a
 * household; one person is rarely recorded with two sexes. One pseudo-pair at the chance rate
 * (two people anywhere sharing a surname, see coincidences), so data without the sex, or with
 * few such pairs, fall back to chance and so to the plain surname level (householdsSeen false).
 */
export function householdRate(store: PairStore, rates: Coincidences): number {
  let atHome = 0;
  let sameSurname = 0;
  for (let k = 0; k < store.length; k++) {
    const c = store.code[k];
    if (levelOf[SEX][c] !== SexLevel.different) continue;
    const home = levelOf[ADDRESS][c];
    if (home !== AddressLevel.exact && home !== AddressLevel.similar) continue;
    const first = levelOf[FIRST][c];
    if (first !== FirstLevel.different && !isTwinLevel(first)) continue;
    const dob = levelOf[DOB][c];
    if (dob !== DobLevel.different && dob !== DobLevel.withinYear) continue;
    const last = levelOf[LAST][c];
    if (last === LastLevel.missing) continue;
    atHome++;
    if (last === LastLevel.exactAtHome) sameSurname++;
  }
  return (sameSurname + rates.surname) / (atHome + 1);
}

/**
 * The share of the pairs at the namesake level (the same first name, surname, sex and home, born
 * twelve or more years apart) that are two people: a parent and a child named after them, or one
 * person whose birth date is wrong. Two estimates from the data, and the larger is taken:
 * - the birth dates: one person's records disagree wholly on the birth date with probability
 *   m(different), so of the pairs that meet the level's other conditions with birth dates that
 *   agree (near enough), about that many per (1 - m(different)) would be one person at this
 *   level; the rest are two people. (Taking every such disagreement as twelve years or more
 *   overstates one person, so this is a floor.)
 * - the middle names, as the sex is for twins: two people's middle names differ about as often as
 *   any two (u, from the middle names' frequencies), one person's rarely (m, over pairs with the
 *   same first name, surname and birth date), so among the level's pairs with a middle name on
 *   both, share = (different share - m) / (u - m), with one pseudo-pair at the match rate.
 * At least half a pair of two people is assumed, as for the twin levels.
 */
export function namesakeShare(f: Features, store: PairStore, m: Float64Array[]): number {
  let level = 0;
  let oneIfDated = 0;
  let middles = 0;
  let middlesDiffer = 0;
  let samePerson = 0;
  let samePersonDiffer = 0;
  const bothMiddles = (k: number) => f.middle[store.left[k]] >= 0 && f.middle[store.right[k]] >= 0;
  const middlesDifferAt = (k: number) => f.middle[store.left[k]] !== f.middle[store.right[k]];
  for (let k = 0; k < store.length; k++) {
    const c = store.code[k];
    const dob = levelOf[DOB][c];
    if (dob === DobLevel.namesake) {
      level++;
      if (bothMiddles(k)) {
        middles++;
        if (middlesDifferAt(k)) middlesDiffer++;
      }
      continue;
    }
    const first = levelOf[FIRST][c];
    const last = levelOf[LAST][c];
    if (first === FirstLevel.exact && (last === LastLevel.exact || last === LastLevel.exactAtHome) && dob === DobLevel.exact && bothMiddles(k)) {
      samePerson++;
      if (middlesDifferAt(k)) samePersonDiffer++;
    }
    if (dob === DobLevel.missing || dob === DobLevel.different || levelOf[SEX][c] !== SexLevel.same) continue;
    if (first !== FirstLevel.exact && first !== FirstLevel.nickname && first !== FirstLevel.jw92 && first !== FirstLevel.jw88) continue;
    if (last !== LastLevel.exact && last !== LastLevel.exactAtHome && last !== LastLevel.jw92 && last !== LastLevel.jw88) continue;
    const home = levelOf[ADDRESS][c];
    const postcode = levelOf[POSTCODE][c];
    if (home === AddressLevel.exact || home === AddressLevel.similar || postcode === PostcodeLevel.exact || postcode === PostcodeLevel.withAddress) oneIfDated++;
  }
  const different = m[DOB][DobLevel.different];
  const byDates = level > 0 ? 1 - (oneIfDated * different) / (1 - different) / level : 0;
  const mDiffer = (samePersonDiffer + 0.5) / (samePerson + 1);
  const uDiffer = 1 - sumSquares(f.middle, f.n);
  const byMiddles = uDiffer > mDiffer ? ((middlesDiffer + mDiffer) / (middles + 1) - mDiffer) / (uDiffer - mDiffer) : 0;
  return Math.min(Math.max(byDates, byMiddles, 0.5 / (level + 1)), 1 - 1e-6);
}

/** The share of record pairs in which first name, surname or date of birth is blank on either side. */
function missingShare(f: Features): number {
  let present = 0;
  for (let i = 0; i < f.n; i++) if (f.first[i] >= 0 && f.last[i] >= 0 && f.dayNo[i] !== 0) present++;
  const share = f.n ? present / f.n : 1;
  return 1 - share * share;
}

/** Relative frequency of each first name and surname seen at least twice; rarer values use the floor (one occurrence). */
function termFrequencies(f: Features): { tables: Record<string, Record<string, number>>; floors: Record<string, number> } {
  const tables: Record<string, Record<string, number>> = {};
  const floors: Record<string, number> = {};
  for (const [field, ids] of [
    ['firstName', f.first],
    ['lastName', f.last],
  ] as const) {
    const counts = new Int32Array(f.names.length);
    let present = 0;
    for (let i = 0; i < f.n; i++) {
      if (ids[i] < 0) continue;
      counts[ids[i]]++;
      present++;
    }
    const table: Record<string, number> = {};
    for (let id = 0; id < counts.length; id++) if (counts[id] >= 2) table[f.names[id]] = counts[id] / present;
    tables[field] = table;
    floors[field] = 1 / Math.max(1, present);
  }
  return { tables, floors };
}

/** A model compiled for scoring: weight per field and level, and term-frequency lookups. */
export interface CompiledModel {
  prior: number;
  /** log2(m/u) by field then level. */
  table: Float64Array[];
  uExact: [number, number];
  tf: [Map<string, number>, Map<string, number>];
  tfFloor: [number, number];
  thresholds: Thresholds;
  /** Does an exact surname at the same home take the term-frequency adjustment (no households seen)? */
  tfAtHome: boolean;
  /** By first-name level: does a twin level's weight take the surname's term frequency (chance alone)? */
  twinTf: boolean[];
}

export function compile(model: LinkageModel): CompiledModel {
  const table = FIELDS.map((name, field) => {
    const w = new Float64Array(RADIX[field]);
    LEVEL_NAMES[field].forEach((level, l) => {
      const mu = model.fields[name]?.[level];
      w[l] = l === 0 || !mu ? 0 : Math.log2(mu.m / mu.u);
    });
    // a model stored before these levels existed: the fixed namesake weight holds, and an exact
    // surname at home counts as any exact surname
    if (field === DOB && !model.fields[name]?.[LEVEL_NAMES[DOB][DobLevel.namesake]]) w[DobLevel.namesake] = TWIN_GUARD_WEIGHT;
    if (field === FIRST && !model.fields[name]?.[LEVEL_NAMES[FIRST][FirstLevel.twinElsewhere]]) w[FirstLevel.twinElsewhere] = TWIN_GUARD_WEIGHT;
    if (field === LAST && !model.fields[name]?.[LEVEL_NAMES[LAST][LastLevel.exactAtHome]]) w[LastLevel.exactAtHome] = w[LastLevel.exact];
    return w;
  });
  const tfMap = (field: string) => new Map(Object.entries(model.termFrequencies[field] ?? {}));
  const uExact = (field: number) => model.fields[FIELDS[field]]?.exact?.u ?? 0;
  return {
    prior: model.prior,
    table,
    uExact: [uExact(FIRST), uExact(LAST)],
    tf: [tfMap('firstName'), tfMap('lastName')],
    tfFloor: [model.termFrequencyFloor?.firstName ?? 1e-6, model.termFrequencyFloor?.lastName ?? 1e-6],
    tfAtHome: !model.householdsSeen,
    twinTf: LEVEL_NAMES[FIRST].map((name) => model.twinByChance?.[name] === true),
    thresholds: model.thresholds,
  };
}

/**
 * The term-frequency adjustment for an exact match on a name (which: 0 first name, 1 surname):
 * log2(u / tf), so the exact level's weight becomes log2(m / tf(value)): a match on a rare
 * surname counts for more than on a common one.
 */
export function tfAdjustment(c: CompiledModel, which: 0 | 1, value: string): number {
  const u = c.uExact[which];
  if (!(u > 0)) return 0;
  const tf = c.tf[which].get(value) ?? c.tfFloor[which];
  return Math.log2(u / tf);
}
