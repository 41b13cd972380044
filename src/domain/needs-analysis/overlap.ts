/**
 * Overlap of parental vulnerabilities among the families Lantern knows: how many families have
 * 1, 2, 3, or 4 or more of the five the Essex report looks at, and which combinations occur.
 * Works on counts of families per profile, never on family records.
 */
import type { FamilyProfile } from './known.ts';

export const overlapVulnerabilities = [
  { code: '1B', label: 'Alcohol misuse' },
  { code: '2B', label: 'Drug misuse' },
  { code: '3B', label: 'Domestic abuse' },
  { code: '4B', label: 'Mental health' },
  { code: 'offending', label: 'Offending' },
] as const;

export interface Combination {
  codes: string[];
  label: string;
  size: number;
  families: number;
  children: number;
}

export interface Overlap {
  /** Families in Lantern, with or without a vulnerability. */
  totalFamilies: number;
  /** Families with at least one of the five. */
  familiesWithAny: number;
  /** Families by how many of the five they have: '1', '2', '3', '4 or more'. */
  byNumber: { label: string; families: number; children: number }[];
  /** Every combination that occurs, most families first. */
  combinations: Combination[];
  /** Families with each vulnerability (alone or with others). */
  byVulnerability: { code: string; label: string; families: number }[];
}

export function overlap(profiles: readonly Pick<FamilyProfile, 'parentalCodes' | 'families' | 'children'>[]): Overlap {
  const codes = overlapVulnerabilities.map((v) => v.code as string);
  const byNumber = ['1', '2', '3', '4 or more'].map((label) => ({ label, families: 0, children: 0 }));
  const combos = new Map<string, Combination>();
  const byVulnerability = overlapVulnerabilities.map((v) => ({ code: v.code as string, label: v.label as string, families: 0 }));
  let totalFamilies = 0;
  let familiesWithAny = 0;
  for (const profile of profiles) {
    totalFamilies += profile.families;
    const present = codes.filter((c) => profile.parentalCodes.includes(c));
    if (!present.length) continue;
    familiesWithAny += profile.families;
    const bucket = byNumber[Math.min(present.length, 4) - 1];
    bucket.families += profile.families;
    bucket.children += profile.children;
    for (const v of byVulnerability) if (present.includes(v.code)) v.families += profile.families;
    const key = present.join('+');
    let combo = combos.get(key);
    if (!combo) {
      const label = present.map((c) => overlapVulnerabilities.find((v) => v.code === c)!.label).join(', ');
      combos.set(key, (combo = { codes: present, label: present.length === 1 ? `${label} only` : label, size: present.length, families: 0, children: 0 }));
    }
    combo.families += profile.families;
    combo.children += profile.children;
  }
  const combinations = [...combos.values()].sort((a, b) => b.families - a.families || b.size - a.size || a.label.localeCompare(b.label));
  return { totalFamilies, familiesWithAny, byNumber, combinations, byVulnerability };
}
