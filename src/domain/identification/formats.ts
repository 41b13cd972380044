/**
 * The built-in agency extract formats: the columns each extract carries, their types and what
 * they mean. Every row is one person as the agency recorded them plus that agency's event
 * fields, so the same person fields feed record linkage whatever the source.
 */

import type { KnownScheme } from './identifiers.ts';

export type ColumnType = 'text' | 'date' | 'integer' | 'number' | 'percent' | 'boolean' | 'enum' | 'sex' | 'postcode' | 'identifier';

export interface Column {
  name: string;
  type: ColumnType;
  required: boolean;
  meaning: string;
  /** For enum columns: the accepted values (compared case-insensitively). */
  values?: readonly string[];
  /** For identifier columns: the scheme its values are checked and compared in ('agency': the sending agency's own). */
  scheme?: KnownScheme | 'agency';
}

export const sourceKeys = [
  'police-da', 'school', 'drug-alcohol', 'mental-health', 'youth-offending', 'social-care', 'housing', 'worklessness',
] as const;
export type SourceKey = (typeof sourceKeys)[number];

export interface ExtractFormat {
  key: SourceKey;
  label: string;
  /** The kind of agency that sends it (matches agency kinds in codes.ts). */
  agencyKind: string;
  description: string;
  columns: readonly Column[];
  /** The column that dates the event (for "in the last 12 months" and the household timeline). */
  eventDate: string;
  /** A column whose value ties people in one event together (e.g. one police incident), if any. */
  groupColumn?: string;
}

/** The person fields every extract carries, in this order, before its own event fields. */
export const personColumns: readonly Column[] = [
  { name: 'record_id', type: 'text', required: true, meaning: "The agency's own unique reference for this row. Loading a row with a reference already loaded from the same source adds nothing." },
  { name: 'first_name', type: 'text', required: true, meaning: 'First name as the agency recorded it.' },
  { name: 'last_name', type: 'text', required: true, meaning: 'Last name (surname) as the agency recorded it.' },
  { name: 'date_of_birth', type: 'date', required: false, meaning: 'Date of birth: YYYY-MM-DD or DD/MM/YYYY.' },
  { name: 'sex', type: 'sex', required: false, meaning: 'F, M or U (female, male, not known).' },
  { name: 'postcode', type: 'postcode', required: false, meaning: 'UK postcode of the address recorded.' },
  { name: 'address_line', type: 'text', required: false, meaning: 'First line of the address: house number and street.' },
];

/**
 * Identifiers any extract may carry, after its own columns (so files made before they existed
 * load as they are). Each is checked as its scheme requires and stored in one canonical form;
 * matching compares records scheme by scheme.
 */
export const identifierColumns: readonly Column[] = [
  { name: 'nhs_number', type: 'identifier', scheme: 'nhs', required: false, meaning: 'NHS number: 10 digits, the last a check digit; spaces are allowed (943 476 5919).' },
  { name: 'upn', type: 'identifier', scheme: 'upn', required: false, meaning: 'Unique Pupil Number: 13 characters, a check letter then 12 digits (a temporary UPN ends in a letter).' },
  { name: 'ni_number', type: 'identifier', scheme: 'ni', required: false, meaning: 'National Insurance number: 2 letters, 6 numbers and A, B, C or D (AB 12 34 56 C).' },
  { name: 'pnc_id', type: 'identifier', scheme: 'pnc', required: false, meaning: 'Police National Computer ID: the year, a slash, the number and a check letter (18/123456A).' },
  { name: 'agency_ref', type: 'identifier', scheme: 'agency', required: false, meaning: "The agency's own reference for the person (case or client number), the same on every row about them. Compared only with references from the same agency and kind of extract." },
];

/**
 * The scheme an agency's own reference is compared in: one per kind of extract and agency name,
 * because each agency numbers its cases in its own system (two agencies' case 1042 are two people),
 * and one agency's references from two systems are no more comparable than two agencies'.
 */
export function agencyRefScheme(source: SourceKey, agencyName: string): string {
  const agency = agencyName.trim();
  return `${source} case reference${agency ? ` (${agency})` : ''}`;
}

function format(f: Omit<ExtractFormat, 'columns'> & { events: readonly Column[] }): ExtractFormat {
  const { events, ...rest } = f;
  return { ...rest, columns: [...personColumns, ...events, ...identifierColumns] };
}

export const extractFormats: Record<SourceKey, ExtractFormat> = {
  'police-da': format({
    key: 'police-da', label: 'Police domestic abuse incidents', agencyKind: 'police',
    description: 'One row for each person involved in a domestic abuse incident: the victim, the perpetrator and each child present.',
    eventDate: 'incident_date', groupColumn: 'incident_ref',
    events: [
      { name: 'incident_ref', type: 'text', required: true, meaning: 'The incident reference; the same on every row of one incident.' },
      { name: 'incident_date', type: 'date', required: true, meaning: 'Date of the incident.' },
      { name: 'role', type: 'enum', required: true, values: ['victim', 'perpetrator', 'child_present'], meaning: 'This person’s part in the incident: victim, perpetrator or child_present.' },
      { name: 'children_present', type: 'boolean', required: false, meaning: 'Whether children were present (Y/N).' },
      { name: 'risk_level', type: 'enum', required: false, values: ['standard', 'medium', 'high'], meaning: 'DASH risk level: standard, medium or high.' },
    ],
  }),
  school: format({
    key: 'school', label: 'School attendance and exclusions', agencyKind: 'education',
    description: 'One row for each pupil for each term or year: attendance and exclusions.',
    eventDate: 'period_end',
    events: [
      { name: 'school_name', type: 'text', required: false, meaning: 'The school.' },
      { name: 'period_end', type: 'date', required: true, meaning: 'Last day of the period the figures cover.' },
      { name: 'attendance_percent', type: 'percent', required: true, meaning: 'Sessions attended as a percentage of possible sessions (0-100).' },
      { name: 'suspensions', type: 'integer', required: false, meaning: 'Number of fixed-term exclusions (suspensions) in the period.' },
      { name: 'permanent_exclusion', type: 'boolean', required: false, meaning: 'Whether the pupil was permanently excluded in the period (Y/N).' },
    ],
  }),
  'drug-alcohol': format({
    key: 'drug-alcohol', label: 'Drug and alcohol treatment', agencyKind: 'drug_alcohol_service',
    description: 'One row for each treatment episode of an adult in structured drug or alcohol treatment.',
    eventDate: 'treatment_start',
    events: [
      { name: 'substance', type: 'enum', required: true, values: ['alcohol', 'drugs', 'both'], meaning: 'What the treatment is for: alcohol, drugs or both.' },
      { name: 'treatment_start', type: 'date', required: true, meaning: 'Date treatment started.' },
      { name: 'treatment_end', type: 'date', required: false, meaning: 'Date treatment ended, if it has.' },
      { name: 'parental_status', type: 'enum', required: true, values: ['lives_with_children', 'children_live_elsewhere', 'not_a_parent', 'not_known'], meaning: 'Parental status as recorded in treatment: lives_with_children, children_live_elsewhere, not_a_parent or not_known.' },
      { name: 'number_of_children', type: 'integer', required: false, meaning: 'Number of children under 18 the person is a parent of.' },
    ],
  }),
  'mental-health': format({
    key: 'mental-health', label: 'Adult mental health contacts', agencyKind: 'adult_mental_health',
    description: 'One row for each contact with adult mental health services.',
    eventDate: 'contact_date',
    events: [
      { name: 'contact_date', type: 'date', required: true, meaning: 'Date of the contact.' },
      { name: 'service', type: 'text', required: false, meaning: 'The team or service, e.g. community mental health team, crisis team.' },
      { name: 'is_parent', type: 'boolean', required: false, meaning: 'Whether the person is a parent or carer of a child under 18 (Y/N).' },
    ],
  }),
  'youth-offending': format({
    key: 'youth-offending', label: 'Youth offending', agencyKind: 'probation',
    description: 'One row for each proven offence or anti-social behaviour intervention for a young person.',
    eventDate: 'offence_date',
    events: [
      { name: 'offence_date', type: 'date', required: true, meaning: 'Date of the offence or incident.' },
      { name: 'kind', type: 'enum', required: true, values: ['proven_offence', 'anti_social_behaviour'], meaning: 'proven_offence or anti_social_behaviour.' },
      { name: 'outcome', type: 'text', required: false, meaning: 'Outcome, e.g. referral order, youth caution, ASB injunction.' },
    ],
  }),
  'social-care': format({
    key: 'social-care', label: "Children's social care statuses", agencyKind: 'childrens_social_care',
    description: 'One row for each period a child was a Child in Need, on a Child Protection Plan or Looked After.',
    eventDate: 'start_date',
    events: [
      { name: 'status', type: 'enum', required: true, values: ['CIN', 'CP', 'LAC'], meaning: 'CIN (Child in Need), CP (Child Protection Plan) or LAC (Looked After).' },
      { name: 'start_date', type: 'date', required: true, meaning: 'Date the status started.' },
      { name: 'end_date', type: 'date', required: false, meaning: 'Date it ended, if it has.' },
    ],
  }),
  housing: format({
    key: 'housing', label: 'Housing: arrears and eviction notices', agencyKind: 'housing',
    description: 'One row for each tenancy in rent arrears or under an eviction notice.',
    eventDate: 'as_at',
    events: [
      { name: 'as_at', type: 'date', required: true, meaning: 'Date the figures were taken.' },
      { name: 'arrears_amount', type: 'number', required: false, meaning: 'Rent arrears in pounds.' },
      { name: 'eviction_notice_date', type: 'date', required: false, meaning: 'Date a notice seeking possession or eviction notice was served, if one was.' },
    ],
  }),
  worklessness: format({
    key: 'worklessness', label: 'Worklessness', agencyKind: 'voluntary_sector',
    description: 'One row for each adult on out-of-work benefits.',
    eventDate: 'claim_start',
    events: [
      { name: 'claim_start', type: 'date', required: true, meaning: 'Date the out-of-work claim started.' },
      { name: 'benefit', type: 'text', required: false, meaning: 'The benefit, e.g. Universal Credit (searching for work), ESA.' },
    ],
  }),
};

export function isSourceKey(value: string): value is SourceKey {
  return (sourceKeys as readonly string[]).includes(value);
}
