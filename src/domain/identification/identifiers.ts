/**
 * Person identifiers that agency extracts carry, and pure checks of each scheme. Record linkage
 * compares identifiers by scheme (`PersonRecord.identifiers`: scheme -> value); these functions
 * put a value in its one canonical form and say, in words for the row/field error message, why a
 * value is not a valid number of its scheme.
 *
 * - `nhs`: NHS number, 10 digits, the last a modulus 11 check digit (spaces and hyphens allowed).
 * - `upn`: Unique Pupil Number, 13 characters: a check letter, then 11 digits, then a digit or
 *   (for a temporary UPN) a letter; the check letter is modulus 23 of the weighted characters.
 * - `ni`: National Insurance number, two prefix letters, six digits, a suffix A to D (may be left
 *   off); prefixes that are never issued are refused.
 * - `pnc`: Police National Computer ID, year / serial and a check letter (format only).
 * - any other scheme (an agency's own case number): trimmed and upper-cased, no check.
 */

export const IDENTIFIER_SCHEMES = ['nhs', 'upn', 'ni', 'pnc'] as const;
export type KnownScheme = (typeof IDENTIFIER_SCHEMES)[number];

const SCHEME_LABELS: Record<KnownScheme, string> = { nhs: 'NHS number', upn: 'Unique Pupil Number', ni: 'National Insurance number', pnc: 'PNC ID' };

/** A scheme in words for a page; an agency's own scheme is named in words already (src/domain/identification/formats.ts). */
export function schemeLabel(scheme: string): string {
  return SCHEME_LABELS[scheme as KnownScheme] ?? scheme;
}

/** Scheme names: lower-case letters, digits, hyphen and underscore (an agency's own scheme, say `housing_ref`). */
export function isSchemeName(s: string): boolean {
  return /^[a-z][a-z0-9_-]{0,39}$/.test(s);
}

const compact = (v: string) => v.replace(/[\s-]/g, '').toUpperCase();

/** NHS number: 10 digits whose 10th is 11 - (sum of the first nine times 10 down to 2) mod 11 (11 gives 0; 10 is never issued). */
export function nhsCheckDigit(nine: string): number | null {
  if (!/^\d{9}$/.test(nine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

export function isValidNhsNumber(value: string): boolean {
  const v = compact(value);
  if (!/^\d{10}$/.test(v)) return false;
  const check = nhsCheckDigit(v.slice(0, 9));
  return check !== null && check === Number(v[9]);
}

/** The 23 letters a UPN uses (no I, O or S), by value 0 to 22. */
const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** The check letter of a UPN's last 12 characters: weights 2 to 13, modulus 23. */
export function upnCheckLetter(rest: string): string | null {
  if (!/^\d{11}[0-9A-HJ-NP-RT-Z]$/.test(rest)) return null;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const c = rest[i];
    const value = c >= '0' && c <= '9' ? Number(c) : UPN_LETTERS.indexOf(c);
    sum += value * (i + 2);
  }
  return UPN_LETTERS[sum % 23];
}

export function isValidUpn(value: string): boolean {
  const v = compact(value);
  if (v.length !== 13) return false;
  return upnCheckLetter(v.slice(1)) === v[0];
}

const NI_NEVER = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export function isValidNiNumber(value: string): boolean {
  const v = compact(value);
  const m = /^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D]?)$/.exec(v);
  if (!m) return false;
  return !NI_NEVER.has(m[1] + m[2]);
}

/** PNC ID as police systems print it: two or four year digits, a slash, up to seven serial digits and a check letter (18/123456A). */
export function isValidPncId(value: string): boolean {
  return /^(\d{2}|\d{4})\/\d{1,7}[A-Z]$/.test(value.replace(/\s/g, '').toUpperCase());
}

/**
 * Valid made-up numbers, for the demo's extracts and generated test data. `prefix`: the NHS
 * number's first digits (999 numbers are never issued to anyone: the range kept for test data).
 */
export function madeUpNhsNumber(random: () => number, prefix = ''): string {
  for (;;) {
    let nine = prefix;
    while (nine.length < 9) nine += String(Math.floor(random() * 10));
    const check = nhsCheckDigit(nine);
    if (check !== null) return nine + check;
  }
}

export function madeUpUpn(random: () => number): string {
  let rest = '';
  while (rest.length < 12) rest += String(Math.floor(random() * 10));
  return upnCheckLetter(rest)! + rest;
}

const NI_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NI_SECOND = 'ABCEGHJKLMNPRSTWXYZ';

export function madeUpNiNumber(random: () => number): string {
  for (;;) {
    const prefix = NI_FIRST[Math.floor(random() * NI_FIRST.length)] + NI_SECOND[Math.floor(random() * NI_SECOND.length)];
    if (NI_NEVER.has(prefix)) continue;
    return `${prefix}${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}${'ABCD'[Math.floor(random() * 4)]}`;
  }
}

/** The canonical form a value is stored and compared in (digits and capitals, no spaces or hyphens; PNC keeps its slash). */
export function normaliseIdentifier(scheme: string, value: string): string {
  if (scheme === 'pnc') return value.replace(/\s/g, '').toUpperCase();
  return compact(value);
}

/**
 * Why a value is not a valid identifier of its scheme, or null when it is: the end of the row/field
 * message, read after the column and value (row 3: nhs_number '943 476 5918' fails the NHS number check digit).
 */
export function identifierProblem(scheme: string, value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  switch (scheme) {
    case 'nhs':
      if (!/^\d{10}$/.test(compact(v))) return 'is not 10 digits: an NHS number has 10';
      return isValidNhsNumber(v) ? null : 'fails the NHS number check digit';
    case 'upn':
      if (compact(v).length !== 13) return 'is not 13 characters: a Unique Pupil Number has 13';
      return isValidUpn(v) ? null : 'fails the Unique Pupil Number check letter';
    case 'ni':
      return isValidNiNumber(v) ? null : 'is not a National Insurance number: 2 letters, 6 numbers and A, B, C or D, like AB 12 34 56 C';
    case 'pnc':
      return isValidPncId(v) ? null : 'is not a PNC ID: the year, a slash, the number and a check letter, like 18/123456A';
    default:
      return v.length > 64 ? 'is longer than 64 characters' : null;
  }
}
