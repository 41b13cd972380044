/**
 * Labelled synthetic agency data for measuring the linkage engine: people in UK-style households,
 * recorded by several agencies, each record carrying the errors agency data really has (typos,
 * nicknames, swapped names, date of birth day and month swapped or one part wrong, blank and stale
 * fields, people who moved house) and the hard cases (families sharing a surname and an address,
 * twins with the same date of birth). Deterministic for a seed.
 *
 * With `identifiers` (off by default), records also carry the numbers agencies hold, with the errors
 * those have: NHS numbers on health, mental health and drug and alcohol records, the UPN on school
 * records, the National Insurance number on housing records. Some records leave the number out;
 * some have a digit mistyped or two digits swapped; some carry another person's number (a number
 * shared in error, most often a relative's); a baby's health record may carry the mother's NHS
 * number. They draw on a random stream of their own, so every other field is exactly as without them.
 */
import type { PersonRecord } from './types.ts';
import { madeUpNhsNumber, madeUpNiNumber, madeUpUpn } from '../identification/identifiers.ts';
import { nicknameGroups } from '../names.ts';
import { mulberry32 } from './model.ts';

export const SOURCES = ['police', 'school', 'health', 'drug and alcohol', 'housing', 'social care', 'youth offending', 'mental health'] as const;
export type Source = (typeof SOURCES)[number];

export interface SyntheticData {
  records: PersonRecord[];
  /** The true person behind each record. */
  personOf: Int32Array;
  /** The true household of each record's person. */
  householdOf: Int32Array;
  sourceOf: Source[];
  people: number;
  households: number;
  /** Pairs of people (ids as in personOf) born twins: two people, never to be merged. */
  twins: [number, number][];
  /** With `identifiers`: each person's own numbers by scheme (by person id). */
  identifiersOf?: Record<string, string>[];
  /** With `identifiers`: the error in each record's number, if any. */
  identifierErrors?: (IdentifierError | null)[];
}

export type IdentifierError = 'typo' | 'shared in error' | "mother's number";

export interface SyntheticOptions {
  records: number;
  seed?: number;
  /** Multiplies every error rate (1 = the realistic default). */
  errorRate?: number;
  /** Records carry identifiers, with realistic errors (default off: records as they were before identifiers). */
  identifiers?: boolean;
}

/** Which number each source records, and how often it is filled in. */
const IDENTIFIER_OF: Partial<Record<Source, { scheme: 'nhs' | 'upn' | 'ni'; recorded: number }>> = {
  health: { scheme: 'nhs', recorded: 0.9 },
  'mental health': { scheme: 'nhs', recorded: 0.85 },
  'drug and alcohol': { scheme: 'nhs', recorded: 0.7 },
  school: { scheme: 'upn', recorded: 0.9 },
  housing: { scheme: 'ni', recorded: 0.6 },
};

const MALE = `oliver george harry jack jacob noah charlie thomas oscar william james leo alfie henry joshua
freddie archie ethan isaac alexander joseph edward samuel max daniel arthur lucas mohammed logan theo
harrison benjamin mason sebastian finley adam dylan zachary riley teddy theodore david toby jake louie
elijah reuben arlo hugo jaxon luca matthew harvey reggie michael tommy jenson frankie albert ronnie
frederick stanley caleb gabriel jude elliot rory robert john richard christopher anthony andrew peter
paul mark stephen kevin gary lee ian craig darren wayne dean shaun carl scott jason simon martin
nicholas timothy patrick kenneth ronald raymond philip douglas gerald terence leonard derek keith brian
callum connor kieran liam declan nathan jordan bradley ashley ryan aaron jamie ben josh luke`;
const FEMALE = `olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya willow florence emily
ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice harper matilda ruby emilia
maya millie isabelle eva luna jessica lucy elizabeth margaret katherine rebecca samantha victoria susan
patricia jennifer deborah christine abigail caroline amanda gillian harriet natalie nicola penelope
rachel sarah stephanie teresa valerie dorothy barbara helen eleanor frances josephine joanne jacqueline
louise madeleine pamela rosemary theresa angela beatrice cassandra kimberley melanie michelle zoe
chloe megan hannah laura kirsty leanne danielle gemma stacey kelly claire tracey karen julie donna
lisa joanne amy jade shannon courtney chelsea bethany paige jasmine kayleigh leah holly`;

const SURNAMES_COMMON = `smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson
wright walker white edwards hughes green hall lewis harris clarke patel jackson wood turner martin cooper
hill ward morris moore clark lee king baker harrison morgan allen james scott phillips watson davis parker
price bennett young griffiths mitchell kelly cook carter richardson bailey collins bell shaw murphy miller
cox richards khan marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb
rogers gray mason ali hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler
russell barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson
howard andrews stewart elliott reynolds saunders payne fox ford pearce day brooks west lawrence cole
atkinson bradley spencer gill dawson ball burton obrien watts rose booth perry ryan grant wells armstrong
francis rees hayes hart hudson newman barrett webster hunter gregory carr lowe page marsh riley dunn
woods parsons berry stone reid holland hawkins harding porter robertson newton oliver reed kennedy
williamson bird gardner shah dean lane cooke bates henderson parry burgess bishop walton burns nicholson
shepherd ross cross long freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson robson curtis
hopkins oconnor harper coleman watkins moss mccarthy chambers o'neill griffin sharp hardy wheeler potter
osborne johnston gordon doyle wallace george jordan hutchinson rowe burke may pritchard gilbert willis
higgins read miles stevenson stephenson hammond arnold buckley walters hewitt barber nelson slater austin
sullivan whitehead mann frost lambert stephens blake akhtar lynch goodwin barton woodward thomson cunningham
quinn barnett baxter bibi clayton nash greenwood jennings holt kemp poole gallagher bond stokes tucker
davidson fowler heath norman middleton lawson banks french stanley jarvis gibbs ferguson hayward carroll
douglas dickinson todd barlow peters lucas knowles hartley miah simmons morton alexander field morrison
norris townsend preston hancock thornton baldwin burrows briggs storey pugh hargreaves`;

const STREET_NAMES = `high station church mill victoria park london albert queens kings manor grange school
chapel north south west east new springfield windsor york richmond green orchard meadow elm oak ash
beech cedar willow birch maple hawthorn holly rowan chestnut sycamore poplar laurel heather primrose
bluebell clover foxglove lavender juniper linden alder hazel acorn badger kestrel falcon heron swallow
robin wren lark otter beaver fox deer hart lion swan queensway st marys st johns st peters wellington
nelson marlborough blenheim kensington chelsea belgrave grosvenor cavendish portland bedford devonshire
cambridge oxford lincoln warwick stafford derby nottingham leicester chester durham norfolk suffolk essex
kent surrey sussex dorset somerset devon cornwall avon severn thames trent mersey tyne wear tees ouse`;
const STREET_TYPES = ['road', 'street', 'lane', 'avenue', 'close', 'drive', 'way', 'gardens', 'crescent', 'court', 'place', 'grove', 'terrace', 'walk'];
const ABBREVIATIONS: Record<string, string> = { road: 'rd', street: 'st', lane: 'ln', avenue: 'ave', close: 'cl', drive: 'dr', gardens: 'gdns', crescent: 'cres', court: 'ct', place: 'pl', grove: 'gr', terrace: 'tce' };
const AREAS = ['CM', 'SS', 'CO', 'RM', 'IG', 'EN', 'SG', 'CB', 'IP', 'HP', 'LU', 'AL'];
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** Diminutives of each formal given name, from the engine's own nickname table. */
const diminutives = new Map<string, string[]>();
for (const { formal, short } of nicknameGroups) for (const name of formal) diminutives.set(name, [...(diminutives.get(name) ?? []), ...short]);

interface Person {
  id: number;
  household: number;
  first: string;
  middle: string | null;
  last: string;
  /** Surname before marriage, for the few records that still carry it. */
  previousLast: string | null;
  year: number;
  month: number;
  day: number;
  sex: 'F' | 'M';
  address: number;
  previousAddress: number;
}

interface Address {
  number: string;
  street: string;
  postcode: string;
}

const capitalise = (s: string) => s.replace(/(^|[\s'-])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());

export function generateRecords(options: SyntheticOptions): SyntheticData {
  const random = mulberry32(options.seed ?? 42);
  const rate = options.errorRate ?? 1;
  const target = options.records;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const chance = (p: number) => random() < p * rate;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  const male = words(MALE);
  const female = words(FEMALE);
  const common = words(SURNAMES_COMMON);
  // A long tail of rarer surnames made from syllables, so that, as in real data, most surnames are uncommon.
  const syllables = words('ash bar ber bly bour brad brook bur by can car chet cliff col comb cot craw dal den ding dun fair far field ford gate gold grave ham har hay hol holt ing ker kirk lan ley lock low mar mer mont more nor ock pen per rad rick ridge ring ross rud sal shaw stock ston tan ter thorn ton wick win worth yard');
  // Zipf-like weights 1/(rank + 10): about 1.5% of people are Smiths, as in England and Wales
  const cumulative = new Float64Array(common.length);
  for (let k = 0, sum = 0; k < common.length; k++) cumulative[k] = sum += 1 / (k + 10);
  const surnamePick = () => {
    if (random() < 0.55) {
      const r = random() * cumulative[common.length - 1];
      let lo = 0;
      let hi = common.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      return common[lo];
    }
    return pick(syllables) + pick(syllables) + (random() < 0.3 ? pick(['s', 'er', 'ley', 'ton', 'by', 'son']) : '');
  };
  const streetNames = words(STREET_NAMES);

  const addresses: Address[] = [];
  const streets: { name: string; outward: string; houses: number }[] = [];
  const newStreet = () => {
    const s = { name: `${pick(streetNames)} ${pick(STREET_TYPES)}`, outward: `${pick(AREAS)}${between(1, 25)}`, houses: between(20, 200) };
    streets.push(s);
    return s;
  };
  const newAddress = (): number => {
    const s = streets.length < 50 || random() < 0.08 ? newStreet() : pick(streets);
    const n = between(1, s.houses);
    // one inward code per block of about 15 houses on a street
    const block = Math.floor(n / 15);
    const inward = `${(block * 7 + s.name.length) % 10}${INWARD_LETTERS[(s.name.charCodeAt(0) + block) % INWARD_LETTERS.length]}${INWARD_LETTERS[(s.name.charCodeAt(2) * 3 + block * 5) % INWARD_LETTERS.length]}`;
    const flat = random() < 0.1 ? `Flat ${between(1, 12)}, ` : '';
    addresses.push({ number: `${flat}${n}${random() < 0.03 ? 'a' : ''}`, street: s.name, postcode: `${s.outward} ${inward}` });
    return addresses.length - 1;
  };

  const people: Person[] = [];
  const meanRecords = 2.5;
  let households = 0;
  const birth = (minAge: number, maxAge: number) => {
    const age = between(minAge, maxAge);
    return { year: 2025 - age, month: between(1, 12), day: between(1, 28) };
  };
  // parents do not give one child's first name to another as a middle name
  const firstNamesOf = new Map<number, Set<string>>();
  const middleName = (sex: 'F' | 'M', household: number) => {
    const used = firstNamesOf.get(household);
    let name = pick(sex === 'F' ? female : male);
    while (used?.has(name)) name = pick(sex === 'F' ? female : male);
    return name;
  };
  const twins: [number, number][] = [];
  const motherOf = new Map<number, number>();
  const addPerson = (household: number, sex: 'F' | 'M', last: string, b: { year: number; month: number; day: number }, address: number, previousAddress: number, first?: string): Person => {
    const p: Person = {
      id: people.length,
      household,
      first: first ?? pick(sex === 'F' ? female : male),
      middle: random() < 0.4 ? middleName(sex, household) : null,
      last,
      previousLast: null,
      ...b,
      sex,
      address,
      previousAddress,
    };
    people.push(p);
    const used = firstNamesOf.get(household) ?? new Set<string>();
    used.add(p.first);
    firstNamesOf.set(household, used);
    return p;
  };
  while (people.length * meanRecords < target) {
    const h = households++;
    const address = newAddress();
    const previous = random() < 0.25 ? newAddress() : -1;
    const surname = surnamePick();
    const kind = random();
    const adults: Person[] = [];
    if (kind < 0.25) {
      adults.push(addPerson(h, random() < 0.5 ? 'F' : 'M', surname, birth(18, 90), address, previous));
    } else {
      const lone = kind < 0.45;
      const mother = addPerson(h, 'F', surname, birth(20, 55), address, previous);
      adults.push(mother);
      if (!lone) {
        const sameName = random() < 0.7;
        const father = addPerson(h, 'M', sameName ? surname : surnamePick(), birth(20, 60), address, previous);
        adults.push(father);
        if (sameName && random() < 0.3) mother.previousLast = surnamePick();
      }
      if (kind < 0.8) {
        const children = between(1, 4);
        const youngest = Math.max(0, 2025 - mother.year - 45);
        const oldest = Math.min(17, 2025 - mother.year - 16);
        const taken = new Set<string>();
        const ages = new Set<number>();
        for (let c = 0; c < children && oldest >= youngest; c++) {
          const sex = random() < 0.5 ? 'F' : 'M';
          const b = birth(youngest, oldest);
          // brothers and sisters are born in different years and given different names
          if (ages.has(b.year)) continue;
          ages.add(b.year);
          let name = pick(sex === 'F' ? female : male);
          while (taken.has(name)) name = pick(sex === 'F' ? female : male);
          taken.add(name);
          const child = addPerson(h, sex, surname, b, address, previous, name);
          motherOf.set(child.id, mother.id);
          if (random() < 0.015) {
            // twins: same surname, birth date and address, a different first name
            const twinSex = random() < 0.5 ? sex : sex === 'F' ? 'M' : 'F';
            let name = pick(twinSex === 'F' ? female : male);
            while (taken.has(name)) name = pick(twinSex === 'F' ? female : male);
            taken.add(name);
            const twin = addPerson(h, twinSex, surname, { ...b }, address, previous, name);
            motherOf.set(twin.id, mother.id);
            twins.push([child.id, twin.id]);
            c++;
          }
        }
      }
    }
  }

  const records: PersonRecord[] = [];
  const personOf: number[] = [];
  const householdOf: number[] = [];
  const sourceOf: Source[] = [];
  const typo = (s: string): string => {
    if (s.length < 3) return s;
    const at = between(1, s.length - 1);
    const letter = 'abcdefghijklmnopqrstuvwxyz'[between(0, 25)];
    const op = random();
    if (op < 0.3) return s.slice(0, at) + letter + s.slice(at + 1);
    if (op < 0.55) return s.slice(0, at) + s.slice(at + 1);
    if (op < 0.8) return s.slice(0, at) + letter + s.slice(at);
    if (at < s.length - 1) return s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2);
    return s + letter;
  };
  const pad = (v: number) => String(v).padStart(2, '0');
  const numbered = options.identifiers ? numberPeople(people, motherOf, mulberry32(((options.seed ?? 42) ^ 0x6a09e667) >>> 0), rate) : null;
  const identifierErrors: (IdentifierError | null)[] = [];
  // Every person has at least one record; the rest are shared out so the mean is about 2.5.
  const order: number[] = [];
  for (const p of people) order.push(p.id);
  while (order.length < target) order.push(Math.floor(random() * people.length));
  for (let k = 0; k < target; k++) {
    const p = people[order[k]];
    const age = 2025 - p.year;
    const sources: Source[] =
      age < 10
        ? ['school', 'health', 'social care', 'police']
        : age < 18
          ? ['school', 'health', 'social care', 'youth offending', 'police']
          : ['police', 'health', 'drug and alcohol', 'housing', 'mental health', 'social care'];
    const source = pick(sources);
    const sloppy = source === 'police' || source === 'housing' ? 1.5 : 1;
    const cr = (x: number) => chance(x * sloppy);

    let first: string | null = p.first;
    let last: string | null = p.last;
    const nicks = diminutives.get(p.first);
    if (nicks?.length && cr(0.12)) first = pick(nicks);
    if (cr(0.04)) first = typo(first);
    if (p.previousLast && random() < 0.3) last = p.previousLast;
    if (cr(0.04)) last = typo(last);
    if (cr(0.01)) [first, last] = [last, first];
    if (cr(0.015)) first = null;
    if (cr(0.01)) last = null;

    let { year, month, day } = p;
    if (cr(0.02) && day <= 12) [day, month] = [month, day];
    else if (cr(0.035)) {
      const part = random();
      if (part < 0.4) day = day === 28 ? 27 : between(1, 28);
      else if (part < 0.7) month = month === 12 ? 11 : between(1, 12);
      else year += random() < 0.5 ? 1 : -1;
    }
    let dob: string | null = `${year}-${pad(month)}-${pad(day)}`;
    if (cr(0.025)) dob = null;

    const sex: 'F' | 'M' | null = chance(source === 'school' || source === 'health' ? 0.02 : 0.1) ? null : chance(0.005) ? (p.sex === 'F' ? 'M' : 'F') : p.sex;

    const addressId = p.previousAddress >= 0 && random() < 0.3 ? p.previousAddress : p.address;
    const a = addresses[addressId];
    let street = a.street;
    if (random() < 0.25) street = street.replace(/(\w+)$/, (w) => ABBREVIATIONS[w] ?? w);
    if (cr(0.02)) street = typo(street);
    let address: string | null = capitalise(`${a.number} ${street}`);
    if (cr(0.04)) address = null;
    let postcode: string | null = a.postcode;
    if (random() < 0.2) postcode = postcode.replace(' ', '');
    if (cr(0.01)) postcode = postcode.slice(0, -1) + INWARD_LETTERS[between(0, INWARD_LETTERS.length - 1)];
    if (cr(0.04)) postcode = null;

    const numberOnRecord = numbered?.record(p, source);
    if (numberOnRecord) identifierErrors.push(numberOnRecord.error);

    const upper = source === 'police' && random() < 0.5;
    const style = (s: string | null) => (s === null ? null : upper ? s.toUpperCase() : capitalise(s));
    records.push({
      key: `r${k}`,
      firstName: style(first),
      middleName: p.middle ? style(p.middle) : null,
      lastName: style(last),
      dateOfBirth: dob,
      sex,
      postcode,
      address: upper && address ? address.toUpperCase() : address,
      ...(numberOnRecord?.identifiers ? { identifiers: numberOnRecord.identifiers } : {}),
    });
    personOf.push(p.id);
    householdOf.push(p.household);
    sourceOf.push(source);
  }
  // shuffle so that one person's records are not next to each other
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [records[j], records[i]];
    [personOf[i], personOf[j]] = [personOf[j], personOf[i]];
    [householdOf[i], householdOf[j]] = [householdOf[j], householdOf[i]];
    [sourceOf[i], sourceOf[j]] = [sourceOf[j], sourceOf[i]];
    if (numbered) [identifierErrors[i], identifierErrors[j]] = [identifierErrors[j], identifierErrors[i]];
  }
  const data: SyntheticData = { records, personOf: Int32Array.from(personOf), householdOf: Int32Array.from(householdOf), sourceOf, people: people.length, households, twins };
  return numbered ? { ...data, identifiersOf: numbered.identifiersOf, identifierErrors } : data;
}

/**
 * Each person's own numbers (an NHS number for everyone, a UPN for children, an NI number from
 * 16), and what one record of theirs carries. Rates per record that carries a number, times the
 * error rate: 1.5% a typo, 0.3% another person's number (half of them a relative's), and 20% of a
 * baby's health records the mother's NHS number (babies are registered under the mother at first).
 */
function numberPeople(people: readonly Person[], motherOf: ReadonlyMap<number, number>, random: () => number, rate: number) {
  const issued = new Set<string>();
  const unique = (make: () => string) => {
    let value = make();
    while (issued.has(value)) value = make();
    issued.add(value);
    return value;
  };
  const identifiersOf = people.map((p) => {
    const age = 2025 - p.year;
    const own: Record<string, string> = { nhs: unique(() => madeUpNhsNumber(random)) };
    if (age < 18) own.upn = unique(() => madeUpUpn(random));
    if (age >= 16) own.ni = unique(() => madeUpNiNumber(random));
    return own;
  });
  const members = new Map<number, number[]>();
  for (const p of people) members.set(p.household, [...(members.get(p.household) ?? []), p.id]);
  const mistype = (value: string) => {
    const digits = [...value].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
    const at = digits[Math.floor(random() * digits.length)];
    const chars = [...value];
    if (random() < 0.3 && chars[at + 1] !== undefined && /\d/.test(chars[at + 1]) && chars[at] !== chars[at + 1]) [chars[at], chars[at + 1]] = [chars[at + 1], chars[at]];
    else chars[at] = String((Number(chars[at]) + 1 + Math.floor(random() * 9)) % 10);
    return chars.join('');
  };
  return {
    identifiersOf,
    record(p: Person, source: Source): { identifiers: Record<string, string> | null; error: IdentifierError | null } {
      const kind = IDENTIFIER_OF[source];
      const own = kind && identifiersOf[p.id][kind.scheme];
      if (!kind || !own || random() >= kind.recorded) return { identifiers: null, error: null };
      const mother = motherOf.get(p.id);
      if (kind.scheme === 'nhs' && source === 'health' && 2025 - p.year <= 1 && mother !== undefined && random() < 0.2 * rate) {
        return { identifiers: { nhs: identifiersOf[mother].nhs }, error: "mother's number" };
      }
      if (random() < 0.003 * rate) {
        const relatives = members.get(p.household)!.filter((q) => q !== p.id && identifiersOf[q][kind.scheme]);
        const other = relatives.length && random() < 0.5 ? relatives[Math.floor(random() * relatives.length)] : Math.floor(random() * people.length);
        const theirs = identifiersOf[other][kind.scheme];
        if (other !== p.id && theirs) return { identifiers: { [kind.scheme]: theirs }, error: 'shared in error' };
      }
      if (random() < 0.015 * rate) return { identifiers: { [kind.scheme]: mistype(own) }, error: 'typo' };
      return { identifiers: { [kind.scheme]: own }, error: null };
    },
  };
}
