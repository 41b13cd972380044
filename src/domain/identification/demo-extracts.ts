import { extractFormats, type SourceKey } from './formats.ts';
import { madeUpNhsNumber, madeUpUpn } from './identifiers.ts';

/**
 * Believable agency extracts for a demo partnership: households whose members turn up in
 * several agencies' data, each agency recording them a little differently (nicknames, typos,
 * day and month swapped, missing postcodes, an old address). Health services record most people's
 * NHS number and schools most pupils' UPN (valid made-up numbers; the NHS numbers in the 999 range
 * kept for test data). Deterministic for a seed. Pure.
 */

export interface DemoPerson {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  sex: 'F' | 'M';
  isChild: boolean;
}

export interface DemoHousehold {
  postcode: string;
  address: string;
  people: DemoPerson[];
}

export type ExtractRows = Record<SourceKey, Record<string, string>[]>;

function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4_294_967_296;
  };
}

const nicknames: Record<string, string> = {
  William: 'Bill', Elizabeth: 'Liz', Katherine: 'Kate', Robert: 'Rob', Rebecca: 'Becky', Daniel: 'Dan', Samantha: 'Sam', Michael: 'Mike', Jennifer: 'Jenny', Thomas: 'Tom',
};
const femaleAdults = ['Kerry', 'Stacey', 'Leanne', 'Rebecca', 'Samantha', 'Elizabeth', 'Jennifer', 'Katherine', 'Donna', 'Gemma', 'Aisha', 'Agnieszka'];
const maleAdults = ['Dean', 'Lee', 'Craig', 'William', 'Robert', 'Daniel', 'Michael', 'Thomas', 'Jamal', 'Piotr'];
const girls = ['Chloe', 'Ellie', 'Amelia', 'Ruby', 'Maisie', 'Lily', 'Zara', 'Skye'];
const boys = ['Tyler', 'Kai', 'Harley', 'Mason', 'Alfie', 'Riley', 'Logan', 'Ethan'];
const surnames = ['Walsh', 'Brennan', 'Hughes', 'Reid', 'Clarke', 'Okafor', 'Nowak', 'Patel', 'Marsh', 'Doyle', 'Kowalski', 'Barker', 'Fenwick', 'Ahmed', 'Lister'];
const streets = ['Mill Lane', 'Station Road', 'Elm Close', 'Church Street', 'Ashby Road', 'Victoria Terrace', 'Meadow Way', 'Queens Drive'];

const pad = (n: number) => String(n).padStart(2, '0');

/** Households made up for the demo, placed in the given postcodes. */
export function demoHouseholds(count: number, seed: number, postcodes: readonly string[], today: string): DemoHousehold[] {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const year = Number(today.slice(0, 4));
  const date = (age: number) => `${year - age}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}`;
  return Array.from({ length: count }, () => {
    const surname = pick(surnames);
    const people: DemoPerson[] = [{ firstName: pick(femaleAdults), lastName: surname, dateOfBirth: date(24 + Math.floor(rand() * 20)), sex: 'F', isChild: false }];
    if (rand() < 0.55) people.push({ firstName: pick(maleAdults), lastName: rand() < 0.8 ? surname : pick(surnames), dateOfBirth: date(26 + Math.floor(rand() * 20)), sex: 'M', isChild: false });
    const children = 1 + Math.floor(rand() * 3);
    for (let c = 0; c < children; c += 1) {
      const girl = rand() < 0.5;
      people.push({ firstName: girl ? pick(girls) : pick(boys), lastName: surname, dateOfBirth: date(2 + Math.floor(rand() * 14)), sex: girl ? 'F' : 'M', isChild: true });
    }
    return { postcode: pick(postcodes), address: `${1 + Math.floor(rand() * 120)} ${pick(streets)}`, people };
  });
}

/** Each household's members as the agencies recorded them, with the errors agencies make. */
export function demoExtracts(households: readonly DemoHousehold[], seed: number, today: string): ExtractRows {
  const rand = random(seed * 7919);
  const out: ExtractRows = { 'police-da': [], school: [], 'drug-alcohol': [], 'mental-health': [], 'youth-offending': [], 'social-care': [], housing: [], worklessness: [] };
  const counters: Record<string, number> = {};
  const ref = (prefix: string) => `${prefix}-${String((counters[prefix] = (counters[prefix] ?? 0) + 1)).padStart(6, '0')}`;
  const recent = (maxDays = 330) => new Date(Date.parse(`${today}T00:00:00Z`) - Math.floor(rand() * maxDays + 5) * 86_400_000).toISOString().slice(0, 10);
  const uk = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  // Identifiers draw on a random stream of their own, so the rest of the extracts are as they were before they had any.
  const idRand = random(seed * 104_729 + 1);
  const numbers = new Map<DemoPerson, { nhs: string; upn: string }>();
  const issued = new Set<string>();
  const numbersOf = (p: DemoPerson) => {
    let n = numbers.get(p);
    if (!n) {
      let nhs = madeUpNhsNumber(idRand, '999');
      while (issued.has(nhs)) nhs = madeUpNhsNumber(idRand, '999');
      issued.add(nhs);
      n = { nhs, upn: madeUpUpn(idRand) };
      numbers.set(p, n);
    }
    return n;
  };
  // Most records of a health service carry the NHS number and most school rows the UPN; some do not.
  const nhs = (p: DemoPerson) => ({ nhs_number: idRand() < 0.75 ? numbersOf(p).nhs.replace(/^(\d{3})(\d{3})/, '$1 $2 ') : '' });
  const upn = (p: DemoPerson) => ({ upn: idRand() < 0.8 ? numbersOf(p).upn : '' });

  function person(p: DemoPerson, h: DemoHousehold): Record<string, string> {
    let first = p.firstName;
    let last = p.lastName;
    let dob = p.dateOfBirth;
    const r = rand();
    if (r < 0.08 && nicknames[first]) first = nicknames[first];
    else if (r < 0.12) first = first.length > 4 ? first.slice(0, -2) + first.at(-1) + first.at(-2) : first; // transposed letters
    else if (r < 0.14) [first, last] = [last, first];
    const d = rand();
    if (d < 0.04 && Number(dob.slice(8, 10)) <= 12) dob = `${dob.slice(0, 4)}-${dob.slice(8, 10)}-${dob.slice(5, 7)}`;
    const missing = rand() < 0.08;
    const moved = rand() < 0.05;
    return {
      first_name: first, last_name: last, date_of_birth: rand() < 0.5 ? uk(dob) : dob, sex: rand() < 0.05 ? '' : p.sex,
      postcode: missing ? '' : h.postcode, address_line: missing ? '' : moved ? `${2 + Math.floor(rand() * 90)} Old Road` : h.address,
    };
  }

  for (const h of households) {
    const adults = h.people.filter((p) => !p.isChild);
    const children = h.people.filter((p) => p.isChild);
    const mother = adults[0];
    const father = adults[1];
    if (rand() < 0.3) {
      const incidents = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < incidents; i += 1) {
        const incident = ref('INC');
        const when = recent();
        const present = rand() < 0.6;
        out['police-da'].push({ record_id: `${incident}-V`, ...person(mother, h), incident_ref: incident, incident_date: when, role: 'victim', children_present: present ? 'Y' : 'N', risk_level: rand() < 0.3 ? 'high' : 'medium' });
        if (father) out['police-da'].push({ record_id: `${incident}-P`, ...person(father, h), incident_ref: incident, incident_date: when, role: 'perpetrator', children_present: present ? 'Y' : 'N', risk_level: '' });
        if (present) for (const c of children) out['police-da'].push({ record_id: `${incident}-C${c.firstName}`, ...person(c, h), incident_ref: incident, incident_date: when, role: 'child_present', children_present: 'Y', risk_level: '' });
      }
    }
    for (const a of adults) {
      if (rand() < 0.22) out['drug-alcohol'].push({ record_id: ref('DA'), ...person(a, h), ...nhs(a), substance: rand() < 0.6 ? 'alcohol' : rand() < 0.5 ? 'drugs' : 'both', treatment_start: recent(600), treatment_end: '', parental_status: 'lives_with_children', number_of_children: String(children.length) });
      if (rand() < 0.25) for (let k = 0, n = 1 + Math.floor(rand() * 4); k < n; k += 1) out['mental-health'].push({ record_id: ref('MH'), ...person(a, h), ...nhs(a), contact_date: recent(), service: 'Community mental health team', is_parent: 'Y' });
      if (rand() < 0.35) out.worklessness.push({ record_id: ref('DWP'), ...person(a, h), claim_start: recent(900), benefit: 'Universal Credit (searching for work)' });
    }
    for (const c of children) {
      const age = Number(today.slice(0, 4)) - Number(c.dateOfBirth.slice(0, 4));
      if (age >= 5) {
        const attendance = rand() < 0.35 ? 35 + Math.floor(rand() * 50) : 90 + Math.floor(rand() * 10);
        out.school.push({ record_id: ref('SCH'), ...person(c, h), ...upn(c), school_name: 'Northvale Academy', period_end: recent(120), attendance_percent: String(attendance), suspensions: attendance < 70 && rand() < 0.5 ? String(1 + Math.floor(rand() * 3)) : '0', permanent_exclusion: 'N' });
      }
      if (age >= 11 && rand() < 0.15) out['youth-offending'].push({ record_id: ref('YOS'), ...person(c, h), offence_date: recent(), kind: rand() < 0.6 ? 'proven_offence' : 'anti_social_behaviour', outcome: 'Referral order' });
      if (rand() < 0.15) out['social-care'].push({ record_id: ref('CSC'), ...person(c, h), status: rand() < 0.6 ? 'CIN' : rand() < 0.7 ? 'CP' : 'LAC', start_date: recent(500), end_date: '' });
    }
    if (rand() < 0.2) out.housing.push({ record_id: ref('HSG'), ...person(mother, h), as_at: recent(60), arrears_amount: String(200 + Math.floor(rand() * 3000)), eviction_notice_date: rand() < 0.4 ? recent(90) : '' });
  }
  return out;
}

/**
 * A small sample extract of each format, for an agency to copy: up to five made-up rows,
 * in the format's columns, that load as they are.
 */
export function sampleExtract(source: SourceKey, today: string): { header: string[]; rows: string[][] } {
  const header = extractFormats[source].columns.map((c) => c.name);
  const rows = demoExtracts(demoHouseholds(60, 15, ['NV1 4AB', 'NV2 8QT', 'NV3 1AA'], today), 15, today)[source].slice(0, 5);
  return { header, rows: rows.map((r) => header.map((h) => r[h] ?? '')) };
}
