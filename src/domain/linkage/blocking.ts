/**
 * Blocking: only records that share a key under at least one rule are compared. Each rule
 * groups records by a dense integer key (counting sort, no comparator); a pair found by rule k is
 * skipped when an earlier rule already shares a key for it, so every pair is compared once.
 * Blocks larger than the cap are split on further keys (REFINEMENTS, the one that keeps the most
 * pairs first) until each part is under the cap, so a rule's comparisons per record are bounded
 * whatever the size of the data; only a part that no further key splits is compared in a
 * sliding window over a secondary order (sorted neighbourhood).
 */
import { comparePair, type Features } from './features.ts';
import { FIRST, PATTERNS, SEX, type FieldName, FIELDS } from './levels.ts';

export interface BlockingRule {
  name: string;
  /** Fields the rule forces to agree: training on this rule's pairs does not estimate their m. */
  fields: readonly FieldName[];
  /** A lower cap than the run's for this rule's blocks (capOf). */
  maxBlock?: number;
  keys: (f: Features) => Int32Array;
}

/**
 * Dense ids for keys made of two non-negative integers (either negative = no key), numbered in
 * order of first appearance. An open-addressing table on one typed array: a Map keyed by doubles
 * boxes every key, and a slot's two keys and id side by side cost one cache miss, not three.
 * `out`, when given, receives the ids (a caller counting many groupings reuses one array).
 */
export function pairKeys(n: number, a: (i: number) => number, b: (i: number) => number, out: Int32Array = new Int32Array(n)): Int32Array {
  let size = 1024;
  while (size < n * 2) size *= 2;
  // A call from inside another's key function cannot share its table.
  const nested = tableInUse;
  let table = nested ? undefined : pairTable?.deref();
  if (table && table.length >= size * 3) table.fill(0, 0, size * 3);
  else {
    table = new Int32Array(size * 3);
    if (!nested) pairTable = new WeakRef(table);
  }
  tableInUse = true;
  try {
    return denseIds(table, size - 1, n, a, b, out);
  } finally {
    tableInUse = nested;
  }
}

/**
 * The table pairKeys reuses from call to call: a run makes dozens of calls, each on a table of tens
 * of megabytes at a million records, and allocating each afresh set off a full garbage collection
 * (of every record) every few calls. Weakly held: it goes at the first collection after the run.
 */
let pairTable: WeakRef<Int32Array> | undefined;
let tableInUse = false;

/** pairKeys on a zeroed table of mask + 1 slots: per slot key a, key b, id + 1 (0 = empty). */
function denseIds(table: Int32Array, mask: number, n: number, a: (i: number) => number, b: (i: number) => number, out: Int32Array): Int32Array {
  let next = 0;
  for (let i = 0; i < n; i++) {
    const x = a(i);
    const y = b(i);
    if (x < 0 || y < 0) {
      out[i] = -1;
      continue;
    }
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    for (;;) {
      const at = slot * 3;
      const id = table[at + 2] - 1;
      if (id < 0) {
        table[at] = x;
        table[at + 1] = y;
        table[at + 2] = next + 1;
        out[i] = next++;
        break;
      }
      if (table[at] === x && table[at + 1] === y) {
        out[i] = id;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return out;
}

const initial = (f: Features, id: number) => (id >= 0 ? f.names[id].charCodeAt(0) : -1);

const groupOf = (f: Features, id: number) => {
  if (id < 0) return -1;
  const g = f.nameGroupA[id];
  return g >= 0 ? g : 100_000 + id;
};

const groupOrName = (f: Features, i: number) => groupOf(f, f.first[i]);

/** A postcode's (or district's) key, or where there is none the address line as a place (Features.place), in a key range of its own. */
const orPlace = (f: Features, i: number, key: number) => (key >= 0 ? key : f.place[i] >= 0 ? 10_000_000 + f.place[i] : -1);

/**
 * The cap on the blocks of the rules keyed on a birth date. A birth date with an initial has a
 * fixed key space (about 36,500 dates of living people by 26 letters), so its blocks keep growing
 * with the records long after the name-sound rules' blocks reach the run's cap; with the same cap
 * of 20 they were still mostly under it at 4,000,000 records (the median record's block 13 to 14)
 * and made most of the growth in comparisons from 1,000,000 to 4,000,000.
 */
const BIRTH_DATE_BLOCK = 8;

export const DEFAULT_RULES: readonly BlockingRule[] = [
  {
    name: 'date of birth and first initial',
    maxBlock: BIRTH_DATE_BLOCK,
    fields: ['dateOfBirth'],
    keys: (f) => pairKeys(f.n, (i) => (f.dayNo[i] ? f.dayNo[i] : -1), (i) => initial(f, f.first[i])),
  },
  {
    name: 'date of birth and surname initial',
    maxBlock: BIRTH_DATE_BLOCK,
    fields: ['dateOfBirth'],
    keys: (f) => pairKeys(f.n, (i) => (f.dayNo[i] ? f.dayNo[i] : -1), (i) => initial(f, f.last[i])),
  },
  {
    // first name and surname the other way round on one record
    name: 'date of birth and both initials in either order',
    maxBlock: BIRTH_DATE_BLOCK,
    fields: ['dateOfBirth'],
    keys: (f) =>
      pairKeys(
        f.n,
        (i) => (f.dayNo[i] ? f.dayNo[i] : -1),
        (i) => {
          const a = initial(f, f.first[i]);
          const b = initial(f, f.last[i]);
          return a < 0 || b < 0 ? -1 : Math.min(a, b) * 65_536 + Math.max(a, b);
        },
      ),
  },
  {
    name: 'surname sound and year and month of birth',
    fields: ['lastName', 'dateOfBirth'],
    keys: (f) => pairKeys(f.n, (i) => (f.last[i] >= 0 ? f.namePhonetic[f.last[i]] : -1), (i) => (f.year[i] ? f.year[i] * 16 + f.month[i] : -1)),
  },
  {
    // someone whose birth date is mistyped or blank and whose surname changed or is missing; where
    // there is no postcode (data that record a town, a record with the postcode left blank) the
    // address line as a place stands for it. A record with no first name keys on its surname: its
    // one name may be the given name keyed in the wrong box (Thomas Gabriel and a record with only
    // "Thomas" as the surname). The same postcode all but forces the same address, so neither
    // trains on this rule.
    name: 'first name (or its formal name; the surname where there is none) and postcode (or place)',
    fields: ['firstName', 'postcode', 'address'],
    keys: (f) => pairKeys(f.n, (i) => groupOf(f, f.first[i] >= 0 ? f.first[i] : f.last[i]), (i) => orPlace(f, i, f.postcode[i])),
  },
  {
    name: 'postcode and house number',
    fields: ['postcode', 'address'],
    keys: (f) => pairKeys(f.n, (i) => f.postcode[i], (i) => (f.houseNumber[i] >= 0 ? f.houseNumber[i] : -1)),
  },
  {
    name: 'first name (or its formal name), surname sound and decade of birth',
    fields: ['firstName', 'lastName'],
    keys: (f) =>
      pairKeys(
        f.n,
        (i) => groupOrName(f, i),
        (i) => (f.last[i] >= 0 ? f.namePhonetic[f.last[i]] * 64 + (f.year[i] ? Math.floor(f.year[i] / 10) % 63 : 63) : -1),
      ),
  },
  {
    name: 'first name and surname sounds in either order',
    fields: ['firstName', 'lastName'],
    keys: (f) =>
      pairKeys(
        f.n,
        (i) => (f.first[i] >= 0 && f.last[i] >= 0 ? Math.min(f.namePhonetic[f.first[i]], f.namePhonetic[f.last[i]]) : -1),
        (i) => (f.first[i] >= 0 && f.last[i] >= 0 ? Math.max(f.namePhonetic[f.first[i]], f.namePhonetic[f.last[i]]) : -1),
      ),
  },
  {
    // a name changed or left blank on one record (marriage, a record keyed without names): the same
    // birth date in the same place; the place is the postcode district, or where there is no
    // postcode the address line as a place (Features.place: a typo in a town's name keeps its key).
    // The district forces the postcode's first half to agree, so the postcode does not train on
    // this rule.
    name: 'date of birth and postcode district (or place)',
    maxBlock: BIRTH_DATE_BLOCK,
    fields: ['dateOfBirth', 'postcode'],
    keys: (f) => pairKeys(f.n, (i) => (f.dayNo[i] ? f.dayNo[i] : -1), (i) => orPlace(f, i, f.outward[i])),
  },
  {
    // data without postcodes (a town or an address line only): a first name changed or left out
    // and the birth date wrong leave the surname and the place. Only records without a postcode
    // are keyed: with one, the postcode rules already find neighbours and families.
    name: 'surname sound and place (records without a postcode)',
    fields: ['lastName', 'address'],
    keys: (f) => pairKeys(f.n, (i) => (f.last[i] >= 0 ? f.namePhonetic[f.last[i]] : -1), (i) => (f.postcode[i] < 0 ? f.place[i] : -1)),
  },
  {
    // one home with the postcode left blank on one record: the first-name and birth-date rules key
    // that record on its place and the other on its postcode, so they miss the pair when the birth
    // date also has a typo. Keyed on the place whether or not there is a postcode; two people at
    // one home rarely share a first name, so its blocks are small and hold few families.
    name: 'first name (or its formal name; the surname where there is none) and place',
    fields: ['firstName', 'address'],
    keys: (f) => pairKeys(f.n, (i) => groupOf(f, f.first[i] >= 0 ? f.first[i] : f.last[i]), (i) => f.place[i]),
  },
  {
    name: 'email',
    fields: ['email'],
    keys: (f) => f.email,
  },
  {
    // the same handle at another provider, or the same address with a typo in the domain
    name: 'email local part',
    fields: ['email'],
    keys: (f) => f.emailLocal,
  },
];

/**
 * One rule per identifier scheme the records carry (NHS number, UPN, ...): records with the same
 * number in one scheme are compared, whatever their names and dates say.
 */
export function identifierRules(f: Features): BlockingRule[] {
  return f.schemes.map((scheme, s) => ({
    name: `identifier: ${scheme}`,
    fields: ['identifier'] as const,
    keys: (g: Features) => {
      const keys = new Int32Array(g.n).fill(-1);
      for (let i = 0; i < g.n; i++)
        for (let x = g.idStart[i]; x < g.idStart[i + 1]; x++) if (g.idScheme[x] === s) keys[i] = g.idValue[x];
      return keys;
    },
  }));
}

/** The rules a run uses: the given (or default) rules and one rule per identifier scheme present. */
export function rulesFor(f: Features, options: BlockingOptions = {}): readonly BlockingRule[] {
  const base = options.rules ?? DEFAULT_RULES;
  return f.schemes.length ? [...base, ...identifierRules(f)] : base;
}

export interface Refinement {
  name: string;
  /** A non-negative key, or -1 for a record without one. */
  key: (f: Features, i: number) => number;
}

/**
 * The further keys an oversized block may be split on (capBlocks picks among them block by
 * block): each is a fact two records of one person usually share, and none needs the rule's own
 * key to be meaningful.
 */
export const REFINEMENTS: readonly Refinement[] = [
  { name: 'year of birth', key: (f, i) => (f.dayNo[i] !== 0 ? f.year[i] + 2000 : -1) },
  { name: 'first name sound', key: (f, i) => (f.first[i] >= 0 ? f.namePhonetic[f.first[i]] : -1) },
  { name: 'surname sound', key: (f, i) => (f.last[i] >= 0 ? f.namePhonetic[f.last[i]] : -1) },
  { name: 'postcode district', key: (f, i) => f.outward[i] },
];

/**
 * A rule's keys with every block over maxBlock split on further keys (REFINEMENTS). Each oversized
 * block is split on the further key that keeps the most of its pairs together (the key that best
 * agrees with what the block already shares: within one birth date and first initial, the
 * first name's sound splits least), and a part still over the cap is split again on the keys left.
 * Keeping the most pairs keeps the most true pairs: they share nearly every key. A record without
 * the further key stays with the others of its block that lack it. The result is the key the
 * comparison really uses: two records are compared by the rule exactly when their capped keys are
 * equal (but for a part no further key splits, which is compared in a sliding window).
 */
export function capBlocks(f: Features, keys: Int32Array, maxBlock: number, sizes = blockSizes(keys)): Int32Array {
  const n = keys.length;
  let oversized = 0;
  for (let b = 0; b < sizes.length; b++) if (sizes[b] > maxBlock) oversized += sizes[b];
  if (!oversized) return keys;
  const out = new Int32Array(n).fill(-1);
  const idOf = new Int32Array(sizes.length).fill(-1);
  let next = 0;
  // the records of the oversized blocks, block by block (counting sort)
  const start = new Int32Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b++) start[b + 1] = start[b] + (sizes[b] > maxBlock ? sizes[b] : 0);
  const fill = start.slice(0, sizes.length);
  const members = new Int32Array(oversized);
  for (let i = 0; i < n; i++) {
    const b = keys[i];
    if (b < 0) continue;
    if (sizes[b] > maxBlock) members[fill[b]++] = i;
    else {
      if (idOf[b] < 0) idOf[b] = next++;
      out[i] = idOf[b];
    }
  }
  const split = (part: Int32Array, left: readonly Refinement[]): void => {
    if (part.length <= maxBlock || !left.length) {
      const id = next++;
      for (const i of part) out[i] = id;
      return;
    }
    // the further key that keeps the most pairs while splitting the part at all
    let best = -1;
    let bestKept = -1;
    let bestOrder: Float64Array | null = null;
    left.forEach((refinement, r) => {
      // key + 1 (0 for a record without it) in the high bits, the position in the low: sorting groups by key
      const order = new Float64Array(part.length);
      for (let x = 0; x < part.length; x++) order[x] = (refinement.key(f, part[x]) + 1) * 67_108_864 + x;
      order.sort();
      let kept = 0;
      let run = 1;
      let runs = 1;
      for (let x = 1; x <= part.length; x++) {
        if (x < part.length && Math.floor(order[x] / 67_108_864) === Math.floor(order[x - 1] / 67_108_864)) run++;
        else {
          kept += (run * (run - 1)) / 2;
          if (x < part.length) runs++;
          run = 1;
        }
      }
      if (runs > 1 && kept > bestKept) {
        best = r;
        bestKept = kept;
        bestOrder = order;
      }
    });
    if (best < 0 || !bestOrder) return split(part, []);
    const order: Float64Array = bestOrder;
    const rest = left.filter((_, r) => r !== best);
    let lo = 0;
    for (let x = 1; x <= part.length; x++) {
      if (x < part.length && Math.floor(order[x] / 67_108_864) === Math.floor(order[x - 1] / 67_108_864)) continue;
      split(Int32Array.from(order.subarray(lo, x), (v) => part[v % 67_108_864]), rest);
      lo = x;
    }
  };
  for (let b = 0; b < sizes.length; b++) if (sizes[b] > maxBlock) split(members.subarray(start[b], start[b + 1]), REFINEMENTS);
  return out;
}

function blockSizes(keys: Int32Array): Int32Array {
  let k = 0;
  for (let i = 0; i < keys.length; i++) if (keys[i] + 1 > k) k = keys[i] + 1;
  const sizes = new Int32Array(k);
  for (let i = 0; i < keys.length; i++) if (keys[i] >= 0) sizes[keys[i]]++;
  return sizes;
}

/**
 * Blocks with more records than this are split on further keys. A block grows with the data (the
 * key space of a birth date, an initial or a name sound is fixed), so without a cap comparisons per
 * record grow in proportion to the records; a cap bounds them, and only a cap the blocks reach
 * already at a million records keeps them about flat from there (see the README for the figures).
 */
export const MAX_BLOCK = 20;

export interface BlockingOptions {
  rules?: readonly BlockingRule[];
  /** Blocks with more records than this are split on further keys (REFINEMENTS). */
  maxBlock?: number;
  /** Window size for a block that no further key splits under maxBlock. */
  window?: number;
  /**
   * Compare only the blocks of this partition (of `count`): block b of rule r belongs to
   * partition (r * 7919 + b) mod count. A pair is compared in one block only (the first rule
   * that blocks it), so the partitions' pairs together are exactly the whole run's, and their
   * training counts add up to the whole run's.
   */
  partition?: { index: number; count: number };
  /** The rules' capped keys (cappedKeys), when the caller has computed them already. */
  capped?: CappedKeys;
}

/** The compared pairs and their comparison vectors, in growable typed arrays. */
export interface PairStore {
  length: number;
  left: Int32Array;
  right: Int32Array;
  code: Uint32Array;
  /** Which rule found each pair. */
  rule: Uint8Array;
  /** Comparison-vector counts per rule, for training. */
  counts: Float64Array[];
  rules: readonly BlockingRule[];
  /** For each rule, the indexes of FIELDS it forces to agree. */
  ruleFields: number[][];
}

/** Each rule's keys with oversized blocks split (capBlocks): the blocks the rule compares. */
/** The cap on one rule's blocks: its own where it has a lower one, else the run's. */
export const capOf = (rule: BlockingRule, maxBlock = MAX_BLOCK) => Math.min(rule.maxBlock ?? maxBlock, maxBlock);

export function cappedKeys(f: Features, rules: readonly BlockingRule[], runCap = MAX_BLOCK): CappedKeys {
  const each = rules.map((rule) => cappedKey(f, rule, runCap));
  return { keys: each.map((c) => c.keys), splitFrom: each.map((c) => c.splitFrom) };
}

/** One rule's capped keys and where the parts of its split blocks start (CappedKeys). */
export function cappedKey(f: Features, rule: BlockingRule, runCap = MAX_BLOCK): { keys: Int32Array; splitFrom: number } {
  const maxBlock = capOf(rule, runCap);
  const own = rule.keys(f);
  // capBlocks numbers the blocks under the cap first, then the parts of split blocks
  const sizes = blockSizes(own);
  let under = 0;
  for (const size of sizes) if (size > 0 && size <= maxBlock) under++;
  return { keys: capBlocks(f, own, maxBlock, sizes), splitFrom: under };
}

/**
 * Each rule's capped keys, and where the parts of split blocks start among them. A split part's
 * records were made to agree on a further key (the year of birth, a name's sound, the district)
 * that the rule's training does not hold out, so its pairs are compared and scored but do not
 * train the rule: in data where names repeat a great deal (the demo's extracts) they taught EM
 * that a person's birth date often differs (m of an exact birth date 0.28, not 0.96).
 */
export interface CappedKeys {
  keys: Int32Array[];
  /** Per rule: capped keys from this number on are parts of split blocks. */
  splitFrom: number[];
}

/** For each rule, the indexes of FIELDS it forces to agree (PairStore.ruleFields). */
export function ruleFieldsOf(rules: readonly BlockingRule[]): number[][] {
  return rules.map((r) => r.fields.map((name) => FIELDS.indexOf(name)));
}

/** Adds one partition's training counts into another's (most patterns are never seen: zeros are skipped). */
export function addCounts(into: Float64Array[], from: readonly Float64Array[]): void {
  from.forEach((c, r) => {
    const to = into[r];
    for (let x = 0; x < c.length; x++) if (c[x] !== 0) to[x] += c[x];
  });
}

/** Several partitions' stores as one: the pairs one after another, the training counts added. */
export function mergeStores(parts: readonly PairStore[]): PairStore {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const first = parts[0];
  const merged: PairStore = {
    length, left: new Int32Array(length), right: new Int32Array(length), code: new Uint32Array(length), rule: new Uint8Array(length),
    counts: first.counts.map(() => new Float64Array(PATTERNS)), rules: first.rules, ruleFields: first.ruleFields,
  };
  let at = 0;
  for (const p of parts) {
    merged.left.set(p.left.subarray(0, p.length), at);
    merged.right.set(p.right.subarray(0, p.length), at);
    merged.code.set(p.code.subarray(0, p.length), at);
    merged.rule.set(p.rule.subarray(0, p.length), at);
    addCounts(merged.counts, p.counts);
    at += p.length;
  }
  return merged;
}

export function blockAndCompare(f: Features, options: BlockingOptions = {}): PairStore {
  const rules = rulesFor(f, options);
  const maxBlock = options.maxBlock ?? MAX_BLOCK;
  const window = options.window ?? 40;
  const n = f.n;
  // Every rule's keys up front: a pair counts towards the training counts of each rule that
  // would block it (Splink trains each rule on all its pairs), though it is compared only once.
  const { keys: allKeys, splitFrom } = options.capped ?? cappedKeys(f, rules, maxBlock);
  // Every rule's key of a record side by side (record by record): emit reads all of them for both
  // records of each pair, and from one array per rule that was a cache miss per rule and record.
  const R = rules.length;
  const byRecord = new Int32Array(n * R);
  for (let r = 0; r < R; r++) {
    const keys = allKeys[r];
    for (let i = 0, at = r; i < n; i++, at += R) byRecord[at] = keys[i];
  }
  const store: PairStore = {
    length: 0,
    left: new Int32Array(0),
    right: new Int32Array(0),
    code: new Uint32Array(0),
    rule: new Uint8Array(0),
    counts: rules.map(() => new Float64Array(PATTERNS)),
    rules,
    ruleFields: ruleFieldsOf(rules),
  };
  // Two passes over the blocks: the first counts the pairs to compare, so that the second stores
  // them in arrays of their exact size. Growing the arrays by doubling allocated three times the
  // memory, and at a million records the garbage collector ran over every record for each growth.
  let counting = true;
  let pairs = 0;
  // keys are below the records' number but for those that index a dictionary (emails, identifiers)
  let most = 0;
  for (const keys of allKeys) for (let i = 0; i < n; i++) if (keys[i] + 1 > most) most = keys[i] + 1;
  const start = new Int32Array(most + 1);
  const fill = new Int32Array(most);
  const order = new Int32Array(n);
  const secondary = new Float64Array(n);
  const part = options.partition;
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      counting = false;
      store.left = new Int32Array(pairs);
      store.right = new Int32Array(pairs);
      store.code = new Uint32Array(pairs);
      store.rule = new Uint8Array(pairs);
    }
    for (let r = 0; r < R; r++) {
      const keys = allKeys[r];
      // counting sort by key
      let k = 0;
      for (let i = 0; i < n; i++) if (keys[i] + 1 > k) k = keys[i] + 1;
      start.fill(0, 0, k + 1);
      for (let i = 0; i < n; i++) if (keys[i] >= 0) start[keys[i] + 1]++;
      for (let b = 0; b < k; b++) start[b + 1] += start[b];
      fill.set(start.subarray(0, k));
      for (let i = 0; i < n; i++) if (keys[i] >= 0) order[fill[keys[i]]++] = i;

      const emit = (i: number, j: number) => {
        const ai = i * R;
        const aj = j * R;
        for (let e = 0; e < r; e++) {
          const key = byRecord[ai + e];
          if (key >= 0 && key === byRecord[aj + e]) return;
        }
        if (counting) {
          pairs++;
          return;
        }
        const c = comparePair(f, i, j);
        const at = store.length++;
        store.left[at] = i;
        store.right[at] = j;
        store.code[at] = c;
        store.rule[at] = r;
        if (keys[i] < splitFrom[r]) store.counts[r][c]++;
        for (let e = r + 1; e < R; e++) {
          const key = byRecord[ai + e];
          if (key >= 0 && key === byRecord[aj + e] && key < splitFrom[e]) store.counts[e][c]++;
        }
      };

      for (let b = 0; b < k; b++) {
        const lo = start[b];
        const hi = start[b + 1];
        const size = hi - lo;
        if (size < 2) continue;
        if (part && (r * 7919 + b) % part.count !== part.index) continue;
        if (size <= capOf(rules[r], maxBlock)) {
          for (let x = lo; x < hi; x++) {
            const i = order[x];
            for (let y = x + 1; y < hi; y++) {
              const j = order[y];
              if (i < j) emit(i, j);
              else emit(j, i);
            }
          }
        } else {
          // sorted neighbourhood: order the block by name, then date of birth, and compare neighbours
          const members = order.subarray(lo, hi);
          for (let x = 0; x < size; x++) {
            const i = members[x];
            secondary[x] = ((f.last[i] + 1) * 65_536 + (f.first[i] + 1)) * 65_536 + (f.dayNo[i] % 65_536);
          }
          const idx = Array.from({ length: size }, (_, x) => x).sort((p, q) => secondary[p] - secondary[q]);
          const sorted = idx.map((x) => members[x]);
          for (let x = 0; x < size; x++) {
            const i = sorted[x];
            const end = Math.min(size, x + 1 + window);
            for (let y = x + 1; y < end; y++) {
              const j = sorted[y];
              if (i < j) emit(i, j);
              else emit(j, i);
            }
          }
        }
      }
    }
  }
  return store;
}

/**
 * Fields (by index into FIELDS) each rule leaves free to train. A first name all but fixes the sex
 * (most names are given to one sex), so sex does not train where the first name is forced: in a
 * block of namesakes every pair agrees on sex, and EM would take "same sex" for "same person" and
 * learn m for the other fields from pairs of different people.
 */
export function trainableFields(store: PairStore): boolean[][] {
  return store.ruleFields.map((forced) => FIELDS.map((_, f) => !forced.includes(f) && !(f === SEX && forced.includes(FIRST))));
}
