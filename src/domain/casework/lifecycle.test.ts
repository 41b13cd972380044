import { describe, expect, it } from 'vitest';
import { caseStates, caseEvents, screen, transition } from './lifecycle.ts';

describe('case lifecycle', () => {
  it('follows allocate, assess, plan, intervene, close', () => {
    let state = transition('awaiting_allocation', 'allocate');
    expect(state).toEqual({ ok: true, state: 'allocated' });
    state = transition('allocated', 'start_assessment');
    expect(state).toEqual({ ok: true, state: 'assessment' });
    expect(transition('assessment', 'complete_assessment')).toEqual({ ok: true, state: 'planning' });
    expect(transition('planning', 'agree_plan')).toEqual({ ok: true, state: 'intervention' });
    expect(transition('intervention', 'review_plan')).toEqual({ ok: true, state: 'intervention' });
    expect(transition('intervention', 'close')).toEqual({ ok: true, state: 'closed' });
  });

  it('refuses a review before the assessment is complete, saying why', () => {
    expect(transition('assessment', 'review_plan')).toEqual({ ok: false, reason: 'A plan cannot be reviewed before the assessment is complete' });
    expect(transition('planning', 'review_plan')).toEqual({ ok: false, reason: 'A plan cannot be reviewed before it has been agreed with the family' });
  });

  it('keeps the state when a case is re-allocated to another key worker', () => {
    expect(transition('intervention', 'allocate')).toEqual({ ok: true, state: 'intervention' });
  });

  it('allows nothing on a closed case', () => {
    for (const event of caseEvents) {
      expect(transition('closed', event)).toEqual({ ok: false, reason: 'This case is closed. Make a new referral to work with the family again.' });
    }
  });

  it('gives a reason for every refused transition', () => {
    for (const state of caseStates) {
      for (const event of caseEvents) {
        const result = transition(state, event);
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
      }
    }
  });

  it('screens a referral once', () => {
    expect(screen('received')).toEqual({ ok: true });
    expect(screen('declined')).toEqual({ ok: false, reason: 'This referral has already been screened: declined' });
  });
});
