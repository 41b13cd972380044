/**
 * The comparison levels of each field, in the order the comparison tests them. A pair's
 * comparison vector is one level per field, packed into a single integer (mixed radix) so that
 * training counts patterns in a typed array and scoring looks weights up by index.
 */
import type { FieldWeight } from './types.ts';

export type FieldName = FieldWeight['field'];

export const FIELDS: readonly FieldName[] = ['firstName', 'lastName', 'dateOfBirth', 'sex', 'postcode', 'address', 'email', 'identifier'];

export const FIRST = 0;
export const LAST = 1;
export const DOB = 2;
export const SEX = 3;
export const POSTCODE = 4;
export const ADDRESS = 5;
export const EMAIL = 6;
export const IDENTIFIER = 7;

/** Level 0 is always "missing" (one side or both blank): it weighs nothing and takes no part in training. */
export const MISSING = 0;

export const FirstLevel = { missing: 0, exact: 1, nickname: 2, swapped: 3, jw92: 4, jw88: 5, phonetic: 6, different: 7, twin: 8, middle: 9, twinElsewhere: 10 } as const;
export const LastLevel = { missing: 0, exact: 1, swapped: 2, jw92: 3, jw88: 4, phonetic: 5, different: 6, exactAtHome: 7 } as const;
export const DobLevel = { missing: 0, exact: 1, dayMonthSwapped: 2, onePartDifferent: 3, withinYear: 4, different: 5, namesake: 6 } as const;
export const SexLevel = { missing: 0, same: 1, different: 2 } as const;
export const PostcodeLevel = { missing: 0, exact: 1, outward: 2, different: 3, withAddress: 4 } as const;
export const AddressLevel = { missing: 0, exact: 1, similar: 2, sameStreet: 3, different: 4 } as const;
export const EmailLevel = { missing: 0, exact: 1, localPart: 2, similar: 3, different: 4 } as const;
/** Over the schemes both records carry: one equal; else one a typo of the other (one digit, two swapped); else all different. */
export const IdentifierLevel = { missing: 0, exact: 1, typo: 2, different: 3 } as const;

/** The level names stored in the model (field -> level -> {m, u}), by field then level number. */
export const LEVEL_NAMES: readonly (readonly string[])[] = [
  [
    'missing', 'exact', 'nickname', 'first and last name swapped', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.88 or one typo', 'phonetic', 'different',
    'different, same birth date and surname or home', 'first name is the other record\'s middle name',
    'different, same birth date and surname, another home',
  ],
  ['missing', 'exact', 'first and last name swapped', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.88 or one typo', 'phonetic', 'different', 'exact, at the same home'],
  ['missing', 'exact', 'day and month swapped', 'one of day, month or year different', 'within a year', 'different', 'a generation apart, same name and home'],
  ['missing', 'same', 'different'],
  ['missing', 'exact', 'same outward code', 'different', 'same, counted with the address'],
  ['missing', 'exact', 'similar', 'same street, different number', 'different'],
  ['missing', 'exact', 'same local part', 'one typo', 'different'],
  ['missing', 'exact', 'one typo', 'different'],
];

export const RADIX: readonly number[] = LEVEL_NAMES.map((l) => l.length);

/** Number of distinct comparison vectors. */
export const PATTERNS = RADIX.reduce((a, b) => a * b, 1);

export function encode(levels: ArrayLike<number>): number {
  let code = 0;
  for (let f = 0; f < RADIX.length; f++) code = code * RADIX[f] + levels[f];
  return code;
}

/** levelOf[f][code]: the level of field f in comparison vector `code`. */
export const levelOf: readonly Uint8Array[] = (() => {
  const tables = RADIX.map(() => new Uint8Array(PATTERNS));
  for (let code = 0; code < PATTERNS; code++) {
    let rest = code;
    for (let f = RADIX.length - 1; f >= 0; f--) {
      tables[f][code] = rest % RADIX[f];
      rest = Math.floor(rest / RADIX[f]);
    }
  }
  return tables;
})();

/** The weight of the twin and namesake levels in a model stored before they were learnt. */
export const TWIN_GUARD_WEIGHT = -60;

/**
 * The fields a twin level (on the first name) or the namesake level (on the date of birth) stands
 * in for: its weight is learnt for the pair as a whole (how often pairs like this are two people
 * in these data), so the fields that define it do not count again. Twins: the surname and date of
 * birth, and at one home the postcode and address. Namesakes: the names, the sex and the home.
 */
export function countedWithGuard(first: number, dob: number, field: number): boolean {
  if (first === FirstLevel.twin) return field === LAST || field === DOB || field === POSTCODE || field === ADDRESS;
  if (first === FirstLevel.twinElsewhere) return field === LAST || field === DOB;
  if (dob === DobLevel.namesake) return field === FIRST || field === LAST || field === SEX || field === POSTCODE || field === ADDRESS;
  return false;
}

/** The twin levels: clearly different first names with the same birth date and surname or home. */
export function isTwinLevel(first: number): boolean {
  return first === FirstLevel.twin || first === FirstLevel.twinElsewhere;
}
