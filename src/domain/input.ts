import { z } from 'zod';

/**
 * What every string that enters Lantern must be, checked once at the gate for requests
 * (src/web/plugins/input-gate.ts) and for each cell of an agency extract: no NUL character
 * (PostgreSQL cannot store one in text or jsonb), no lone surrogate (half of a character, which
 * jsonb refuses), and no longer than its field allows. The schemas set each field's own limit.
 */

/** The longest a string may be when its field sets no lower limit (a free-text note is 5,000). */
export const defaultMaxLength = 10_000;

// With the u flag a surrogate pair is one code point, so this matches only a lone half.
const loneSurrogate = /[\ud800-\udfff]/u;

/** Why this text cannot be taken, in words a user can act on, or null when it is fine. */
export function unsafeTextReason(value: string, maxLength = defaultMaxLength): string | null {
  if (value.includes('\u0000')) return 'must not contain a hidden NUL character (it can come from copying from another program): type it again';
  if (loneSurrogate.test(value)) return 'contains a broken character (half of an emoji or symbol): type it again';
  if (value.length > maxLength) return `must be ${maxLength.toLocaleString('en-GB')} characters or fewer`;
  return null;
}

/** The largest version number a record can have (PostgreSQL integer). */
export const maxVersion = 2_147_483_647;

/**
 * The optimistic lock's version: a whole number, strictly. `true` or "1" in JSON is refused
 * rather than read as 1; pages send their hidden field through `formVersion` first.
 */
export function versionSchema(min = 1, message = 'The version you read is missing: reload the page and try again') {
  return z.number({ error: message }).int(message).min(min, message).max(maxVersion, message);
}

/** A form's hidden version field ("3") as the number the schema expects; anything else is left for the schema to refuse. */
export function formVersion(value: unknown): unknown {
  return typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
}
