/** Why a case closes and where the family steps down to: the words for practitioners and for families. */

export const closureReasons = ['goals_achieved', 'moved_away', 'family_chose_to_stop', 'stepped_up', 'other'] as const;
export type ClosureReason = (typeof closureReasons)[number];

/** What practitioners and managers read. */
export const closureReasonLabels: Record<ClosureReason, string> = {
  goals_achieved: 'Goals achieved',
  moved_away: 'Family moved away',
  family_chose_to_stop: 'Family disengaged',
  stepped_up: 'Stepped up to statutory services',
  other: 'Other',
};

/** What a family reads about why our work together ended: plain, respectful, never blaming. */
export const closureReasonFamilyWords: Record<ClosureReason, string> = {
  goals_achieved: 'you achieved the goals in your family plan',
  moved_away: 'you moved to a new area',
  family_chose_to_stop: 'the family chose to stop',
  stepped_up: 'more support is now coming from children’s social care',
  other: 'our work together came to an end',
};

export const stepDownTiers = [1, 2, 3, 4] as const;
export type StepDownTier = (typeof stepDownTiers)[number];

export const stepDownTierLabels: Record<StepDownTier, string> = {
  1: 'Tier 1: universal services',
  2: 'Tier 2: additional needs (early help)',
  3: 'Tier 3: complex needs (targeted or specialist support)',
  4: 'Tier 4: stepped up to statutory services',
};

export const stepDownTierHints: Record<StepDownTier, string> = {
  1: 'For example school, GP, health visitor or children’s centre',
  2: 'For example an early help assessment with a key worker, or a parenting group',
  3: 'For example a targeted youth service or specialist drug and alcohol treatment',
  4: 'Children in need, child protection or looked-after children',
};

/**
 * Why a reason cannot be given for this case, or null when it can. "Goals achieved" means the
 * goals of an agreed family plan: a case never planned (so never assessed with the family) did
 * not achieve them, whatever else happened.
 */
export function closureReasonProblem(reason: string, facts: { planAgreed: boolean }): string | null {
  if (reason === 'goals_achieved' && !facts.planAgreed) {
    return 'This case never had an agreed family plan, so it cannot close as goals achieved: choose another reason, or Other and say why';
  }
  return null;
}

export function closureReasonLabel(reason: string): string {
  return (closureReasonLabels as Record<string, string>)[reason] ?? reason;
}
