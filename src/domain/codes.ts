/**
 * Codes Lantern shares with the field: Children in Need census assessment factors and primary
 * need codes (DfE), member roles, legal statuses and agency kinds.
 */

export const memberTypes = ['adult', 'child', 'unborn'] as const;
export type MemberType = (typeof memberTypes)[number];

export const roles = [
  'mother', 'father', 'step_parent', 'partner', 'grandparent', 'other_carer',
  'child', 'sibling', 'other_adult', 'unborn',
] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  mother: 'Mother', father: 'Father', step_parent: 'Step-parent', partner: "Parent's partner",
  grandparent: 'Grandparent', other_carer: 'Other carer', child: 'Child', sibling: 'Sibling',
  other_adult: 'Other adult in the household', unborn: 'Unborn baby',
};

/** Roles that hold parental responsibility or care: their needs count as parental vulnerabilities ("B"). */
export const parentOrCarerRoles: readonly Role[] = ['mother', 'father', 'step_parent', 'partner', 'grandparent', 'other_carer'];
export const childRoles: readonly Role[] = ['child', 'sibling', 'unborn'];

export const sexes = ['female', 'male', 'not_known'] as const;
export type Sex = (typeof sexes)[number];
export const sexLabels: Record<Sex, string> = { female: 'Female', male: 'Male', not_known: 'Not known' };

export const legalStatuses = ['none', 'child_in_need', 'child_protection_plan', 'looked_after'] as const;
export type LegalStatus = (typeof legalStatuses)[number];
export const legalStatusLabels: Record<LegalStatus, string> = {
  none: 'No statutory involvement', child_in_need: 'Child in Need',
  child_protection_plan: 'Child Protection Plan', looked_after: 'Looked After',
};

export const agencyKinds = [
  'childrens_social_care', 'police', 'health', 'education', 'drug_alcohol_service',
  'adult_mental_health', 'probation', 'housing', 'voluntary_sector',
] as const;
export type AgencyKind = (typeof agencyKinds)[number];
export const agencyKindLabels: Record<AgencyKind, string> = {
  childrens_social_care: "Children's social care", police: 'Police', health: 'Health',
  education: 'Education', drug_alcohol_service: 'Drug and alcohol service',
  adult_mental_health: 'Adult mental health', probation: 'Probation', housing: 'Housing',
  voluntary_sector: 'Voluntary sector',
};

export const userRoles = ['practitioner', 'manager', 'analyst', 'administrator'] as const;
export type UserRole = (typeof userRoles)[number];

/** Who the factor is about: A the child, B a parent or carer, C another person in the household. */
export type FactorSubject = 'A' | 'B' | 'C';

export interface CinFactor {
  number: string;
  label: string;
  subjects: readonly FactorSubject[];
}

// Children in Need census, factors identified at the end of assessment.
export const cinFactors: readonly CinFactor[] = [
  { number: '1', label: 'Alcohol misuse', subjects: ['A', 'B', 'C'] },
  { number: '2', label: 'Drug misuse', subjects: ['A', 'B', 'C'] },
  { number: '3', label: 'Domestic abuse', subjects: ['A', 'B', 'C'] },
  { number: '4', label: 'Mental health', subjects: ['A', 'B', 'C'] },
  { number: '5', label: 'Learning disability', subjects: ['A', 'B', 'C'] },
  { number: '6', label: 'Physical disability or illness', subjects: ['A', 'B', 'C'] },
  { number: '7', label: 'Young carer', subjects: ['A'] },
  { number: '9', label: 'Unaccompanied asylum-seeking child', subjects: ['A'] },
  { number: '10', label: 'Going or being missing', subjects: ['A'] },
  { number: '11', label: 'Child sexual exploitation', subjects: ['A'] },
  { number: '12', label: 'Trafficking', subjects: ['A'] },
  { number: '13', label: 'Gangs', subjects: ['A'] },
  { number: '14', label: 'Socially unacceptable behaviour', subjects: ['A'] },
  { number: '15', label: 'Self-harm', subjects: ['A'] },
  { number: '16', label: 'Neglect', subjects: ['A'] },
  { number: '17', label: 'Emotional abuse', subjects: ['A'] },
  { number: '18', label: 'Physical abuse', subjects: ['B', 'C'] },
  { number: '19', label: 'Sexual abuse', subjects: ['B', 'C'] },
  { number: '20', label: 'Other', subjects: [] },
  { number: '22', label: 'Female genital mutilation', subjects: ['A'] },
  { number: '23', label: 'Abuse linked to faith or belief', subjects: ['A'] },
  { number: '24', label: 'Child criminal exploitation', subjects: ['A'] },
];

// Privately fostered (8B-8F) carries its own letters rather than A/B/C.
export const privateFosteringCodes: Record<string, string> = {
  '8B': 'Privately fostered: overseas child intending to return',
  '8C': 'Privately fostered: overseas child intending to stay',
  '8D': 'Privately fostered: UK child in educational placement',
  '8E': 'Privately fostered: UK child making alternative family arrangements',
  '8F': 'Privately fostered: other',
};

const subjectWords: Record<FactorSubject, string> = { A: 'child', B: 'parent or carer', C: 'another person in the household' };

/** Every valid CIN assessment-factor code with its label, e.g. '2B' → 'Drug misuse (parent or carer)'. */
export const cinFactorCodes: Readonly<Record<string, string>> = (() => {
  const codes: Record<string, string> = {};
  for (const factor of cinFactors) {
    if (factor.subjects.length === 0) codes[factor.number] = factor.label;
    for (const subject of factor.subjects) {
      codes[factor.number + subject] = `${factor.label} (${subjectWords[subject]})`;
    }
  }
  return { ...codes, ...privateFosteringCodes };
})();

export function isCinFactorCode(code: string): boolean {
  return Object.hasOwn(cinFactorCodes, code);
}

/** Which letter a member's needs take: children A, parents and carers B, anyone else C. */
export function factorSubjectFor(role: Role): FactorSubject {
  if (childRoles.includes(role)) return 'A';
  if (parentOrCarerRoles.includes(role)) return 'B';
  return 'C';
}

/** The factor codes that apply to a member in the given role (the form's options). */
export function factorCodesFor(role: Role): string[] {
  const subject = factorSubjectFor(role);
  const fostering = subject === 'A' ? Object.keys(privateFosteringCodes) : [];
  const lettered = Object.keys(cinFactorCodes).filter((code) => !(code in privateFosteringCodes) && code.endsWith(subject));
  return [...lettered, ...fostering, '20'];
}

export const needTypes = ['cin_factor', 'offending'] as const;
export type NeedType = (typeof needTypes)[number];

export function needLabel(needType: NeedType, code: string | null): string {
  if (needType === 'offending') return 'Offending';
  return code ? (cinFactorCodes[code] ?? code) : 'Unknown';
}

export const cinPrimaryNeedCodes: Record<string, string> = {
  N1: 'Abuse or neglect', N2: "Child's disability", N3: 'Parental disability or illness',
  N4: 'Family in acute stress', N5: 'Family dysfunction', N6: 'Socially unacceptable behaviour',
  N7: 'Low income', N8: 'Absent parenting', N9: 'Cases other than children in need', N0: 'Not stated',
};
