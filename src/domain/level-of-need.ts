import { z } from 'zod';
import { parentOrCarerRoles, type NeedType, type Role } from './codes.ts';
import { count } from './plural.ts';

/**
 * The level of need (1 universal, 2 additional, 3 complex, 4 high-level) decided from the
 * parental vulnerabilities recorded for a family. Thresholds are local policy, so the rules are
 * data; the defaults follow the Essex threshold guidance.
 */
export const levelOfNeedRulesSchema = z.object({
  name: z.string().min(1),
  vulnerabilities: z.array(z.object({
    key: z.string().min(1),
    label: z.string().min(1),
    /** CIN factor numbers (without the letter) that count as this vulnerability. */
    factorNumbers: z.array(z.string()).default([]),
    needTypes: z.array(z.enum(['offending'])).default([]),
    /**
     * Whose needs count: parents and carers only, or anyone in the household. Essex: "where
     * parents have mental health problems, substance misuse, involvement in crime, or there is
     * domestic abuse", so domestic abuse counts whoever it is recorded on (3A, 3B or 3C).
     */
    whose: z.enum(['parents', 'household']).default('parents'),
  })).min(1),
  /** Checked in order: the first band whose minimum the count reaches decides the level. */
  bands: z.array(z.object({
    minimumVulnerabilities: z.number().int().min(1),
    level: z.number().int().min(1).max(4),
    explanation: z.string().min(1),
  })).min(1),
  levelWithOtherNeeds: z.number().int().min(1).max(4),
  levelWithNoNeeds: z.number().int().min(1).max(4),
});
export type LevelOfNeedRules = z.infer<typeof levelOfNeedRulesSchema>;

export const defaultLevelOfNeedRules: LevelOfNeedRules = {
  name: 'Essex threshold guidance (default)',
  vulnerabilities: [
    { key: 'mental_health', label: 'mental health', factorNumbers: ['4'], needTypes: [], whose: 'parents' },
    { key: 'substance_misuse', label: 'substance misuse', factorNumbers: ['1', '2'], needTypes: [], whose: 'parents' },
    { key: 'domestic_abuse', label: 'domestic abuse', factorNumbers: ['3'], needTypes: [], whose: 'household' },
    { key: 'crime', label: 'crime', factorNumbers: [], needTypes: ['offending'], whose: 'parents' },
  ],
  bands: [
    { minimumVulnerabilities: 2, level: 4, explanation: 'more than one parental vulnerability puts the child at Level 4' },
    { minimumVulnerabilities: 1, level: 3, explanation: 'one parental vulnerability puts the child at Level 3' },
  ],
  levelWithOtherNeeds: 2,
  levelWithNoNeeds: 1,
};

export interface NeedForLevel {
  personName: string;
  role: Role;
  needType: NeedType;
  code: string | null;
  isCurrent: boolean;
}

export interface LevelOfNeed {
  level: number;
  /** Plain statement of the rule that produced the level, naming the vulnerabilities found. */
  reason: string;
  vulnerabilities: { key: string; label: string; people: string[] }[];
  rulesName: string;
}

export const levelNames: Record<number, string> = {
  1: 'Level 1: universal',
  2: 'Level 2: additional needs',
  3: 'Level 3: complex needs',
  4: 'Level 4: high-level needs',
};

function factorNumber(code: string): string {
  return code.replace(/[A-F]$/, '');
}

export function levelOfNeed(needs: readonly NeedForLevel[], rules: LevelOfNeedRules = defaultLevelOfNeedRules): LevelOfNeed {
  // 21 "No factors identified" records that an assessment found none: it is not a need.
  const current = needs.filter((n) => n.isCurrent && n.code !== '21');
  const parental = current.filter((n) => parentOrCarerRoles.includes(n.role));
  const found = rules.vulnerabilities
    .map((v) => {
      const people = (v.whose === 'household' ? current : parental)
        .filter((n) => (n.needType === 'offending' ? v.needTypes.includes('offending') : n.code !== null && v.factorNumbers.includes(factorNumber(n.code))))
        .map((n) => n.personName);
      return { key: v.key, label: v.label, people: [...new Set(people)] };
    })
    .filter((v) => v.people.length > 0);

  const band = rules.bands
    .slice()
    .sort((a, b) => b.minimumVulnerabilities - a.minimumVulnerabilities)
    .find((b) => found.length >= b.minimumVulnerabilities);
  if (band) {
    const list = found.map((v) => `${v.label} (${v.people.join(', ')})`).join('; ');
    return {
      level: band.level,
      reason: `${count(found.length, 'parental vulnerability', 'parental vulnerabilities')}: ${list}. Rule: ${band.explanation}.`,
      vulnerabilities: found,
      rulesName: rules.name,
    };
  }
  if (current.length > 0) {
    return {
      level: rules.levelWithOtherNeeds,
      reason: `No parental vulnerability recorded; ${count(current.length, 'other current need')} recorded. Rule: additional needs without a parental vulnerability are Level ${rules.levelWithOtherNeeds}.`,
      vulnerabilities: [],
      rulesName: rules.name,
    };
  }
  return {
    level: rules.levelWithNoNeeds,
    reason: `No current needs recorded. Rule: with no recorded needs the family is at Level ${rules.levelWithNoNeeds}.`,
    vulnerabilities: [],
    rulesName: rules.name,
  };
}
