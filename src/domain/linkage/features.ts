/**
 * Per-record features, computed once: interned ids in typed arrays so that comparing two records
 * is integer equality plus, at most, a few Jaro–Winkler calls on short strings.
 */
import type { PersonRecord } from './types.ts';
import { AddressLevel, DobLevel, EmailLevel, FirstLevel, IdentifierLevel, LastLevel, PostcodeLevel, SexLevel, RADIX } from './levels.ts';
import { dayNumber, jaroWinkler, jaroWinklerBound, withinOneEdit, nicknameGroupMembers, nicknameGroupsOf, normaliseNameKey, nysiis, splitAddress, splitDate, splitPostcode } from './strings.ts';

class Interner {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
    }
    return id;
  }
}

export interface Features {
  n: number;
  /** Given and family names share one dictionary so a swap is id equality. -1 = missing. */
  first: Int32Array;
  last: Int32Array;
  middle: Int32Array;
  names: string[];
  /** Phonetic code id of each name id. */
  namePhonetic: Int32Array;
  /** Up to two nickname groups of each name id (-1 = none). */
  nameGroupA: Int32Array;
  nameGroupB: Int32Array;
  year: Int16Array;
  month: Int8Array;
  day: Int8Array;
  /** Days since 1800 (0 = missing). */
  dayNo: Int32Array;
  /** 0 missing, 1 F, 2 M. */
  sex: Int8Array;
  postcode: Int32Array;
  outward: Int32Array;
  postcodes: string[];
  /** House number id (-1 when the address has none), street id, whole address id; -1 = missing. */
  houseNumber: Int32Array;
  street: Int32Array;
  address: Int32Array;
  /**
   * The address line as a place that survives a typo: its house number and the sound (NYSIIS) of
   * its words, -1 = missing. Blocks on it where there is no postcode (a town written Londdon or
   * Lodon is still London).
   */
  place: Int32Array;
  streets: string[];
  /** Whole email address id and its local part's id (-1 = missing); both index `emails`. */
  email: Int32Array;
  emailLocal: Int32Array;
  emails: string[];
  /** Identifiers, record by record: record i's are idScheme/idValue[idStart[i] .. idStart[i + 1]). */
  idStart: Int32Array;
  idScheme: Int32Array;
  /** Value ids index `identifierValues` (scheme and value, so one number in two schemes is two values). */
  idValue: Int32Array;
  identifierValues: string[];
  schemes: string[];
}

export function buildFeatures(records: readonly PersonRecord[]): Features {
  const n = records.length;
  const names = new Interner();
  const phonetics = new Interner();
  const postcodes = new Interner();
  const numbers = new Interner();
  const streets = new Interner();
  const addresses = new Interner();
  const places = new Interner();
  const emails = new Interner();
  const f: Features = {
    n,
    first: new Int32Array(n),
    last: new Int32Array(n),
    middle: new Int32Array(n),
    names: names.values,
    namePhonetic: new Int32Array(0),
    nameGroupA: new Int32Array(0),
    nameGroupB: new Int32Array(0),
    year: new Int16Array(n),
    month: new Int8Array(n),
    day: new Int8Array(n),
    dayNo: new Int32Array(n),
    sex: new Int8Array(n),
    postcode: new Int32Array(n),
    outward: new Int32Array(n),
    postcodes: postcodes.values,
    houseNumber: new Int32Array(n),
    street: new Int32Array(n),
    address: new Int32Array(n),
    place: new Int32Array(n),
    streets: streets.values,
    email: new Int32Array(n).fill(-1),
    emailLocal: new Int32Array(n).fill(-1),
    emails: emails.values,
    idStart: new Int32Array(n + 1),
    idScheme: new Int32Array(0),
    idValue: new Int32Array(0),
    identifierValues: [],
    schemes: [],
  };
  const schemes = new Interner();
  const idValues = new Interner();
  const idSchemeList: number[] = [];
  const idValueList: number[] = [];
  // Raw strings repeat a great deal; caching their normalised form skips the regular expressions.
  const nameCache = new Map<string, number>();
  const nameId = (raw: string | null | undefined): number => {
    if (!raw) return -1;
    let id = nameCache.get(raw);
    if (id === undefined) {
      const key = normaliseNameKey(raw);
      id = key ? names.id(key) : -1;
      nameCache.set(raw, id);
    }
    return id;
  };
  const postcodeCache = new Map<string, [number, number] | null>();
  const cachePostcode = (raw: string) => {
    const pc = splitPostcode(raw);
    const ids: [number, number] | null = pc ? [postcodes.id(pc.full), postcodes.id(pc.outward)] : null;
    postcodeCache.set(raw, ids);
    return ids;
  };
  const addressCache = new Map<string, number>();
  // the house number, street and place ids of each distinct address id
  const addressParts: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const r = records[i];
    f.first[i] = nameId(r.firstName);
    f.last[i] = nameId(r.lastName);
    f.middle[i] = nameId(r.middleName);
    const d = splitDate(r.dateOfBirth);
    if (d) {
      f.year[i] = d.year;
      f.month[i] = d.month;
      f.day[i] = d.day;
      f.dayNo[i] = dayNumber(d.year, d.month, d.day);
    }
    f.sex[i] = r.sex === 'F' ? 1 : r.sex === 'M' ? 2 : 0;
    f.idStart[i] = idSchemeList.length;
    if (r.identifiers) {
      for (const scheme of Object.keys(r.identifiers).sort()) {
        const value = r.identifiers[scheme]?.trim();
        if (!value) continue;
        idSchemeList.push(schemes.id(scheme));
        idValueList.push(idValues.id(`${scheme}\u0000${value}`));
      }
    }
    const mail = r.email ? r.email.trim().toLowerCase() : '';
    if (mail) {
      f.email[i] = emails.id(mail);
      const at = mail.lastIndexOf('@');
      const local = at > 0 ? mail.slice(0, at) : '';
      // the local part is a separate string from any whole address (it has no '@')
      if (local) f.emailLocal[i] = emails.id(local);
    }
    const pc = r.postcode ? (postcodeCache.get(r.postcode) ?? cachePostcode(r.postcode)) : null;
    if (pc) {
      f.postcode[i] = pc[0];
      f.outward[i] = pc[1];
    } else {
      f.postcode[i] = -1;
      f.outward[i] = -1;
    }
    const raw = r.address;
    if (!raw) {
      f.houseNumber[i] = f.street[i] = f.address[i] = f.place[i] = -1;
      continue;
    }
    let a = addressCache.get(raw);
    if (a === undefined) {
      const parts = splitAddress(raw);
      a = parts && (parts.number || parts.street) ? addresses.id(parts.full) : -1;
      if (a >= 0 && parts) {
        // remember the parts of each distinct address once
        if (a === addressParts.length)
          addressParts.push([parts.number ? numbers.id(parts.number) : -1, parts.street ? streets.id(parts.street) : -1, places.id(`${parts.number}|${nysiis(parts.street)}`)]);
      }
      addressCache.set(raw, a);
    }
    f.address[i] = a;
    if (a >= 0) {
      const ids = addressParts[a];
      f.houseNumber[i] = ids[0];
      f.street[i] = ids[1];
      f.place[i] = ids[2];
    } else {
      f.houseNumber[i] = f.street[i] = f.place[i] = -1;
    }
  }
  f.idStart[n] = idSchemeList.length;
  f.idScheme = Int32Array.from(idSchemeList);
  f.idValue = Int32Array.from(idValueList);
  f.identifierValues = idValues.values;
  f.schemes = schemes.values;
  const k = names.values.length;
  f.namePhonetic = new Int32Array(k);
  f.nameGroupA = new Int32Array(k).fill(-1);
  f.nameGroupB = new Int32Array(k).fill(-1);
  for (let id = 0; id < k; id++) {
    const name = names.values[id];
    f.namePhonetic[id] = phonetics.id(nysiis(name));
    const groups = nicknameGroupsOf(name);
    if (groups.length > 0) f.nameGroupA[id] = groups[0];
    if (groups.length > 1) f.nameGroupB[id] = groups[1];
  }
  return f;
}
function sameGroup(f: Features, a: number, b: number): boolean {
  const a1 = f.nameGroupA[a];
  if (a1 < 0) return false;
  const b1 = f.nameGroupA[b];
  if (b1 < 0) return false;
  const a2 = f.nameGroupB[a];
  const b2 = f.nameGroupB[b];
  return a1 === b1 || (b2 >= 0 && a1 === b2) || (a2 >= 0 && (a2 === b1 || a2 === b2));
}

/** Similarity band of two different name ids: 0 >= 0.92, 1 >= 0.88 or one typo, 2 phonetic, 3 none. */
function nameBand(f: Features, a: number, b: number): number {
  const sa = f.names[a];
  const sb = f.names[b];
  if (jaroWinklerBound(sa.length, sb.length) >= 0.88) {
    const jw = jaroWinkler(sa, sb);
    if (jw >= 0.92) return 0;
    if (jw >= 0.88) return 1;
  }
  // one typo in a name of four letters or more (Catl, Carl); in shorter names one letter is a different name (Amy, Ava)
  if (sa.length >= 4 && sb.length >= 4 && withinOneEdit(sa, sb)) return 1;
  if (f.namePhonetic[a] === f.namePhonetic[b]) return 2;
  return 3;
}

/** First name and surname the other way round on one record: one exactly, the other exactly or with a typo. */
function swapped(f: Features, i: number, j: number): boolean {
  const a = f.first[i];
  const b = f.first[j];
  const x = f.last[i];
  const y = f.last[j];
  if (a < 0 || b < 0 || x < 0 || y < 0) return false;
  if (a === y) return b === x || nameBand(f, b, x) <= 1;
  if (b === x) return nameBand(f, a, y) <= 1;
  return false;
}

/** One name a typo of a form of the other (Joeqy and Joseph through Joey; Triqxie and Beatrice through Trixie). */
function typoOfNickname(f: Features, a: number, b: number): boolean {
  const near = (x: number, y: number) => {
    const name = f.names[x];
    if (name.length < 4) return false;
    for (const g of nicknameGroupsOf(f.names[y]))
      for (const form of nicknameGroupMembers(g)) if (form.length >= 4 && withinOneEdit(name, form)) return true;
    return false;
  };
  return near(a, b) || near(b, a);
}

/**
 * Twins: the same date of birth (or one a typo of the other), and the same family name or home;
 * the caller has already found the given names clearly different.
 */
function twins(f: Features, i: number, j: number, dob: number, ln: number): boolean {
  if (dob !== DobLevel.exact && dob !== DobLevel.dayMonthSwapped && dob !== DobLevel.onePartDifferent) return false;
  return (ln !== LastLevel.different && ln !== LastLevel.missing) || sameHome(f, i, j);
}

function sameHome(f: Features, i: number, j: number): boolean {
  return (f.address[i] >= 0 && f.address[i] === f.address[j]) || (f.postcode[i] >= 0 && f.postcode[i] === f.postcode[j]);
}

/** Which twin level: at one home, or with the same surname at another (or no) home. */
function twinLevel(f: Features, i: number, j: number): number {
  return sameHome(f, i, j) ? FirstLevel.twin : FirstLevel.twinElsewhere;
}

/** dob and last: the pair's dobLevel and lastNameLevel (comparePair has them already). */
export function firstNameLevel(f: Features, i: number, j: number, dob = dobLevel(f, i, j), last = lastNameLevel(f, i, j)): number {
  const a = f.first[i];
  const b = f.first[j];
  if (a < 0 || b < 0) {
    if (a < 0 && b < 0) return FirstLevel.missing;
    // One record has no first name: its middle name may be the name the person goes by.
    const mx = a < 0 ? f.middle[i] : f.middle[j];
    if (mx < 0) return FirstLevel.missing;
    const y = a < 0 ? j : i;
    if (mx === f.first[y] || mx === f.middle[y]) return FirstLevel.middle;
    if (nameBand(f, mx, f.first[y]) >= 2 && twins(f, i, j, dob, last)) return twinLevel(f, i, j);
    return FirstLevel.missing;
  }
  if (a === b) return FirstLevel.exact;
  if (sameGroup(f, a, b)) return FirstLevel.nickname;
  if (swapped(f, i, j)) return FirstLevel.swapped;
  const ma = f.middle[i];
  const mb = f.middle[j];
  if ((mb >= 0 && a === mb) || (ma >= 0 && ma === b)) return FirstLevel.middle;
  const band = nameBand(f, a, b);
  if (band === 0) return FirstLevel.jw92;
  // Stanley and Stacey: a near spelling with the other sex is a twin, not a typo
  if (band === 1) return f.sex[i] !== 0 && f.sex[j] !== 0 && f.sex[i] !== f.sex[j] && twins(f, i, j, dob, last) ? twinLevel(f, i, j) : FirstLevel.jw88;
  // a shared sound is no defence for twins (John and Joanne sound alike to NYSIIS)
  if (twins(f, i, j, dob, last)) {
    // but a typo of a form of the same name, with no other sex recorded, is one person mis-keyed
    const otherSex = f.sex[i] !== 0 && f.sex[j] !== 0 && f.sex[i] !== f.sex[j];
    return !otherSex && typoOfNickname(f, a, b) ? FirstLevel.jw88 : twinLevel(f, i, j);
  }
  return band === 2 ? FirstLevel.phonetic : FirstLevel.different;
}

export function lastNameLevel(f: Features, i: number, j: number): number {
  const a = f.last[i];
  const b = f.last[j];
  if (a < 0 || b < 0) return LastLevel.missing;
  if (a === b) return LastLevel.exact;
  // the swap is credited on the first name; on the surname too only when the birth date or home
  // agrees (two people whose names are each other's reversed, born apart and living apart, are two)
  if (swapped(f, i, j)) return LastLevel.swapped;
  const band = nameBand(f, a, b);
  return band === 0 ? LastLevel.jw92 : band === 1 ? LastLevel.jw88 : band === 2 ? LastLevel.phonetic : LastLevel.different;
}

export function dobLevel(f: Features, i: number, j: number): number {
  const a = f.dayNo[i];
  const b = f.dayNo[j];
  if (a === 0 || b === 0) return DobLevel.missing;
  if (a === b) return DobLevel.exact;
  const sameYear = f.year[i] === f.year[j];
  if (sameYear && f.day[i] === f.month[j] && f.month[i] === f.day[j]) return DobLevel.dayMonthSwapped;
  const agree = (sameYear ? 1 : 0) + (f.month[i] === f.month[j] ? 1 : 0) + (f.day[i] === f.day[j] ? 1 : 0);
  // a different year counts as "one part different" only when it is a typo of the other (1987, 1978, 1997)
  if (agree === 2 && (sameYear || withinOneEdit(String(f.year[i]), String(f.year[j])))) return DobLevel.onePartDifferent;
  if (Math.abs(a - b) <= 365) return DobLevel.withinYear;
  return DobLevel.different;
}

/** Days in twelve years: no parent and child of one name are closer in age. */
const GENERATION_DAYS = 4383;

/**
 * The namesake level: the same given and family name at the same home, born a generation apart,
 * is most often a parent and a child named after them (John Smith senior and junior), sometimes
 * one person with a wrong birth date. They agree on everything else, as twins do, so the level is
 * weighed for the pair as a whole, by how often such pairs are one person (namesakeShare in model.ts).
 */
function namesakes(f: Features, i: number, j: number, first: number, last: number, home: number): boolean {
  // Only with the sex recorded alike on both: positive evidence that the two could be a parent
  // and child of one sex; data without sex (FEBRL) replace whole birth dates of one person often
  // enough that the level would mostly hold one person there.
  if (f.sex[i] === 0 || f.sex[i] !== f.sex[j]) return false;
  if (Math.abs(f.dayNo[i] - f.dayNo[j]) < GENERATION_DAYS) return false;
  if (first !== FirstLevel.exact && first !== FirstLevel.nickname && first !== FirstLevel.jw92 && first !== FirstLevel.jw88) return false;
  if (last !== LastLevel.exact && last !== LastLevel.jw92 && last !== LastLevel.jw88) return false;
  return home === AddressLevel.exact || home === AddressLevel.similar || (f.postcode[i] >= 0 && f.postcode[i] === f.postcode[j]);
}

/** The date-of-birth level as the comparison vector records it: dobLevel, or the namesake level. */
export function dobComparison(f: Features, i: number, j: number, first: number, dob = dobLevel(f, i, j), last = lastNameLevel(f, i, j), address = addressLevel(f, i, j)): number {
  return dob === DobLevel.different && namesakes(f, i, j, first, last, address) ? DobLevel.namesake : dob;
}

export function sexLevel(f: Features, i: number, j: number): number {
  const a = f.sex[i];
  const b = f.sex[j];
  if (a === 0 || b === 0) return SexLevel.missing;
  return a === b ? SexLevel.same : SexLevel.different;
}

export function postcodeLevel(f: Features, i: number, j: number, address = addressLevel(f, i, j)): number {
  const a = f.postcode[i];
  const b = f.postcode[j];
  if (a < 0 || b < 0) return PostcodeLevel.missing;
  if (a === b) {
    // The same home is one fact, not two: when the addresses agree the postcode adds nothing.
    return address === AddressLevel.exact || address === AddressLevel.similar ? PostcodeLevel.withAddress : PostcodeLevel.exact;
  }
  return f.outward[i] === f.outward[j] ? PostcodeLevel.outward : PostcodeLevel.different;
}

export function addressLevel(f: Features, i: number, j: number): number {
  const a = f.address[i];
  const b = f.address[j];
  if (a < 0 || b < 0) return AddressLevel.missing;
  if (a === b) return AddressLevel.exact;
  const sa = f.street[i];
  const sb = f.street[j];
  const na = f.houseNumber[i];
  const nb = f.houseNumber[j];
  const sameNumber = na >= 0 && na === nb;
  if (sa >= 0 && sb >= 0) {
    if (sa === sb) return sameNumber || na < 0 || nb < 0 ? AddressLevel.similar : AddressLevel.sameStreet;
    // With no house number on either, the line names a place (a town, a village, a house
    // name), so a near spelling is the same place as it is the same street at one number.
    if (sameNumber || (na < 0 && nb < 0)) {
      const s1 = f.streets[sa];
      const s2 = f.streets[sb];
      if (jaroWinklerBound(s1.length, s2.length) >= 0.88 && jaroWinkler(s1, s2) >= 0.88) return AddressLevel.similar;
      // one typo, as in a name (Jaro–Winkler is below 0.88 for Lodon and London)
      if (s1.length >= 4 && s2.length >= 4 && withinOneEdit(s1, s2)) return AddressLevel.similar;
    }
  }
  return AddressLevel.different;
}

/**
 * Email: exact; the same local part at another domain (a person moves provider but keeps
 * their handle); one typo in the whole address; different.
 */
export function emailLevel(f: Features, i: number, j: number): number {
  const a = f.email[i];
  const b = f.email[j];
  if (a < 0 || b < 0) return EmailLevel.missing;
  if (a === b) return EmailLevel.exact;
  if (f.emailLocal[i] >= 0 && f.emailLocal[i] === f.emailLocal[j]) return EmailLevel.localPart;
  if (withinOneEdit(f.emails[a], f.emails[b])) return EmailLevel.similar;
  return EmailLevel.different;
}

/**
 * Identifiers, over the schemes both records carry: one the same (exact); else one a typo of the
 * other (a digit mistyped or two swapped); else different. A scheme only one record carries says
 * nothing (missing). How much each level weighs (a number shared in error, a parent's number on
 * a child's record) is learnt, as for every other field.
 */
export function identifierLevel(f: Features, i: number, j: number): number {
  const a0 = f.idStart[i];
  const a1 = f.idStart[i + 1];
  const b0 = f.idStart[j];
  const b1 = f.idStart[j + 1];
  if (a0 === a1 || b0 === b1) return IdentifierLevel.missing;
  let level: number = IdentifierLevel.missing;
  for (let x = a0; x < a1; x++) {
    const scheme = f.idScheme[x];
    for (let y = b0; y < b1; y++) {
      if (f.idScheme[y] !== scheme) continue;
      if (f.idValue[x] === f.idValue[y]) return IdentifierLevel.exact;
      if (withinOneEdit(f.identifierValues[f.idValue[x]], f.identifierValues[f.idValue[y]])) level = IdentifierLevel.typo;
      else if (level === IdentifierLevel.missing) level = IdentifierLevel.different;
    }
  }
  return level;
}

/**
 * The identifier level as the comparison vector records it. One number on two records born a
 * generation apart is a parent's number on a child's record (a mother's NHS number on her baby's
 * health record, the commonest error in health data), not one person: it counts neither way, and
 * the names and dates decide.
 */
export function identifierComparison(f: Features, i: number, j: number, first: number, dob: number): number {
  const level = identifierLevel(f, i, j);
  if (level !== IdentifierLevel.exact || first !== FirstLevel.different) return level;
  const generationApart = dob === DobLevel.different && Math.abs(f.dayNo[i] - f.dayNo[j]) >= GENERATION_DAYS;
  return generationApart ? IdentifierLevel.missing : level;
}

/** The surname level as the comparison vector records it: an exact surname at the same home counts for less (see householdRate in model.ts). */
export function lastNameComparison(f: Features, i: number, j: number, last = lastNameLevel(f, i, j), home = addressLevel(f, i, j)): number {
  if (last !== LastLevel.exact) return last;
  return home === AddressLevel.exact || home === AddressLevel.similar ? LastLevel.exactAtHome : last;
}

const R1 = RADIX[1];
const R2 = RADIX[2];
const R3 = RADIX[3];
const R4 = RADIX[4];
const R5 = RADIX[5];
const R6 = RADIX[6];
const R7 = RADIX[7];

/** The comparison vector of records i and j, packed (see levels.ts). */
export function comparePair(f: Features, i: number, j: number): number {
  // Each is needed at least once, and the twin, namesake, home and postcode levels ask again:
  // computed once here (the surname's costs a Jaro–Winkler).
  const last = lastNameLevel(f, i, j);
  const birth = dobLevel(f, i, j);
  const address = addressLevel(f, i, j);
  const first = firstNameLevel(f, i, j, birth, last);
  const dob = dobComparison(f, i, j, first, birth, last, address);
  return (
    ((((((first * R1 + lastNameComparison(f, i, j, last, address)) * R2 + dob) * R3 + sexLevel(f, i, j)) * R4 + postcodeLevel(f, i, j, address)) * R5 +
      address) *
      R6 +
      emailLevel(f, i, j)) *
      R7 +
    identifierComparison(f, i, j, first, dob)
  );
}
