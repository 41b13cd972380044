/**
 * String measures and normalisers for record linkage. Allocation-free where they run once per
 * compared pair (Jaro–Winkler); the rest run once per distinct value, not per record.
 */
import { jaroWinkler as nameJaroWinkler, nicknameGroups, normaliseName } from '../names.ts';

/** Jaro–Winkler as search uses it (names.ts), except that two blank values are not alike: blank is missing. */
export function jaroWinkler(a: string, b: string): number {
  return a.length || b.length ? nameJaroWinkler(a, b) : 0;
}

/**
 * An upper bound on Jaro–Winkler from the lengths alone: lets the hot loop skip the full measure
 * when two strings differ too much in length to reach a band.
 */
export function jaroWinklerBound(la: number, lb: number): number {
  if (!la || !lb) return 0;
  const m = Math.min(la, lb);
  const jaro = (m / la + m / lb + 1) / 3;
  return jaro + 0.4 * (1 - jaro);
}

/** At most one insertion, deletion, substitution or swap of neighbouring letters apart (Damerau). */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la && i === lb) return true;
  if (la === lb) {
    // one substitution, or two neighbours swapped
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2);
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** a from x on equals b from y on (a.slice(x) === b.slice(y) without the two copies: this runs per compared pair). */
function sameFrom(a: string, x: number, b: string, y: number): boolean {
  if (a.length - x !== b.length - y) return false;
  for (; x < a.length; x++, y++) if (a.charCodeAt(x) !== b.charCodeAt(y)) return false;
  return true;
}

/** Words that are not part of anyone's name: titles and honorifics, and generation suffixes. */
const NOT_NAMES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'dame', 'lady', 'lord', 'rev', 'revd', 'prof', 'esq', 'bt', 'bart',
  'jr', 'jnr', 'junior', 'sr', 'snr', 'senior', 'ii', 'iii', 'iv',
]);
const ORDINAL = /^\d+(st|nd|rd|th)$/;

/**
 * Lower case, accents and punctuation stripped, letters only, no spaces ("O'Brien-Smith" ->
 * "obriensmith"); titles, honorifics and suffixes dropped ("Sir John Smith 6th Bt" keeps John
 * Smith), and single-letter initials dropped when a whole word remains ("J. Robert" -> robert).
 */
export function normaliseNameKey(s: string | null | undefined): string {
  if (!s) return '';
  const words = s.toLowerCase().replace(/[.,]/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length > 1) {
    const kept = words.filter((w) => !NOT_NAMES.has(w) && !ORDINAL.test(w));
    const whole = kept.filter((w) => normaliseName(w).length > 1);
    const chosen = whole.length ? whole : kept;
    if (chosen.length) return normaliseName(chosen.join(' ')).replace(/ /g, '');
  }
  return normaliseName(s).replace(/ /g, '');
}

/**
 * NYSIIS (New York State Identification and Intelligence System) phonetic code of a normalised
 * name, untruncated, with Y inside a name read as a vowel. Chosen over Soundex because it keeps vowel positions and handles the
 * English spellings (MAC/MC, KN, PH, SCH) that agency data is full of.
 */
export function nysiis(name: string): string {
  let s = name.toUpperCase().replace(/[^A-Z]/g, '');
  if (!s) return '';
  if (s.startsWith('MAC')) s = 'MCC' + s.slice(3);
  else if (s.startsWith('KN')) s = 'NN' + s.slice(2);
  else if (s.startsWith('K')) s = 'C' + s.slice(1);
  else if (s.startsWith('PH') || s.startsWith('PF')) s = 'FF' + s.slice(2);
  else if (s.startsWith('SCH')) s = 'SSS' + s.slice(3);
  if (s.endsWith('EE') || s.endsWith('IE')) s = s.slice(0, -2) + 'Y';
  else if (/(DT|RT|RD|NT|ND)$/.test(s)) s = s.slice(0, -2) + 'D';
  const first = s[0];
  const chars = s.split('');
  let key = first;
  const isVowel = (c: string | undefined) => c === 'A' || c === 'E' || c === 'I' || c === 'O' || c === 'U';
  for (let i = 1; i < chars.length; i++) {
    const c = chars[i];
    let rep: string;
    if (c === 'E' && chars[i + 1] === 'V') {
      rep = 'AF';
      chars[i + 1] = 'F';
    } else if (isVowel(c) || (c === 'Y' && i < chars.length - 1)) rep = 'A'; // a Y inside a name is a vowel (Smyth, Smith)
    else if (c === 'Q') rep = 'G';
    else if (c === 'Z') rep = 'S';
    else if (c === 'M') rep = 'N';
    else if (c === 'K') {
      if (chars[i + 1] === 'N') rep = 'N';
      else rep = 'C';
    } else if (c === 'S' && chars[i + 1] === 'C' && chars[i + 2] === 'H') {
      rep = 'SSS';
      chars[i + 1] = 'S';
      chars[i + 2] = 'S';
    } else if (c === 'P' && chars[i + 1] === 'H') {
      rep = 'FF';
      chars[i + 1] = 'F';
    } else if (c === 'H' && (!isVowel(chars[i - 1]) || !isVowel(chars[i + 1]))) rep = chars[i - 1];
    else if (c === 'W' && isVowel(chars[i - 1])) rep = chars[i - 1];
    else rep = c;
    chars[i] = rep[rep.length - 1];
    for (const r of rep) if (key[key.length - 1] !== r) key += r;
  }
  if (key.length > 1 && key.endsWith('S')) key = key.slice(0, -1);
  if (key.endsWith('AY')) key = key.slice(0, -2) + 'Y';
  if (key.length > 1 && key.endsWith('A')) key = key.slice(0, -1);
  return key;
}

// Each given name's nickname groups (a name may stand for several formal names: Chris, Sam, Alex).
const groupsOfName = new Map<string, number[]>();
nicknameGroups.forEach(({ formal, short }, group) => {
  for (const name of [...formal, ...short]) {
    const list = groupsOfName.get(name) ?? [];
    if (!list.includes(group)) list.push(group);
    groupsOfName.set(name, list);
  }
});

/** The nickname groups a normalised given name belongs to (empty when the table does not know it). */
export function nicknameGroupsOf(name: string): readonly number[] {
  return groupsOfName.get(name) ?? [];
}

/** The first formal name of a nickname group ("bill" -> "william"), for labels and blocking keys. */
export function formalNameOf(group: number): string {
  return nicknameGroups[group]?.formal[0] ?? '';
}

/** Every name of a nickname group, formal and short ("william", "bill", "will", ...). */
export function nicknameGroupMembers(group: number): readonly string[] {
  const g = nicknameGroups[group];
  return g ? [...g.formal, ...g.short] : [];
}

/** Do two normalised given names share a nickname group (Bill and William, Peggy and Margaret)? */
export function sameNickname(a: string, b: string): boolean {
  const ga = groupsOfName.get(a);
  const gb = groupsOfName.get(b);
  if (!ga || !gb) return false;
  for (const g of ga) if (gb.includes(g)) return true;
  return false;
}

/** Upper case without spaces; outward code is everything before the final three characters of a UK postcode. */
export function splitPostcode(s: string | null | undefined): { full: string; outward: string } | null {
  if (!s) return null;
  const full = s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (!full) return null;
  // UK postcodes end in digit-letter-letter; other formats (FEBRL's four digits) drop the last character.
  const outward = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/.test(full) ? full.slice(0, -3) : full.slice(0, Math.max(1, full.length - 1));
  return { full, outward };
}

const STREET_WORDS: Record<string, string> = {
  rd: 'road', st: 'street', str: 'street', ave: 'avenue', av: 'avenue', ln: 'lane', cl: 'close', dr: 'drive',
  cres: 'crescent', cr: 'crescent', ct: 'court', crt: 'court', pl: 'place', gdns: 'gardens', gdn: 'gardens',
  sq: 'square', tce: 'terrace', ter: 'terrace', gr: 'grove', gro: 'grove', pk: 'park', wy: 'way', hse: 'house',
  mt: 'mount', cir: 'circuit', cct: 'circuit', pde: 'parade', hwy: 'highway', blvd: 'boulevard', est: 'estate',
};
const UNIT_WORDS = new Set(['flat', 'apartment', 'apt', 'unit', 'no', 'number']);

/** The house number (digits and letters, as written: "12a", "3 12") and the street words of a first address line. */
export function splitAddress(s: string | null | undefined): { number: string; street: string; full: string } | null {
  if (!s) return null;
  const tokens = s
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(' ')
    .filter(Boolean);
  if (!tokens.length) return null;
  const numbers: string[] = [];
  const words: string[] = [];
  for (const t of tokens) {
    if (/[0-9]/.test(t)) numbers.push(t);
    else if (!UNIT_WORDS.has(t)) words.push(STREET_WORDS[t] ?? t);
  }
  const number = numbers.join(' ');
  const street = words.join(' ');
  return { number, street, full: `${number}|${street}` };
}

/** Year, month and day of an ISO date (YYYY-MM-DD; YYYYMMDD also accepted); null when not a date. */
export function splitDate(s: string | null | undefined): { year: number; month: number; day: number } | null {
  if (!s) return null;
  // digits by hand: this runs once per record, and a regular expression costs more than the rest
  let at = 0;
  while (at < s.length && s.charCodeAt(at) === 32) at++;
  const digit = (k: number) => {
    const c = s.charCodeAt(k) - 48;
    return c >= 0 && c <= 9 ? c : -1000;
  };
  const year = digit(at) * 1000 + digit(at + 1) * 100 + digit(at + 2) * 10 + digit(at + 3);
  at += 4;
  if (s.charCodeAt(at) === 45) at++;
  const month = digit(at) * 10 + digit(at + 1);
  at += 2;
  if (s.charCodeAt(at) === 45) at++;
  const day = digit(at) * 10 + digit(at + 1);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year, month, day };
}

/**
 * Days since 1 January 1000 (proleptic Gregorian calendar), for "within a year" comparisons: one
 * more than 0 on that day, so 0 stays "missing" and dates before 1800 (historical records) are
 * positive like any other and get blocking keys.
 */
export function dayNumber(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / 86_400_000) + DAYS_1000_TO_1970 + 1;
}
const DAYS_1000_TO_1970 = 354_285;
