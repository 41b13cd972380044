/**
 * A believable demo partnership for the fictional county of Northvale: agencies, teams, staff,
 * and families with their members, relationships, needs, legal statuses and teams around the
 * family. Pure and deterministic: the same options always give the same rows, ids included, so
 * a demo, a screenshot and a bug report all describe the same people.
 *
 * Conventions the rest of Lantern can rely on:
 * - Rows use the schema's column names; columns left to their defaults (version, created_at,
 *   updated_at, recorded_at) are omitted, as is app_user.password_hash (the seeder adds it).
 * - partner_of and sibling_of are symmetric, so each pair has ONE row, as household.ts writes
 *   them: partner_of from the partner or step-parent (or the father) to the mother; sibling_of
 *   from the elder child to the younger (an unborn baby is always the younger).
 * - A grandparent living with the family is the mother's parent, so also has parent_of her.
 * - Family i depends only on the seed and i, never on how many families are generated, except
 *   for which generated worker is allocated to it. Families NV-000001 to NV-000012 are the demo
 *   families in Ashby Vale; the first six are held by the demo key worker.
 */
import type { AgencyKind, LegalStatus, MemberType, NeedType, Role, Sex, UserRole } from '../codes.ts';
import { personSearchKeys, postcodeKey } from '../names.ts';

export interface DemoOptions {
  families: number;
  seed: number;
  /** YYYY-MM-DD: ages, due dates and every other date are relative to it. */
  today: string;
}

export type RelationshipKind = 'parent_of' | 'step_parent_of' | 'partner_of' | 'grandparent_of' | 'sibling_of' | 'carer_of';

export interface PartnershipRow { id: string; name: string }
export interface DistrictRow { id: string; partnership_id: string; name: string }
export interface AgencyRow { id: string; partnership_id: string; name: string; kind: AgencyKind }
export interface TeamRow { id: string; agency_id: string; name: string }
export interface UserRow {
  id: string; email: string; display_name: string; job_title: string; role: UserRole;
  agency_id: string; team_id: string | null; active: boolean;
}
export interface TeamManagerRow { team_id: string; user_id: string }
export interface FamilyRow {
  id: string; reference: string; family_name: string; address_line1: string; address_line2: string;
  town: string; postcode: string; postcode_key: string; district_id: string;
}
export interface PersonRow {
  id: string; family_id: string; given_name: string; family_name: string;
  date_of_birth: string | null; expected_date: string | null; sex: Sex; member_type: MemberType;
  role: Role; search_keys: string[];
}
export interface RelationshipRow { id: string; family_id: string; person_id: string; related_person_id: string; kind: RelationshipKind }
export interface LegalStatusRow {
  id: string; person_id: string; status: LegalStatus; start_date: string; end_date: string | null; recorded_by: string | null;
}
export interface NeedRow {
  id: string; person_id: string; need_type: NeedType; code: string | null; source_agency_id: string | null;
  identified_on: string; is_current: boolean; notes: string; recorded_by: string | null;
}
export interface FamilyProfessionalRow {
  id: string; family_id: string; user_id: string; role_in_family: string; is_lead: boolean;
  joined_on: string; left_on: string | null;
}

export interface DemoData {
  partnerships: PartnershipRow[];
  districts: DistrictRow[];
  agencies: AgencyRow[];
  teams: TeamRow[];
  users: UserRow[];
  teamManagers: TeamManagerRow[];
  families: FamilyRow[];
  persons: PersonRow[];
  relationships: RelationshipRow[];
  legalStatuses: LegalStatusRow[];
  needs: NeedRow[];
  familyProfessionals: FamilyProfessionalRow[];
}

export interface DemoSignIn {
  email: string;
  displayName: string;
  role: UserRole;
  jobTitle: string;
  description: string;
}

// The README prints these, so they are created first and never depend on the number of families.
export const demoSignIns: readonly DemoSignIn[] = [
  { email: 'kw.priya.shah@northvale.example', displayName: 'Priya Shah', role: 'practitioner', jobTitle: 'Key worker',
    description: 'Key worker, Ashby Vale family support team: leads six families' },
  { email: 'tm.daniel.okafor@northvale.example', displayName: 'Daniel Okafor', role: 'manager', jobTitle: 'Team manager',
    description: "Team manager, Ashby Vale family support team: sees the team's families and caseloads" },
  { email: 'das.hannah.clarke@northvale.example', displayName: 'Hannah Clarke', role: 'practitioner', jobTitle: 'Domestic abuse specialist',
    description: 'Domestic abuse specialist (adult specialist in the Ashby Vale family safeguarding team): in the team around six families' },
  { email: 'pc.tom.gallagher@northvale.example', displayName: 'Tom Gallagher', role: 'practitioner', jobTitle: 'Police safeguarding officer',
    description: 'Police safeguarding officer, Northvale Police public protection unit: in the team around five families' },
  { email: 'dsl.amina.begum@northvale.example', displayName: 'Amina Begum', role: 'practitioner', jobTitle: 'Designated safeguarding lead',
    description: 'School designated safeguarding lead, Northvale Schools: in the team around several Ashby Vale families' },
  { email: 'analyst.sam.whitfield@northvale.example', displayName: 'Sam Whitfield', role: 'analyst', jobTitle: 'Performance analyst',
    description: 'Analyst, performance and intelligence team: identification, needs analysis, programme evaluation and costs across the partnership' },
  { email: 'admin.jo.mercer@northvale.example', displayName: 'Jo Mercer', role: 'administrator', jobTitle: 'Systems administrator',
    description: 'Administrator, business support team: users, teams and settings' },
  { email: 'dpo.ruth.adeyemi@northvale.example', displayName: 'Ruth Adeyemi', role: 'dpo', jobTitle: 'Data protection officer',
    description: 'Data protection officer: who has seen any family, emergency access reviews, subject access, legal holds and retention' },
];

export interface TownInfo { name: string; population: number; outward: readonly string[]; localities: readonly string[] }
export interface DistrictInfo { name: string; population: number; towns: readonly TownInfo[] }

/** Northvale's districts, towns and NV postcode districts; populations weight where families live. */
export const northvaleDistricts: readonly DistrictInfo[] = [
  { name: 'Ashby Vale', population: 118_400, towns: [
    { name: 'Ashby Vale', population: 74_000, outward: ['NV1', 'NV2'], localities: ['Northgate', 'Castle Hill', 'Millbrook', 'Saxon Park'] },
    { name: 'Thornbury Green', population: 27_000, outward: ['NV3'], localities: ['Church End', 'Thornbury Moor'] },
    { name: 'Kelsey Bridge', population: 17_400, outward: ['NV3'], localities: ['Riverside'] },
  ] },
  { name: 'Brackenford', population: 142_900, towns: [
    { name: 'Brackenford', population: 109_000, outward: ['NV4', 'NV5', 'NV6'], localities: ['Harewood Estate', 'St Anne\'s', 'Foundry Lane', 'Westmoor', 'Canal Side'] },
    { name: 'Hollins Cross', population: 33_900, outward: ['NV7'], localities: ['Hollins Park', 'Top Town'] },
  ] },
  { name: 'Coldwater', population: 96_300, towns: [
    { name: 'Coldwater', population: 71_500, outward: ['NV8', 'NV9'], localities: ['Harbourside', 'Eastcliff', 'Beacon Estate'] },
    { name: 'Saltmarsh', population: 24_800, outward: ['NV10'], localities: ['Old Saltmarsh'] },
  ] },
  { name: 'Dunmere', population: 88_100, towns: [
    { name: 'Dunmere', population: 52_300, outward: ['NV11'], localities: ['Abbeyfields', 'Dunmere Common'] },
    { name: 'Lowfield', population: 21_600, outward: ['NV12'], localities: ['Lowfield Green'] },
    { name: 'Ravensworth', population: 14_200, outward: ['NV12'], localities: [] },
  ] },
  { name: 'Eastholme', population: 124_600, towns: [
    { name: 'Eastholme', population: 96_100, outward: ['NV13', 'NV14'], localities: ['Priory Estate', 'Holme Park', 'Station Quarter', 'Newlands'] },
    { name: 'Priors Hill', population: 28_500, outward: ['NV15'], localities: ['Upper Priors'] },
  ] },
  { name: 'Fenwick', population: 71_200, towns: [
    { name: 'Fenwick', population: 48_900, outward: ['NV16'], localities: ['Fen End', 'Marsh Lane Estate'] },
    { name: 'Marley Fen', population: 22_300, outward: ['NV17'], localities: [] },
  ] },
  { name: 'Greystone', population: 103_500, towns: [
    { name: 'Greystone', population: 79_800, outward: ['NV18', 'NV19'], localities: ['Quarry Bank', 'Greystone Park', 'Longcroft'] },
    { name: 'Highcliffe', population: 23_700, outward: ['NV20'], localities: ['Cliff Top'] },
  ] },
  { name: 'Hartwell', population: 79_800, towns: [
    { name: 'Hartwell', population: 57_400, outward: ['NV21'], localities: ['Hartwell Common', 'Orchard Estate'] },
    { name: 'Ormsby', population: 22_400, outward: ['NV22'], localities: [] },
  ] },
];

const PARTNERSHIP_NAME = 'Northvale Children and Families Partnership';
const EMAIL_DOMAIN = 'northvale.example';
const DEMO_DISTRICT = 0; // Ashby Vale
const DEMO_FAMILIES = 12;
const DEMO_KEY_WORKER_FAMILIES = 6;
const DEMO_PARTNER_LIMITS = { da: 6, police: 5, school: 5 };

const agencyNames: Record<AgencyKind, string> = {
  childrens_social_care: "Northvale Children's Services",
  police: 'Northvale Police',
  health: 'Northvale Health Visiting',
  education: 'Northvale Schools',
  drug_alcohol_service: 'Northvale Recovery Partnership',
  adult_mental_health: 'Northvale Adult Mental Health Service',
  probation: 'Northvale Probation Delivery Unit',
  housing: 'Northvale Homes',
  voluntary_sector: 'Northvale Family Action',
  early_help: 'Northvale Early Help',
};

// Northvale's early help is its children's services' family support teams: no separate agency.
type PartnerKind = Exclude<AgencyKind, 'childrens_social_care' | 'early_help'>;
const partnerKinds: readonly PartnerKind[] = [
  'police', 'health', 'education', 'drug_alcohol_service', 'adult_mental_health', 'probation', 'housing', 'voluntary_sector',
];

interface PartnerTeamSpec { team: string; practitionerTitle: string; managerTitle: string; roleInFamily: string }
const partnerTeams: Record<PartnerKind, PartnerTeamSpec> = {
  police: { team: 'Public protection unit', practitionerTitle: 'Police safeguarding officer', managerTitle: 'Detective sergeant', roleInFamily: 'Police safeguarding officer' },
  health: { team: 'Health visiting 0-19 team', practitionerTitle: 'Health visitor', managerTitle: 'Health visiting team leader', roleInFamily: 'Health visitor' },
  education: { team: 'Education safeguarding team', practitionerTitle: 'Designated safeguarding lead', managerTitle: 'Education safeguarding manager', roleInFamily: 'School designated safeguarding lead' },
  drug_alcohol_service: { team: 'Family recovery team', practitionerTitle: 'Drug and alcohol recovery worker', managerTitle: 'Recovery team leader', roleInFamily: 'Substance misuse worker' },
  adult_mental_health: { team: 'Community mental health team', practitionerTitle: 'Community mental health nurse', managerTitle: 'Community mental health team manager', roleInFamily: 'Adult mental health practitioner' },
  probation: { team: 'Offender management team', practitionerTitle: 'Probation officer', managerTitle: 'Senior probation officer', roleInFamily: 'Probation officer' },
  housing: { team: 'Tenancy sustainment team', practitionerTitle: 'Housing officer', managerTitle: 'Tenancy services manager', roleInFamily: 'Housing officer' },
  voluntary_sector: { team: 'Intensive family support team', practitionerTitle: 'Family support worker', managerTitle: 'Project manager', roleInFamily: 'Family support worker (Family Action)' },
};

type Specialism = 'da' | 'substance' | 'mental_health';
const specialists: Record<Specialism, { title: string; roleInFamily: string }> = {
  da: { title: 'Domestic abuse specialist', roleInFamily: 'Domestic abuse specialist' },
  substance: { title: 'Substance misuse worker', roleInFamily: 'Substance misuse worker' },
  mental_health: { title: 'Adult mental health practitioner', roleInFamily: 'Adult mental health practitioner' },
};

// ---------------------------------------------------------------------------------------------
// Randomness: sfc32 (128-bit state) so that each family's stream, seeded from (seed, index),
// never meets another's, and ids drawn from it do not collide the way a 32-bit state would.

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const HEX_CODES = Uint16Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
// Where each of the 32 hex digits goes in 8-4-4-4-12; the dashes stay put.
const UUID_DIGITS = Uint8Array.from({ length: 36 }, (_, i) => i).filter((i) => i !== 8 && i !== 13 && i !== 18 && i !== 23);
const UUID_CODES = new Uint16Array(36).fill(45);

class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number) {
    const s = fmix32(seed >>> 0 ^ 0x5bd1e995);
    this.a = fmix32((stream >>> 0) ^ s);
    this.b = fmix32(s ^ 0x9e3779b9);
    this.c = fmix32(s + 0x632be5ab);
    this.d = fmix32(stream * 0x27d4eb2d + 1) | 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) + t | 0;
    return t >>> 0;
  }

  float(): number {
    return this.next() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer from lo to hi inclusive. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Random-version (v4) layout: 122 bits from this stream, version and variant bits fixed. */
  uuid(): string {
    const out = UUID_CODES;
    for (let word = 0; word < 4; word++) {
      let w = this.next();
      if (word === 1) w = (w & 0xffff0fff) | 0x4000;
      else if (word === 2) w = (w & 0x3fffffff) | 0x80000000;
      const base = word * 8;
      out[UUID_DIGITS[base]] = HEX_CODES[(w >>> 28) & 15];
      out[UUID_DIGITS[base + 1]] = HEX_CODES[(w >>> 24) & 15];
      out[UUID_DIGITS[base + 2]] = HEX_CODES[(w >>> 20) & 15];
      out[UUID_DIGITS[base + 3]] = HEX_CODES[(w >>> 16) & 15];
      out[UUID_DIGITS[base + 4]] = HEX_CODES[(w >>> 12) & 15];
      out[UUID_DIGITS[base + 5]] = HEX_CODES[(w >>> 8) & 15];
      out[UUID_DIGITS[base + 6]] = HEX_CODES[(w >>> 4) & 15];
      out[UUID_DIGITS[base + 7]] = HEX_CODES[w & 15];
    }
    // One flat string: concatenating pieces would keep a rope of 20 nodes alive per id.
    return String.fromCharCode.apply(null, out as unknown as number[]);
  }
}

/** Picks by weight with a binary search over cumulative weights. */
class Weighted<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(readonly items: readonly T[], weights: readonly number[]) {
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) this.cumulative[i] = sum += weights[i];
    this.total = sum;
  }

  pick(rng: Random): T {
    const x = rng.float() * this.total;
    let lo = 0, hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid; else lo = mid + 1;
    }
    return this.items[lo];
  }
}

const weighted = <T extends string | number>(table: Record<string, number> | [T, number][]): Weighted<T> => {
  const entries = (Array.isArray(table) ? table : Object.entries(table)) as [T, number][];
  return new Weighted(entries.map((e) => e[0]), entries.map((e) => e[1]));
};

/** Names listed most common first; the weights fall off like a Zipf curve, as real frequency lists do. */
function frequencyList(names: string, flatten = 12): Weighted<string> {
  const items = names.split(',').map((n) => n.trim()).filter(Boolean);
  return new Weighted(items, items.map((_, i) => 1 / (i + flatten)));
}

// ---------------------------------------------------------------------------------------------
// Dates as day numbers (days since 1970-01-01, UTC) so date arithmetic is integer arithmetic.

function dayOf(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`today must be a date in the form YYYY-MM-DD, not '${iso}'`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = ms / 86_400_000;
  if (isoOfDay(day) !== iso) throw new Error(`today is not a real date: '${iso}'`);
  return day;
}

// Howard Hinnant's civil_from_days: no Date object per row.
function isoOfDay(z: number): string {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

class DateText {
  private readonly cache: string[];
  private readonly base: number;

  constructor(today: number) {
    this.base = today - 100 * 366;
    // Filled up front: a sparse array written out of order would fall back to a slow dictionary.
    this.cache = new Array<string>(101 * 366).fill('');
  }

  iso(day: number): string {
    const i = day - this.base;
    if (i < 0 || i >= this.cache.length) return isoOfDay(day);
    return this.cache[i] || (this.cache[i] = isoOfDay(day));
  }
}

const YEAR = 365.25;

// ---------------------------------------------------------------------------------------------
// Names. Lists are ordered roughly by frequency (ONS baby names, surname counts) for each
// background, so a county's families look like an English county's families.

type Background = 'white_british' | 'pakistani_bangladeshi' | 'indian' | 'black' | 'eastern_european' | 'other';

interface NameSet {
  girls: Weighted<string>; boys: Weighted<string>;
  women: Weighted<string>; men: Weighted<string>;
  olderWomen: Weighted<string>; olderMen: Weighted<string>;
  surnames: Weighted<string>;
}

const nameSets: Record<Background, NameSet> = {
  white_british: {
    girls: frequencyList('Olivia, Amelia, Isla, Lily, Ava, Mia, Evie, Emily, Ivy, Freya, Grace, Poppy, Ella, Millie, Isabella, Sophia, Ruby, Rosie, Daisy, Sienna, Willow, Florence, Maisie, Lexi, Phoebe, Scarlett, Harper, Layla, Chloe, Jessica, Summer, Aria, Bella, Amber, Leah, Holly, Megan, Matilda, Eva, Lacey, Isabelle, Esme, Lottie, Paige, Erin, Hollie, Skye, Niamh, Kacey, Nevaeh'),
    boys: frequencyList('Oliver, Noah, George, Jack, Harry, Charlie, Leo, Archie, Alfie, Oscar, Freddie, Theo, Jacob, Thomas, Riley, Mason, Arthur, Ethan, Logan, Henry, Finley, Lucas, Joshua, Dylan, Tommy, Teddy, Tyler, William, James, Max, Harvey, Louie, Kai, Reggie, Bobby, Alexander, Frankie, Ronnie, Callum, Jayden, Kayden, Lewis, Kian, Connor, Brandon, Jenson, Rory, Ollie, Owen, Cody'),
    women: frequencyList('Sarah, Emma, Laura, Lauren, Rebecca, Gemma, Amy, Charlotte, Jade, Samantha, Sophie, Hannah, Danielle, Chloe, Katie, Stacey, Kirsty, Natalie, Leanne, Kelly, Jessica, Nicola, Megan, Shannon, Zoe, Rachel, Hayley, Stephanie, Michelle, Claire, Kayleigh, Chelsea, Abbie, Courtney, Jodie, Carly, Louise, Victoria, Georgia, Bethany, Lisa, Kerry, Melissa, Jasmine, Demi, Toni, Siobhan, Paige, Shauna, Tanya'),
    men: frequencyList('Daniel, James, Ryan, David, Michael, Christopher, Matthew, Liam, Adam, Jordan, Thomas, Andrew, Jamie, Luke, Jack, Connor, Kieran, Lee, Craig, Mark, Paul, Nathan, Steven, Scott, Joshua, Dean, Kyle, Robert, Anthony, Darren, Jason, Shaun, Callum, Bradley, Aaron, Sean, Lewis, Richard, Wayne, Ashley, Carl, Gary, Stuart, Jonathan, Reece, Josh, Tom, Alex, Ben, Sam'),
    olderWomen: frequencyList('Susan, Julie, Karen, Tracey, Sharon, Linda, Deborah, Sandra, Angela, Janet, Christine, Jacqueline, Carol, Dawn, Joanne, Alison, Lorraine, Amanda, Margaret, Patricia, Wendy, Elaine, Denise, Beverley, Pauline, Gillian, Jane, Diane, Helen, Kim'),
    olderMen: frequencyList('John, David, Stephen, Kevin, Peter, Robert, Michael, Paul, Ian, Gary, Alan, Mark, Andrew, Martin, Keith, Brian, Neil, Philip, Colin, Graham, Anthony, Tony, Trevor, Barry, Nigel, Terry, Derek, Roger, Clive, Dennis'),
    surnames: frequencyList("Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson, Roberts, Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall, Lewis, Harris, Clarke, Jackson, Wood, Turner, Martin, Cooper, Hill, Ward, Morris, Moore, Clark, Lee, King, Baker, Harrison, Morgan, Allen, James, Scott, Phillips, Watson, Davis, Parker, Price, Bennett, Young, Griffiths, Mitchell, Kelly, Cook, Carter, Richardson, Bailey, Collins, Bell, Shaw, Murphy, Miller, Cox, Richards, Marshall, Anderson, Simpson, Ellis, Adams, Wilkinson, Foster, Chapman, Powell, Webb, Rogers, Gray, Mason, Hunt, Campbell, Matthews, Owen, Palmer, Holmes, Mills, Barnes, Knight, Lloyd, Butler, Russell, Barker, Fisher, Stevens, Jenkins, Murray, Dixon, Harvey, Graham, Pearson, Fletcher, Walsh, Gibson, Howard, Andrews, Stewart, Elliott, Reynolds, Saunders, Payne, Fox, Ford, Pearce, Day, Brooks, West, Lawrence, Cole, Atkinson, Bradley, Spencer, Dawson, Ball, Burton, O'Brien, Watts, Rose, Booth, Perry, Ryan, Grant, Wells, Armstrong, Francis, Rees, Hayes, Hart, Hudson, Newman, Barrett, Webster, Hunter, Gregory, Carr, Lowe, Page, Marsh, Riley, Dunn, Woods, Parsons, Berry, Stone, Reid, Holland, Hawkins, Harding, Porter, Robertson, Newton, Oliver, Reed, Kennedy, Williamson, Bird, Gardner, Dean, Lane, Cooke, Bates, Henderson, Parry, Burgess, Bishop, Walton, Burns, Nicholson, Shepherd, Ross, Cross, Long, Freeman, Warren, Nicholls, Hamilton, Byrne, Sutton, McDonald, Yates, Hodgson, Robson, Curtis, Hopkins, O'Connor, Harper, Coleman, Watkins, Moss, McCarthy, Chambers, O'Neill, Griffin, Sharp, Hardy, Wheeler, Potter, Osborne, Johnston, Gordon, Doyle, Wallace, Jordan, Hutchinson, Rowe, Burke, Pritchard, Gilbert, Willis, Higgins, Read, Smith-Jones, Taylor-Brown", 20),
  },
  pakistani_bangladeshi: {
    girls: frequencyList('Maryam, Fatima, Aisha, Zainab, Hafsa, Inaya, Amira, Zara, Aleena, Hana, Eshal, Ayesha, Khadija, Safa, Manha, Alisha, Sumaiya, Ruqayyah'),
    boys: frequencyList('Muhammad, Mohammed, Yusuf, Ibrahim, Ayaan, Zayn, Musa, Hamza, Ali, Isa, Rayyan, Zakariya, Ismail, Adam, Ahmed, Zain, Haris, Abdullah'),
    women: frequencyList('Ayesha, Sadia, Nasreen, Shabana, Sana, Saima, Farzana, Nazia, Shazia, Rubina, Samina, Tahira, Rukhsana, Nusrat, Sabrina, Shamima, Rehana, Fatima, Amina, Sumaira'),
    men: frequencyList('Mohammed, Imran, Tariq, Asif, Kamran, Shahid, Adnan, Faisal, Amir, Arif, Nadeem, Sajid, Rizwan, Usman, Bilal, Zahid, Waqas, Abdul, Shahed, Jamal'),
    olderWomen: frequencyList('Parveen, Nasim, Shamim, Bilquis, Zubeda, Rashida, Shahida, Khadija'),
    olderMen: frequencyList('Mohammed, Bashir, Rafiq, Anwar, Aziz, Yousaf, Ghulam, Abdul'),
    surnames: frequencyList('Khan, Ali, Ahmed, Hussain, Rahman, Akhtar, Iqbal, Malik, Mahmood, Miah, Hossain, Islam, Uddin, Chaudhry, Rashid, Qureshi, Butt, Mirza, Aslam, Raja, Shah'),
  },
  indian: {
    girls: frequencyList('Anaya, Anika, Diya, Saanvi, Aanya, Simran, Jasleen, Kiara, Myra, Navya, Isha, Riya, Amrit, Priya'),
    boys: frequencyList('Arjun, Aarav, Rohan, Veer, Arav, Krish, Dev, Harjot, Ishaan, Kabir, Reyansh, Jai, Ravi, Gurveer'),
    women: frequencyList('Priya, Sunita, Anjali, Harpreet, Jaspreet, Mandeep, Pooja, Neha, Kiran, Rupinder, Sonia, Meera, Hina, Deepa'),
    men: frequencyList('Sanjay, Rajesh, Vikram, Gurpreet, Harjinder, Rahul, Amit, Manjit, Sunil, Ravi, Deepak, Jaswinder, Nikhil, Sandeep'),
    olderWomen: frequencyList('Kulwant, Surinder, Kamala, Savita, Gurmeet, Lata'),
    olderMen: frequencyList('Gurdev, Balbir, Ramesh, Mohan, Harbhajan, Suresh'),
    surnames: frequencyList('Patel, Singh, Sharma, Gill, Sandhu, Kumar, Mistry, Shah, Dhillon, Sidhu, Chauhan, Parmar, Mehta, Joshi, Bains, Johal'),
  },
  black: {
    girls: frequencyList('Amara, Nevaeh, Aaliyah, Imani, Zuri, Naomi, Grace, Jada, Tiana, Adaeze, Chioma, Ife, Abena, Esi, Kemi, Blessing, Favour, Precious, Hodan, Hibaq, Ayan, Nimco'),
    boys: frequencyList('Joshua, Jayden, David, Daniel, Samuel, Malachi, Elijah, Isaiah, Josiah, Emmanuel, Kai, Micah, Tyrese, Tobi, Kofi, Kwame, Chidi, Mohamed, Abdirahman, Liban'),
    women: frequencyList('Grace, Shanice, Chantelle, Tanisha, Latoya, Keisha, Marcia, Sandra, Esther, Joy, Blessing, Patience, Abimbola, Folasade, Chiamaka, Ngozi, Funmilayo, Akua, Adwoa, Fadumo, Hawa, Sahra, Kadian'),
    men: frequencyList('Daniel, Michael, Samuel, Emmanuel, Joseph, Kwame, Kofi, Dwayne, Marlon, Leon, Andre, Tyrone, Jermaine, Emeka, Chinedu, Oluwaseun, Tunde, Delroy, Abdi, Mohamed, Ahmed, Yusuf'),
    olderWomen: frequencyList('Gloria, Beverley, Hyacinth, Pauline, Comfort, Mercy, Felicia, Marjorie'),
    olderMen: frequencyList('Winston, Errol, Lloyd, Desmond, Clive, Festus, Kwabena, Olu'),
    surnames: frequencyList('Campbell, Williams, Brown, Johnson, Thomas, Clarke, Francis, Grant, Okafor, Mensah, Adeyemi, Asante, Osei, Boateng, Owusu, Okoro, Adebayo, Ogunleye, Eze, Nwosu, Mohamed, Abdi, Hassan, Ali, Farah, Warsame, Omar, Kamara, Conteh, Bangura'),
  },
  eastern_european: {
    girls: frequencyList('Zuzanna, Julia, Maja, Lena, Hanna, Zofia, Oliwia, Amelia, Natalia, Emilia, Alexandra, Maria, Sofia, Ioana, Gabriela, Wiktoria, Ana, Laura, Kornelia, Ema'),
    boys: frequencyList('Jakub, Antoni, Szymon, Filip, Kacper, Jan, Aleksander, Oliver, Mikołaj, Dawid, Adam, David, Luca, Matei, Andrei, Lukas, Nikola'),
    women: frequencyList('Agnieszka, Anna, Katarzyna, Joanna, Magdalena, Monika, Ewa, Karolina, Justyna, Marta, Aleksandra, Paulina, Beata, Dorota, Ioana, Elena, Andreea, Mihaela, Simona, Kristina, Inga'),
    men: frequencyList('Tomasz, Piotr, Łukasz, Paweł, Krzysztof, Marcin, Michał, Adrian, Mateusz, Kamil, Dariusz, Andrei, Mihai, Ionuț, Florin, Marius, Darius, Tomas, Robert'),
    olderWomen: frequencyList('Halina, Krystyna, Danuta, Elżbieta, Maria, Teresa, Irena, Vasilica'),
    olderMen: frequencyList('Stanisław, Zbigniew, Janusz, Jerzy, Andrzej, Ion, Gheorghe, Vasile'),
    surnames: frequencyList('Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski, Mazur, Krawczyk, Popescu, Ionescu, Popa, Stan, Dumitru, Munteanu, Horvath, Petrov'),
  },
  other: {
    girls: frequencyList('Sofia, Yasmin, Sara, Mei, Lina, Noor, Hiba, Leyla, Elif, Zeynep, Beatriz, Mariana, Linh, Anh, Rania, Jasmine'),
    boys: frequencyList('Omar, Adam, Yousef, Karim, Emir, Mehmet, Lucas, Daniel, Ryan, Rui, Tiago, Minh, Ethan, Rayan, Hassan, Aran'),
    women: frequencyList('Mariam, Nadia, Samira, Layla, Rana, Ayse, Fatma, Dilan, Ana, Carla, Fernanda, Li, Hui, Xia, Huong, Ngoc, Thi'),
    men: frequencyList('Ahmad, Omar, Khalid, Mehmet, Murat, Karwan, Hemin, Sami, Rami, Joao, Pedro, Ricardo, Nuno, Wei, Jun, Hao, Minh, Tuan'),
    olderWomen: frequencyList('Mariam, Amal, Fatma, Hatice, Maria, Rosa, Lan, Mei'),
    olderMen: frequencyList('Ahmad, Mustafa, Hasan, Ali, Jose, Manuel, Hung, Ming'),
    surnames: frequencyList('Hassan, Ibrahim, Mahmoud, Saleh, Abdullah, Yilmaz, Kaya, Demir, Celik, Santos, Silva, Ferreira, Pereira, Costa, Da Silva, Rodrigues, Chen, Wang, Li, Zhang, Liu, Wong, Nguyen, Tran, Le, Pham, Mohammadi, Karimi, Ahmadi'),
  },
};

// Shares of the county's families by background; minorities cluster in the larger towns in
// reality, but a flat county-wide mix keeps the generator simple.
const backgrounds = weighted<Background>({ white_british: 77, pakistani_bangladeshi: 6, indian: 3, black: 5, eastern_european: 6, other: 3 });

/** Polish feminine surname forms: Kowalski → Kowalska. */
function surnameFor(surname: string, sex: Sex): string {
  if (sex !== 'female') return surname;
  if (surname.endsWith('ski') || surname.endsWith('cki') || surname.endsWith('dzki')) return surname.slice(0, -1) + 'a';
  return surname;
}

// ---------------------------------------------------------------------------------------------
// Places: each town gets a fixed set of streets, each street one postcode, so neighbours share
// postcodes as they do in life and a postcode search finds more than one family.

const streetStems = 'Station, Church, Mill, Victoria, Albert, Queens, Kings, Park, Manor, Green, Hawthorn, Beech, Oak, Elm, Willow, Ash, Meadow, Orchard, Chapel, School, Market, Bridge, New, North, South, West, East, Windsor, York, Grange, Highfield, Springfield, Westfield, Moor, Heath, Priory, Abbey, Castle, Kingfisher, Heron, Wren, Kestrel, Swallow, Lark, Linden, Rowan, Birch, Cedar, Chestnut, Holly, Laurel, Poplar, Sycamore, Juniper, Foxglove, Bluebell, Primrose, Clover, Thistle, Fern, Heather, Brook, River, Canal, Wharf, Forge, Tannery, Foundry, Colliery, Railway, Nelson, Wellington, Jubilee, Coronation, Alexandra, Gladstone, Cromwell, Milton, Shelley, Byron, Tennyson, Keats, Wordsworth, Chaucer, Darwin, Stephenson, Brunel, Telford, Attlee, Churchill, Lancaster, Derwent, Eden, Tyne, Ripon, Harewood, Ashdown, Fairfield, Oakwood, Greenacre, Hillside, Valley, Ridgeway, Lime, Cherry, Plum'
  .split(', ');
const streetSuffixes = weighted({
  Road: 20, Street: 18, Close: 12, Avenue: 10, Lane: 8, Drive: 8, Way: 6, Crescent: 6, Gardens: 5,
  Terrace: 5, Grove: 5, Court: 3, Walk: 3, Place: 3, Rise: 2, View: 2, Mews: 1,
});
const blockNames = 'Heron, Kestrel, Wren, Linnet, Falcon, Merlin, Osprey, Curlew, Plover, Skylark, Beech, Larch, Rowan, Alder, Hazel, Maple, Aspen, Cedar'.split(', ');
const blockSuffixes = ['House', 'Court', 'Tower', 'Point', 'Lodge'];
// Inward codes never use C, I, K, M, O or V.
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

interface Street {
  name: string; locality: string; postcode: string; postcodeKey: string; maxNumber: number; flats: string | null;
}
interface Town { name: string; streets: Street[] }

function buildTowns(rng: Random): Town[][] {
  const usedPostcodes = new Set<string>();
  return northvaleDistricts.map((district) => district.towns.map((town) => {
    const names = new Set<string>(['High Street']);
    const count = Math.max(40, Math.round(town.population / 600));
    while (names.size < count) names.add(`${rng.pick(streetStems)} ${streetSuffixes.pick(rng)}`);
    const streets = [...names].map((name): Street => {
      let postcode: string;
      do {
        postcode = `${rng.pick(town.outward)} ${rng.between(1, 9)}${INWARD_LETTERS[rng.int(20)]}${INWARD_LETTERS[rng.int(20)]}`;
      } while (usedPostcodes.has(postcode));
      usedPostcodes.add(postcode);
      const hasFlats = rng.chance(0.3);
      return {
        name,
        locality: town.localities.length > 0 && rng.chance(0.5) ? rng.pick(town.localities) : '',
        postcode,
        postcodeKey: postcodeKey(postcode),
        maxNumber: rng.between(12, 160),
        flats: hasFlats ? `${rng.pick(blockNames)} ${rng.pick(blockSuffixes)}` : null,
      };
    });
    return { name: town.name, streets };
  }));
}

// ---------------------------------------------------------------------------------------------
// Households. Shares reflect families known to early help and children's social care: many
// single mothers, fewer couples, some grandparent and kinship carers.

type Household =
  | 'single_mother' | 'two_parents' | 'mother_and_step_parent' | 'mother_and_partner'
  | 'single_father' | 'mother_and_grandparents' | 'kinship_grandparents' | 'other_carer';
const households = weighted<Household>({
  single_mother: 42, two_parents: 22, mother_and_step_parent: 12, mother_and_partner: 5,
  single_father: 5, mother_and_grandparents: 6, kinship_grandparents: 5, other_carer: 3,
});
// 0 means an expectant mother with no children yet.
const childCounts = weighted<number>([[0, 3], [1, 27], [2, 30], [3, 20], [4, 12], [5, 5], [6, 3]]);
const motherAges = new Weighted(
  Array.from({ length: 33 }, (_, i) => 17 + i),
  Array.from({ length: 33 }, (_, i) => Math.exp(-(((17 + i - 31) / 7.5) ** 2))),
);

// A latent complexity level correlates needs within a family (drugs with alcohol, domestic abuse
// with mental ill health) while the multipliers average 1, keeping each need's overall share.
const complexityLevels = weighted<number>([[0, 0.3], [1, 0.4], [2, 0.3]]);
const complexityMultipliers = [0.65, 1, 1.35];

// Shares of families where a parent or carer has the need now: the proportions among families
// with parental substance misuse, mental ill health and domestic abuse in the seed documents.
const FAMILY_NEED_RATES = { da: 0.44, alcohol: 0.26, drugs: 0.38, mentalHealth: 0.69, offending: 0.22 };

// The first families are the demo's, held by the demo key worker and partner practitioners;
// their needs are fixed so the demo always shows the same mix.
const demoFamilyNeeds: { da: number[]; drugs: number[]; alcohol: number[]; mentalHealth: number[]; offending: number[] } = {
  da: [0, 1, 3, 6, 8, 9], drugs: [1, 4, 8, 11], alcohol: [2, 4, 9], mentalHealth: [0, 2, 3, 5, 7, 10], offending: [1, 6],
};

// By complexity level: the more complex the family, the more statutory involvement.
const statusMix: readonly Weighted<LegalStatus>[] = [
  weighted<LegalStatus>({ none: 60, child_in_need: 30, child_protection_plan: 8, looked_after: 2 }),
  weighted<LegalStatus>({ none: 45, child_in_need: 32, child_protection_plan: 17, looked_after: 6 }),
  weighted<LegalStatus>({ none: 28, child_in_need: 30, child_protection_plan: 28, looked_after: 14 }),
];

// Which agency usually first records each need: police for domestic abuse, the recovery
// service for substance misuse, adult mental health for parents' mental health, schools for
// behaviour, health visitors for neglect of the youngest.
const source = (table: Partial<Record<AgencyKind, number>>) => weighted<AgencyKind>(table as Record<string, number>);
const needSources = {
  '3B': source({ police: 65, voluntary_sector: 15, health: 10, childrens_social_care: 10 }),
  '3B_no_under_5s': source({ police: 65, voluntary_sector: 20, childrens_social_care: 15 }),
  '1B': source({ drug_alcohol_service: 60, health: 25, childrens_social_care: 15 }),
  '1B_no_under_5s': source({ drug_alcohol_service: 70, police: 15, childrens_social_care: 15 }),
  '2B': source({ drug_alcohol_service: 60, police: 20, probation: 10, health: 10 }),
  '2B_no_under_5s': source({ drug_alcohol_service: 65, police: 20, probation: 15 }),
  '4B': source({ adult_mental_health: 65, health: 25, childrens_social_care: 10 }),
  '4B_no_under_5s': source({ adult_mental_health: 80, childrens_social_care: 20 }),
  '5B': source({ health: 50, childrens_social_care: 50 }),
  '5B_no_under_5s': source({ childrens_social_care: 70, education: 30 }),
  '6B': source({ health: 100 }),
  '6B_no_under_5s': source({ childrens_social_care: 70, housing: 30 }),
  offending: source({ probation: 60, police: 40 }),
  '3A': source({ police: 70, childrens_social_care: 30 }),
  '16A': source({ education: 50, childrens_social_care: 50 }),
  '16A_under_5': source({ health: 50, childrens_social_care: 50 }),
  '17A': source({ childrens_social_care: 60, education: 40 }),
  '17A_under_5': source({ childrens_social_care: 60, health: 40 }),
  '7A': source({ education: 60, voluntary_sector: 40 }),
  '14A': source({ education: 70, police: 30 }),
  '15A': source({ education: 60, childrens_social_care: 40 }),
  '4A': source({ education: 60, childrens_social_care: 40 }),
  police: source({ police: 100 }),
  exploitation: source({ police: 80, childrens_social_care: 20 }),
  '5A': source({ education: 70, childrens_social_care: 30 }),
  '6A': source({ education: 60, childrens_social_care: 40 }),
  under_5: source({ health: 100 }),
};
// The health agency is health visiting, which sees families with children under five.
type ParentalCode = '1B' | '2B' | '3B' | '4B' | '5B' | '6B';
const parentalSource = (code: ParentalCode, underFives: boolean) =>
  needSources[underFives ? code : (`${code}_no_under_5s` as const)];

// How long a status has usually been running by now, in days.
const statusAge: Record<LegalStatus, [number, number]> = {
  none: [30, 1095], child_in_need: [14, 540], child_protection_plan: [14, 450], looked_after: [30, 1460],
};
const previousStatus: Record<LegalStatus, readonly LegalStatus[]> = {
  none: ['child_in_need', 'child_protection_plan'],
  child_in_need: ['child_protection_plan', 'none'],
  child_protection_plan: ['child_in_need', 'none'],
  looked_after: ['child_protection_plan', 'child_in_need'],
};

const teamAroundSizes = weighted<number>([[0, 20], [1, 35], [2, 28], [3, 17]]);

// What the first practitioner to record a need would have written; empty for most, as in life.
const needNotes: Record<AgencyKind, readonly string[]> = {
  early_help: ['Raised by the early help family worker.'],
  police: ['Shared by police through the multi-agency safeguarding hub.', 'Police attended the address.', "From a police notification to children's services."],
  health: ['Raised by the health visitor at a home visit.', 'Raised at the new birth visit.', 'Raised at the two-year development review.'],
  education: ['Raised by the school designated safeguarding lead.', 'Raised at a school attendance meeting.'],
  drug_alcohol_service: ['In treatment with the recovery service.', 'Disclosed at a recovery service assessment.'],
  adult_mental_health: ['Known to the community mental health team.', 'Referred by the GP for assessment.'],
  probation: ['Under probation supervision.', 'Raised at a probation supervision appointment.'],
  housing: ['Raised by the housing officer at a tenancy visit.'],
  voluntary_sector: ['Disclosed to the family support worker.'],
  childrens_social_care: ['Identified at the family assessment.', 'Raised at the child protection conference.'],
};

// ---------------------------------------------------------------------------------------------

interface UserRef { id: string; district: number }

interface Member {
  row: PersonRow;
  dobDay: number | null;
  /** Whole years today; -1 for an unborn baby. */
  age: number;
}

interface Context {
  seed: number;
  today: number;
  dates: DateText;
  towns: Town[][];
  districtIds: string[];
  districtPick: Weighted<number>;
  townPicks: Weighted<number>[];
  agencyByKind: Record<AgencyKind, string>;
  keysCache: Map<string, Map<string, string[]>>;
  demo: { keyWorker: string; da: string; police: string; school: string };
  demoCounts: { da: number; police: number; school: number };
  keyWorkers: UserRef[][];
  specialists: Record<Specialism, UserRef[][]>;
  partners: Record<PartnerKind, { byDistrict: UserRef[][]; all: UserRef[] }>;
  out: DemoData;
}

/** The whole demo at once. */
export function generateDemo(options: DemoOptions): DemoData {
  const [all] = generateDemoBatches(options, Number.POSITIVE_INFINITY);
  return all;
}

const emptyData = (): DemoData => ({
  partnerships: [], districts: [], agencies: [], teams: [], users: [], teamManagers: [],
  families: [], persons: [], relationships: [], legalStatuses: [], needs: [], familyProfessionals: [],
});

/**
 * The same rows as generateDemo, a batch of families at a time: the first batch also carries
 * the partnership, agencies, teams and staff. A seeder can insert one batch while the next is
 * generated, and never holds millions of rows in memory at once.
 */
export function* generateDemoBatches(options: DemoOptions, familiesPerBatch = 1000): Generator<DemoData, void, undefined> {
  const { families, seed } = options;
  if (!Number.isInteger(families) || families < 0) throw new Error('families must be a whole number, 0 or more');
  if (!Number.isInteger(seed)) throw new Error('seed must be a whole number');
  if (!(familiesPerBatch >= 1)) throw new Error('familiesPerBatch must be 1 or more');
  const today = dayOf(options.today);

  const out = emptyData();
  const setup = new Random(seed, 0);
  const partnershipId = setup.uuid();
  out.partnerships.push({ id: partnershipId, name: PARTNERSHIP_NAME });
  const districtIds = northvaleDistricts.map((d) => {
    const id = setup.uuid();
    out.districts.push({ id, partnership_id: partnershipId, name: d.name });
    return id;
  });
  const agencyByKind = {} as Record<AgencyKind, string>;
  for (const kind of ['childrens_social_care', ...partnerKinds] as AgencyKind[]) {
    const id = setup.uuid();
    agencyByKind[kind] = id;
    out.agencies.push({ id, partnership_id: partnershipId, name: agencyNames[kind], kind });
  }
  const addTeam = (agencyId: string, name: string): string => {
    const id = setup.uuid();
    out.teams.push({ id, agency_id: agencyId, name });
    return id;
  };
  const csc = agencyByKind.childrens_social_care;
  // Two children's social care teams per district: family support (key workers) and family
  // safeguarding (social workers with adult specialists alongside, the Hertfordshire model).
  const supportTeams = northvaleDistricts.map((d) => addTeam(csc, `${d.name} family support team`));
  const safeguardingTeams = northvaleDistricts.map((d) => addTeam(csc, `${d.name} family safeguarding team`));
  const performanceTeam = addTeam(csc, 'Performance and intelligence team');
  const businessSupportTeam = addTeam(csc, 'Business support team');
  const partnerTeamIds = {} as Record<PartnerKind, string>;
  for (const kind of partnerKinds) partnerTeamIds[kind] = addTeam(agencyByKind[kind], partnerTeams[kind].team);

  const emails = new Set<string>();
  const addUser = (email: string, displayName: string, jobTitle: string, role: UserRole, agencyId: string, teamId: string): string => {
    const id = setup.uuid();
    emails.add(email);
    out.users.push({ id, email, display_name: displayName, job_title: jobTitle, role, agency_id: agencyId, team_id: teamId, active: true });
    return id;
  };
  const signIn = (i: number) => demoSignIns[i];
  const stable = (i: number, agencyId: string, teamId: string) =>
    addUser(signIn(i).email, signIn(i).displayName, signIn(i).jobTitle, signIn(i).role, agencyId, teamId);
  const demo = {
    keyWorker: stable(0, csc, supportTeams[DEMO_DISTRICT]),
    manager: stable(1, csc, supportTeams[DEMO_DISTRICT]),
    da: stable(2, csc, safeguardingTeams[DEMO_DISTRICT]),
    police: stable(3, agencyByKind.police, partnerTeamIds.police),
    school: stable(4, agencyByKind.education, partnerTeamIds.education),
  };
  stable(5, csc, performanceTeam);
  stable(6, csc, businessSupportTeam);
  // A fixed id, so adding the data protection officer moves no other generated id.
  out.users.push({ id: '5d0c1e4a-0d90-4a00-8000-0000000000d9', email: signIn(7).email, display_name: signIn(7).displayName, job_title: signIn(7).jobTitle, role: signIn(7).role, agency_id: csc, team_id: businessSupportTeam, active: true });
  emails.add(signIn(7).email);
  out.teamManagers.push({ team_id: supportTeams[DEMO_DISTRICT], user_id: demo.manager });

  // Everyone else scales with the number of families: 4-6 families per key worker is the
  // programme standard, capped so 100,000 families still make a few hundred staff.
  const generatedUser = (jobTitle: string, role: UserRole, agencyId: string, teamId: string): string => {
    const sex: Sex = setup.chance(0.75) ? 'female' : 'male';
    const names = nameSets[backgrounds.pick(setup)];
    const given = (sex === 'female' ? names.women : names.men).pick(setup);
    const family = surnameFor(names.surnames.pick(setup), sex);
    const local = `${emailPart(given)}.${emailPart(family)}`;
    let email = `${local}@${EMAIL_DOMAIN}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${EMAIL_DOMAIN}`;
    return addUser(email, `${given} ${family}`, jobTitle, role, agencyId, teamId);
  };
  for (let d = 0; d < northvaleDistricts.length; d++) {
    for (const teamId of [supportTeams[d], safeguardingTeams[d]]) {
      if (teamId === supportTeams[DEMO_DISTRICT]) continue;
      out.teamManagers.push({ team_id: teamId, user_id: generatedUser('Team manager', 'manager', csc, teamId) });
    }
  }
  for (const kind of partnerKinds) {
    const teamId = partnerTeamIds[kind];
    out.teamManagers.push({ team_id: teamId, user_id: generatedUser(partnerTeams[kind].managerTitle, 'manager', agencyByKind[kind], teamId) });
  }

  const totalPopulation = northvaleDistricts.reduce((sum, d) => sum + d.population, 0);
  const keyWorkerCount = clamp(Math.ceil(families / 5), 16, 220);
  const keyWorkers: UserRef[][] = northvaleDistricts.map((district, d) => {
    const count = Math.max(2, Math.round(keyWorkerCount * district.population / totalPopulation));
    const pool: UserRef[] = [];
    for (let k = 0; k < count; k++) {
      const support = k % 2 === 0;
      const teamId = support ? supportTeams[d] : safeguardingTeams[d];
      pool.push({ id: generatedUser(support ? 'Key worker' : 'Social worker', 'practitioner', csc, teamId), district: d });
    }
    return pool;
  });
  const perSpecialism = clamp(Math.ceil(families / 800), 1, 2);
  const specialistPools = { da: [], substance: [], mental_health: [] } as Record<Specialism, UserRef[][]>;
  for (const s of Object.keys(specialists) as Specialism[]) {
    specialistPools[s] = northvaleDistricts.map((_, d) => Array.from({ length: perSpecialism }, () => ({
      id: generatedUser(specialists[s].title, 'practitioner', csc, safeguardingTeams[d]), district: d,
    })));
  }
  const perPartner = clamp(Math.ceil(families / 150), 2, 10);
  const partners = {} as Context['partners'];
  for (const kind of partnerKinds) {
    const byDistrict: UserRef[][] = northvaleDistricts.map(() => []);
    const all: UserRef[] = [];
    for (let k = 0; k < perPartner; k++) {
      const ref = { id: generatedUser(partnerTeams[kind].practitionerTitle, 'practitioner', agencyByKind[kind], partnerTeamIds[kind]), district: k % northvaleDistricts.length };
      byDistrict[ref.district].push(ref);
      all.push(ref);
    }
    partners[kind] = { byDistrict, all };
  }

  const ctx: Context = {
    seed,
    today,
    dates: new DateText(today),
    towns: buildTowns(new Random(seed, 1)),
    districtIds,
    districtPick: new Weighted(northvaleDistricts.map((_, i) => i), northvaleDistricts.map((d) => d.population)),
    townPicks: northvaleDistricts.map((d) => new Weighted(d.towns.map((_, i) => i), d.towns.map((t) => t.population))),
    agencyByKind,
    keysCache: new Map(),
    demo,
    demoCounts: { da: 0, police: 0, school: 0 },
    keyWorkers,
    specialists: specialistPools,
    partners,
    out,
  };
  let inBatch = 0;
  for (let i = 0; i < families; i++) {
    generateFamily(ctx, i);
    if (++inBatch === familiesPerBatch && i < families - 1) {
      yield ctx.out;
      ctx.out = emptyData();
      inBatch = 0;
    }
  }
  yield ctx.out;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function emailPart(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').toLowerCase().replace(/[^a-z]/g, '');
}

// ---------------------------------------------------------------------------------------------

function generateFamily(ctx: Context, index: number): void {
  // Stream 0 is the set-up, 1 the places; families start at 2 so each has its own stream.
  const rng = new Random(ctx.seed, index + 2);
  const { today, dates, out } = ctx;
  const familyId = rng.uuid();
  const isDemo = index < DEMO_FAMILIES;
  const district = isDemo ? DEMO_DISTRICT : ctx.districtPick.pick(rng);
  const town = ctx.towns[district][ctx.townPicks[district].pick(rng)];
  const street = rng.pick(town.streets);
  let line1: string, line2: string;
  if (street.flats && rng.chance(0.6)) {
    line1 = `Flat ${rng.between(1, 40)}, ${street.flats}`;
    line2 = street.name;
  } else {
    line1 = `${rng.between(1, street.maxNumber)} ${street.name}`;
    line2 = street.locality;
  }

  const background = backgrounds.pick(rng);
  const names = nameSets[background];
  // About one family in ten has a parent from another background.
  const otherNames = rng.chance(0.1) ? nameSets[backgrounds.pick(rng)] : names;
  const members: Member[] = [];

  const addPerson = (role: Role, sex: Sex, given: string, surname: string, dobDay: number | null, expectedDay: number | null): Member => {
    const familyName = surnameFor(surname, sex);
    let bySurname = ctx.keysCache.get(given);
    if (!bySurname) ctx.keysCache.set(given, bySurname = new Map());
    let keys = bySurname.get(familyName);
    if (!keys) bySurname.set(familyName, keys = personSearchKeys(given, familyName));
    const memberType: MemberType = role === 'unborn' ? 'unborn' : role === 'child' ? 'child' : 'adult';
    const row: PersonRow = {
      id: rng.uuid(), family_id: familyId, given_name: given, family_name: familyName,
      date_of_birth: dobDay === null ? null : dates.iso(dobDay),
      expected_date: expectedDay === null ? null : dates.iso(expectedDay),
      sex, member_type: memberType, role, search_keys: keys,
    };
    out.persons.push(row);
    const member: Member = { row, dobDay, age: dobDay === null ? -1 : Math.floor((today - dobDay) / YEAR) };
    members.push(member);
    return member;
  };
  const addAdult = (role: Role, sex: Sex, age: number, set: NameSet, surname: string, older = false): Member => {
    const list = older ? (sex === 'female' ? set.olderWomen : set.olderMen) : (sex === 'female' ? set.women : set.men);
    return addPerson(role, sex, list.pick(rng), surname, today - Math.floor(age * YEAR) - rng.int(365), null);
  };
  const relate = (from: Member, to: Member, kind: RelationshipKind) => {
    out.relationships.push({ id: rng.uuid(), family_id: familyId, person_id: from.row.id, related_person_id: to.row.id, kind });
  };

  // Who lives here, and whose children the children are.
  const household = households.pick(rng);
  let childCount = childCounts.pick(rng);
  const motherAge = motherAges.pick(rng);
  const motherMaiden = names.surnames.pick(rng);
  const motherPresent = household === 'kinship_grandparents' ? rng.chance(0.6)
    : household === 'other_carer' ? rng.chance(0.5)
    : household !== 'single_father';
  const hasUnborn = motherPresent && motherAge <= 43 && (childCount === 0 || rng.chance(0.06));
  if (childCount === 0 && !hasUnborn) childCount = 1;

  const fatherOfChildren = otherNames.surnames.pick(rng);
  const partnerNames = household === 'mother_and_step_parent' || household === 'mother_and_partner' ? (rng.chance(0.15) ? nameSets[backgrounds.pick(rng)] : names) : otherNames;
  const partnerSurname = partnerNames.surnames.pick(rng);
  const married = household === 'two_parents' ? rng.chance(0.55) : rng.chance(0.12);
  const motherSurname = household === 'two_parents' && married ? fatherOfChildren
    : household === 'mother_and_step_parent' && married ? partnerSurname
    : motherMaiden;

  // Children: ages bounded by the mother's (16 at the earliest birth) and by 17.
  const motherAgeDays = Math.floor(motherAge * YEAR);
  const oldestDays = Math.min(Math.floor(18 * 365) - 5, Math.max(30, motherAgeDays - Math.floor(16 * YEAR)));
  const childDays: number[] = [];
  for (let c = 0; c < childCount; c++) childDays.push(rng.between(1, oldestDays));
  childDays.sort((a, b) => b - a);
  // Half-siblings: in larger single-parent and step-families the older children may have another father.
  const secondFather = childCount >= 2 && motherPresent && household !== 'two_parents' && rng.chance(0.3) ? otherNames.surnames.pick(rng) : null;
  // With a step-parent, the youngest children may be his own.
  const partnersOwn = household === 'mother_and_step_parent' && childCount >= 2 && rng.chance(0.4) ? rng.between(1, Math.min(2, childCount - 1)) : 0;
  // An expected baby in a step-family is the new partner's, which makes him a father too.
  const partnerIsAFather = partnersOwn > 0 || (hasUnborn && household === 'mother_and_step_parent');

  let mother: Member | null = null;
  if (motherPresent) {
    mother = addAdult('mother', 'female', motherAge, names, motherSurname);
  }
  let partner: Member | null = null;
  const oldestChild = childCount > 0 ? Math.floor(childDays[0] / YEAR) : 0;
  const fatherAge = clamp(Math.max(motherAge + rng.between(-2, 7), oldestChild + 17), 18, 70);
  if (household === 'two_parents' || household === 'single_father') {
    partner = addAdult('father', 'male', fatherAge, otherNames, fatherOfChildren);
  } else if (household === 'mother_and_step_parent' || household === 'mother_and_partner') {
    // Some mothers' partners are women; none of them is recorded as a father.
    const sex: Sex = rng.chance(0.05) && !partnerIsAFather ? 'female' : 'male';
    const role: Role = household === 'mother_and_partner' ? 'partner' : partnerIsAFather ? 'father' : 'step_parent';
    partner = addAdult(role, sex, fatherAge, partnerNames, partnerSurname);
  }
  // A separated father who is still involved, so fathers are not invisible in the record.
  const absentFather = household === 'single_mother' && childCount > 0 && rng.chance(0.2)
    ? addAdult('father', 'male', fatherAge, otherNames, fatherOfChildren) : null;

  const children: Member[] = [];
  // Children of the partner in the household (all of them when he is their father).
  const partnersChildren = new Set<Member>();
  const childSurnameFromFather = household === 'two_parents' ? 0.9 : 0.45;
  for (let c = 0; c < childCount; c++) {
    const sex: Sex = rng.chance(0.51) ? 'male' : 'female';
    const own = partnersOwn > 0 && c >= childCount - partnersOwn;
    const fatherName = own ? partnerSurname : secondFather && c === 0 ? secondFather : fatherOfChildren;
    const surname = own ? partnerSurname : rng.chance(childSurnameFromFather) ? fatherName : motherSurname;
    const given = (sex === 'male' ? names.boys : names.girls).pick(rng);
    const child = addPerson('child', sex, given, surname, today - childDays[c], null);
    children.push(child);
    if (own || household === 'two_parents' || household === 'single_father') partnersChildren.add(child);
  }
  if (hasUnborn) {
    const fathers = partner !== null && partner.row.role === 'father';
    const unborn = addPerson('unborn', 'not_known', 'Unborn', fathers ? partner!.row.family_name : motherSurname, null, today + rng.between(10, 182));
    children.push(unborn);
    if (fathers) partnersChildren.add(unborn);
  }

  const grandparents: Member[] = [];
  if (household === 'mother_and_grandparents' || household === 'kinship_grandparents') {
    const grandAge = clamp(motherAge + rng.between(19, 30), 36, 85);
    grandparents.push(addAdult('grandparent', 'female', grandAge, names, motherMaiden, true));
    if (rng.chance(0.35)) grandparents.push(addAdult('grandparent', 'male', clamp(grandAge + rng.between(-2, 5), 36, 88), names, motherMaiden, true));
  }
  let carer: Member | null = null;
  if (household === 'other_carer') {
    // Usually an aunt: the mother's sister or sister-in-law.
    const sex: Sex = rng.chance(0.8) ? 'female' : 'male';
    carer = addAdult('other_carer', sex, rng.between(24, 60), names, rng.chance(0.6) ? motherMaiden : names.surnames.pick(rng));
  }
  let otherAdult: Member | null = null;
  let adultChild = false;
  if (rng.chance(0.07)) {
    if (mother && motherAge >= 36) {
      adultChild = true;
      const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
      otherAdult = addAdult('other_adult', sex, rng.between(18, Math.min(24, motherAge - 17)), names, fatherOfChildren);
    } else {
      otherAdult = addAdult('other_adult', 'male', rng.between(19, 50), names, rng.chance(0.5) ? motherMaiden : names.surnames.pick(rng));
    }
  }

  for (const child of children) {
    if (mother) relate(mother, child, 'parent_of');
    if (partner) {
      if (partnersChildren.has(child)) relate(partner, child, 'parent_of');
      else if (partner.row.role === 'step_parent' || partner.row.role === 'father') relate(partner, child, 'step_parent_of');
    }
    if (absentFather && child.row.role !== 'unborn' && (!secondFather || child !== children[0])) relate(absentFather, child, 'parent_of');
    for (const g of grandparents) relate(g, child, 'grandparent_of');
    if (carer) relate(carer, child, 'carer_of');
  }
  if (partner && mother) relate(partner, mother, 'partner_of');
  if (mother) for (const g of grandparents) relate(g, mother, 'parent_of');
  const siblings = adultChild && otherAdult ? [otherAdult, ...children] : children;
  if (adultChild && mother && otherAdult) relate(mother, otherAdult, 'parent_of');
  for (let a = 0; a < siblings.length; a++) {
    for (let b = a + 1; b < siblings.length; b++) relate(siblings[a], siblings[b], 'sibling_of');
  }

  // Family name: the main carer's surname, as the family would give it.
  const main = mother ?? partner ?? grandparents[0] ?? carer ?? members[0];
  const familyRow: FamilyRow = {
    id: familyId, reference: `NV-${String(index + 1).padStart(6, '0')}`, family_name: main.row.family_name,
    address_line1: line1, address_line2: line2, town: town.name, postcode: street.postcode,
    postcode_key: street.postcodeKey, district_id: ctx.districtIds[district],
  };
  out.families.push(familyRow);

  // Who leads: a key worker from the family's district.
  const lead = index < DEMO_KEY_WORKER_FAMILIES ? ctx.demo.keyWorker : rng.pick(ctx.keyWorkers[district]).id;
  const allocatedDay = today - rng.between(7, 540);

  // Parental needs.
  const complexityLevel = complexityLevels.pick(rng);
  const complexity = complexityMultipliers[complexityLevel];
  const flag = (rate: number, demoList: number[]) => rng.float() < Math.min(0.97, rate * complexity) || (isDemo && demoList.includes(index));
  const has = {
    da: flag(FAMILY_NEED_RATES.da, demoFamilyNeeds.da),
    alcohol: flag(FAMILY_NEED_RATES.alcohol, demoFamilyNeeds.alcohol),
    drugs: flag(FAMILY_NEED_RATES.drugs, demoFamilyNeeds.drugs),
    mentalHealth: flag(FAMILY_NEED_RATES.mentalHealth, demoFamilyNeeds.mentalHealth),
    offending: flag(FAMILY_NEED_RATES.offending, demoFamilyNeeds.offending),
  };
  const agency = ctx.agencyByKind;
  const addNeed = (member: Member, needType: NeedType, code: string | null, source: AgencyKind, isCurrent: boolean) => {
    const earliest = Math.max(member.dobDay ?? today - 1095, today - 1095);
    const identified = isCurrent ? rng.between(earliest, today) : rng.between(earliest, Math.max(earliest, today - 180));
    const notes = rng.chance(0.3) ? rng.pick(needNotes[source]) : '';
    out.needs.push({
      id: rng.uuid(), person_id: member.row.id, need_type: needType, code, source_agency_id: agency[source],
      identified_on: dates.iso(identified), is_current: isCurrent, notes, recorded_by: lead,
    });
  };
  const hasUnderFives = children.some((c) => c.age < 5);
  const parents = [mother, partner, absentFather].filter((m): m is Member => m !== null);
  const carers = parents.length > 0 ? parents : [...grandparents, ...(carer ? [carer] : [])];
  const men = carers.filter((m) => m.row.sex === 'male');
  const subjects = (preferMother: number, both: number): Member[] => {
    if (carers.length === 0) return [];
    const first = mother && rng.chance(preferMother) ? mother : rng.pick(carers);
    const second = carers.find((m) => m !== first);
    return second && rng.chance(both) ? [first, second] : [first];
  };
  const parentNeed = (present: boolean, code: ParentalCode, preferMother: number, both: number) => {
    if (present) {
      for (const m of subjects(preferMother, both)) addNeed(m, 'cin_factor', code, parentalSource(code, hasUnderFives).pick(rng), true);
    } else if (carers.length > 0 && rng.chance(0.06)) {
      addNeed(rng.pick(carers), 'cin_factor', code, parentalSource(code, hasUnderFives).pick(rng), false);
    }
  };
  if (has.da) {
    const victim = mother ?? rng.pick(carers);
    if (victim) addNeed(victim, 'cin_factor', '3B', parentalSource('3B', hasUnderFives).pick(rng), true);
    const abuser = partner ?? absentFather;
    if (abuser && victim !== abuser && rng.chance(0.5)) addNeed(abuser, 'cin_factor', '3B', 'police', true);
  } else if (mother && rng.chance(0.06)) {
    addNeed(mother, 'cin_factor', '3B', 'police', false);
  }
  parentNeed(has.alcohol, '1B', 0.4, 0.25);
  parentNeed(has.drugs, '2B', 0.4, 0.3);
  parentNeed(has.mentalHealth, '4B', 0.7, 0.2);
  if (carers.length > 0 && rng.chance(0.05)) addNeed(rng.pick(carers), 'cin_factor', '5B', parentalSource('5B', hasUnderFives).pick(rng), true);
  if (carers.length > 0 && rng.chance(0.08)) addNeed(rng.pick(carers), 'cin_factor', '6B', parentalSource('6B', hasUnderFives).pick(rng), true);
  for (const g of grandparents) {
    if (household === 'mother_and_grandparents' && rng.chance(0.3)) addNeed(g, 'cin_factor', '6B', parentalSource('6B', hasUnderFives).pick(rng), true);
  }
  if (has.offending) {
    const offender = men.length > 0 && rng.chance(0.7) ? rng.pick(men) : carers.length > 0 ? rng.pick(carers) : null;
    if (offender) addNeed(offender, 'offending', null, needSources.offending.pick(rng), true);
  }
  if (otherAdult) {
    if (rng.chance(0.3)) addNeed(otherAdult, 'cin_factor', rng.chance(0.6) ? '2C' : '1C', 'drug_alcohol_service', true);
    if (rng.chance(0.2)) addNeed(otherAdult, 'cin_factor', '4C', 'adult_mental_health', true);
    if (rng.chance(0.15)) addNeed(otherAdult, 'offending', null, 'police', true);
  }

  // Children's own needs, letter A, in smaller shares and only at ages where they arise.
  const substance = has.drugs || has.alcohol;
  const parentalStrain = substance || has.mentalHealth;
  let schoolAge = false;
  for (const child of children) {
    if (child.dobDay === null) continue;
    const age = child.age;
    if (age >= 4) schoolAge = true;
    const childNeed = (code: string, p: number, sources: Weighted<AgencyKind>) => {
      if (rng.chance(p)) addNeed(child, 'cin_factor', code, sources.pick(rng), rng.chance(0.88));
    };
    if (has.da) childNeed('3A', 0.35, needSources['3A']);
    childNeed('16A', substance ? 0.2 : 0.1, age < 5 ? needSources['16A_under_5'] : needSources['16A']);
    childNeed('17A', has.da ? 0.16 : 0.08, age < 5 ? needSources['17A_under_5'] : needSources['17A']);
    if (age >= 8) childNeed('7A', parentalStrain ? 0.1 : 0.03, needSources['7A']);
    if (age >= 10) childNeed('14A', 0.14, needSources['14A']);
    if (age >= 11) childNeed('15A', 0.07, needSources['15A']);
    if (age >= 8) childNeed('4A', 0.06, needSources['4A']);
    if (age >= 11) childNeed('10A', 0.04, needSources.police);
    if (age >= 12) childNeed('24A', 0.03, needSources.exploitation);
    if (age >= 12) childNeed('11A', 0.02, needSources.exploitation);
    if (age >= 13) childNeed('13A', 0.015, needSources.police);
    childNeed('5A', 0.03, age < 5 ? needSources.under_5 : needSources['5A']);
    childNeed('6A', 0.02, age < 5 ? needSources.under_5 : needSources['6A']);
    if (age >= 14 && has.offending && rng.chance(0.1)) addNeed(child, 'offending', null, 'police', true);
  }

  // Legal statuses: siblings usually share the family's level; every child has a current row.
  const familyStatus = statusMix[complexityLevel].pick(rng);
  for (const child of children) {
    if (child.dobDay === null) {
      const status: LegalStatus = familyStatus === 'child_protection_plan' || familyStatus === 'looked_after' ? 'child_protection_plan' : 'none';
      out.legalStatuses.push({ id: rng.uuid(), person_id: child.row.id, status, start_date: dates.iso(today - rng.between(0, 60)), end_date: null, recorded_by: lead });
      continue;
    }
    const status = rng.chance(0.85) ? familyStatus : statusMix[1].pick(rng);
    const [minAge, maxAge] = statusAge[status];
    const start = Math.min(today, Math.max(child.dobDay, today - rng.between(minAge, maxAge)));
    if (rng.chance(status === 'none' ? 0.2 : 0.35)) {
      const end = start - 1;
      const previousStart = Math.max(child.dobDay, end - rng.between(60, 540));
      if (previousStart <= end) {
        out.legalStatuses.push({
          id: rng.uuid(), person_id: child.row.id, status: rng.pick(previousStatus[status]),
          start_date: dates.iso(previousStart), end_date: dates.iso(end), recorded_by: lead,
        });
      }
    }
    out.legalStatuses.push({ id: rng.uuid(), person_id: child.row.id, status, start_date: dates.iso(start), end_date: null, recorded_by: lead });
  }

  // The team around the family.
  const professional = (userId: string, role: string, isLead: boolean, joined: number, left: number | null) => {
    out.familyProfessionals.push({
      id: rng.uuid(), family_id: familyId, user_id: userId, role_in_family: role, is_lead: isLead,
      joined_on: dates.iso(joined), left_on: left === null ? null : dates.iso(left),
    });
  };
  professional(lead, 'Key worker', true, allocatedDay, null);
  // Workers change: some families had another key worker before this one.
  if (index >= DEMO_FAMILIES && rng.chance(0.15)) {
    const before = rng.pick(ctx.keyWorkers[district]).id;
    if (before !== lead) professional(before, 'Key worker', false, allocatedDay - rng.between(60, 400), allocatedDay);
  }
  const joinDay = () => Math.min(today, allocatedDay + rng.between(0, 60));
  const youngest = children.length > 0 ? children[children.length - 1] : null;
  const underFive = youngest !== null && (youngest.dobDay === null || youngest.age < 5);
  type Candidate = { role: string; pick: () => string };
  const fromPool = (pool: UserRef[]) => () => rng.pick(pool).id;
  const partnerPick = (kind: PartnerKind) => {
    const local = ctx.partners[kind].byDistrict[district];
    return fromPool(local.length > 0 ? local : ctx.partners[kind].all);
  };
  const specialist = (s: Specialism) => fromPool(ctx.specialists[s][district]);
  const candidates: Candidate[] = [];
  let demoPartners = 0;
  const demoCounts = ctx.demoCounts;
  const useDemo = (key: 'da' | 'police' | 'school', wanted: boolean, userId: string, role: string): boolean => {
    if (!isDemo || !wanted || demoCounts[key] >= DEMO_PARTNER_LIMITS[key]) return false;
    demoCounts[key]++;
    demoPartners++;
    professional(userId, role, false, joinDay(), null);
    return true;
  };
  const demoDa = useDemo('da', has.da, ctx.demo.da, specialists.da.roleInFamily);
  const demoPolice = useDemo('police', has.da || has.offending, ctx.demo.police, partnerTeams.police.roleInFamily);
  const demoSchool = useDemo('school', schoolAge, ctx.demo.school, partnerTeams.education.roleInFamily);
  if (has.da) {
    if (!demoDa && rng.chance(0.6)) candidates.push({ role: specialists.da.roleInFamily, pick: specialist('da') });
    else if (!demoPolice) candidates.push({ role: partnerTeams.police.roleInFamily, pick: partnerPick('police') });
  }
  if (substance) {
    candidates.push(rng.chance(0.5)
      ? { role: specialists.substance.roleInFamily, pick: specialist('substance') }
      : { role: partnerTeams.drug_alcohol_service.roleInFamily, pick: partnerPick('drug_alcohol_service') });
  }
  if (has.mentalHealth) {
    candidates.push(rng.chance(0.4)
      ? { role: specialists.mental_health.roleInFamily, pick: specialist('mental_health') }
      : { role: partnerTeams.adult_mental_health.roleInFamily, pick: partnerPick('adult_mental_health') });
  }
  if (has.offending) candidates.push({ role: partnerTeams.probation.roleInFamily, pick: partnerPick('probation') });
  if (underFive) candidates.push({ role: partnerTeams.health.roleInFamily, pick: partnerPick('health') });
  if (schoolAge && !demoSchool) candidates.push({ role: partnerTeams.education.roleInFamily, pick: partnerPick('education') });
  if (rng.chance(0.12)) candidates.push({ role: partnerTeams.housing.roleInFamily, pick: partnerPick('housing') });
  if (rng.chance(0.1)) candidates.push({ role: partnerTeams.voluntary_sector.roleInFamily, pick: partnerPick('voluntary_sector') });
  const wanted = Math.max(0, teamAroundSizes.pick(rng) - demoPartners);
  for (let k = 0; k < wanted && candidates.length > 0; k++) {
    const chosen = candidates.splice(rng.int(candidates.length), 1)[0];
    professional(chosen.pick(), chosen.role, false, joinDay(), null);
  }
}
