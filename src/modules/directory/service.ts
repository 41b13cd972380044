import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { directoryEntrySchema, editorDays, retireSchema, type DirectoryEntry } from '../../domain/directory/editor.ts';
import { formVersion } from '../../domain/input.ts';
import { requireFeature } from '../access/policy.ts';
import type { Clock } from '../../domain/clock.ts';
import { boundingBox, normalisePostcode, postcodeDistrict, postcodeKey } from '../../domain/directory/geo.ts';
import { onspdColumns, onspdRow, type OnspdColumns } from '../../domain/directory/onspd.ts';
import { feedServiceSchema, type FeedService } from '../../domain/directory/record.ts';
import { isStale } from '../../domain/directory/rules.ts';
import { categories, categoryByCode, lanternTaxonomyId } from '../../domain/directory/taxonomy.ts';
import { auditRepository } from '../audit/repository.ts';
import { fullServiceJson, pageJson, serviceListJson, termJson } from './present.ts';
import { directoryRepository as repo, noFilters, type Near, type SearchFilters, type ServiceRow } from './repository.ts';
import { count } from '../../domain/plural.ts';

/** How far the public search looks from a postcode or place: 10 miles. */
export const searchRadiusMetres = 16_093;
export const publicPageSize = 20;
const maxPerPage = 200;

export class ImportRefused extends Error {
  constructor(readonly problems: string[], readonly problemCount: number) {
    super(`The file was not imported: ${count(problemCount, 'problem')}. Nothing was changed.`);
  }
}

/** A search's place: found, or a message for the family about what they typed. */
type Located = { near: Near | null; label: string | null; problem: string | null };

export interface PublicSearch {
  where: string;
  category: string;
  age: string;
  cost: string;
  when: string[];
  page: number;
}

export interface ApiQuery {
  search?: string; page?: string; per_page?: string; taxonomy_term_id?: string; taxonomy_id?: string; minimum_age?: string; maximum_age?: string;
  start_time?: string; end_time?: string; day?: string; postcode?: string; proximity?: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The service directory: public search and pages, the Open Referral UK API, feed import and export. */
export function directoryService(db: Database, { clock }: { clock: Clock }) {
  async function full(q: Queryable, rows: ServiceRow[]) {
    const children = await repo.children(q, rows.map((r) => r.id));
    return rows.map((r) => fullServiceJson(r, children));
  }

  /** A service's nested JSON as held, its hidden address included (for its editors only). */
  async function unhidden(id: string, q: Queryable = db): Promise<Record<string, unknown> | null> {
    const rows = await repo.services(q, [id]);
    if (!rows.length) return null;
    const children = await repo.children(q, [id]);
    return fullServiceJson({ ...rows[0], hide_address: false }, children);
  }

  async function lockVersion(q: Queryable, id: string, expected: number) {
    const held = await repo.lockVersion(q, id);
    if (held === null) throw new NotFoundError('service');
    if (held !== expected) throw new ConflictError('Someone else changed this service while you were editing it. Go back, reload the page and make your change again.');
  }

  function parseEntry(body: Record<string, unknown>): DirectoryEntry {
    const parsed = directoryEntrySchema.safeParse({ ...body, version: formVersion(body.version) });
    if (parsed.success) return parsed.data;
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'name');
      errors[field] ??= issue.message;
    }
    throw new ValidationError(errors);
  }

  /** The editor's answers laid over the service as held (what the form does not show is kept). */
  async function feedFromEntry(q: Queryable, before: Record<string, unknown> | null, id: string, e: DirectoryEntry): Promise<FeedService> {
    type Json = Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? (v as Json[]) : []);
    const idOf = (v: unknown) => (typeof v === 'string' ? v : randomUUID());
    let latitude: number | null = null;
    let longitude: number | null = null;
    if (e.postcode) {
      const found = await repo.postcode(q, postcodeKey(e.postcode));
      if (!found) throw new ValidationError({ postcode: `We could not find the postcode ${e.postcode} in the postcode directory: check it` });
      latitude = found.latitude; longitude = found.longitude;
    }
    const category = categoryByCode(e.category)!;
    const lanternTerms = new Set<string>(categories.map((c) => c.id));
    const oldSal = list(before?.service_at_locations)[0];
    const oldLocation = (oldSal?.location ?? {}) as Json;
    const oldAddress = list(oldLocation.addresses)[0] ?? {};
    const oldOrg = (before?.organization ?? null) as Json | null;
    const oldContact = list(before?.contacts)[0] ?? {};
    const price = /£\s*(\d+(?:\.\d{1,2})?)/.exec(e.cost);
    const feed = {
      ...(before ?? {}),
      id, name: e.name, description: e.description, url: e.website || null, email: e.email || null,
      status: before && before.status !== 'defunct' ? before.status : 'active',
      minimum_age: e.minimumAge, maximum_age: e.maximumAge, assured_date: clock.today(), last_modified: clock.now().toISOString(),
      organization: e.organisation ? { id: oldOrg && oldOrg.name === e.organisation ? idOf(oldOrg.id) : randomUUID(), name: e.organisation, description: '' } : null,
      contacts: e.phone ? [{ ...oldContact, id: idOf(oldContact.id), phones: [{ id: idOf(list(oldContact.phones)[0]?.id), number: e.phone }] }] : [],
      cost_options: e.cost ? [{ id: idOf(list(before?.cost_options)[0]?.id), amount_description: e.cost, ...(price ? { amount: Number(price[1]), currency: 'GBP' } : {}) }] : [],
      schedules: e.days.length ? [{ id: idOf(list(before?.schedules)[0]?.id), freq: 'WEEKLY', byday: editorDays.filter((d) => e.days.includes(d)).join(','), opens_at: e.opensAt, closes_at: e.closesAt }] : [],
      service_areas: e.areas ? [{ id: idOf(list(before?.service_areas)[0]?.id), name: e.areas, extent: e.areas, extent_type: 'postcode districts or place names' }] : [],
      service_at_locations: e.postcode ? [{
        id: idOf(oldSal?.id),
        location: {
          ...oldLocation, id: idOf(oldLocation.id), location_type: 'physical', latitude, longitude,
          addresses: [{ id: idOf(oldAddress.id), address_1: e.address, city: e.town, state_province: '', postal_code: e.postcode, country: 'GB' }],
        },
      }] : [],
      attributes: [
        ...list(before?.attributes).filter((a) => !lanternTerms.has(String((a.taxonomy_term as Json | undefined)?.id))),
        { id: randomUUID(), taxonomy_term: { id: category.id, name: category.name, taxonomy_id: lanternTaxonomyId } },
      ],
    };
    const parsed = feedServiceSchema.safeParse(feed);
    // The form's schema allows only what the feed's allows; a failure here is a fault, not the editor's input.
    if (!parsed.success) throw new Error(`Directory editor built an invalid service: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    return parsed.data;
  }

  function formValues(json: Record<string, unknown>, row: ServiceRow): Record<string, unknown> {
    type Json = Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? (v as Json[]) : []);
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const location = (list(json.service_at_locations)[0]?.location ?? {}) as Json;
    const address = list(location.addresses)[0] ?? {};
    const schedule = list(json.schedules)[0] ?? {};
    const term = list(json.attributes).map((a) => (a.taxonomy_term as Json).id).find((t) => categories.some((c) => c.id === t));
    return {
      name: row.name, organisation: row.organization_name ?? '', description: row.description, category: categories.find((c) => c.id === term)?.code ?? '',
      minimumAge: row.minimum_age === null ? '' : String(row.minimum_age), maximumAge: row.maximum_age === null ? '' : String(row.maximum_age),
      cost: list(json.cost_options).map((c) => str(c.amount_description) || (typeof c.amount === 'number' ? `£${c.amount.toFixed(2)}` : '')).find(Boolean) ?? '',
      phone: list(json.contacts).flatMap((c) => list(c.phones).map((p) => str(p.number))).find(Boolean) ?? '',
      email: row.email ?? '', website: row.url ?? '', address: str(address.address_1), town: str(address.city), postcode: str(address.postal_code),
      hideAddress: row.hide_address ? 'yes' : '', areas: list(json.service_areas).map((a) => str(a.extent) || str(a.name)).filter(Boolean).join(' '),
      days: str(schedule.byday).split(',').filter(Boolean), opensAt: str(schedule.opens_at), closesAt: str(schedule.closes_at), version: String(row.version),
    };
  }

  /** Where a search starts from: a postcode (ONS or demo centroids) or a place name. */
  async function locate(q: Queryable, text: string, metres: number): Promise<Located> {
    const trimmed = text.trim();
    if (!trimmed) return { near: null, label: null, problem: null };
    const postcode = normalisePostcode(trimmed);
    if (postcode) {
      const found = await repo.postcode(q, postcodeKey(postcode));
      if (!found) return { near: null, label: null, problem: `We could not find the postcode ${postcode}. Check it, or enter a town instead` };
      return { near: { box: boundingBox(found, metres), latitude: found.latitude, longitude: found.longitude, metres, district: postcodeDistrict(postcode), areaName: null }, label: postcode, problem: null };
    }
    const place = await repo.place(q, trimmed);
    if (!place) return { near: null, label: null, problem: 'Enter a full postcode, like NV1 5SE, or the name of a town' };
    return { near: { box: boundingBox(place, metres), latitude: place.latitude, longitude: place.longitude, metres, district: null, areaName: place.name }, label: place.name, problem: null };
  }

  function page(query: ApiQuery) {
    const errors: Record<string, string> = {};
    const int = (name: 'page' | 'per_page', fallback: number, max: number) => {
      const raw = query[name];
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > max) { errors[name] = `expected a whole number from 1 to ${max}`; return fallback; }
      return n;
    };
    const number = int('page', 1, 1_000_000);
    const perPage = int('per_page', 50, maxPerPage);
    return { number, perPage, limit: perPage, offset: (number - 1) * perPage, errors };
  }

  function apiFilters(query: ApiQuery): { filters: SearchFilters; errors: Record<string, string> } {
    const errors: Record<string, string> = {};
    const id = (name: 'taxonomy_id' | 'taxonomy_term_id') => {
      const v = query[name];
      if (!v) return null;
      if (!uuidPattern.test(v)) { errors[name] = 'expected a UUID'; return null; }
      return v;
    };
    const age = (name: 'minimum_age' | 'maximum_age') => {
      const v = query[name];
      if (v === undefined || v === '') return null;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 130) { errors[name] = 'expected an age from 0 to 130'; return null; }
      return Math.floor(n);
    };
    const time = (name: 'start_time' | 'end_time') => {
      const v = query[name];
      if (!v) return null;
      if (!/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/.test(v)) { errors[name] = 'expected a time as HH:MM'; return null; }
      return v;
    };
    let day: string | null = null;
    if (query.day) {
      const d = query.day.toUpperCase().slice(0, 2);
      if (!['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'].includes(d)) errors.day = 'expected a day: MO, TU, WE, TH, FR, SA or SU (or its name)';
      else day = d;
    }
    return {
      filters: {
        ...noFilters, termId: id('taxonomy_term_id'), taxonomyId: id('taxonomy_id'), minimumAgeAtLeast: age('minimum_age'), maximumAgeAtMost: age('maximum_age'),
        opensAtOrAfter: time('start_time'), closesAtOrBefore: time('end_time'), day, text: query.search?.trim() || null,
      },
      errors,
    };
  }

  return {
    clock,

    // -------------------------------------------------------------------------------------------
    // Public pages

    /** The public search: filters checked, the place found, one page of services nearest first. */
    async search(input: PublicSearch) {
      const errors: Record<string, string> = {};
      const category = input.category ? categoryByCode(input.category) : null;
      if (input.category && !category) errors.category = 'Choose a kind of help from the list';
      let age: number | null = null;
      if (input.age.trim()) {
        age = Number(input.age.trim());
        if (!Number.isInteger(age) || age < 0 || age > 130) { errors.age = 'Enter an age as a whole number, like 7'; age = null; }
      }
      if (input.cost && !['free', 'paid'].includes(input.cost)) errors.cost = 'Choose free or paid';
      const located = await locate(db, input.where, searchRadiusMetres);
      if (located.problem) errors.where = located.problem;
      if (Object.keys(errors).length > 0) return { errors, results: [], total: 0, label: null };
      const filters: SearchFilters = {
        ...noFilters, termId: category?.id ?? null, age, free: input.cost === 'free' ? true : input.cost === 'paid' ? false : null,
        weekends: input.when.includes('weekends'), evenings: input.when.includes('evenings'),
      };
      const page = { limit: publicPageSize, offset: (input.page - 1) * publicPageSize };
      let rows: ServiceRow[];
      if (located.near) {
        const hits = await repo.searchNear(db, located.near, filters, page);
        const byId = new Map((await repo.services(db, hits.map((h) => h.id))).map((r) => [r.id, r]));
        rows = hits.map((h) => ({ ...byId.get(h.id)!, metres: h.metres, total: h.total }));
      } else {
        rows = await repo.list(db, filters, page, true);
      }
      const json = await full(db, rows);
      return { errors, results: rows.map((row, i) => ({ row, json: json[i] })), total: rows[0]?.total ?? 0, label: located.label };
    },

    /** One service as the public sees it (no hidden address), or null when there is no such service. */
    async publicService(id: string) {
      const [row] = await repo.services(db, [id]);
      if (!row) return null;
      const [json] = await full(db, [row]);
      const children = await repo.children(db, [id]);
      return { row, json, areas: children.areas, stale: isStale(row.assured_date, clock.today()), today: clock.today() };
    },

    // -------------------------------------------------------------------------------------------
    // Open Referral UK API (openapi.json)

    async apiServices(query: ApiQuery) {
      const p = page(query);
      const { filters, errors } = apiFilters(query);
      if (Object.keys({ ...errors, ...p.errors }).length) throw new ValidationError({ ...errors, ...p.errors });
      const rows = await repo.list(db, filters, p);
      return pageJson(rows.map(serviceListJson), await totalOf(rows, () => repo.list(db, filters, { limit: 1, offset: 0 })), p.number, p.perPage);
    },

    async apiService(id: string) {
      const rows = await repo.services(db, [id]);
      return rows.length ? (await full(db, rows))[0] : null;
    },

    async apiServiceAtLocations(query: ApiQuery) {
      const p = page(query);
      const { filters, errors } = apiFilters(query);
      let near: Near | null = null;
      if (query.proximity !== undefined && query.proximity !== '' && !query.postcode) errors.postcode = 'expected a postcode with proximity';
      if (query.postcode) {
        let metres = 1_000_000;
        if (query.proximity !== undefined && query.proximity !== '') {
          metres = Number(query.proximity);
          if (!Number.isFinite(metres) || metres <= 0 || metres > 1_000_000) errors.proximity = 'expected a distance in metres from 1 to 1000000';
        }
        const postcode = normalisePostcode(query.postcode);
        if (!postcode) errors.postcode = 'expected a full UK postcode';
        else if (!errors.proximity) {
          const located = await locate(db, postcode, metres);
          if (located.problem) errors.postcode = 'no such postcode in the postcode directory';
          near = located.near;
        }
      }
      if (Object.keys({ ...errors, ...p.errors }).length) throw new ValidationError({ ...errors, ...p.errors });
      const rows = await repo.serviceAtLocations(db, near, filters, p);
      const services = await repo.services(db, [...new Set(rows.map((r) => r.service_id))]);
      const children = await repo.children(db, services.map((s) => s.id));
      const contents = rows.map((r) => {
        const service = services.find((s) => s.id === r.service_id)!;
        const location = children.locations.find((l) => l.sal_id === r.id)!;
        const nested = fullServiceJson(service, children);
        const sal = (nested.service_at_locations as { id: string; location: unknown }[]).find((x) => x.id === r.id);
        return { id: r.id, service_id: r.service_id, location_id: location.id, location: sal?.location, service: serviceListJson(service) };
      });
      return pageJson(contents, await totalOf(rows, () => repo.serviceAtLocations(db, near, filters, { limit: 1, offset: 0 })), p.number, p.perPage);
    },

    /** openapi.json answers a service at location with the fully nested service. */
    async apiServiceAtLocation(id: string) {
      const sal = await repo.serviceAtLocation(db, id);
      if (!sal || sal.hide_address) return null;
      return this.apiService(sal.service_id);
    },

    async apiTaxonomies(query: ApiQuery) {
      const p = page(query);
      if (Object.keys(p.errors).length) throw new ValidationError(p.errors);
      const rows = await repo.taxonomies(db, p);
      const contents = [];
      for (const t of rows) contents.push(await taxonomyJson(t));
      return pageJson(contents, await totalOf(rows, () => repo.taxonomies(db, { limit: 1, offset: 0 })), p.number, p.perPage);
    },

    async apiTaxonomy(id: string) {
      const t = await repo.taxonomy(db, id);
      return t ? taxonomyJson(t) : null;
    },

    async apiTerms(query: ApiQuery) {
      const p = page(query);
      if (Object.keys(p.errors).length) throw new ValidationError(p.errors);
      const rows = await repo.terms(db, p);
      return pageJson(rows.map(termJson), await totalOf(rows, () => repo.terms(db, { limit: 1, offset: 0 })), p.number, p.perPage);
    },

    async apiTerm(id: string) {
      const t = await repo.term(db, id);
      return t ? termJson(t) : null;
    },

    /** Every service, fully nested, on one page: what another Lantern (or any Open Referral UK reader) imports. */
    async exportFeed() {
      const ids = await repo.allServiceIds(db);
      const rows = await repo.services(db, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const ordered = ids.map((id) => byId.get(id)!);
      const contents = await full(db, ordered);
      return pageJson(contents, contents.length, 1, Math.max(1, contents.length));
    },

    // -------------------------------------------------------------------------------------------
    // Staff editor: add, change and retire services (directory editors only; audited)

    /** Every service for the editors, stale ones flagged. */
    async editorList(actor: Actor | null) {
      await requireFeature(actor, 'directory.edit', 'Only directory editors can change the service directory');
      const rows = await repo.services(db, await repo.allServiceIds(db));
      const today = clock.today();
      return rows.sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => ({ id: r.id, name: r.name, organisation: r.organization_name ?? '', status: r.status, checked: r.assured_date, stale: isStale(r.assured_date, today) }));
    },

    /** One service as the editor's form values. */
    async editorEntry(actor: Actor | null, id: string) {
      await requireFeature(actor, 'directory.edit', 'Only directory editors can change the service directory');
      const json = await unhidden(id);
      if (!json) throw new NotFoundError('service');
      const row = (await repo.services(db, [id]))[0];
      return { values: formValues(json, row), name: row.name, status: row.status, stale: isStale(row.assured_date, clock.today()), checked: row.assured_date };
    },

    async createEntry(actor: Actor | null, body: Record<string, unknown>): Promise<string> {
      await requireFeature(actor, 'directory.edit', 'Only directory editors can change the service directory');
      const entry = parseEntry({ ...body, version: 0 });
      return db.transaction(async (tx) => {
        const id = randomUUID();
        const feed = await feedFromEntry(tx, null, id, entry);
        await repo.save(tx, feed, { hideAddress: entry.hideAddress, lastModified: clock.now().toISOString(), updatedBy: actor?.id ?? null });
        await auditRepository.insert(tx, { userId: actor?.id ?? null, action: 'create-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor?.ip ?? null, detail: { name: entry.name } });
        return id;
      });
    },

    async updateEntry(actor: Actor | null, id: string, body: Record<string, unknown>): Promise<void> {
      await requireFeature(actor, 'directory.edit', 'Only directory editors can change the service directory');
      const entry = parseEntry(body);
      await db.transaction(async (tx) => {
        await lockVersion(tx, id, entry.version);
        const before = await unhidden(id, tx);
        const feed = await feedFromEntry(tx, before, id, entry);
        await repo.save(tx, feed, { hideAddress: entry.hideAddress, lastModified: clock.now().toISOString(), updatedBy: actor?.id ?? null });
        await auditRepository.insert(tx, {
          userId: actor?.id ?? null, action: 'update-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor?.ip ?? null,
          detail: { before: before ? { name: before.name, status: before.status } : null, after: { name: entry.name } },
        });
      });
    },

    /** Retires a service: it leaves the public directory (status defunct) but stays on cases that signposted it. */
    async retireEntry(actor: Actor | null, id: string, body: Record<string, unknown>): Promise<void> {
      await requireFeature(actor, 'directory.edit', 'Only directory editors can change the service directory');
      const parsed = retireSchema.safeParse({ version: formVersion(body.version) });
      if (!parsed.success) throw new ValidationError({ version: parsed.error.issues[0].message });
      await db.transaction(async (tx) => {
        await lockVersion(tx, id, parsed.data.version);
        await repo.setStatus(tx, id, 'defunct', clock.now().toISOString(), actor?.id ?? null);
        await auditRepository.insert(tx, { userId: actor?.id ?? null, action: 'retire-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor?.ip ?? null, detail: {} });
      });
    },

    /** Services a practitioner may signpost a family to (active), by name. */
    async signpostChoices() {
      const rows = await repo.list(db, noFilters, { limit: 1000, offset: 0 }, true);
      return rows.map((r) => ({ id: r.id, name: r.name, organisation: r.organization_name ?? '' }));
    },

    // -------------------------------------------------------------------------------------------
    // Import

    /**
     * Imports an Open Referral UK feed (a list of fully nested services, or a page of them) all or
     * nothing: every problem is reported as "service N: field: what was expected" and nothing is saved.
     */
    async importFeed(actor: Actor | null, feed: unknown): Promise<{ created: number; updated: number }> {
      const items = Array.isArray(feed) ? feed
        : feed && typeof feed === 'object' && Array.isArray((feed as { contents?: unknown }).contents) ? (feed as { contents: unknown[] }).contents
          : feed && typeof feed === 'object' && Array.isArray((feed as { services?: unknown }).services) ? (feed as { services: unknown[] }).services
            : null;
      if (!items) throw new ImportRefused(['feed: expected a list of services, or an object with the services in "contents"'], 1);
      const problems: string[] = [];
      const services: FeedService[] = [];
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const n = i + 1;
        const parsed = feedServiceSchema.safeParse(item);
        if (!parsed.success) {
          const fields = new Set<string>();
          for (const issue of parsed.error.issues) {
            const field = issue.path.map(String).join('.') || 'service';
            if (fields.has(field)) continue;
            fields.add(field);
            problems.push(`service ${n}: ${field}: ${issue.message}`);
          }
          return;
        }
        const s = parsed.data;
        if (s.minimum_age !== null && s.maximum_age !== null && s.minimum_age > s.maximum_age) problems.push(`service ${n}: maximum_age: expected an age no lower than minimum_age (${s.minimum_age})`);
        const earlier = seen.get(s.id);
        if (earlier) problems.push(`service ${n}: id: expected a different id from service ${earlier}`);
        seen.set(s.id, n);
        services.push(s);
      });
      if (problems.length) throw new ImportRefused(problems.slice(0, 1000), problems.length);
      return db.transaction(async (tx) => {
        let updated = 0;
        const now = clock.now().toISOString();
        for (const s of services) {
          if ((await repo.version(tx, s.id)) !== null) updated += 1;
          await repo.save(tx, s, { hideAddress: false, lastModified: s.last_modified ?? now, updatedBy: actor?.id ?? null });
        }
        await auditRepository.insert(tx, {
          userId: actor?.id ?? null, action: 'import-directory-feed', recordType: 'directory_service', outcome: 'allowed', ip: actor?.ip ?? null,
          detail: { services: services.length, updated },
        });
        return { created: services.length - updated, updated };
      });
    },

    /** Loads the demo's directory services (with their hidden refuge addresses). */
    async seedServices(q: Queryable, services: (FeedService & { hideAddress: boolean })[]) {
      for (const s of services) await repo.save(q, s, { hideAddress: s.hideAddress, lastModified: s.last_modified ?? clock.now().toISOString(), updatedBy: null });
    },

    /**
     * Imports postcode centroids from an ONS Postcode Directory CSV, streamed, in one transaction:
     * any bad row refuses the whole file ("row N: field: what was expected"). Terminated postcodes
     * and those with no grid reference are skipped and counted.
     */
    async importPostcodes(actor: Actor | null, file: string) {
      const counts = { rows: 0, postcodes: 0, terminated: 0, noGridReference: 0 };
      const problems: string[] = [];
      let problemCount = 0;
      await db.transaction(async (tx) => {
        const parser = createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
        let columns: OnspdColumns | null = null;
        let batch: { postcode: string; key: string; latitude: number; longitude: number }[] = [];
        for await (const record of parser as AsyncIterable<string[]>) {
          if (!columns) {
            const found = onspdColumns(record);
            if ('problem' in found) throw new ImportRefused([found.problem], 1);
            columns = found;
            continue;
          }
          counts.rows += 1;
          const row = onspdRow(columns, record, counts.rows + 1);
          if (row.kind === 'terminated') counts.terminated += 1;
          else if (row.kind === 'no_grid_reference') counts.noGridReference += 1;
          else if (row.kind === 'problem') {
            problemCount += 1;
            if (problems.length < 1000) problems.push(row.message);
          } else if (problemCount === 0) {
            batch.push(row);
            if (batch.length === 10_000) { await repo.savePostcodes(tx, batch); counts.postcodes += batch.length; batch = []; }
          }
        }
        if (!columns) throw new ImportRefused(['row 1: header: expected the ONSPD columns pcds, doterm, lat, long'], 1);
        if (problemCount) throw new ImportRefused(problems, problemCount);
        await repo.savePostcodes(tx, batch);
        counts.postcodes += batch.length;
        await auditRepository.insert(tx, {
          userId: actor?.id ?? null, action: 'import-postcodes', recordType: 'postcode_centroid', outcome: 'allowed', ip: actor?.ip ?? null, detail: counts,
        });
      });
      return counts;
    },
  };

  async function taxonomyJson(t: { id: string; name: string; description: string; uri: string | null; version: string | null }) {
    const terms = await repo.terms(db, { limit: 1000, offset: 0 }, t.id);
    return { id: t.id, name: t.name, description: t.description, ...(t.uri ? { uri: t.uri } : {}), ...(t.version ? { version: t.version } : {}), taxonomy_terms: terms.map(termJson) };
  }
}

/** The total behind a page; a page past the end has no rows to carry it, so the first page is asked. */
async function totalOf(rows: { total: number }[], firstPage: () => Promise<{ total: number }[]>): Promise<number> {
  if (rows.length) return rows[0].total;
  const [first] = await firstPage();
  return first?.total ?? 0;
}


export type DirectoryService = ReturnType<typeof directoryService>;
