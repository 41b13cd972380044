/**
 * Need to know: every recorded item has a data category, each agency kind has a default rule
 * (which categories it may see), and a family's consents (or a recorded DPA 2018 Schedule 1
 * paragraph 18 safeguarding decision) say which categories may go to which agencies. Pure rules;
 * the facts are loaded once per request by src/modules/access/sharing.ts.
 */
import { z } from 'zod';
import { agencyKinds, type AgencyKind, type NeedType } from '../codes.ts';
import type { ChronologyType } from '../casework/chronology.ts';
import { count, noun } from '../plural.ts';

export const dataCategories = [
  'membership', 'safeguarding', 'health', 'mental_health', 'substance_misuse', 'domestic_abuse', 'offending', 'education',
  'other_needs', 'case_notes', 'assessments', 'plans', 'letters',
] as const;
export type DataCategory = (typeof dataCategories)[number];

export const dataCategoryLabels: Record<DataCategory, string> = {
  membership: 'Who is in the family and how to reach them',
  safeguarding: 'Safeguarding status and level of need',
  health: 'Health needs',
  mental_health: 'Mental health needs',
  substance_misuse: 'Substance misuse and its treatment',
  domestic_abuse: 'Domestic abuse',
  offending: 'Offending',
  education: 'Education',
  other_needs: 'Other needs',
  case_notes: 'Case notes and referrals',
  assessments: 'Assessments',
  plans: 'Plans and plan actions',
  letters: 'Letters',
};

/** Special category health data (UK GDPR Art. 9) and criminal offence data (Art. 10): shown marked on the rules page. */
export const sensitiveCategories: readonly DataCategory[] = ['health', 'mental_health', 'substance_misuse', 'offending'];

/** The one category every agency's rule must keep: everyone in the team around the family needs to know who is in it. */
export const teamCategories: readonly DataCategory[] = ['membership'];

/**
 * Shared with the team around the family by the rule alone, without a consent: who is in the
 * family, and its safeguarding status and level of need (being in the team rests on the
 * referral's agreement or lawful basis, and the team cannot work without them).
 */
export const teamBasisCategories: readonly DataCategory[] = ['membership', 'safeguarding'];

/** The category of a need: Children in Need assessment factors by their number, offending as criminal offence data. */
export function needCategory(needType: NeedType, code: string | null): DataCategory {
  if (needType === 'offending') return 'offending';
  const n = Number.parseInt(code ?? '', 10);
  if (n === 1 || n === 2) return 'substance_misuse';
  if (n === 3) return 'domestic_abuse';
  if (n === 4 || n === 15) return 'mental_health';
  if (n === 5 || n === 6 || n === 22) return 'health';
  return 'other_needs';
}

const chronologyEntryCategory: Record<string, DataCategory> = {
  incident: 'other_needs', health: 'health', education: 'education', police: 'offending', housing: 'other_needs', other: 'other_needs',
};

/** The category of a chronology event that is not a need (needs use needCategory). */
export function chronologyCategory(type: ChronologyType): DataCategory {
  switch (type) {
    case 'referral': case 'contact': return 'case_notes';
    case 'legal_status': case 'allocation': case 'closure': case 'need': return 'safeguarding';
    case 'assessment': return 'assessments';
    case 'plan': return 'plans';
    default: return chronologyEntryCategory[type] ?? 'other_needs';
  }
}

export type SharingRules = Record<AgencyKind, readonly DataCategory[]>;

const everything = dataCategories;
const core: DataCategory[] = ['membership', 'safeguarding'];

/**
 * The default rules, proposals for the partnership's information sharing agreement: children's
 * social care and early help work with the whole family; each partner sees what its own work needs.
 */
export const defaultSharingRules: SharingRules = {
  childrens_social_care: everything,
  early_help: everything,
  police: [...core, 'domestic_abuse', 'offending', 'other_needs'],
  education: [...core, 'education'],
  health: [...core, 'health', 'mental_health', 'substance_misuse', 'domestic_abuse', 'other_needs', 'assessments'],
  adult_mental_health: [...core, 'health', 'mental_health', 'substance_misuse', 'domestic_abuse'],
  drug_alcohol_service: [...core, 'substance_misuse', 'mental_health', 'domestic_abuse'],
  probation: [...core, 'offending', 'domestic_abuse'],
  housing: [...core, 'domestic_abuse'],
  voluntary_sector: [...core, 'plans'],
};

/** A whole set of rules, as the API takes it: every agency kind with the categories it may see. */
export const sharingRulesSchema = z.object(
  Object.fromEntries(agencyKinds.map((k) => [k, z.array(z.enum(dataCategories, { message: 'Choose only the listed categories' }))])),
).strict();

/** Stored overrides on top of the defaults: a kind the stored rules do not name keeps its default. */
export function effectiveRules(stored: Partial<Record<string, readonly string[]>> | null | undefined): SharingRules {
  const rules = { ...defaultSharingRules } as Record<AgencyKind, readonly DataCategory[]>;
  for (const kind of agencyKinds) {
    const own = stored?.[kind];
    if (Array.isArray(own)) rules[kind] = dataCategories.filter((c) => own.includes(c));
  }
  return rules;
}

/** A consent or a Schedule 1 decision, as the rules need it. */
export interface ShareGrant {
  basis: 'consent' | 'schedule1';
  agencyKinds: readonly AgencyKind[];
  agencyIds: readonly string[];
  categories: readonly DataCategory[];
  withdrawn: boolean;
}

/** The facts about one viewer and one family, loaded once for the request. */
export interface ShareFacts {
  agencyId: string;
  agencyKind: AgencyKind;
  rule: readonly DataCategory[];
  grants: readonly ShareGrant[];
}

/** Who recorded an item: its agency (null when not known). */
export interface ItemOwner {
  agencyId: string | null;
  agencyKind: AgencyKind | null;
  /** The agency of the person who entered it, when that is not the agency it came from: it sees it too. */
  recorderAgencyId?: string | null;
}

/** Whether a grant in force covers this category for this agency. */
export function covered(facts: ShareFacts, category: DataCategory): boolean {
  return facts.grants.some((g) => !g.withdrawn && g.categories.includes(category)
    && (g.agencyKinds.includes(facts.agencyKind) || g.agencyIds.includes(facts.agencyId)));
}

/**
 * Whether the viewer may see an item: the agency that recorded it always does; otherwise the
 * agency kind's rule must allow the category AND a consent in force (or a Schedule 1 decision)
 * must cover it. Membership is seen by the whole team around the family.
 */
export function maySee(facts: ShareFacts, category: DataCategory, owner: ItemOwner): boolean {
  if ((owner.agencyId && owner.agencyId === facts.agencyId) || (owner.recorderAgencyId && owner.recorderAgencyId === facts.agencyId)) return true;
  if (!facts.rule.includes(category)) return false;
  return teamBasisCategories.includes(category) || covered(facts, category);
}

/** Whether the viewer's agency may record items of this category (its rule; the recorder owns what they record). */
export function mayRecord(facts: Pick<ShareFacts, 'rule'>, category: DataCategory): boolean {
  return facts.rule.includes(category);
}

/** Legal status (Child in Need, Child Protection Plan, Looked After) is recorded only by children's social care. */
export const legalStatusRecorders: readonly AgencyKind[] = ['childrens_social_care'];
export const legalStatusRefusal = "Only children's social care can record a legal status (Child in Need, Child Protection Plan or Looked After). Ask the child's social worker to record it.";

/** Agencies of a kind, as a sentence names them ("not shared with schools"). */
export const agencyKindPlurals: Record<AgencyKind, string> = {
  childrens_social_care: "children's social care", early_help: 'early help services', police: 'the police', education: 'schools',
  health: 'health services', adult_mental_health: 'adult mental health services', drug_alcohol_service: 'drug and alcohol services',
  probation: 'probation', housing: 'housing services', voluntary_sector: 'voluntary sector organisations',
};

/** Counts what a view left out, by the kind of agency that recorded it, and says so in words. */
export class Withholding {
  private readonly counts = new Map<AgencyKind | null, number>();
  constructor(readonly facts: ShareFacts) {}

  /** True if the item may be shown; otherwise counts it as withheld. */
  sees(category: DataCategory, owner: ItemOwner): boolean {
    if (maySee(this.facts, category, owner)) return true;
    this.counts.set(owner.agencyKind, (this.counts.get(owner.agencyKind) ?? 0) + 1);
    return false;
  }

  /** Why one item is refused: "This case note was recorded by health services and is not shared with schools". */
  refusal(what: string, owner: ItemOwner): string {
    return `This ${what} was recorded by ${owner.agencyKind ? agencyKindPlurals[owner.agencyKind] : 'another agency'} and is not shared with ${agencyKindPlurals[this.facts.agencyKind]}`;
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  /** "3 items recorded by health services are not shared with schools", one sentence per recording agency kind. */
  notices(): string[] {
    const viewer = agencyKindPlurals[this.facts.agencyKind];
    return [...this.counts.entries()]
      .sort(([a], [b]) => (a ?? '~').localeCompare(b ?? '~'))
      .map(([kind, n]) => `${count(n, 'item')} recorded by ${kind ? agencyKindPlurals[kind] : 'other agencies'} ${noun(n, 'is', 'are')} not shared with ${viewer}`);
  }
}
