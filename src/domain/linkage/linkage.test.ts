import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decide, explain, link, train } from './index.ts';
import type { LinkageModel, PersonRecord } from './types.ts';
import { generateRecords } from './synthetic.ts';
import { buildFeatures, comparePair } from './features.ts';
import { blockAndCompare } from './blocking.ts';
import { ADDRESS, AddressLevel, DOB, DobLevel, FIELDS, FIRST, FirstLevel, LAST, LastLevel, LEVEL_NAMES, SEX, SexLevel, levelOf } from './levels.ts';
import { coincidences, householdRate, mulberry32 } from './model.ts';

const base: PersonRecord = { key: 'a', firstName: 'William', lastName: 'Smith', dateOfBirth: '1980-03-14', sex: 'M', postcode: 'CM1 2AB', address: '12 High Street' };
const record = (key: string, over: Partial<PersonRecord> = {}): PersonRecord => ({ ...base, key, ...over });

/** Pairwise precision and recall of clusters against the truth. */
function accuracy(clusterOf: ArrayLike<number>, truth: ArrayLike<number>) {
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  for (let i = 0; i < truth.length; i++)
    for (let j = i + 1; j < truth.length; j++) {
      const same = truth[i] === truth[j];
      const together = clusterOf[i] === clusterOf[j];
      if (same) actual++;
      if (together) predicted++;
      if (same && together) tp++;
    }
  const precision = tp / predicted;
  const recall = tp / actual;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const synthetic = generateRecords({ records: 3000, seed: 7 });
const model = train(synthetic.records);

describe('training', () => {
  it('recovers m and u close to their true values on generated data', () => {
    const f = buildFeatures(synthetic.records);
    const store = blockAndCompare(f);
    // true m: the share of each level among blocked pairs of one person
    const matchCounts = FIELDS.map((_, k) => new Float64Array(LEVEL_NAMES[k].length));
    // an exact surname is exact to m and u wherever the records live
    const levelAt = (k: number, code: number) => (k === LAST && levelOf[k][code] === LastLevel.exactAtHome ? LastLevel.exact : levelOf[k][code]);
    for (let p = 0; p < store.length; p++) {
      if (synthetic.personOf[store.left[p]] !== synthetic.personOf[store.right[p]]) continue;
      FIELDS.forEach((_, k) => matchCounts[k][levelAt(k, store.code[p])]++);
    }
    // true u: the share of each level among random pairs of different people
    const random = mulberry32(3);
    const nonMatchCounts = FIELDS.map((_, k) => new Float64Array(LEVEL_NAMES[k].length));
    for (let s = 0; s < 200_000; s++) {
      const i = Math.floor(random() * f.n);
      const j = Math.floor(random() * f.n);
      if (i === j || synthetic.personOf[i] === synthetic.personOf[j]) continue;
      const code = comparePair(f, Math.min(i, j), Math.max(i, j));
      FIELDS.forEach((_, k) => nonMatchCounts[k][levelAt(k, code)]++);
    }
    const share = (counts: Float64Array, level: number) => counts[level] / counts.slice(1).reduce((a, b) => a + b, 0);
    const checks: [number, string, number][] = [
      [0, 'exact', 1],
      [0, 'nickname', 2],
      [1, 'exact', 1],
      [2, 'exact', 1],
      [2, 'different', 5],
      [3, 'same', 1],
      [5, 'exact', 1],
    ];
    for (const [k, name, level] of checks) {
      const estimated = model.fields[FIELDS[k]][name];
      expect(Math.abs(estimated.m - share(matchCounts[k], level)), `m of ${FIELDS[k]} ${name}`).toBeLessThan(0.05);
      expect(Math.abs(estimated.u - share(nonMatchCounts[k], level)), `u of ${FIELDS[k]} ${name}`).toBeLessThan(0.01);
    }
  });

  it('is deterministic and JSON-serialisable', () => {
    const again = train(synthetic.records);
    expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(model)));
  });
});

describe('twin levels without the sex recorded', () => {
  it('count how often two people share a birth date from pairs that are plainly two people, not from every pair (duplicates inflate that)', () => {
    // 300 people born over ten years, each recorded three times alike, with invented names
    const random = mulberry32(3);
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const word = () => Array.from({ length: 7 }, () => letters[Math.floor(random() * 26)]).join('');
    const records: PersonRecord[] = [];
    for (let p = 0; p < 300; p++) {
      const day = new Date(Date.UTC(1970, 0, 1 + Math.floor(random() * 3650))).toISOString().slice(0, 10);
      const person = { firstName: word(), lastName: word(), dateOfBirth: day };
      for (let k = 0; k < 3; k++) records.push(record(`${p}-${k}`, { ...person, sex: null, postcode: null, address: null }));
    }
    const f = buildFeatures(records);
    const rates = coincidences(f);
    // one day in 3,650; the share of all pairs sharing a birth date is about 18 times that here
    expect(rates.dateOfBirth).toBeLessThan(2 / 3650);
    expect(rates.dateOfBirth).toBeGreaterThan(0.3 / 3650);
    // invented surnames are never shared by two people: one pair in all, the floor
    expect(rates.surname).toBeLessThan(1e-4);
  });

  it('link a duplicate whose first name was replaced, where chance explains no pair of two people at that level', () => {
    const file = fileURLToPath(new URL('./testdata/febrl-dataset1.csv', import.meta.url));
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    const records: PersonRecord[] = lines.map((line) => {
      const c = line.split(',').map((s) => s.trim());
      const d = c[9];
      return { key: c[0], firstName: c[1] || null, lastName: c[2] || null, dateOfBirth: d.length === 8 ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : null, postcode: c[7] || null, address: [c[3], c[4]].filter(Boolean).join(' ') || null };
    });
    const m = train(records);
    const e = explain(m, record('x', { firstName: 'Connor', lastName: 'Shepherd', dateOfBirth: '1932-09-07', sex: null, postcode: '3183', address: '39 Burnage Place' }), record('y', { firstName: 'Olivia', lastName: 'Shepherd', dateOfBirth: '1932-09-07', sex: null, postcode: '3183', address: '39 Burnage Place' }));
    expect(e.fields[0].level).toBe('different, same birth date and surname or home');
    // odds of about 80 to 1 (the floor of half a pair of two people among the level's 39); 16 to 1
    // when chance was taken from every pair sharing a birth date, duplicates included
    expect(e.weight).toBeGreaterThan(5);
  });
});

describe('decide', () => {
  const thresholds = { link: 6, review: 0 };
  it('links at or above the link threshold, reviews between, keeps apart below', () => {
    expect(decide(6, thresholds)).toBe('link');
    expect(decide(12.5, thresholds)).toBe('link');
    expect(decide(5.99, thresholds)).toBe('review');
    expect(decide(0, thresholds)).toBe('review');
    expect(decide(-0.01, thresholds)).toBe('apart');
  });
});

describe('explain', () => {
  it('gives a prior and field weights that add up exactly to the weight link() scored', () => {
    const result = link(synthetic.records, { model });
    const sample = result.pairs.slice(0, 200);
    expect(sample.length).toBeGreaterThan(50);
    for (const pair of sample) {
      const e = explain(model, synthetic.records[pair.left], synthetic.records[pair.right]);
      const sum = e.fields.reduce((w, field) => w + field.weight, e.prior);
      expect(sum).toBe(e.weight);
      expect(e.weight).toBe(pair.weight);
      expect(e.probability).toBeCloseTo(pair.probability, 12);
    }
  });

  it('labels each field in plain words', () => {
    const e = explain(model, record('a'), record('b', { firstName: 'Bill', dateOfBirth: '1980-14-03'.replace('14-03', '03-41') }));
    const first = e.fields.find((f) => f.field === 'firstName')!;
    expect(first.level).toBe('nickname');
    expect(first.label).toBe('first name: William and Bill are forms of the same name (william)');
    expect(e.fields.find((f) => f.field === 'dateOfBirth')!.label).toBe('date of birth: blank on one record, so it counts neither way');
    expect(e.fields.map((f) => f.field)).toEqual([...FIELDS]);
  });

  it('weighs first and last name swapped at most as the same names in one order would, so a common name swapped is no strong evidence', () => {
    const tfModel: LinkageModel = { ...model, termFrequencies: { firstName: { ...model.termFrequencies.firstName, claire: 0.01 }, lastName: { ...model.termFrequencies.lastName, smith: 0.02 } } };
    const claire = { firstName: 'Claire', lastName: 'Smith', sex: 'F' as const };
    const swapped = { firstName: 'Smith', lastName: 'Claire', sex: 'F' as const, dateOfBirth: null, postcode: 'SS7 1AA', address: '3 Mill Lane' };
    const e = explain(tfModel, record('a', claire), record('b', swapped));
    expect(e.fields[0].level).toBe('first and last name swapped');
    const names = e.fields[0].weight + e.fields[1].weight;
    // log2(1 / 0.01) + log2(1 / 0.02): the chance two people's records carry Claire Smith
    expect(names).toBeCloseTo(Math.log2(100) + Math.log2(50), 9);
    const level = (field: 'firstName' | 'lastName') => tfModel.fields[field]['first and last name swapped'];
    expect(names).toBeLessThan(Math.log2(level('firstName').m / level('firstName').u) + Math.log2(level('lastName').m / level('lastName').u) - 3);
    // a swap of names no other record carries keeps the level's own weight
    const rare = explain(tfModel, record('a', { ...claire, firstName: 'Zebedee', lastName: 'Quarrington' }), record('b', { ...swapped, firstName: 'Quarrington', lastName: 'Zebedee' }));
    expect(rare.fields[0].weight).toBeCloseTo(Math.log2(level('firstName').m / level('firstName').u), 9);
    // link() scores the pair exactly as explain() does
    const scored = link([record('a', claire), record('b', swapped)], { model: tfModel, thresholds: { link: 4, review: -1000 } });
    expect(scored.pairs.map((p) => p.weight)).toEqual([e.weight]);
  });

  it('weighs a match on a rare surname more than on Smith (term frequencies)', () => {
    const tfModel: LinkageModel = { ...model, termFrequencies: { ...model.termFrequencies, lastName: { smith: 0.02, entwistle: 0.0001 } } };
    const elsewhere = { postcode: 'SS7 1AA', address: '3 Mill Lane' };
    const smith = explain(tfModel, record('a'), record('b', elsewhere));
    const rare = explain(tfModel, record('a', { lastName: 'Entwistle' }), record('b', { lastName: 'Entwistle', ...elsewhere }));
    const weightOf = (e: typeof smith) => e.fields.find((f) => f.field === 'lastName')!.weight;
    expect(weightOf(rare)).toBeGreaterThan(weightOf(smith) + 5);
    expect(rare.weight).toBeGreaterThan(smith.weight);
  });
});

describe('surname at the same home', () => {
  it('counts for less, without term frequency, where training found households', () => {
    expect(model.householdsSeen).toBe(true);
    const home = explain(model, record('a'), record('b')).fields.find((f) => f.field === 'lastName')!;
    const away = explain(model, record('a'), record('b', { postcode: 'SS7 1AA', address: '3 Mill Lane' })).fields.find((f) => f.field === 'lastName')!;
    expect(home.level).toBe('exact, at the same home');
    expect(home.label).toBe('surname: Smith on both records, who share a home, so it counts for less (families share both)');
    // The postcode is counted with the address at one home: never "NV17 7QE and NV17 7QE are different".
    const postcode = explain(model, record('a'), record('b')).fields.find((f) => f.field === 'postcode')!;
    expect(postcode.label).toMatch(/^postcode: (\S+ \S+) on both records/);
    expect(explain(model, record('a'), record('b')).fields.every((f) => !/(\S+) and \1 are different/.test(f.label))).toBe(true);
    expect(home.weight).toBeCloseTo(Math.log2(model.fields.lastName.exact.m / model.fields.lastName['exact, at the same home'].u), 12);
    expect(away.level).toBe('exact');
    expect(away.weight).toBeGreaterThan(home.weight);
  });

  it('takes its u from the data: how often two people of different sexes at one home share a surname', () => {
    const f = buildFeatures(synthetic.records);
    const store = blockAndCompare(f);
    // the truth: pairs of two people at one home, of different sexes, with different first names and birth dates
    let atHome = 0;
    let shared = 0;
    for (let k = 0; k < store.length; k++) {
      const c = store.code[k];
      if (synthetic.personOf[store.left[k]] === synthetic.personOf[store.right[k]] || levelOf[SEX][c] !== SexLevel.different) continue;
      if (levelOf[ADDRESS][c] !== AddressLevel.exact && levelOf[ADDRESS][c] !== AddressLevel.similar) continue;
      if (levelOf[FIRST][c] === FirstLevel.exact || levelOf[DOB][c] === DobLevel.exact || levelOf[LAST][c] === LastLevel.missing) continue;
      atHome++;
      if (levelOf[LAST][c] === LastLevel.exactAtHome) shared++;
    }
    const u = model.fields.lastName['exact, at the same home'].u;
    expect(u).toBe(householdRate(store, coincidences(f)));
    expect(u).toBeGreaterThan(0.3);
    expect(Math.abs(u - shared / atHome)).toBeLessThan(0.05);
  });

  it('falls back to the plain surname level where no sex is recorded (no evidence of households)', () => {
    const sexless = train(synthetic.records.map((r) => ({ ...r, sex: null })));
    expect(sexless.householdsSeen).toBe(false);
    expect(sexless.fields.lastName['exact, at the same home'].u).toBe(sexless.fields.lastName.exact.u);
  });

  it('counts as any exact surname where every record lives alone (FEBRL), or in a model stored before the level', () => {
    const alone = { ...model, householdsSeen: false, fields: { ...model.fields, lastName: { ...model.fields.lastName, 'exact, at the same home': { ...model.fields.lastName.exact } } } };
    const old: LinkageModel = { ...model, householdsSeen: undefined, fields: { ...model.fields, lastName: Object.fromEntries(Object.entries(model.fields.lastName).filter(([l]) => l !== 'exact, at the same home')) } };
    const away = explain(model, record('a'), record('b', { postcode: 'SS7 1AA', address: '3 Mill Lane' })).fields.find((f) => f.field === 'lastName')!;
    for (const m of [alone, old]) {
      const home = explain(m, record('a'), record('b')).fields.find((f) => f.field === 'lastName')!;
      expect(home.weight).toBeCloseTo(away.weight, 12);
    }
  });
});

describe('namesake level', () => {
  const son = record('b', { dateOfBirth: '2006-09-21' });
  it('weighs a father and son of one name at one home as the data say: two people in generated data', () => {
    const e = explain(model, record('a'), son);
    const dob = e.fields.find((f) => f.field === 'dateOfBirth')!;
    expect(dob.level).toBe('a generation apart, same name and home');
    expect(dob.label).toBe(
      'date of birth: 14 March 1980 and 21 September 2006 are a generation apart for the same name and sex at the same home, as a parent and a child named after them are; this weight is how often such pairs are one person in these records, and stands for the names, sex and home too',
    );
    // the level stands for the pair: the names, sex and home count with it
    for (const field of ['firstName', 'lastName', 'sex', 'postcode', 'address']) expect(e.fields.find((f) => f.field === field)!.weight).toBe(0);
    expect(e.weight).toBeLessThan(-2);
    expect(decide(e.weight, model.thresholds)).toBe('apart');
    const result = link([record('a'), son], { model });
    expect(result.clusterOf[1]).toBe(1);
  });

  it('weighs less where one person\'s records often carry a birth date a generation out', () => {
    // a quarter of the people get one more record, identical but for a birth date thirty years later
    const random = mulberry32(5);
    const shifted = synthetic.records.flatMap((r, i) =>
      r.dateOfBirth && random() < 0.25 ? [{ ...r, key: `shifted-${i}`, dateOfBirth: `${Number(r.dateOfBirth.slice(0, 4)) - 30}${r.dateOfBirth.slice(4)}` }] : [],
    );
    const moved = train([...synthetic.records, ...shifted]);
    expect(explain(moved, record('a'), son).weight).toBeGreaterThan(explain(model, record('a'), son).weight + 3);
  });

  it('keeps the fixed guard in a model stored before the level was learnt', () => {
    const old: LinkageModel = { ...model, fields: { ...model.fields, dateOfBirth: { ...model.fields.dateOfBirth, 'a generation apart, same name and home': { m: 2 ** -60, u: 1 } } } };
    const e = explain(old, record('a'), son);
    expect(e.fields.find((f) => f.field === 'dateOfBirth')!.weight).toBe(-60);
    expect(decide(e.weight, old.thresholds)).toBe('apart');
  });
});

describe('email', () => {
  const mail = (key: string, over: Partial<PersonRecord>): PersonRecord => ({ ...base, key, postcode: null, address: null, ...over });
  const people = [
    mail('a', { email: 'robert255@smith.net' }),
    mail('b', { firstName: 'Rob', lastName: 'Alan', dateOfBirth: '1971-05-24', email: 'robert255@smith.net' }),
    mail('c', { firstName: 'Roberta', lastName: 'Allen', dateOfBirth: '1990-01-02', sex: 'F', email: 'roberta25@smith.net' }),
    mail('d', { firstName: 'Grace', lastName: 'Kelly', dateOfBirth: '1997-04-26', sex: 'F', email: 'grace.kelly52@jones.com' }),
    mail('e', { firstName: 'Grace', lastName: null, dateOfBirth: '1991-04-26', sex: 'F', email: 'grace.kelly52@gmail.com' }),
  ];

  // generated records with an email for most people: their handle, sometimes at another provider or with a typo
  const random = mulberry32(11);
  const providers = ['example.com', 'mail.co.uk', 'post.net', 'inbox.org'];
  const withEmail = synthetic.records.map((r, i) => {
    const p = synthetic.personOf[i];
    const roll = random();
    if (roll < 0.3) return r;
    const local = `person${p}`;
    let email = `${local}@${providers[p % providers.length]}`;
    if (roll < 0.38) email = `${local}@${providers[(p + 1) % providers.length]}`;
    else if (roll < 0.42) email = `${local}x@${providers[p % providers.length]}`;
    return { ...r, email };
  });
  const emailModel = train(withEmail);

  it('counts the same address, the same local part or one typo for a match and a different address against', () => {
    const weightOf = (left: string, right: string) => explain(emailModel, record('a', { email: left }), record('b', { email: right })).fields.find((f) => f.field === 'email')!;
    const exact = weightOf('a.b@x.com', 'a.b@x.com');
    const local = weightOf('a.b@x.com', 'a.b@y.org');
    const typo = weightOf('a.b@x.com', 'a.c@x.com');
    const different = weightOf('a.b@x.com', 'zed@y.org');
    expect([exact.level, local.level, typo.level, different.level]).toEqual(['exact', 'same local part', 'one typo', 'different']);
    // (the data decide their order: a one-typo pair is rarer between strangers than a shared address)
    expect(Math.min(exact.weight, local.weight, typo.weight)).toBeGreaterThan(3);
    expect(different.weight).toBeLessThan(0);
    expect(local.label).toBe('email: a.b@x.com and a.b@y.org have the same name before the @ at different providers');
    expect(weightOf('a.b@x.com', '').level).toBe('missing');
  });

  it('blocks on the email, so records whose names and birth dates disagree are still compared', () => {
    const f = buildFeatures(people);
    const store = blockAndCompare(f);
    const compared = new Set(Array.from({ length: store.length }, (_, k) => `${store.left[k]}-${store.right[k]}`));
    expect(compared.has('0-1')).toBe(true); // same address, nickname and a different surname and birth date
    expect(compared.has('3-4')).toBe(true); // same local part at another provider
    // and explain still adds up to the weight link() scores with an email in play
    const result = link(people, { model: emailModel, thresholds: { link: 7, review: -1000 } });
    for (const pair of result.pairs) expect(explain(emailModel, people[pair.left], people[pair.right]).weight).toBe(pair.weight);
    expect(result.pairs.length).toBeGreaterThan(0);
  });
});

describe('link', () => {
  it('finds the people in generated agency data (F1 at least 0.95 on 3,000 records)', () => {
    const result = link(synthetic.records, { model });
    const a = accuracy(result.clusterOf, synthetic.personOf);
    expect(a.f1).toBeGreaterThan(0.95);
    expect(result.stats.comparisons).toBeLessThan((3000 * 2999) / 2 / 50);
  });

  it('keeps twins apart and links the same child across agencies', () => {
    const twinA = record('a', { firstName: 'Amy', lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'F' });
    const twinB = record('b', { firstName: 'Ava', lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'F' });
    const amyAgain = record('c', { firstName: 'AMY', lastName: 'Entwistle', dateOfBirth: '2015-01-06', sex: null, address: '12 High St' });
    const result = link([...synthetic.records, twinA, twinB, amyAgain], { model });
    const n = synthetic.records.length;
    expect(result.clusterOf[n]).not.toBe(result.clusterOf[n + 1]);
    expect(result.clusterOf[n]).toBe(result.clusterOf[n + 2]);
    const e = explain(model, twinA, twinB);
    expect(decide(e.weight, model.thresholds)).toBe('apart');
    expect(e.fields[0].label).toContain('twins');
  });

  it('keeps twins apart when a record with no first name agrees with both, and leaves that record to a person (it could be either)', () => {
    const twinA = record('a', { firstName: 'Amy', lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'F' });
    const twinB = record('b', { firstName: 'Jack', lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'M' });
    const noName = record('c', { firstName: null, lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: null });
    const result = link([...synthetic.records, twinA, twinB, noName], { model });
    const n = synthetic.records.length;
    const between = (i: number) => result.pairs.find((p) => p.left === i && p.right === n + 2)!;
    // the record agrees with each twin well enough to link on its own
    expect(Math.min(between(n).weight, between(n + 1).weight)).toBeGreaterThanOrEqual(model.thresholds.link);
    expect(result.clusterOf[n]).not.toBe(result.clusterOf[n + 1]);
    expect([result.clusterOf[n], result.clusterOf[n + 1]]).not.toContain(result.clusterOf[n + 2]);
    expect([between(n).decision, between(n + 1).decision]).toEqual(['review', 'review']);
  });

  it('joins a record with no first name to the one twin it links to (the other is a boy living elsewhere)', () => {
    const twinA = record('a', { firstName: 'Amy', lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'F' });
    const twinB = record('b', { firstName: 'Jack', lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'M', postcode: 'SS1 1AA', address: '3 Low Road' });
    const noName = record('c', { firstName: null, lastName: 'Entwistle', dateOfBirth: '2015-06-01', sex: 'F' });
    const result = link([...synthetic.records, twinA, twinB, noName], { model });
    const n = synthetic.records.length;
    expect(result.clusterOf[n]).not.toBe(result.clusterOf[n + 1]);
    expect(result.clusterOf[n + 2]).toBe(result.clusterOf[n]);
  });

  it('joins accepted pairs and never joins a rejected pair directly', () => {
    const records = [record('a'), record('b', { firstName: 'Bill' }), record('c', { firstName: 'Zebedee', lastName: 'Quinn', dateOfBirth: '1999-09-09', address: '1 Low Road', postcode: 'SS1 1AA' })];
    const all = [...synthetic.records, ...records];
    const n = synthetic.records.length;
    const plain = link(all, { model });
    expect(plain.clusterOf[n]).toBe(plain.clusterOf[n + 1]);
    expect(plain.clusterOf[n]).not.toBe(plain.clusterOf[n + 2]);
    const decided = link(all, { model, decisions: [{ left: 'b', right: 'a', match: false }, { left: 'a', right: 'c', match: true }] });
    expect(decided.clusterOf[n]).not.toBe(decided.clusterOf[n + 1]);
    expect(decided.clusterOf[n]).toBe(decided.clusterOf[n + 2]);
    const rejected = decided.pairs.find((p) => p.left === n && p.right === n + 1)!;
    expect(rejected).toMatchObject({ decision: 'apart', clerical: true });
    expect(decided.pairs.find((p) => p.left === n && p.right === n + 2)).toMatchObject({ decision: 'link', clerical: true });
  });

  it('uses the given thresholds', () => {
    const strict = link(synthetic.records, { model, thresholds: { link: 1000, review: 999 } });
    expect(strict.stats.links).toBe(0);
    expect(strict.pairs).toHaveLength(0);
    expect(new Set(strict.clusterOf).size).toBe(synthetic.records.length);
  });
});

describe('FEBRL dataset1 (public labelled data)', () => {
  it('links the duplicates with F1 above the measured floor', () => {
    const file = fileURLToPath(new URL('./testdata/febrl-dataset1.csv', import.meta.url));
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    const truth: string[] = [];
    const records: PersonRecord[] = lines.map((line) => {
      const c = line.split(',').map((s) => s.trim());
      truth.push(c[0].split('-')[1]);
      const d = c[9];
      return {
        key: c[0],
        firstName: c[1] || null,
        lastName: c[2] || null,
        dateOfBirth: d.length === 8 ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : null,
        postcode: c[7] || null,
        address: [c[3], c[4]].filter(Boolean).join(' ') || null,
      };
    });
    const ids = truth.map((t) => Number(t));
    const result = link(records);
    const a = accuracy(result.clusterOf, ids);
    expect(a.precision).toBeGreaterThan(0.98);
    expect(a.f1).toBeGreaterThan(0.88);
  });
});
