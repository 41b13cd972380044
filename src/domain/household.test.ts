import { describe, expect, it } from 'vitest';
import { impliedRelationships, memberTypeFor } from './household.ts';

describe('household relationships', () => {
  const mother = { id: 'm', role: 'mother' as const };
  const child = { id: 'c1', role: 'child' as const };

  it('makes a new baby the child of each parent and the sibling of each child', () => {
    const baby = { id: 'b', role: 'unborn' as const };
    expect(impliedRelationships(baby, [mother, child])).toEqual([
      { personId: 'm', relatedPersonId: 'b', kind: 'parent_of' },
      { personId: 'b', relatedPersonId: 'c1', kind: 'sibling_of' },
    ]);
  });

  it('makes a step-parent the step-parent of the children and the partner of the parent', () => {
    const step = { id: 's', role: 'step_parent' as const };
    expect(impliedRelationships(step, [mother, child])).toEqual([
      { personId: 's', relatedPersonId: 'c1', kind: 'step_parent_of' },
      { personId: 's', relatedPersonId: 'm', kind: 'partner_of' },
    ]);
  });

  it('gives another adult in the household no implied relationship', () => {
    expect(impliedRelationships({ id: 'x', role: 'other_adult' }, [mother, child])).toEqual([]);
  });

  it('derives the member type from the role', () => {
    expect(memberTypeFor('sibling')).toBe('child');
    expect(memberTypeFor('unborn')).toBe('unborn');
    expect(memberTypeFor('grandparent')).toBe('adult');
  });
});
