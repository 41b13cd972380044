/**
 * Loaders for the public labelled record-linkage data (FEBRL 1-3, Splink's fake_1000) as
 * PersonRecords with their truth (the person of each record), shared by bench:linkage and the
 * analysis of missed pairs and false links (bench/linkage-misses.ts).
 */
import { readFileSync } from 'node:fs';
import type { PersonRecord } from '../src/domain/linkage/types.ts';
import { buildFeatures } from '../src/domain/linkage/features.ts';
import { capOf, cappedKeys, MAX_BLOCK, rulesFor } from '../src/domain/linkage/blocking.ts';

export interface Labelled {
  records: PersonRecord[];
  truth: Int32Array;
}

/** FEBRL: `rec-N-org` and `rec-N-dup-k` are one person; soc_sec_id optionally as an identifier. */
export function febrl(file: string, withId = false): Labelled {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const records: PersonRecord[] = [];
  const ids = new Map<string, number>();
  const truth = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const c = line.split(',').map((s) => s.trim());
    const d = c[9];
    records.push({
      key: c[0],
      firstName: c[1] || null,
      lastName: c[2] || null,
      dateOfBirth: d && d.length === 8 ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null,
      postcode: c[7] || null,
      address: [c[3], c[4]].filter(Boolean).join(' ') || null,
      ...(withId && c[10] ? { identifiers: { soc_sec_id: c[10] } } : {}),
    });
    const person = c[0].split('-')[1];
    if (!ids.has(person)) ids.set(person, ids.size);
    truth[i] = ids.get(person)!;
  });
  return { records, truth };
}

/** Splink's fake_1000: no postcode or address, so the city stands in as the address line; the email is compared as itself. */
export function fake1000(file: string): Labelled {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const records: PersonRecord[] = [];
  const truth = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const c = line.split(',');
    records.push({ key: c[0], firstName: c[1] || null, lastName: c[2] || null, dateOfBirth: c[3] || null, postcode: null, address: c[4] || null, email: c[5] || null });
    truth[i] = Number(c[6]);
  });
  return { records, truth };
}

/** Every public set the bench scores, by name. */
export function publicSets(dir: string): [string, () => Labelled][] {
  return [
    ['FEBRL dataset1', () => febrl(`${dir}/dataset1.csv`)],
    ['FEBRL dataset2', () => febrl(`${dir}/dataset2.csv`)],
    ['FEBRL dataset3', () => febrl(`${dir}/dataset3.csv`)],
    ['FEBRL dataset1 + soc_sec_id', () => febrl(`${dir}/dataset1.csv`, true)],
    ['FEBRL dataset2 + soc_sec_id', () => febrl(`${dir}/dataset2.csv`, true)],
    ['FEBRL dataset3 + soc_sec_id', () => febrl(`${dir}/dataset3.csv`, true)],
    ['Splink fake_1000', () => fake1000(`${dir}/fake_1000.csv`)],
  ];
}

export interface Accuracy {
  truePairs: number;
  predictedPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

const choose2 = (k: number) => (k * (k - 1)) / 2;

/** Pairwise precision, recall and F1 of predicted clusters against true clusters. */
export function pairwise(clusterOf: ArrayLike<number>, truth: ArrayLike<number>): Accuracy {
  const n = clusterOf.length;
  const predicted = new Map<number, number>();
  const actual = new Map<number, number>();
  const both = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i];
    const t = truth[i];
    predicted.set(c, (predicted.get(c) ?? 0) + 1);
    actual.set(t, (actual.get(t) ?? 0) + 1);
    const key = c * 4_294_967_296 + t;
    both.set(key, (both.get(key) ?? 0) + 1);
  }
  let tp = 0;
  let pp = 0;
  let ap = 0;
  for (const k of both.values()) tp += choose2(k);
  for (const k of predicted.values()) pp += choose2(k);
  for (const k of actual.values()) ap += choose2(k);
  const precision = pp ? tp / pp : 1;
  const recall = ap ? tp / ap : 1;
  return { truePairs: ap, predictedPairs: pp, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Share of true pairs that at least one blocking rule puts in one (all-against-all) block. */
/** The records of each true person, by index. */
export function recordsByPerson(truth: ArrayLike<number>): number[][] {
  const byPerson = new Map<number, number[]>();
  for (let i = 0; i < truth.length; i++) {
    const list = byPerson.get(truth[i]);
    if (list) list.push(i);
    else byPerson.set(truth[i], [i]);
  }
  return [...byPerson.values()];
}

export function blockingRecall(records: PersonRecord[], truth: ArrayLike<number>, maxBlock = MAX_BLOCK): number {
  const f = buildFeatures(records);
  const rules = rulesFor(f);
  const { keys } = cappedKeys(f, rules, maxBlock);
  const sizes = keys.map((k) => {
    const counts = new Map<number, number>();
    for (const v of k) if (v >= 0) counts.set(v, (counts.get(v) ?? 0) + 1);
    return counts;
  });
  let pairs = 0;
  let kept = 0;
  for (const members of recordsByPerson(truth)) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        pairs++;
        const i = members[x];
        const j = members[y];
        if (keys.some((k, r) => k[i] >= 0 && k[i] === k[j] && (sizes[r].get(k[i]) ?? 0) <= capOf(rules[r], maxBlock))) kept++;
      }
    }
  }
  return pairs ? kept / pairs : 1;
}

