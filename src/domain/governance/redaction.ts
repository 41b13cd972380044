/**
 * Redaction for subject access: other people's names taken out of free text, and a count of what
 * was taken out, so the export can list what was redacted without repeating it.
 */
export const redactedMark = '[another person]';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces each of `names` (other people's full names first, then given names) as whole words,
 * ignoring case. Names shorter than two letters are left: they would take out ordinary words.
 */
export function redactNames(text: string, names: readonly string[]): { text: string; count: number } {
  const usable = [...new Set(names.map((n) => n.trim()).filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length);
  if (!usable.length || !text) return { text, count: 0 };
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${usable.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  let count = 0;
  const out = text.replace(pattern, () => {
    count += 1;
    return redactedMark;
  });
  return { text: out, count };
}

/** The names to take out for one subject: each other person's full name and given name, unless it is also the subject's. */
export function otherPeoplesNames(subject: { givenName: string; familyName: string }, others: readonly { givenName: string; familyName: string }[]): string[] {
  const own = new Set([subject.givenName.toLowerCase(), `${subject.givenName} ${subject.familyName}`.toLowerCase()]);
  return others.flatMap((o) => [`${o.givenName} ${o.familyName}`, o.givenName]).filter((n) => !own.has(n.toLowerCase()));
}
