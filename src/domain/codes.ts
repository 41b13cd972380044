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
  'adult_mental_health', 'probation', 'housing', 'voluntary_sector', 'early_help',
] as const;
export type AgencyKind = (typeof agencyKinds)[number];
export const agencyKindLabels: Record<AgencyKind, string> = {
  childrens_social_care: "Children's social care", police: 'Police', health: 'Health',
  education: 'School or education', drug_alcohol_service: 'Drug and alcohol service',
  adult_mental_health: 'Adult mental health', probation: 'Probation', housing: 'Housing',
  voluntary_sector: 'Voluntary sector', early_help: 'Early help',
};

export const userRoles = ['practitioner', 'manager', 'analyst', 'administrator', 'dpo'] as const;
export type UserRole = (typeof userRoles)[number];

/** Which letter a member's needs take for factors 1 to 6: A the child, B a parent or carer, C another person in the household. */
export type FactorSubject = 'A' | 'B' | 'C';

/** Whose record a code belongs on: the child's, a parent's or carer's, another household member's, or anyone's (20 Other). */
export type FactorAbout = 'child' | 'parent' | 'other' | 'anyone';

export interface CinFactorCode {
  code: string;
  label: string;
  about: FactorAbout;
}

/**
 * Children in Need census assessment factors, as the DfE schema (CIN_schema_2024.xsd,
 * `assessmentfactorstype`) lists them: its codes, its words and its subjects. For 1 to 6 the
 * letter says whose concern it is (A the child, B the parent(s)/carer(s), C another person in the
 * household); 18 and 19 are different: B is abuse of the child by another child, C abuse of the
 * child by an adult, so both sit on the child's record.
 */
const lettered: readonly [string, string][] = [
  ['1', 'Alcohol misuse'], ['2', 'Drug misuse'], ['3', 'Domestic violence'], ['4', 'Mental health'],
  ['5', 'Learning disability'], ['6', 'Physical disability or illness'],
];
const subjectWords: Record<FactorSubject, [FactorAbout, string]> = {
  A: ['child', 'child'], B: ['parent', 'parent or carer'], C: ['other', 'another person in the household'],
};

export const cinFactorList: readonly CinFactorCode[] = [
  ...lettered.flatMap(([n, label]) => (['A', 'B', 'C'] as const).map((letter) => ({ code: n + letter, label: `${label} (${subjectWords[letter][1]})`, about: subjectWords[letter][0] }))),
  { code: '7A', label: 'Young carer', about: 'child' },
  { code: '8B', label: 'Privately fostered: overseas child intending to return', about: 'child' },
  { code: '8C', label: 'Privately fostered: overseas child intending to stay', about: 'child' },
  { code: '8D', label: 'Privately fostered: UK child in educational placement', about: 'child' },
  { code: '8E', label: 'Privately fostered: UK child making alternative family arrangements', about: 'child' },
  { code: '8F', label: 'Privately fostered: other', about: 'child' },
  { code: '9A', label: 'Unaccompanied asylum-seeking child', about: 'child' },
  { code: '10A', label: 'Missing (going or being missing)', about: 'child' },
  { code: '11A', label: 'Child sexual exploitation', about: 'child' },
  { code: '12A', label: 'Trafficking', about: 'child' },
  { code: '13A', label: 'Gangs', about: 'child' },
  { code: '14A', label: 'Socially unacceptable behaviour', about: 'child' },
  { code: '15A', label: 'Self-harm', about: 'child' },
  { code: '16A', label: 'Neglect', about: 'child' },
  { code: '17A', label: 'Emotional abuse', about: 'child' },
  { code: '18B', label: 'Physical abuse (child on child)', about: 'child' },
  { code: '18C', label: 'Physical abuse (adult on child)', about: 'child' },
  { code: '19B', label: 'Sexual abuse (child on child)', about: 'child' },
  { code: '19C', label: 'Sexual abuse (adult on child)', about: 'child' },
  { code: '20', label: 'Other', about: 'anyone' },
  { code: '21', label: 'No factors identified', about: 'child' },
  { code: '22A', label: 'Female genital mutilation', about: 'child' },
  { code: '23A', label: 'Abuse linked to faith or belief', about: 'child' },
  { code: '24A', label: 'Child criminal exploitation', about: 'child' },
];

/** Every valid CIN assessment-factor code with its label, e.g. '2B' → 'Drug misuse (parent or carer)'. */
export const cinFactorCodes: Readonly<Record<string, string>> = Object.fromEntries(cinFactorList.map((f) => [f.code, f.label]));

const aboutByCode = new Map(cinFactorList.map((f) => [f.code, f.about]));

/** Each factor number once, with its heading ('18' Physical abuse), for rules that count a factor whatever its letter. */
export const cinFactorNumbers: readonly { number: string; label: string }[] = [
  ...new Map(cinFactorList.map((f) => [f.code.replace(/[A-F]$/, ''), f.label.replace(/ \(.*\)$/, '').replace(/:.*$/, '')])),
].map(([number, label]) => ({ number, label }));

export function isCinFactorCode(code: string): boolean {
  return Object.hasOwn(cinFactorCodes, code);
}

/** A concern about a parent or carer (1B to 6B): the parental vulnerabilities. */
export function isParentalFactor(code: string): boolean {
  return aboutByCode.get(code) === 'parent';
}

/** Which letter a member's factors 1 to 6 take: children A, parents and carers B, anyone else C. */
export function factorSubjectFor(role: Role): FactorSubject {
  if (childRoles.includes(role)) return 'A';
  if (parentOrCarerRoles.includes(role)) return 'B';
  return 'C';
}

const aboutFor = (role: Role): FactorAbout => ({ A: 'child', B: 'parent', C: 'other' } as const)[factorSubjectFor(role)];

/** The factor codes that apply to a member in the given role (the form's options), in the schema's order. */
export function factorCodesFor(role: Role): string[] {
  const about = aboutFor(role);
  return cinFactorList.filter((f) => f.about === about || f.about === 'anyone').map((f) => f.code);
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
