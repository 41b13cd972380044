import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, isValidNiNumber, isValidUpn } from '../identification/identifiers.ts';
import { link } from './link.ts';
import { generateRecords } from './synthetic.ts';

/** One digit changed, or two neighbouring digits swapped. */
function oneSlip(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const at = [...a].map((c, i) => (c === b[i] ? -1 : i)).filter((i) => i >= 0);
  return at.length === 1 || (at.length === 2 && at[1] === at[0] + 1 && a[at[0]] === b[at[1]] && a[at[1]] === b[at[0]]);
}

describe('generated records with identifiers', () => {
  const plain = generateRecords({ records: 20_000, seed: 11 });
  const numbered = generateRecords({ records: 20_000, seed: 11, identifiers: true });

  it('are off by default, and on change nothing but the identifiers, so figures without them do not move', () => {
    expect(plain.records.some((r) => 'identifiers' in r)).toBe(false);
    expect(plain.identifierErrors).toBeUndefined();
    expect(numbered.records.map(({ identifiers: _, ...rest }) => rest)).toEqual(plain.records);
    expect(numbered.personOf).toEqual(plain.personOf);
  });

  it('give the number each source holds, valid for its scheme, to most records of that source', () => {
    const { records, sourceOf, identifiersOf } = numbered;
    const share = (source: string, scheme: string) => {
      const of = records.filter((_, i) => sourceOf[i] === source);
      return of.filter((r) => r.identifiers?.[scheme]).length / of.length;
    };
    expect(share('health', 'nhs')).toBeGreaterThan(0.8);
    expect(share('school', 'upn')).toBeGreaterThan(0.8);
    expect(share('housing', 'ni')).toBeGreaterThan(0.5);
    expect(share('police', 'nhs')).toBe(0);
    for (const own of identifiersOf!) {
      expect(isValidNhsNumber(own.nhs)).toBe(true);
      if (own.upn) expect(isValidUpn(own.upn)).toBe(true);
      if (own.ni) expect(isValidNiNumber(own.ni)).toBe(true);
    }
    expect(new Set(identifiersOf!.map((o) => o.nhs)).size).toBe(identifiersOf!.length);
  });

  it('carry the errors real numbers have: a slip of one digit, a number shared in error, the mother’s NHS number on a baby’s record', () => {
    const { records, personOf, householdOf, identifiersOf, identifierErrors } = numbered;
    const ownerOf = new Map<string, number>();
    identifiersOf!.forEach((own, p) => { for (const v of Object.values(own)) ownerOf.set(v, p); });
    const householdOfPerson = new Map<number, number>();
    personOf.forEach((p, i) => householdOfPerson.set(p, householdOf[i]));
    const seen = { typo: 0, 'shared in error': 0, "mother's number": 0 };
    records.forEach((r, i) => {
      const error = identifierErrors![i];
      const [scheme, value] = Object.entries(r.identifiers ?? {})[0] ?? [];
      const own = scheme ? identifiersOf![personOf[i]][scheme] : undefined;
      if (!error) {
        if (scheme) expect(value).toBe(own);
        return;
      }
      seen[error] += 1;
      if (error === 'typo') {
        expect(oneSlip(own!, value!)).toBe(true);
        // what a check digit is for: every such slip in an NHS number or UPN fails its check, so ingest refuses it
        if (scheme === 'nhs') expect(isValidNhsNumber(value!)).toBe(false);
        if (scheme === 'upn') expect(isValidUpn(value!)).toBe(false);
      } else {
        const other = ownerOf.get(value!);
        expect(other).not.toBe(personOf[i]);
        expect(other).toBeDefined();
        if (error === "mother's number") {
          expect(scheme).toBe('nhs');
          expect(r.dateOfBirth === null || Number(r.dateOfBirth.slice(0, 4)) >= 2023).toBe(true);
          expect(householdOfPerson.get(other!)).toBe(householdOf[i]);
          expect(identifiersOf![other!].upn).toBeUndefined(); // an adult
        }
      }
    });
    expect(seen.typo).toBeGreaterThan(50);
    expect(seen['shared in error']).toBeGreaterThan(5);
    expect(seen["mother's number"]).toBeGreaterThan(2);
  });

  it('help matching: more of the true pairs found, with the twins still apart', () => {
    const small = { records: 4000, seed: 5 };
    const f1 = (identifiers: boolean) => {
      const data = generateRecords({ ...small, identifiers });
      const result = link(data.records);
      let truePairs = 0;
      let found = 0;
      let linked = 0;
      const byPerson = new Map<number, number[]>();
      data.personOf.forEach((p, i) => byPerson.set(p, [...(byPerson.get(p) ?? []), i]));
      for (const ids of byPerson.values()) for (let a = 0; a < ids.length; a++) for (let b = a + 1; b < ids.length; b++) {
        truePairs += 1;
        if (result.clusterOf[ids[a]] === result.clusterOf[ids[b]]) found += 1;
      }
      const byCluster = new Map<number, number>();
      for (const c of result.clusterOf) byCluster.set(c, (byCluster.get(c) ?? 0) + 1);
      for (const n of byCluster.values()) linked += (n * (n - 1)) / 2;
      const twinsMerged = data.twins.filter(([a, b]) => byPerson.get(a)!.some((i) => byPerson.get(b)!.some((j) => result.clusterOf[i] === result.clusterOf[j]))).length;
      return { recall: found / truePairs, precision: found / linked, twins: data.twins.length, twinsMerged };
    };
    const without = f1(false);
    const withIds = f1(true);
    expect(withIds.recall).toBeGreaterThan(without.recall);
    expect(withIds.precision).toBeGreaterThan(0.97);
    expect(withIds.twins).toBeGreaterThan(0);
    expect(withIds.twinsMerged).toBe(0);
  });
});
