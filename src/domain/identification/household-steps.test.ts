import { describe, expect, it } from 'vitest';
import { groupHouseholds, householdSteps, type PersonForHousehold } from './households.ts';

describe('grouping households in steps', () => {
  it('pauses every few thousand people and ends with what groupHouseholds gives at once', () => {
    // 25,000 people, two to a home, all recorded in one month.
    const people: PersonForHousehold[] = Array.from({ length: 25_000 }, (_, i) => ({
      personId: `p${String(i).padStart(6, '0')}`,
      records: [{ postcode: `NV${Math.floor(i / 2) % 90} 1AB`, address: `${Math.floor(i / 180) + 1} Mill Lane`, eventDate: `2026-03-${String((i % 28) + 1).padStart(2, '0')}`, group: null }],
    }));
    const steps = householdSteps(people);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses += 1;
    expect(pauses).toBeGreaterThanOrEqual(5);
    expect(step.value).toHaveLength(12_500);
    expect(step.value).toStrictEqual(groupHouseholds(people));
  });
});
