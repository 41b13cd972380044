/**
 * The ten headline outcomes of the Supporting Families national outcomes framework (2022-25).
 * Every goal in a family plan is tied to one of them, so progress can be reported against
 * the framework without asking the practitioner to code the goal twice.
 */
export const outcomeAreas = [
  { key: 'education', label: 'Getting a good education' },
  { key: 'early_years', label: 'Good early years development' },
  { key: 'health', label: 'Improved mental and physical health' },
  { key: 'substance_use', label: 'Better managed substance use' },
  { key: 'family_relationships', label: 'Improved family relationships' },
  { key: 'children_safe', label: 'Children safe from abuse and exploitation' },
  { key: 'crime', label: 'Families diverted from crime' },
  { key: 'domestic_abuse', label: 'Safe from domestic abuse' },
  { key: 'housing', label: 'Secure housing' },
  { key: 'financial_stability', label: 'Financial stability' },
] as const;

export type OutcomeAreaKey = (typeof outcomeAreas)[number]['key'];

export const outcomeAreaKeys = outcomeAreas.map((a) => a.key) as [OutcomeAreaKey, ...OutcomeAreaKey[]];

export const outcomeAreaLabels = Object.fromEntries(outcomeAreas.map((a) => [a.key, a.label])) as Record<OutcomeAreaKey, string>;

export function isOutcomeArea(key: string): key is OutcomeAreaKey {
  return Object.hasOwn(outcomeAreaLabels, key);
}
