/**
 * Made-up coordinates for the fictional county of Northvale, so distance search works in the demo:
 * each postcode district (NV1 to NV22) has a centre, and every postcode in it a fixed point within
 * about two kilometres of that centre. Real postcodes come from the ONS Postcode Directory instead.
 * Also the demo's ~150 directory services, across every category.
 */
import { northvaleDistricts } from '../demo/generator.ts';
import type { Point } from './geo.ts';
import { categories, type CategoryCode } from './taxonomy.ts';
import type { FeedService } from './record.ts';

// Inward codes never use C, I, K, M, O or V (as in the demo generator).
const inwardLetters = 'ABDEFGHJLNPQRSTUWXYZ';
const districtCount = 22;

function districtCentre(n: number): Point {
  const col = (n - 1) % 5;
  const row = Math.floor((n - 1) / 5);
  return { latitude: 54.3 - row * 0.06, longitude: -1.9 + col * 0.1 };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The made-up centroid of a Northvale postcode ('NV1 5SE'), or null for any other postcode. */
export function northvalePoint(postcode: string): Point | null {
  const match = /^NV([0-9]{1,2}) ([1-9])([A-Z])([A-Z])$/.exec(postcode);
  if (!match) return null;
  const n = Number(match[1]);
  const a = inwardLetters.indexOf(match[3]);
  const b = inwardLetters.indexOf(match[4]);
  if (n < 1 || n > districtCount || a < 0 || b < 0) return null;
  const centre = districtCentre(n);
  const sector = Number(match[2]);
  return { latitude: round6(centre.latitude + (sector - 5) * 0.003 + (b - 10) * 0.0005), longitude: round6(centre.longitude + (a - 10) * 0.002) };
}

/** Every Northvale postcode (79,200) with its centroid. */
export function* northvalePostcodes(): Generator<{ postcode: string } & Point> {
  for (let n = 1; n <= districtCount; n++) {
    for (let sector = 1; sector <= 9; sector++) {
      for (const a of inwardLetters) {
        for (const b of inwardLetters) {
          const postcode = `NV${n} ${sector}${a}${b}`;
          yield { postcode, ...northvalePoint(postcode)! };
        }
      }
    }
  }
}

/** Towns and localities a family may search by instead of a postcode. */
export function northvalePlaces(): ({ name: string } & Point)[] {
  const places: ({ name: string } & Point)[] = [];
  for (const district of northvaleDistricts) {
    for (const town of district.towns) {
      const centres = town.outward.map((o) => districtCentre(Number(o.slice(2))));
      const centre = {
        latitude: round6(centres.reduce((s, c) => s + c.latitude, 0) / centres.length),
        longitude: round6(centres.reduce((s, c) => s + c.longitude, 0) / centres.length),
      };
      if (!places.some((p) => p.name === town.name)) places.push({ name: town.name, ...centre });
      town.localities.forEach((locality, i) => {
        places.push({ name: locality, latitude: round6(centre.latitude + ((i % 3) - 1) * 0.01), longitude: round6(centre.longitude + (i - 1.5) * 0.012) });
      });
    }
  }
  return places;
}

// ---------------------------------------------------------------------------------------------
// Demo services: for each category a handful of kinds, placed across the county's towns.

const kinds: Record<CategoryCode, { name: string; description: string; ages: [number | null, number | null]; cost?: number; days: string; opens: string; closes: string; outreach?: boolean; refuge?: boolean }[]> = {
  parenting: [
    { name: 'Incredible Years parenting course', description: 'A 12-week group course for parents of children aged 3 to 8: play, praise, clear routines and calm limits. A crèche is provided.', ages: [3, 8], days: 'TU', opens: '09:30', closes: '11:30' },
    { name: 'Parenting Teens evening group', description: 'Six evening sessions for parents of teenagers: staying connected, boundaries, and handling conflict.', ages: [11, 18], days: 'WE', opens: '18:00', closes: '20:00' },
    { name: 'Family Links Nurturing Programme', description: 'A 10-week parenting course on emotional health, empathy and positive discipline.', ages: [0, 12], days: 'TH', opens: '10:00', closes: '12:00' },
  ],
  domestic_abuse: [
    { name: 'Domestic abuse outreach service', description: 'Confidential advice, safety planning and support from an independent domestic violence adviser, in person or by phone.', ages: [16, null], days: 'MO,TU,WE,TH,FR', opens: '09:00', closes: '17:00', outreach: true },
    { name: 'Freedom Programme', description: 'An 11-week group for women who have experienced domestic abuse, to understand it and rebuild confidence.', ages: [18, null], days: 'MO', opens: '10:00', closes: '12:30' },
    { name: 'Safe house refuge', description: 'Safe, temporary accommodation for women and their children escaping domestic abuse. The address is never given out.', ages: [0, null], days: 'MO,TU,WE,TH,FR,SA,SU', opens: '00:00', closes: '23:59', refuge: true },
  ],
  substance_misuse: [
    { name: 'Drug and alcohol recovery service', description: 'Free, confidential help to cut down or stop using drugs or alcohol, including prescribing and recovery groups.', ages: [18, null], days: 'MO,TU,WE,TH,FR,SA', opens: '09:00', closes: '19:00' },
    { name: 'Young people’s substance misuse team', description: 'Support for young people worried about their own drug or alcohol use.', ages: [11, 18], days: 'MO,WE,FR', opens: '10:00', closes: '18:30' },
    { name: 'Family support for drug and alcohol use', description: 'Support for parents, partners and children affected by someone else’s drinking or drug use.', ages: [0, null], days: 'TH', opens: '18:00', closes: '20:00' },
  ],
  mental_health: [
    { name: 'Talking therapies', description: 'Free NHS talking therapies for anxiety, depression and stress. You can refer yourself.', ages: [16, null], days: 'MO,TU,WE,TH,FR', opens: '08:00', closes: '20:00' },
    { name: 'Parents’ wellbeing group', description: 'A friendly weekly group for parents feeling low or anxious, with a crèche.', ages: [18, null], days: 'WE', opens: '10:00', closes: '11:30' },
    { name: 'Children and young people’s wellbeing service', description: 'Early help for children and young people with worries, low mood or anxiety.', ages: [5, 18], days: 'MO,TU,TH', opens: '09:00', closes: '17:00' },
  ],
  debt_housing: [
    { name: 'Money and debt advice', description: 'Free, confidential advice on debts, benefits and budgeting.', ages: [18, null], days: 'MO,TU,WE,TH,FR', opens: '09:30', closes: '16:30' },
    { name: 'Housing options and homelessness advice', description: 'Help if you are at risk of losing your home or need somewhere to live.', ages: [16, null], days: 'MO,TU,WE,TH,FR', opens: '09:00', closes: '17:00', outreach: true },
    { name: 'Community food and fuel support', description: 'Food parcels, fuel vouchers and a warm space, with advice on hand.', ages: [null, null], days: 'SA', opens: '10:00', closes: '13:00' },
  ],
  young_carers: [
    { name: 'Young carers club', description: 'Activities, trips and time with others for young carers aged 8 to 17.', ages: [8, 17], days: 'TH', opens: '16:00', closes: '18:30' },
    { name: 'Young carers assessment and support', description: 'An assessment of what a young carer needs and help at school and at home.', ages: [5, 18], days: 'MO,TU,WE,TH,FR', opens: '09:00', closes: '17:00', outreach: true },
  ],
  employment_training: [
    { name: 'Working Families employment support', description: 'A work coach to help parents into work or training, with help towards childcare and travel.', ages: [18, null], days: 'MO,TU,WE,TH', opens: '09:00', closes: '16:00' },
    { name: 'Adult learning: English and maths', description: 'Free courses in English and maths for adults, in the day and evening.', ages: [19, null], days: 'TU,TH', opens: '18:00', closes: '20:30' },
    { name: 'Youth employment hub', description: 'Help for 16 to 24 year olds to find an apprenticeship, training or a job.', ages: [16, 24], days: 'MO,WE,FR', opens: '10:00', closes: '15:00' },
  ],
  childcare: [
    { name: 'Community nursery', description: 'Nursery places for children aged 2 to 4, including funded early education.', ages: [2, 4], cost: 5.5, days: 'MO,TU,WE,TH,FR', opens: '08:00', closes: '18:00' },
    { name: 'Holiday activities and food club', description: 'Free holiday activities with a healthy meal for children who get free school meals.', ages: [5, 16], days: 'MO,TU,WE,TH', opens: '10:00', closes: '14:00' },
    { name: 'Breakfast and after-school club', description: 'Childcare before and after school, term time.', ages: [4, 11], cost: 4, days: 'MO,TU,WE,TH,FR', opens: '07:30', closes: '18:00' },
  ],
  short_breaks: [
    { name: 'Short breaks Saturday club', description: 'Saturday play and activities for disabled children, giving families a break.', ages: [5, 18], days: 'SA', opens: '10:00', closes: '15:00' },
    { name: 'Inclusive holiday play scheme', description: 'Holiday play for disabled children with one-to-one support where needed.', ages: [5, 18], cost: 10, days: 'MO,TU,WE,TH,FR', opens: '09:30', closes: '15:30' },
  ],
  family_learning: [
    { name: 'Family learning: cooking on a budget', description: 'Parents and children cook healthy meals together and take the recipes home.', ages: [5, 11], days: 'SA', opens: '10:00', closes: '12:00' },
    { name: 'Family learning: reading together', description: 'Sessions for parents and young children to share books and rhymes.', ages: [0, 7], days: 'FR', opens: '13:30', closes: '14:30' },
  ],
  youth_services: [
    { name: 'Youth club', description: 'Open-access youth club with sports, music and youth workers to talk to.', ages: [11, 19], days: 'TU,FR', opens: '18:30', closes: '21:00' },
    { name: 'Detached youth work', description: 'Youth workers who meet young people where they are, in parks and on the streets.', ages: [11, 19], days: 'WE,FR,SA', opens: '18:00', closes: '22:00', outreach: true },
  ],
  health_visiting: [
    { name: 'Health visiting team', description: 'Health visitors support families with children under five: feeding, sleep, development and wellbeing.', ages: [0, 5], days: 'MO,TU,WE,TH,FR', opens: '09:00', closes: '17:00', outreach: true },
    { name: 'Baby clinic', description: 'Drop in to have your baby weighed and talk to a health visitor.', ages: [0, 2], days: 'WE', opens: '13:30', closes: '15:30' },
  ],
};

const providers = [
  { name: 'Northvale County Council', description: 'The county council for Northvale: early help, family hubs and the Families Information Service.' },
  { name: 'Northvale Community Health NHS Trust', description: 'Community health services, including health visiting and talking therapies.' },
  { name: 'Northvale Women’s Aid', description: 'A charity supporting women and children affected by domestic abuse.' },
  { name: 'Northvale Family Action', description: 'A charity offering family support, parenting and learning.' },
];
const providerFor: Record<CategoryCode, number> = {
  parenting: 3, domestic_abuse: 2, substance_misuse: 3, mental_health: 1, debt_housing: 0, young_carers: 3,
  employment_training: 0, childcare: 0, short_breaks: 0, family_learning: 3, youth_services: 0, health_visiting: 1,
};

/** A fixed UUID (version 4 layout) from a label and a number, so the demo's ids never change. */
export function demoUuid(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `d1ec7000-${kind.toString(16).padStart(4, '0')}-4000-8000-${hex}`;
}

const streets = ['Family Hub, Station Road', 'Community Centre, Church Street', 'Children’s Centre, Mill Lane', 'Library, Market Square', 'Health Centre, Victoria Road'];

/** About 150 demo services across every category and town, as Open Referral UK feed items. */
export function northvaleDemoServices(today: string): (FeedService & { hideAddress: boolean })[] {
  const towns = northvaleDistricts.flatMap((d) => d.towns.map((t) => ({ ...t, district: d.name })));
  const services: (FeedService & { hideAddress: boolean })[] = [];
  let n = 0;
  categories.forEach((category, c) => {
    const list = kinds[category.code];
    // Every kind in the county's main towns; more in the larger ones.
    const perKind = Math.ceil(12 / list.length);
    list.forEach((kind, k) => {
      for (let i = 0; i < perKind; i++) {
        n += 1;
        const town = towns[(k * 5 + i * 3 + c) % towns.length];
        const outward = town.outward[i % town.outward.length];
        const postcode = `${outward} ${1 + ((n * 7) % 9)}${inwardLetters[(n * 3) % 20]}${inwardLetters[(n * 11) % 20]}`;
        const point = northvalePoint(postcode)!;
        const provider = providerFor[category.code];
        // A few entries were last checked over a year ago, so the stale warning shows in the demo.
        const checked = n % 17 === 0 ? shiftYear(today, -2) : shiftYear(today, 0, -((n * 13) % 300));
        const id = demoUuid(1, n);
        const withLocation = !kind.outreach;
        services.push({
          id, hideAddress: Boolean(kind.refuge), name: `${kind.name}, ${town.name}`, description: kind.description, url: null,
          email: `services+${n}@northvale.example`, status: 'active',
          minimum_age: kind.ages[0], maximum_age: kind.ages[1], assured_date: checked, alert: null, last_modified: `${checked}T09:00:00.000Z`,
          organization: { id: demoUuid(2, provider + 1), name: providers[provider].name, description: providers[provider].description, email: null, website: null },
          schedules: [{ id: demoUuid(3, n), freq: 'WEEKLY', byday: kind.days, opens_at: kind.opens, closes_at: kind.closes, description: null }],
          service_areas: [{ id: demoUuid(4, n), name: town.name, extent: town.outward.join(' '), extent_type: 'postcode_districts' }],
          service_at_locations: withLocation ? [{
            id: demoUuid(5, n),
            location: {
              id: demoUuid(6, n), location_type: 'physical', name: `${streets[n % streets.length].split(',')[0]}, ${town.name}`, description: null,
              latitude: point.latitude, longitude: point.longitude,
              addresses: [{ id: demoUuid(7, n), address_1: streets[n % streets.length], city: town.name, state_province: 'Northvale', postal_code: postcode, country: 'GB' }],
              accessibility: [{ id: demoUuid(8, n), description: n % 3 === 0 ? 'Step-free access and an accessible toilet' : 'Ground floor, step-free access' }],
            },
          }] : [],
          attributes: [{ id: demoUuid(9, n), link_type: 'service', taxonomy_term: { id: category.id, name: category.name, description: '', taxonomy_id: null, taxonomy: null, parent_id: null, term_uri: null } }],
          contacts: [{ id: demoUuid(10, n), name: 'Families Information Service', title: 'Enquiries', phones: [{ id: demoUuid(11, n), number: `0300 555 ${String(1000 + n).slice(-4)}` }] }],
          languages: [{ id: demoUuid(12, n), name: 'English', code: 'en' }, ...(n % 4 === 0 ? [{ id: demoUuid(13, n), name: 'Polish', code: 'pl' }] : [])],
          cost_options: kind.cost ? [{ id: demoUuid(14, n), option: 'Per session', amount: kind.cost, amount_description: `£${kind.cost.toFixed(2)} a session; funded places available` }] : [],
        });
      }
    });
  });
  return services;
}

function shiftYear(date: string, years: number, days = 0): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
