/**
 * The case lifecycle as an explicit state machine. Every change of state goes through
 * `transition`, which refuses an event the current state does not allow and says why in the
 * words a practitioner would use.
 */
export const caseStates = ['awaiting_allocation', 'allocated', 'assessment', 'planning', 'intervention', 'closed'] as const;
export type CaseState = (typeof caseStates)[number];

export const caseStateLabels: Record<CaseState, string> = {
  awaiting_allocation: 'Awaiting allocation',
  allocated: 'Allocated',
  assessment: 'Assessment in progress',
  planning: 'Assessment complete: writing the plan',
  intervention: 'Plan agreed: intervention',
  closed: 'Closed',
};

export const caseEvents = [
  'allocate', 'start_assessment', 'complete_assessment', 'agree_plan', 'review_plan', 'record_contact', 'close',
] as const;
export type CaseEvent = (typeof caseEvents)[number];

const allowed: Record<CaseEvent, readonly CaseState[]> = {
  allocate: ['awaiting_allocation', 'allocated', 'assessment', 'planning', 'intervention'],
  start_assessment: ['allocated'],
  complete_assessment: ['assessment'],
  agree_plan: ['planning'],
  review_plan: ['intervention'],
  record_contact: ['allocated', 'assessment', 'planning', 'intervention'],
  close: ['allocated', 'assessment', 'planning', 'intervention'],
};

const next: Partial<Record<CaseEvent, CaseState>> = {
  allocate: undefined,
  start_assessment: 'assessment',
  complete_assessment: 'planning',
  agree_plan: 'intervention',
  close: 'closed',
};

/** Why an event cannot happen in a state, for the message the user sees. */
function refusal(event: CaseEvent, state: CaseState): string {
  if (state === 'closed') return 'This case is closed. Make a new referral to work with the family again.';
  switch (event) {
    case 'review_plan':
      return state === 'planning'
        ? 'A plan cannot be reviewed before it has been agreed with the family'
        : 'A plan cannot be reviewed before the assessment is complete';
    case 'agree_plan':
      return 'A plan cannot be agreed before the assessment is complete';
    case 'complete_assessment':
      return state === 'awaiting_allocation' || state === 'allocated'
        ? 'The assessment cannot be completed before it has been started'
        : 'The assessment is already complete';
    case 'start_assessment':
      return state === 'awaiting_allocation' ? 'Allocate a key worker before starting the assessment' : 'The assessment has already been started';
    case 'record_contact':
      return 'Allocate a key worker before recording contacts';
    case 'close':
      return 'Allocate the case before closing it, or decline the referral instead';
    case 'allocate':
      return 'This case cannot be allocated';
  }
}

export type TransitionResult = { ok: true; state: CaseState } | { ok: false; reason: string };

export function transition(state: CaseState, event: CaseEvent): TransitionResult {
  if (!allowed[event].includes(state)) return { ok: false, reason: refusal(event, state) };
  if (event === 'allocate') return { ok: true, state: state === 'awaiting_allocation' ? 'allocated' : state };
  return { ok: true, state: next[event] ?? state };
}

export function isOpen(state: CaseState): boolean {
  return state !== 'closed';
}

/** Referrals: received, then a screening decision. */
export const referralDecisions = ['accepted', 'signposted', 'declined'] as const;
export type ReferralDecision = (typeof referralDecisions)[number];
export type ReferralStatus = 'received' | ReferralDecision;
export const referralStatusLabels: Record<ReferralStatus, string> = {
  received: 'Awaiting screening', accepted: 'Accepted', signposted: 'Signposted elsewhere', declined: 'Declined',
};

export function screen(status: ReferralStatus): { ok: true } | { ok: false; reason: string } {
  return status === 'received' ? { ok: true } : { ok: false, reason: `This referral has already been screened: ${referralStatusLabels[status].toLowerCase()}` };
}
