/**
 * A count in words: "1 event", "2 events", "1,250 families". The one way Lantern puts a number
 * with its noun, in pages, letters, messages and reports, so none says "2 event".
 */

/** The plural of a noun: the one given, or the regular English plural ("family" → "families", "case" → "cases"). */
export function pluralOf(singular: string, plural?: string): string {
  if (plural !== undefined) return plural;
  if (/[^aeiou]y$/i.test(singular)) return `${singular.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(singular)) return `${singular}es`;
  return `${singular}s`;
}

/** The noun alone for n: singular for exactly 1, otherwise the plural ("0 events"). */
export function noun(n: number, singular: string, plural?: string): string {
  return n === 1 ? singular : pluralOf(singular, plural);
}

/** n with its noun, the number grouped in thousands: count(2, 'event') → "2 events", count(1, 'child', 'children') → "1 child". */
export function count(n: number, singular: string, plural?: string): string {
  return `${n.toLocaleString('en-GB')} ${noun(n, singular, plural)}`;
}
