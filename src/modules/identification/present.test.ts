import { describe, expect, it } from 'vitest';
import { waterfall } from './present.ts';

describe('the match-weight waterfall', () => {
  const steps = waterfall({
    prior: -8.5, weight: 5.5, probability: 0.978,
    fields: [
      { field: 'firstName', level: 'nickname', label: 'first name: Bill and William are the same name', weight: 6 },
      { field: 'dateOfBirth', level: 'day and month swapped', label: 'date of birth: day and month swapped', weight: 4 },
      { field: 'postcode', level: 'different', label: 'postcode: different', weight: -1 },
      { field: 'lastName', level: 'exact', label: 'surname: Smith on both (a common name)', weight: 5 },
    ],
  });

  it('starts from the prior and ends at the match weight, each step with its running total', () => {
    expect(steps.map((s) => [s.weight, s.total, s.direction])).toEqual([
      ['−8.50', '−8.50', 'prior'], ['+6.00', '−2.50', 'for'], ['+4.00', '+1.50', 'for'], ['−1.00', '+0.50', 'against'], ['+5.00', '+5.50', 'for'],
    ]);
  });

  it('draws each bar from the total before the step to the total after it, hidden from screen readers', () => {
    const bar = (svg: string) => /<rect x="([\d.]+)" y="3" width="([\d.]+)"/.exec(svg)!.slice(1).map(Number);
    const [x0] = bar(steps[0].svg);
    const [x1, w1] = bar(steps[1].svg);
    const [x2] = bar(steps[2].svg);
    // The prior runs from 0 down to −8.50 (the left edge); the first name then runs from −8.50 to −2.50, and so on.
    expect(x0).toBeCloseTo(1, 1);
    expect(x1).toBeCloseTo(x0, 1);
    expect(x2).toBeCloseTo(x1 + w1, 1);
    expect(steps.every((s) => s.svg.includes('aria-hidden="true"'))).toBe(true);
    expect(steps[3].svg).toContain('fill="#d4351c"');
  });
});
