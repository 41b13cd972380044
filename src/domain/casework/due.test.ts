import { describe, expect, it } from 'vitest';
import {
  addMonths, assess, caseload, caseloadStatus, latestReviewDate, driftSignals, dueItems, firstVisitDeadline, followUpSchedule, latestClosureWithin12Months,
  reReferralWithin12Months, ukDate, type CaseFacts,
} from './due.ts';

const earlyIntervention = { name: 'Early intervention (Families Plus)', durationWeeks: 12, firstVisitHours: 72, reviewIntervalDays: 28, noContactAlertDays: 7, followUpMonths: [1, 3, 6, 12] };

/** A case referred at 10:00 on 2 November 2026 (GMT), not yet visited. */
const facts = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  caseId: 'case-1', state: 'allocated', programme: earlyIntervention,
  referredAt: '2026-11-02T10:00:00Z', openedAt: '2026-11-02T10:00:00Z', allocatedAt: '2026-11-02T15:00:00Z',
  firstVisitAt: null, lastContactAt: null, planAgreedAt: null, lastReviewAt: null, followUps: [], reported: [], ...over,
});

describe('the first visit within the programme’s hours', () => {
  it('is due 72 hours after the referral, to the minute', () => {
    expect(firstVisitDeadline('2026-11-02T10:00:00Z', 72)).toBe('2026-11-05T10:00:00.000Z');
  });

  it('is due today until the deadline passes, and overdue one minute after it', () => {
    const at = (now: string) => dueItems(facts(), now).find((i) => i.kind === 'first_visit')!;
    expect(at('2026-11-04T12:00:00Z')).toMatchObject({ severity: 'due_soon', status: 'due tomorrow' });
    expect(at('2026-11-05T09:59:00Z')).toMatchObject({ severity: 'due_today', text: 'First visit due within 72 hours of referral: due today by 10:00' });
    expect(at('2026-11-05T10:00:00Z')).toMatchObject({ severity: 'due_today' });
    expect(at('2026-11-05T10:01:00Z')).toMatchObject({ severity: 'overdue', text: 'First visit due within 72 hours of referral: overdue since 10:00 today' });
    expect(at('2026-11-06T09:00:00Z')).toMatchObject({ severity: 'overdue', text: 'First visit due within 72 hours of referral: overdue by 1 day' });
    expect(at('2026-11-09T09:00:00Z').status).toBe('overdue by 4 days');
  });

  it('uses the deadline stored on the case when there is one, in UK time', () => {
    const item = dueItems(facts({ firstVisitDueAt: '2026-07-01T08:30:00Z' }), '2026-07-01T07:00:00Z').find((i) => i.kind === 'first_visit')!;
    expect(item).toMatchObject({ dueOn: '2026-07-01', severity: 'due_today', status: 'due today by 09:30' });
  });

  it('is no longer due once the family has been visited', () => {
    expect(dueItems(facts({ firstVisitAt: '2026-11-04T14:00:00Z' }), '2026-11-09T09:00:00Z').map((i) => i.kind)).not.toContain('first_visit');
  });

  it('counts days for a programme with a longer deadline', () => {
    const item = dueItems(facts({ programme: { ...earlyIntervention, firstVisitHours: 120 } }), '2026-11-02T12:00:00Z')[0];
    expect(item.label).toBe('First visit due within 5 days of referral');
  });
});

describe('severity', () => {
  it('grades a date as overdue, due today, due soon within 7 days, or coming up', () => {
    expect(assess('2026-11-24', null, '2026-11-25T12:00:00Z')).toEqual({ severity: 'overdue', status: 'overdue by 1 day' });
    expect(assess('2026-11-25', null, '2026-11-25T12:00:00Z')).toEqual({ severity: 'due_today', status: 'due today' });
    expect(assess('2026-12-02', null, '2026-11-25T12:00:00Z')).toEqual({ severity: 'due_soon', status: 'due in 7 days' });
    expect(assess('2026-12-03', null, '2026-11-25T12:00:00Z')).toEqual({ severity: 'upcoming', status: 'due on 3 December 2026' });
  });

  it('takes the UK date of the moment, not the UTC date', () => {
    expect(ukDate('2026-06-30T23:30:00Z')).toBe('2026-07-01');
    expect(assess('2026-07-01', null, '2026-06-30T23:30:00Z').severity).toBe('due_today');
  });
});

describe('contact and reviews', () => {
  it('expects the next contact within the programme’s no-contact days of the last one', () => {
    const item = dueItems(facts({ state: 'assessment', firstVisitAt: '2026-11-03T10:00:00Z', lastContactAt: '2026-11-16T10:00:00Z' }), '2026-11-25T12:00:00Z')
      .find((i) => i.kind === 'contact')!;
    expect(item).toMatchObject({ dueOn: '2026-11-23', severity: 'overdue', text: 'Contact with the family (at least every 7 days): overdue by 2 days' });
  });

  it('puts the review one interval after the plan was agreed, then after each review', () => {
    const agreed = facts({ state: 'intervention', firstVisitAt: '2026-09-01', lastContactAt: '2026-11-24', planAgreedAt: '2026-10-01T10:00:00Z', lastReviewAt: '2026-10-01T10:00:00Z' });
    expect(dueItems(agreed, '2026-11-25T12:00:00Z').find((i) => i.kind === 'plan_review')).toMatchObject({ dueOn: '2026-10-29', status: 'overdue by 27 days' });
    const reviewed = { ...agreed, lastReviewAt: '2026-11-20T10:00:00Z' };
    expect(dueItems(reviewed, '2026-11-25T12:00:00Z').find((i) => i.kind === 'plan_review')).toMatchObject({ dueOn: '2026-12-18', severity: 'upcoming' });
  });

  it('uses the plans module’s review and actions instead of its own estimate when they are reported', () => {
    const items = dueItems(facts({
      state: 'intervention', firstVisitAt: '2026-09-01', lastContactAt: '2026-11-24', planAgreedAt: '2026-10-01', lastReviewAt: '2026-10-01',
      reported: [
        { caseId: 'case-1', kind: 'plan_review', dueOn: '2026-11-27', label: 'Review the family plan' },
        { caseId: 'case-1', kind: 'plan_action', dueOn: '2026-11-20', label: 'Register with a GP (Kerry)' },
      ],
    }), '2026-11-25T12:00:00Z');
    expect(items.filter((i) => i.kind === 'plan_review')).toEqual([expect.objectContaining({ dueOn: '2026-11-27', text: 'Review the family plan: due in 2 days' })]);
    expect(items[0]).toMatchObject({ kind: 'plan_action', text: 'Register with a GP (Kerry): overdue by 5 days' });
  });

  it('lists everything soonest first', () => {
    const items = dueItems(facts({
      reported: [{ caseId: 'case-1', kind: 'plan_action', dueOn: '2026-11-03', label: 'Earlier action' }],
    }), '2026-11-25T12:00:00Z');
    expect(items.map((i) => i.dueOn)).toEqual([...items.map((i) => i.dueOn)].sort());
    expect(items[0].label).toBe('Earlier action');
  });

  it('shows nothing but open follow-ups on a closed case', () => {
    const items = dueItems(facts({
      state: 'closed', followUps: [
        { id: 'f1', monthsAfter: 1, dueOn: '2026-11-20', doneOn: '2026-11-21' },
        { id: 'f3', monthsAfter: 3, dueOn: '2027-01-20', doneOn: null },
      ],
    }), '2026-11-25T12:00:00Z');
    expect(items).toEqual([expect.objectContaining({ kind: 'follow_up', recordId: 'f3', label: '3-month follow-up after closure', severity: 'upcoming' })]);
  });
});

describe('drift signals for managers', () => {
  const now = '2026-11-25T12:00:00Z';

  it('flags no contact only after more than the programme’s days', () => {
    const withContact = (last: string) => driftSignals(facts({ state: 'assessment', firstVisitAt: '2026-11-03', lastContactAt: last }), now).map((s) => s.kind);
    expect(withContact('2026-11-18')).not.toContain('no_contact');
    expect(withContact('2026-11-17')).toContain('no_contact');
    expect(driftSignals(facts({ state: 'assessment', firstVisitAt: '2026-11-03', lastContactAt: '2026-11-16' }), now)
      .find((s) => s.kind === 'no_contact')!.text).toBe('No contact for 9 days (the programme expects contact at least every 7 days)');
  });

  it('flags an allocated case nobody has contacted', () => {
    const signals = driftSignals(facts({ allocatedAt: '2026-11-10T09:00:00Z', firstVisitDueAt: '2026-11-12T09:00:00Z' }), now);
    expect(signals.map((s) => s.text)).toEqual([
      'First visit overdue by 13 days (due within 72 hours of referral)',
      'No contact since allocation 15 days ago (the programme expects contact at least every 7 days)',
    ]);
  });

  it('flags an overdue review', () => {
    const signals = driftSignals(facts({ state: 'intervention', firstVisitAt: '2026-09-01', lastContactAt: '2026-11-24', planAgreedAt: '2026-10-01', lastReviewAt: '2026-10-01' }), now);
    expect(signals).toEqual([{ kind: 'review_overdue', text: 'Plan review overdue by 27 days' }]);
  });

  it('flags no plan one review interval after allocation', () => {
    const at = (allocatedAt: string) => driftSignals(facts({ state: 'assessment', allocatedAt, firstVisitAt: '2026-11-01', lastContactAt: '2026-11-24' }), now);
    expect(at('2026-10-28T09:00:00Z')).toEqual([]);
    expect(at('2026-10-27T09:00:00Z')).toEqual([{ kind: 'no_plan', text: 'No plan agreed 29 days after allocation (expected within 28 days)' }]);
  });

  it('flags a case open longer than the programme runs', () => {
    const signals = driftSignals(facts({
      state: 'intervention', openedAt: '2026-08-01T09:00:00Z', allocatedAt: '2026-08-01', firstVisitAt: '2026-08-02', lastContactAt: '2026-11-24',
      planAgreedAt: '2026-11-20', lastReviewAt: '2026-11-20',
    }), now);
    expect(signals).toEqual([{ kind: 'past_duration', text: 'Open 16 weeks: longer than the 12 weeks Early intervention (Families Plus) runs for' }]);
  });

  it('does not flag a closed case', () => {
    expect(driftSignals(facts({ state: 'closed', openedAt: '2025-01-01' }), now)).toEqual([]);
  });
});

describe('follow-ups after closure', () => {
  it('falls at 1, 3, 6 and 12 months after the closure date', () => {
    expect(followUpSchedule('2026-11-25')).toEqual([
      { monthsAfter: 1, dueOn: '2026-12-25' }, { monthsAfter: 3, dueOn: '2027-02-25' },
      { monthsAfter: 6, dueOn: '2027-05-25' }, { monthsAfter: 12, dueOn: '2027-11-25' },
    ]);
  });

  it('keeps a month-end closure inside each month', () => {
    expect(followUpSchedule('2027-01-31').map((f) => f.dueOn)).toEqual(['2027-02-28', '2027-04-30', '2027-07-31', '2028-01-31']);
    expect(followUpSchedule('2028-01-31', [1]).map((f) => f.dueOn)).toEqual(['2028-02-29']);
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('follows the programme’s own schedule, in order, without duplicates', () => {
    expect(followUpSchedule('2026-11-25', [12, 6, 6]).map((f) => f.monthsAfter)).toEqual([6, 12]);
  });

  it('counts from the UK date of a closure moment', () => {
    expect(followUpSchedule('2026-06-30T23:30:00Z', [1])).toEqual([{ monthsAfter: 1, dueOn: '2026-08-01' }]);
  });
});

describe('re-referral within 12 months', () => {
  it('counts a closure exactly 12 months before, and not a day more', () => {
    expect(reReferralWithin12Months(['2025-11-25'], '2026-11-25')).toBe(true);
    expect(reReferralWithin12Months(['2025-11-24'], '2026-11-25')).toBe(false);
  });

  it('handles a leap day', () => {
    expect(reReferralWithin12Months(['2024-02-29'], '2025-02-28')).toBe(true);
    expect(reReferralWithin12Months(['2024-02-29'], '2025-03-01')).toBe(false);
  });

  it('ignores closures after the referral and picks the most recent one within the year', () => {
    expect(reReferralWithin12Months(['2026-12-01'], '2026-11-25')).toBe(false);
    expect(reReferralWithin12Months([], '2026-11-25')).toBe(false);
    expect(latestClosureWithin12Months(['2025-10-01', '2026-03-05T16:00:00Z', '2026-06-01', '2027-01-01'], '2026-11-25')).toBe('2026-06-01');
  });
});

describe('caseloads', () => {
  it('compares open cases with the programme’s limit', () => {
    expect([caseloadStatus(5, 6), caseloadStatus(6, 6), caseloadStatus(7, 6)]).toEqual(['under', 'at', 'over']);
  });

  it('counts all of a worker’s open cases against the lowest limit among their programmes', () => {
    expect(caseload([])).toEqual({ open: 0, limit: null, status: 'under' });
    expect(caseload([6, 6, 6])).toEqual({ open: 3, limit: 6, status: 'under' });
    // Three early-intervention cases (limit 6) and one Option 2 case (limit 2): over the limit of 2.
    expect(caseload([6, 6, 6, 2])).toEqual({ open: 4, limit: 2, status: 'over' });
    expect(caseload([2, 6])).toEqual({ open: 2, limit: 2, status: 'at' });
  });
});

describe('the latest review date', () => {
  const option2 = { name: 'Option 2 crisis intervention', durationWeeks: 6, reviewIntervalDays: 14 };
  it('is the day the programme ends, while it has not ended', () => {
    expect(latestReviewDate('2026-11-20T09:00:00Z', option2, '2026-11-25')).toEqual({ latest: '2027-01-01', why: 'when the 6 weeks of Option 2 crisis intervention end' });
  });
  it('is one review interval from today once a case runs past its programme', () => {
    expect(latestReviewDate('2026-09-01T09:00:00Z', option2, '2026-11-25'))
      .toEqual({ latest: '2026-12-09', why: '14 days from today: the case has run past the 6 weeks of Option 2 crisis intervention' });
  });
});
