import type { MemberType, Role } from './codes.ts';

export type RelationshipKind = 'parent_of' | 'step_parent_of' | 'partner_of' | 'grandparent_of' | 'sibling_of' | 'carer_of';

export const relationshipLabels: Record<RelationshipKind, [string, string]> = {
  // [how the first person relates to the second, how the second relates to the first]
  parent_of: ['Parent of', 'Child of'],
  step_parent_of: ['Step-parent of', 'Step-child of'],
  partner_of: ['Partner of', 'Partner of'],
  grandparent_of: ['Grandparent of', 'Grandchild of'],
  sibling_of: ['Sibling of', 'Sibling of'],
  carer_of: ['Carer of', 'Cared for by'],
};

export function memberTypeFor(role: Role): MemberType {
  if (role === 'unborn') return 'unborn';
  if (role === 'child' || role === 'sibling') return 'child';
  return 'adult';
}

export interface HouseholdMember {
  id: string;
  role: Role;
}

export interface Relationship {
  personId: string;
  relatedPersonId: string;
  kind: RelationshipKind;
}

const isChild = (m: HouseholdMember) => memberTypeFor(m.role) !== 'adult';
const parentalKind: Partial<Record<Role, RelationshipKind>> = {
  mother: 'parent_of', father: 'parent_of', step_parent: 'step_parent_of', grandparent: 'grandparent_of', other_carer: 'carer_of',
};

/**
 * The relationships implied when someone joins a household, so a practitioner adding a baby
 * does not have to link it to each parent and sibling by hand. They can be changed afterwards.
 */
export function impliedRelationships(newMember: HouseholdMember, existing: readonly HouseholdMember[]): Relationship[] {
  const result: Relationship[] = [];
  const others = existing.filter((m) => m.id !== newMember.id);
  if (isChild(newMember)) {
    for (const other of others) {
      const kind = parentalKind[other.role];
      if (kind) result.push({ personId: other.id, relatedPersonId: newMember.id, kind });
      else if (isChild(other)) result.push({ personId: newMember.id, relatedPersonId: other.id, kind: 'sibling_of' });
    }
    return result;
  }
  const kind = parentalKind[newMember.role];
  if (kind) {
    for (const child of others.filter(isChild)) result.push({ personId: newMember.id, relatedPersonId: child.id, kind });
  }
  if (newMember.role === 'partner' || newMember.role === 'step_parent') {
    const parent = others.find((m) => m.role === 'mother' || m.role === 'father');
    if (parent) result.push({ personId: newMember.id, relatedPersonId: parent.id, kind: 'partner_of' });
  }
  return result;
}
