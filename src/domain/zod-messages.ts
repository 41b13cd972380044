import { z } from 'zod';

/**
 * Lantern's words for any problem a schema does not word itself, in the GOV.UK style ("Enter
 * ...", "... must be 10 characters or fewer", "Enter a real date"), so zod's own text ("Too big:
 * expected string to have <=10 characters", "Invalid input", "Required") never reaches a user.
 * A schema's own message always wins; this is the fallback. Switched on once, by the
 * composition root (src/services.ts).
 */

/** A field's key as words: `referrerName` is "referrer name", `members.0.dateOfBirth` "date of birth". */
export function fieldWords(path: readonly PropertyKey[]): string {
  const key = [...path].reverse().find((p) => typeof p === 'string');
  if (!key) return 'this';
  return String(key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase().replace(/\bid$/, '').trim() || 'this';
}

const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const count = (n: number | bigint) => Number(n).toLocaleString('en-GB');

type Issue = { code?: string; path?: PropertyKey[]; input?: unknown; origin?: string; maximum?: number | bigint; minimum?: number | bigint; inclusive?: boolean; format?: string; expected?: string };

/** The message for one issue. */
export function govukMessage(issue: Issue): string {
  const field = fieldWords(issue.path ?? []);
  const Field = upper(field);
  const isDate = /date|\bon$|\bfrom$|\bto$|\bborn\b/.test(field) || issue.format === 'date' || issue.format === 'datetime';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null || issue.input === '') return isDate ? `Enter the ${field}` : `Enter ${field === 'this' ? 'an answer' : `the ${field}`}`;
      if (issue.expected === 'number' || issue.expected === 'int') return `${Field} must be a number`;
      if (issue.expected === 'array') return `Select ${field} from the list`;
      return `Enter the ${field} again: it was not in a form Lantern can read`;
    case 'too_big':
      if (issue.origin === 'string') return `${Field} must be ${count(issue.maximum ?? 0)} characters or fewer`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${Field}: choose up to ${count(issue.maximum ?? 0)}`;
      if (issue.origin === 'date') return `${Field} must be on or before the latest date allowed`;
      return `${Field} must be ${count(issue.maximum ?? 0)} or less`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? `Enter the ${field}` : `${Field} must be ${count(issue.minimum ?? 0)} characters or more`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Select at least ${count(issue.minimum ?? 1)} for ${field}`;
      return `${Field} must be ${count(issue.minimum ?? 0)} or more`;
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid') return `Select the ${field} from the list`;
      if (issue.format === 'email') return 'Enter an email address in the correct format, like name@example.com';
      if (isDate) return 'Enter a real date';
      return `Enter the ${field} in the correct format`;
    case 'invalid_value':
    case 'invalid_union':
      return `Select the ${field} from the list`;
    case 'not_multiple_of':
      return `${Field} must be a whole number`;
    case 'unrecognized_keys':
      return 'Remove the answers this form does not ask for';
    default:
      return isDate ? 'Enter a real date' : `Check the ${field} and enter it again`;
  }
}

let on = false;
/** Makes govukMessage zod's fallback for every schema (idempotent). */
export function useGovukZodMessages(): void {
  if (on) return;
  z.config({ customError: (issue) => govukMessage(issue as unknown as Issue) });
  on = true;
}

/** zod's own wording, which must never reach a user (the meta-test looks for it). */
export const rawZodWording = /^(Invalid input|Invalid option|Required\b|Too (big|small)|Invalid (string|type|uuid|UUID|date|email|number|element|key|union|value|ISO)|Expected |Unrecognized key)|expected \w+ to (have|be)|received (undefined|null|string|number)/;
