/**
 * Retention: how long each type of record is kept, and when each one is due to go. Pure rules;
 * the defaults are proposals for the council's data protection officer to confirm (README).
 */
import { addDays, addMonths } from '../casework/due.ts';

export const retentionRecordTypes = ['closed_family', 'referral_not_accepted', 'referral_draft'] as const;
export type RetentionRecordType = (typeof retentionRecordTypes)[number];

export const retentionLabels: Record<RetentionRecordType, { label: string; from: string; then: 'anonymised' | 'deleted' }> = {
  closed_family: { label: 'Closed family records', from: 'after the last case closed, or the youngest child’s 18th birthday if later', then: 'anonymised' },
  referral_not_accepted: { label: 'Referrals signposted or declined', from: 'after the decision', then: 'anonymised' },
  referral_draft: { label: 'Unsent referral drafts', from: 'after the draft was saved', then: 'deleted' },
};

/** The proposed defaults, in months (the same as migration 020). */
export const defaultRetentionMonths: Record<RetentionRecordType, number> = { closed_family: 84, referral_not_accepted: 24, referral_draft: 1 };

/** The days the report looks ahead. */
export const retentionReportDays = 30;

/** When a closed family's record is due: `months` after the later of its last closure and its youngest child's 18th birthday. */
export function closedFamilyDue(lastClosedOn: string, youngestChildBornOn: string | null, months: number): string {
  const eighteenth = youngestChildBornOn ? addMonths(youngestChildBornOn, 18 * 12) : null;
  const from = eighteenth && eighteenth > lastClosedOn ? eighteenth : lastClosedOn;
  return addMonths(from, months);
}

/** When any other record is due: `months` after the date it counts from. */
export function dueAfter(fromDate: string, months: number): string {
  return addMonths(fromDate, months);
}

export interface RetentionItem {
  recordType: RetentionRecordType;
  recordId: string;
  /** The family it belongs to, for legal holds (none for a draft or a referral not joined to a family). */
  familyId: string | null;
  reference: string;
  dueOn: string;
  held: boolean;
}

/** What a run on `today` removes (due and not held), what it keeps for a hold, and what is coming within the report's days. */
export function planRetention(items: readonly RetentionItem[], today: string, days = retentionReportDays) {
  const horizon = addDays(today, days);
  return {
    due: items.filter((i) => i.dueOn <= today && !i.held),
    held: items.filter((i) => i.dueOn <= horizon && i.held),
    coming: items.filter((i) => i.dueOn <= horizon).sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.reference.localeCompare(b.reference)),
  };
}
