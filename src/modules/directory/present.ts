/**
 * Directory rows as Open Referral UK JSON. Fields with no value are left out (the schemas type them
 * as strings or numbers, never null). Public answers never carry a hidden address: a refuge's
 * locations are dropped and only the areas it serves remain.
 */
import type { ServiceChildren, ServiceRow, TermRow } from './repository.ts';

type Json = Record<string, unknown>;

/** Drops null and undefined fields. */
export function compact<T extends Json>(object: T): Json {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null && v !== undefined));
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function organizationJson(r: ServiceRow): Json | null {
  if (!r.organization_id) return null;
  return compact({ id: r.organization_id, name: r.organization_name, description: r.organization_description ?? '', email: r.organization_email, website: r.organization_website });
}

/** The one-to-one fields of a service (the API's lists), with its organisation. */
export function serviceListJson(r: ServiceRow): Json {
  return compact({
    id: r.id, organization_id: r.organization_id, name: r.name, description: r.description, url: r.url, email: r.email, status: r.status,
    minimum_age: r.minimum_age, maximum_age: r.maximum_age, assured_date: r.assured_date, alert: r.alert, last_modified: iso(r.last_modified),
    organization: organizationJson(r),
  });
}

export function termJson(t: Pick<TermRow, 'id' | 'name' | 'description' | 'parent_id' | 'taxonomy_id' | 'taxonomy_name' | 'term_uri'>): Json {
  return compact({ id: t.id, name: t.name, description: t.description, parent_id: t.parent_id, taxonomy: t.taxonomy_name, taxonomy_id: t.taxonomy_id, term_uri: t.term_uri });
}

export function locationJson(l: ServiceChildren['locations'][number]): Json {
  return compact({
    id: l.id, location_type: l.location_type, name: l.name, description: l.description, latitude: l.latitude, longitude: l.longitude,
    addresses: l.address_id ? [{
      id: l.address_id, location_id: l.id, address_1: l.address_1, city: l.city, state_province: l.state_province, postal_code: l.postal_code,
      country: l.country, address_type: 'physical',
    }] : [],
    accessibility: l.accessibility,
  });
}

/** A fully nested service. */
export function fullServiceJson(r: ServiceRow, c: ServiceChildren): Json {
  const mine = <T extends { service_id: string }>(rows: T[]) => rows.filter((x) => x.service_id === r.id);
  const nested = c.nested.find((n) => n.id === r.id);
  return {
    ...serviceListJson(r),
    schedules: mine(c.schedules).map((s) => compact({ id: s.id, service_id: r.id, freq: s.freq, byday: s.byday, opens_at: s.opens_at, closes_at: s.closes_at, description: s.description })),
    service_areas: mine(c.areas).map((a) => compact({ id: a.id, service_id: r.id, name: a.name, extent: a.extent, extent_type: a.extent_type })),
    service_at_locations: r.hide_address ? [] : mine(c.locations).map((l) => ({ id: l.sal_id, service_id: r.id, location_id: l.id, location: locationJson(l) })),
    languages: nested?.languages ?? [],
    funding: [],
    cost_options: nested?.cost_options ?? [],
    contacts: nested?.contacts ?? [],
    attributes: mine(c.terms).map((t) => compact({
      id: t.id, link_id: r.id, taxonomy_term_id: t.term_id, link_type: t.link_type, taxonomy_term: termJson({ ...t, id: t.term_id }),
    })),
  };
}

/** openapi.json's Page fields around one page of contents. */
export function pageJson(contents: unknown[], total: number, page: number, perPage: number): Json {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return {
    total_items: total, total_pages: totalPages, page_number: page, size: contents.length,
    first_page: page === 1, last_page: page >= totalPages, empty: total === 0, contents,
  };
}
