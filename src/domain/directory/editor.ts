/**
 * What a directory editor types about a service (issue 17): one flat set of fields for the page and
 * the API alike, checked by one zod schema, and turned into the Open Referral UK service Lantern
 * stores. The form edits a service's first location, schedule, area and contact; anything further an
 * imported feed gave the service is kept as it was.
 */
import { z } from 'zod';
import { normalisePostcode } from './geo.ts';
import type { FeedService } from './record.ts';
import { categories, categoryByCode, categoryCodes, lanternTaxonomyId } from './taxonomy.ts';

export const dayCodes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export const dayLabels: Record<(typeof dayCodes)[number], string> = {
  MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday',
};

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const timePattern = /^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$/;

/** Text from a form (a string) or JSON (a string, or a number for ages and amounts); absent is ''. */
const field = (max: number, label: string) => z.preprocess(
  (v) => (v === undefined || v === null ? '' : typeof v === 'number' ? String(v) : v),
  z.string({ error: `${label} must be text` }).trim().max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`),
);
const required = (max: number, missing: string, label: string) => field(max, label).pipe(z.string().min(1, missing));
const list = (max: number, label: string) => z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string({ error: `Choose ${label} from the list` }).max(50), { error: `Choose ${label} from the list` }).max(max),
);
const yesNo = z.preprocess((v) => v === true || v === 'yes' || v === 'true', z.boolean());

function wholeAge(raw: string): number | null | 'bad' {
  if (!raw) return null;
  if (!/^\d{1,3}$/.test(raw)) return 'bad';
  const n = Number(raw);
  return n <= 130 ? n : 'bad';
}

/** '09:30' from '9:30' or '9.30'; null when empty or not a time. */
export function clockTime(raw: string): string | null {
  const m = timePattern.exec(raw.trim());
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : null;
}

export const serviceEditSchema = z.object({
  organisationName: required(300, 'Enter the name of the organisation that runs the service', 'The organisation’s name'),
  name: required(300, 'Enter the name of the service', 'The service’s name'),
  description: required(5000, 'Describe the service: what it offers and who it is for', 'The description'),
  categories: list(categories.length, 'kinds of help'),
  minimumAge: field(3, 'The youngest age'),
  maximumAge: field(3, 'The oldest age'),
  cost: field(10, 'Cost'),
  costAmount: field(12, 'The cost'),
  costDescription: field(300, 'What it costs'),
  locationName: field(300, 'The name of the place'),
  address1: field(300, 'The address'),
  town: field(200, 'The town'),
  postcode: field(20, 'The postcode'),
  hideAddress: yesNo,
  areaName: field(300, 'The areas covered'),
  areaDistricts: field(300, 'The postcode districts'),
  days: list(7, 'days'),
  opensAt: field(5, 'The opening time'),
  closesAt: field(5, 'The closing time'),
  scheduleDescription: field(1000, 'When it runs'),
  contactName: field(300, 'Who to contact'),
  phone: field(50, 'The phone number'),
  email: field(300, 'The email address'),
  website: field(1000, 'The website'),
  languages: field(500, 'Languages'),
  accessibility: field(1000, 'Access'),
}).superRefine((f, ctx) => {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!f.categories.length) problem('categories', 'Select at least one kind of help');
  else if (f.categories.some((c) => !(categoryCodes as string[]).includes(c))) problem('categories', 'Choose kinds of help from the list');
  const minimum = wholeAge(f.minimumAge);
  const maximum = wholeAge(f.maximumAge);
  if (minimum === 'bad') problem('minimumAge', 'The youngest age must be a whole number of years from 0 to 130, like 5');
  if (maximum === 'bad') problem('maximumAge', 'The oldest age must be a whole number of years from 0 to 130, like 18');
  if (typeof minimum === 'number' && typeof maximum === 'number' && maximum < minimum) problem('maximumAge', 'The oldest age must be the same as or more than the youngest age');
  if (f.cost !== 'free' && f.cost !== 'paid') problem('cost', 'Select whether the service is free or families pay');
  if (f.cost === 'paid') {
    const amount = Number(f.costAmount.replace(/^£/, ''));
    if (!f.costAmount) problem('costAmount', 'Enter what it costs in pounds, like 5 or 4.50');
    else if (!/^£?\d{1,6}(\.\d{1,2})?$/.test(f.costAmount) || amount <= 0) problem('costAmount', 'The cost must be an amount in pounds more than 0, like 5 or 4.50');
  }
  const anyAddress = Boolean(f.address1 || f.town || f.postcode || f.locationName);
  if (anyAddress) {
    if (!f.address1) problem('address1', 'Enter the first line of the address, or leave the whole address empty if the service comes to families');
    if (!f.town) problem('town', 'Enter the town');
    if (!f.postcode) problem('postcode', 'Enter the postcode');
    else if (!normalisePostcode(f.postcode)) problem('postcode', 'Enter a full UK postcode, like NV1 5SE');
  }
  if ((f.hideAddress || !anyAddress) && !f.areaName && !f.areaDistricts) {
    problem('areaName', f.hideAddress
      ? 'Enter the areas the service covers: its address is not shown, so families find it by area'
      : 'Enter the areas the service covers, or its address: families find a service with no address by area');
  }
  if (f.areaDistricts && !/^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?([\s,;]+[A-Za-z]{1,2}[0-9][A-Za-z0-9]?)*$/.test(f.areaDistricts)) {
    problem('areaDistricts', 'Enter postcode districts separated by spaces, like NV1 NV2');
  }
  if (f.days.some((d) => !(dayCodes as readonly string[]).includes(d))) problem('days', 'Choose days from the list');
  const opens = f.opensAt ? clockTime(f.opensAt) : null;
  const closes = f.closesAt ? clockTime(f.closesAt) : null;
  if (f.opensAt && !opens) problem('opensAt', 'Enter the opening time as hours and minutes, like 09:30 or 18:00');
  if (f.closesAt && !closes) problem('closesAt', 'Enter the closing time as hours and minutes, like 11:30 or 20:00');
  if (opens && closes && closes <= opens) problem('closesAt', 'The closing time must be after the opening time');
  if ((f.opensAt || f.closesAt) && !f.days.length) problem('days', 'Select the days the service is open');
  if (f.email && !emailPattern.test(f.email)) problem('email', 'Enter an email address in the correct format, like name@example.org');
  if (f.website && !/^https?:\/\/[^\s]+\.[^\s]+$/.test(f.website)) problem('website', 'Enter the website address in full, starting https://');
}, { when: () => true });

export type ServiceEdit = z.output<typeof serviceEditSchema>;

/** The order the form's fields appear in, for the error summary. */
export const serviceEditFieldOrder = [
  'organisationName', 'name', 'description', 'categories', 'minimumAge', 'maximumAge', 'cost', 'costAmount', 'costDescription', 'locationName', 'address1',
  'town', 'postcode', 'hideAddress', 'areaName', 'areaDistricts', 'days', 'opensAt', 'closesAt', 'scheduleDescription', 'contactName', 'phone', 'email',
  'website', 'languages', 'accessibility', 'version',
];

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The form's values for a stored service (its first location, schedule, area and contact). */
export function editFromService(s: FeedService, hideAddress: boolean): Record<string, unknown> {
  const location = s.service_at_locations[0]?.location;
  const address = location?.addresses[0];
  const schedule = s.schedules[0];
  const area = s.service_areas[0];
  const contact = s.contacts[0] as Json | undefined;
  const phone = (Array.isArray(contact?.phones) ? (contact!.phones as Json[]) : [])[0];
  const cost = s.cost_options[0] as Json | undefined;
  const amount = typeof cost?.amount === 'number' && cost.amount > 0 ? cost.amount : null;
  return {
    organisationName: s.organization?.name ?? '', name: s.name, description: s.description,
    categories: s.attributes.map((a) => categories.find((c) => c.id === a.taxonomy_term.id)?.code).filter(Boolean),
    minimumAge: s.minimum_age === null ? '' : String(s.minimum_age), maximumAge: s.maximum_age === null ? '' : String(s.maximum_age),
    cost: amount === null ? 'free' : 'paid', costAmount: amount === null ? '' : amount.toFixed(2), costDescription: str(cost?.amount_description),
    locationName: location?.name ?? '', address1: address?.address_1 ?? '', town: address?.city ?? '', postcode: address?.postal_code ?? '',
    hideAddress: hideAddress ? 'yes' : '', areaName: area?.name ?? '', areaDistricts: area?.extent ?? '',
    days: (schedule?.byday ?? '').split(',').filter(Boolean), opensAt: schedule?.opens_at ?? '', closesAt: schedule?.closes_at ?? '',
    scheduleDescription: schedule?.description ?? '', contactName: str(contact?.name), phone: str(phone?.number), email: s.email ?? '', website: s.url ?? '',
    languages: s.languages.map((l) => str(l.name)).filter(Boolean).join(', '),
    accessibility: location ? location.accessibility.map((a) => str(a.description)).filter(Boolean).join('\n') : '',
  };
}

/** Ids for the parts a service keeps across edits (its own, its first location's) and new ones for the rest. */
export interface EditIds {
  serviceId: string;
  organisationId: string;
  newId: () => string;
}

/**
 * The Open Referral UK service for what the editor typed. `existing` (an edit) keeps the ids of the
 * parts the form edits and every further location, schedule, area, contact and cost option as it was.
 */
export function serviceFromEdit(f: ServiceEdit, ids: EditIds, point: { latitude: number; longitude: number } | null, today: string,
  existing: FeedService | null): FeedService {
  const postcode = f.postcode ? normalisePostcode(f.postcode) : null;
  const oldSal = existing?.service_at_locations[0];
  const oldAddress = oldSal?.location.addresses[0];
  const age = (raw: string) => (raw ? Number(raw) : null);
  const amount = f.cost === 'paid' ? Number(f.costAmount.replace(/^£/, '')) : null;
  const opens = f.opensAt ? clockTime(f.opensAt) : null;
  const closes = f.closesAt ? clockTime(f.closesAt) : null;
  const keep = <T>(rows: T[] | undefined) => (rows ?? []).slice(1);
  const oldContact = existing?.contacts[0] as Json | undefined;
  const oldPhone = (Array.isArray(oldContact?.phones) ? (oldContact!.phones as Json[]) : [])[0];
  const languageNames = f.languages.split(/[,;\n]+/).map((l) => l.trim()).filter(Boolean);
  return {
    id: ids.serviceId,
    name: f.name,
    description: f.description,
    url: f.website || null,
    email: f.email || null,
    status: existing?.status ?? 'active',
    minimum_age: age(f.minimumAge),
    maximum_age: age(f.maximumAge),
    // Saving the whole entry is checking it.
    assured_date: today,
    alert: existing?.alert ?? null,
    last_modified: null,
    organization: { id: ids.organisationId, name: f.organisationName, description: existing?.organization?.name === f.organisationName ? existing.organization.description : '', email: null, website: null },
    schedules: [
      ...(f.days.length || f.scheduleDescription ? [{
        id: existing?.schedules[0]?.id ?? ids.newId(), freq: 'WEEKLY' as const,
        byday: f.days.length ? dayCodes.filter((d) => f.days.includes(d)).join(',') : null, opens_at: opens, closes_at: closes, description: f.scheduleDescription || null,
      }] : []),
      ...keep(existing?.schedules),
    ],
    service_areas: [
      ...(f.areaName || f.areaDistricts ? [{
        id: existing?.service_areas[0]?.id ?? ids.newId(), name: f.areaName, extent: f.areaDistricts ? f.areaDistricts.toUpperCase() : null,
        extent_type: f.areaDistricts ? 'postcode_districts' : null,
      }] : []),
      ...keep(existing?.service_areas),
    ],
    service_at_locations: [
      ...(postcode ? [{
        id: oldSal?.id ?? ids.newId(),
        location: {
          id: oldSal?.location.id ?? ids.newId(), location_type: 'physical' as const, name: f.locationName || null, description: oldSal?.location.description ?? null,
          latitude: point?.latitude ?? null, longitude: point?.longitude ?? null,
          addresses: [{ id: oldAddress?.id ?? ids.newId(), address_1: f.address1, city: f.town, state_province: oldAddress?.state_province ?? '', postal_code: postcode, country: 'GB' }],
          accessibility: f.accessibility ? [{ id: ids.newId(), description: f.accessibility }] : [],
        },
      }] : []),
      ...keep(existing?.service_at_locations),
    ],
    attributes: [
      ...categoryByCodes(f.categories).map((c) => ({
        id: existing?.attributes.find((a) => a.taxonomy_term.id === c.id)?.id ?? ids.newId(), link_type: null,
        taxonomy_term: { id: c.id, name: c.name, description: '', taxonomy_id: lanternTaxonomyId, taxonomy: null, parent_id: null, term_uri: null },
      })),
      // A neighbour's terms (from an imported feed) are not on the form: they stay.
      ...(existing?.attributes ?? []).filter((a) => !categories.some((c) => c.id === a.taxonomy_term.id)),
    ],
    contacts: [
      ...(f.contactName || f.phone ? [{
        id: str(oldContact?.id) || ids.newId(), name: f.contactName || 'Enquiries',
        phones: f.phone ? [{ id: str(oldPhone?.id) || ids.newId(), number: f.phone }] : [],
      }] : []),
      ...keep(existing?.contacts),
    ],
    languages: languageNames.map((name) => ({ id: existing?.languages.find((l) => l.name === name)?.id ?? ids.newId(), name })),
    cost_options: [
      ...(amount !== null || f.costDescription ? [{
        id: str((existing?.cost_options[0] as Json | undefined)?.id) || ids.newId(),
        ...(amount !== null ? { amount, currency: 'GBP' } : {}), ...(f.costDescription ? { amount_description: f.costDescription } : {}),
      }] : []),
      ...keep(existing?.cost_options),
    ],
  };
}

function categoryByCodes(codes: string[]) {
  return categories.filter((c) => codes.includes(c.code)).map((c) => categoryByCode(c.code)!);
}
