/**
 * A directory service as Lantern holds it: the Open Referral UK (HSDS 3) nested service, with the
 * parts Lantern filters on (locations, schedules, areas, categories) as fields of their own and the
 * rest (contacts, languages, cost options, accessibility) kept in their Open Referral UK shape.
 */
import { z } from 'zod';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const uuid = z.string({ error: 'expected a UUID' }).regex(uuidPattern, { error: 'expected a UUID' });
const text = (max: number) => z.string({ error: 'expected text' }).max(max, { error: `expected at most ${max} characters` });
const optionalText = (max: number) => text(max).nullish().transform((v) => v || null);
const age = z.number({ error: 'expected a whole number of years from 0 to 130' }).int({ error: 'expected a whole number of years from 0 to 130' })
  .min(0, { error: 'expected a whole number of years from 0 to 130' }).max(130, { error: 'expected a whole number of years from 0 to 130' }).nullish().transform((v) => v ?? null);
const time = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, { error: 'expected a time as HH:MM' }).nullish()
  .transform((v) => (v ? v.slice(0, 5) : null));
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' }).nullish().transform((v) => v ?? null);
const looseObject = z.record(z.string(), z.unknown(), { error: 'expected an object' });
const looseList = z.array(looseObject.and(z.object({ id: uuid })), { error: 'expected a list' }).nullish().transform((v) => v ?? []);
const number = (what: string, min: number, max: number) =>
  z.number({ error: `expected ${what}` }).min(min, { error: `expected ${what}` }).max(max, { error: `expected ${what}` }).nullish().transform((v) => v ?? null);

const taxonomyTerm = z.object({
  id: uuid,
  name: text(300).min(1, { error: 'expected a name' }),
  description: text(2000).nullish().transform((v) => v ?? ''),
  taxonomy_id: uuid.nullish().transform((v) => v ?? null),
  taxonomy: optionalText(300),
  parent_id: uuid.nullish().transform((v) => v ?? null),
  term_uri: optionalText(1000),
});

const location = z.object({
  id: uuid,
  location_type: z.enum(['physical', 'postal', 'virtual'], { error: 'expected physical, postal or virtual' }),
  name: optionalText(300),
  description: optionalText(2000),
  latitude: number('a latitude from -90 to 90', -90, 90),
  longitude: number('a longitude from -180 to 180', -180, 180),
  addresses: z.array(z.object({
    id: uuid,
    address_1: text(300),
    city: text(200),
    state_province: text(200),
    postal_code: text(20),
    country: text(2),
  }), { error: 'expected a list' }).max(1, { error: 'expected at most one address' }).nullish().transform((v) => v ?? []),
  accessibility: looseList,
});

export const feedServiceSchema = z.object({
  id: uuid,
  name: text(300).min(1, { error: 'expected a name' }),
  description: text(5000).nullish().transform((v) => v ?? ''),
  url: optionalText(1000),
  email: optionalText(300),
  status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed'], { error: 'expected active, inactive, defunct or temporarily closed' }),
  minimum_age: age,
  maximum_age: age,
  assured_date: isoDate,
  alert: optionalText(2000),
  last_modified: z.string().datetime({ offset: true, error: 'expected a date and time' }).nullish().transform((v) => v ?? null),
  organization: z.object({
    id: uuid,
    name: text(300).min(1, { error: 'expected a name' }),
    description: text(5000).nullish().transform((v) => v ?? ''),
    email: optionalText(300),
    website: optionalText(1000),
  }).nullish().transform((v) => v ?? null),
  schedules: z.array(z.object({
    id: uuid,
    freq: z.enum(['WEEKLY', 'MONTHLY'], { error: 'expected WEEKLY or MONTHLY' }).nullish().transform((v) => v ?? null),
    byday: z.string().regex(/^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$/, { error: 'expected days such as MO,TU,SA' }).nullish().transform((v) => v ?? null),
    opens_at: time,
    closes_at: time,
    description: optionalText(1000),
  }), { error: 'expected a list' }).nullish().transform((v) => v ?? []),
  service_areas: z.array(z.object({
    id: uuid,
    name: text(300).nullish().transform((v) => v ?? ''),
    extent: optionalText(2000),
    extent_type: optionalText(100),
  }), { error: 'expected a list' }).nullish().transform((v) => v ?? []),
  service_at_locations: z.array(z.object({ id: uuid, location }), { error: 'expected a list' }).nullish().transform((v) => v ?? []),
  attributes: z.array(z.object({
    id: uuid,
    link_type: optionalText(100),
    taxonomy_term: taxonomyTerm,
  }), { error: 'expected a list' }).nullish().transform((v) => v ?? []),
  contacts: looseList,
  languages: looseList,
  cost_options: looseList,
});

export type FeedService = z.output<typeof feedServiceSchema>;

/** Postcode districts listed in a service area's extent ('NV1 NV2', or 'NV1, NV2'). */
export function extentDistricts(extent: string | null): string[] {
  if (!extent) return [];
  return [...new Set(extent.toUpperCase().split(/[\s,;]+/).filter((d) => /^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(d)))];
}
