/**
 * "Known to services": how many children (or births, or families) Lantern already knows to live
 * with a parental vulnerability. Lantern never hands family records to this calculation: the
 * database groups families into profiles (district, the parents' current vulnerability codes,
 * the mother's codes, the number of distinct needs across members) and returns only how many
 * families, children and unborn babies share each profile. The rules below run on those counts.
 */
import { isParentalFactor } from '../codes.ts';

/** Families sharing one profile, as counted by the database. */
export interface FamilyProfile {
  districtId: string | null;
  /** Current needs of the parents and carers (mother, father, step-parent, partner, grandparent, other carer): CIN codes ending in B, and 'offending'. */
  parentalCodes: readonly string[];
  /** Current needs of the mother alone: used for rates on births ("births to substance-misusing mothers"). */
  motherCodes: readonly string[];
  /** Distinct current needs across every member of the family (a factor counts once whichever letter, A, B or C; offending counts as one). */
  needs: number;
  families: number;
  children: number;
  unborn: number;
}

export type PopulationBase = 'children' | 'births' | 'families';

/**
 * Which families count as known for a rate:
 * - codes: every group must be present among the parents' current needs, any code within a group will do
 *   ("1B/2B + 4B + 3B" is alcohol or drug misuse, and mental health, and domestic abuse);
 * - needs: families with at least this many distinct needs across members (complex families);
 * - none: not counted in Lantern.
 */
export type KnownRule =
  | { kind: 'codes'; groups: string[][] }
  | { kind: 'needs'; atLeast: number }
  | { kind: 'none' };

/** Codes a rule may use: parental (B) assessment factors, and offending. */
export function isParentalCode(code: string): boolean {
  if (code === 'offending') return true;
  return isParentalFactor(code);
}

/** Parses the rule as written on the rates page: '2B', '1B/2B + 4B + 3B', 'offending', '4+ needs' or '' (not counted). */
export function parseKnownRule(text: string): { rule: KnownRule } | { error: string } {
  const source = text.trim();
  if (!source) return { rule: { kind: 'none' } };
  const needs = /^(\d{1,2})\s*\+\s*needs?$/i.exec(source);
  if (needs) {
    const atLeast = Number(needs[1]);
    if (atLeast < 1) return { error: 'The number of needs must be 1 or more' };
    return { rule: { kind: 'needs', atLeast } };
  }
  const groups = source.split('+').map((group) => group.split('/').map((code) => normaliseCode(code)));
  for (const group of groups) {
    for (const code of group) {
      if (!code) return { error: 'Write codes like 2B, or 1B/2B + 4B + 3B, or 4+ needs' };
      if (!isParentalCode(code)) return { error: `${code} is not a parental (B) assessment factor code or offending` };
    }
  }
  return { rule: { kind: 'codes', groups } };
}

function normaliseCode(code: string): string {
  const trimmed = code.trim();
  return trimmed.toLowerCase() === 'offending' ? 'offending' : trimmed.toUpperCase();
}

/** The rule written back in the rates page's notation. */
export function formatKnownRule(rule: KnownRule): string {
  if (rule.kind === 'none') return '';
  if (rule.kind === 'needs') return `${rule.atLeast}+ needs`;
  return rule.groups.map((g) => g.join('/')).join(' + ');
}

const codeWords: Record<string, string> = {
  '1B': 'alcohol misuse', '2B': 'drug misuse', '3B': 'domestic abuse', '4B': 'mental health', offending: 'offending',
};

const baseNouns: Record<PopulationBase, string> = { children: 'Children', births: 'Unborn babies', families: 'Families' };

/** What the rule counts, in words, for the page: 'Children in families where a parent or carer has a current need coded 2B (drug misuse)'. */
export function describeKnownRule(rule: KnownRule, base: PopulationBase): string {
  if (rule.kind === 'none') return 'Not counted in Lantern';
  if (rule.kind === 'needs') {
    return base === 'families'
      ? `Families with ${rule.atLeast} or more different current needs across their members`
      : `${baseNouns[base]} in families with ${rule.atLeast} or more different current needs across their members`;
  }
  const who = base === 'births' ? 'the mother' : 'a parent or carer';
  const group = (g: string[]) => g.map((c) => (codeWords[c] ? `${c} (${codeWords[c]})` : c)).join(' or ');
  const lead = base === 'families' ? 'Families' : `${baseNouns[base]} in families`;
  return `${lead} where ${who} has a current need coded ${rule.groups.map(group).join(', and ')}`;
}

/** Whether families with this profile count as known under the rule. */
export function matches(rule: KnownRule, base: PopulationBase, profile: FamilyProfile): boolean {
  if (rule.kind === 'none') return false;
  if (rule.kind === 'needs') return profile.needs >= rule.atLeast;
  const codes = base === 'births' ? profile.motherCodes : profile.parentalCodes;
  return rule.groups.every((group) => group.some((code) => codes.includes(code)));
}

/** How many of the base (children, unborn babies or families) a profile holds. */
export function baseCount(profile: FamilyProfile, base: PopulationBase): number {
  return base === 'children' ? profile.children : base === 'births' ? profile.unborn : profile.families;
}

export interface KnownCounts {
  total: number;
  /** By district id; families with no district recorded are under the key ''. */
  byDistrict: Record<string, number>;
}

/** The number known under a rule, in total and by district. */
export function knownCount(rule: KnownRule, base: PopulationBase, profiles: readonly FamilyProfile[]): KnownCounts {
  const byDistrict: Record<string, number> = {};
  let total = 0;
  for (const profile of profiles) {
    if (!matches(rule, base, profile)) continue;
    const n = baseCount(profile, base);
    total += n;
    const key = profile.districtId ?? '';
    byDistrict[key] = (byDistrict[key] ?? 0) + n;
  }
  return { total, byDistrict };
}
