import { describe, it, expect } from 'vitest';
import type { PersonRecord } from './types.ts';
import { buildFeatures } from './features.ts';
import { blockAndCompare, capBlocks, cappedKeys, type BlockingRule } from './blocking.ts';

const NAMES = ['Adam', 'Brian', 'Colin', 'David', 'Edward', 'Frank', 'George', 'Henry', 'Ian', 'James', 'Keith', 'Larry'];

/** 1,200 records that one rule puts in one block: 12 first names (100 records each), 40 birth years (30 each). */
function crowd(): PersonRecord[] {
  return Array.from({ length: 1200 }, (_, i) => ({
    key: String(i),
    firstName: NAMES[i % 12],
    lastName: 'Smith',
    dateOfBirth: `${1950 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
    postcode: null,
    address: null,
  }));
}

const everyone: BlockingRule = { name: 'everyone', fields: [], keys: (f) => new Int32Array(f.n) };

/** Whether two records share a part exactly when they share the signature. */
function partsAre(keys: Int32Array, signature: (i: number) => string): boolean {
  const signatureOf = new Map<number, string>();
  const keyOf = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const s = signature(i);
    if ((signatureOf.get(keys[i]) ?? s) !== s || (keyOf.get(s) ?? keys[i]) !== keys[i]) return false;
    signatureOf.set(keys[i], s);
    keyOf.set(s, keys[i]);
  }
  return true;
}

function partsOf(keys: Int32Array): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const k of keys) sizes.set(k, (sizes.get(k) ?? 0) + 1);
  return sizes;
}

describe('blocks over the cap', () => {
  it('compare the pairs of split parts but train the rule only on blocks under the cap (a split part was made to agree on a further key)', () => {
    const records = crowd();
    // a small block of its own under one more rule's key: those pairs train it
    const withFew = [...records, ...records.slice(0, 3).map((r) => ({ ...r, key: `${r.key}-again` }))];
    const few: BlockingRule = { name: 'again', fields: [], keys: (f) => Int32Array.from({ length: f.n }, (_, i) => (i < 3 || i >= 1200 ? i % 1200 : -1)) };
    const store = blockAndCompare(buildFeatures(withFew), { rules: [everyone, few], maxBlock: 100 });
    const trained = (r: number) => store.counts[r].reduce((a, b) => a + b, 0);
    const comparedBy = (r: number) => store.rule.subarray(0, store.length).filter((x) => x === r).length;
    expect(comparedBy(0)).toBeGreaterThan(40_000);
    expect(trained(0)).toBe(0);
    expect(trained(1)).toBe(3);
  });

  it('are split on the further key that keeps the most pairs together (12 first names of 100 keep more than 40 years of 30)', () => {
    const f = buildFeatures(crowd());
    const keys = capBlocks(f, new Int32Array(f.n), 100);
    expect([...partsOf(keys).values()]).toEqual(Array(12).fill(100));
    expect(partsAre(keys, (i) => String(f.first[i]))).toBe(true);
  });

  it('split a rule\'s blocks at its own lower cap, and other rules\' at the run\'s (a birth date\'s key space is fixed)', () => {
    const f = buildFeatures(crowd());
    const own = cappedKeys(f, [{ ...everyone, maxBlock: 10 }], 100);
    expect(Math.max(...partsOf(own.keys[0]).values())).toBeLessThanOrEqual(10);
    const run = cappedKeys(f, [everyone], 100);
    expect(Math.max(...partsOf(run.keys[0]).values())).toBe(100);
  });

  it('split a part still over the cap again on the keys left', () => {
    const f = buildFeatures(crowd());
    const keys = capBlocks(f, new Int32Array(f.n), 50);
    // each first name's 100 records hold 10 birth years
    expect([...partsOf(keys).values()]).toEqual(Array(120).fill(10));
    expect(partsAre(keys, (i) => `${f.first[i]} ${f.year[i]}`)).toBe(true);
  });

  it('leave a block under the cap whole', () => {
    const f = buildFeatures(crowd().slice(0, 90));
    const keys = capBlocks(f, new Int32Array(f.n), 100);
    expect(new Set(keys).size).toBe(1);
  });

  it('compare every pair within each part and none across parts: comparisons grow with the parts, not the square of the block', () => {
    const f = buildFeatures(crowd());
    const store = blockAndCompare(f, { rules: [everyone], maxBlock: 100 });
    // 12 parts of 100 records each: 12 × 4,950 pairs, against 719,400 for the block compared whole
    expect(store.length).toBe(12 * 4950);
    let across = 0;
    for (let k = 0; k < store.length; k++) if (f.first[store.left[k]] !== f.first[store.right[k]]) across++;
    expect(across).toBe(0);
  });

  it('fall back to a sliding window only where no further key splits them', () => {
    const same = Array.from({ length: 300 }, (_, i) => ({ key: String(i), firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-01', postcode: 'AB1 2CD', address: null }));
    const f = buildFeatures(same);
    const store = blockAndCompare(f, { rules: [everyone], maxBlock: 100, window: 10 });
    expect(store.length).toBeLessThan(300 * 10);
    expect(store.length).toBeGreaterThan(0);
  });
});

describe('the default rules where there is no postcode', () => {
  const town = (over: Partial<PersonRecord>): PersonRecord => ({ key: 'k', firstName: null, lastName: null, dateOfBirth: null, postcode: null, address: null, ...over });

  it('compare one first name in one town spelt two ways, though the birth dates differ and one record has no surname', () => {
    const f = buildFeatures([
      town({ firstName: 'Toby', lastName: 'Hall', dateOfBirth: '2003-04-23', address: 'London' }),
      town({ firstName: 'Toby', dateOfBirth: '2013-03-21', address: 'Londdon' }),
    ]);
    expect(blockAndCompare(f).length).toBe(1);
  });

  it('compare one birth date in one town spelt two ways, though one record has no names', () => {
    const f = buildFeatures([town({ firstName: 'Lola', lastName: 'King', dateOfBirth: '1977-04-01', address: 'Sheffield' }), town({ dateOfBirth: '1977-04-01', address: 'Shefield' })]);
    expect(blockAndCompare(f).length).toBe(1);
  });

  it('compare a record whose one name is in the surname box with a record that has it as the first name, in one town', () => {
    const f = buildFeatures([town({ firstName: 'Thomas', lastName: 'Gabriel', dateOfBirth: '1976-09-15', address: 'London' }), town({ lastName: 'Thomas', dateOfBirth: '1977-10-17', address: 'London' })]);
    expect(blockAndCompare(f).length).toBe(1);
  });

  it('compare one surname in one town when the first name and the birth date both differ', () => {
    const f = buildFeatures([town({ firstName: 'Reuben', lastName: 'Davies', dateOfBirth: '1996-12-16', address: 'Swansea' }), town({ lastName: 'Daves', dateOfBirth: '1986-12-21', address: 'Swanse' })]);
    expect(blockAndCompare(f).length).toBe(1);
  });

  it('leave one surname at two postcodes to the postcode rules', () => {
    const f = buildFeatures([
      town({ firstName: 'Reuben', lastName: 'Davies', dateOfBirth: '1996-12-16', postcode: 'SA1 1AA', address: '1 High Street' }),
      town({ firstName: 'Amy', lastName: 'Davies', dateOfBirth: '1986-12-21', postcode: 'SA9 9ZZ', address: '1 High Street' }),
    ]);
    expect(blockAndCompare(f).length).toBe(0);
  });

  it('compare one first name at one home when one record has a postcode and the other none, though the birth dates differ and one has no surname', () => {
    const f = buildFeatures([
      town({ firstName: 'Amy', lastName: 'Davies', dateOfBirth: '1986-12-21', postcode: 'SA1 1AA', address: '1 High Street' }),
      town({ firstName: 'Amy', dateOfBirth: '1986-12-12', address: '1 High St' }),
    ]);
    expect(blockAndCompare(f).length).toBe(1);
  });

  it('do not compare one first name in two towns', () => {
    const f = buildFeatures([town({ firstName: 'Toby', dateOfBirth: '2003-04-23', address: 'London' }), town({ firstName: 'Toby', dateOfBirth: '2013-03-21', address: 'Leeds' })]);
    expect(blockAndCompare(f).length).toBe(0);
  });
});
