import type { Queryable } from '../../db/database.ts';
import { extentDistricts, type FeedService } from '../../domain/directory/record.ts';
import { isFree, opensAtWeekends, opensInEvenings } from '../../domain/directory/rules.ts';

// Great-circle distance in metres from ($lat, $lon) parameters to a location row `l`.
const haversine = (lat: string, lon: string) => `(2 * 6371008.8 * asin(least(1, sqrt(
  power(sin(radians(l.latitude - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lon}) / 2), 2)))))`;

export interface SearchFilters {
  termId: string | null;
  taxonomyId: string | null;
  /** A child's or adult's age the service must take. */
  age: number | null;
  /** API: services whose minimum age is at least this / whose maximum age is at most this. */
  minimumAgeAtLeast: number | null;
  maximumAgeAtMost: number | null;
  free: boolean | null;
  weekends: boolean;
  evenings: boolean;
  text: string | null;
  day: string | null;
  opensAtOrAfter: string | null;
  closesAtOrBefore: string | null;
}

export const noFilters: SearchFilters = {
  termId: null, taxonomyId: null, age: null, minimumAgeAtLeast: null, maximumAgeAtMost: null, free: null, weekends: false, evenings: false,
  text: null, day: null, opensAtOrAfter: null, closesAtOrBefore: null,
};

export interface Near {
  box: { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number };
  latitude: number;
  longitude: number;
  metres: number;
  /** Services with no public location are found through the postcode districts or area names they serve. */
  district: string | null;
  areaName: string | null;
}

export interface ServiceRow {
  id: string;
  organization_id: string | null;
  name: string;
  description: string;
  url: string | null;
  email: string | null;
  status: FeedService['status'];
  minimum_age: number | null;
  maximum_age: number | null;
  assured_date: string | null;
  alert: string | null;
  last_modified: Date | string;
  hide_address: boolean;
  is_free: boolean;
  version: number;
  organization_name: string | null;
  organization_description: string | null;
  organization_email: string | null;
  organization_website: string | null;
  metres: number | null;
  total: number;
}

const serviceColumns = `s.id, s.organization_id, s.name, s.description, s.url, s.email, s.status, s.minimum_age, s.maximum_age,
  s.assured_date::text AS assured_date, s.alert, s.last_modified, s.hide_address, s.is_free, s.version,
  o.name AS organization_name, o.description AS organization_description, o.email AS organization_email, o.website AS organization_website`;

/** The WHERE conditions for the filters, numbered from $start; returns the SQL and its parameters. */
function filterSql(f: SearchFilters, start: number, activeOnly: boolean) {
  const params: unknown[] = [f.termId, f.taxonomyId, f.age, f.minimumAgeAtLeast, f.maximumAgeAtMost, f.free, f.weekends, f.evenings,
    f.text ? `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%` : null, f.day ? `%${f.day}%` : null, f.opensAtOrAfter, f.closesAtOrBefore];
  const p = (i: number) => `$${start + i}`;
  const sql = `${activeOnly ? `s.status = 'active'` : 'true'}
    AND (${p(0)}::uuid IS NULL OR EXISTS (SELECT 1 FROM directory_service_term st WHERE st.service_id = s.id AND st.term_id = ${p(0)}::uuid))
    AND (${p(1)}::uuid IS NULL OR EXISTS (SELECT 1 FROM directory_service_term st JOIN directory_taxonomy_term tt ON tt.id = st.term_id
         WHERE st.service_id = s.id AND tt.taxonomy_id = ${p(1)}::uuid))
    AND (${p(2)}::int IS NULL OR (coalesce(s.minimum_age, 0) <= ${p(2)}::int AND coalesce(s.maximum_age, 130) >= ${p(2)}::int))
    AND (${p(3)}::int IS NULL OR s.minimum_age >= ${p(3)}::int)
    AND (${p(4)}::int IS NULL OR s.maximum_age <= ${p(4)}::int)
    AND (${p(5)}::boolean IS NULL OR s.is_free = ${p(5)}::boolean)
    AND (NOT ${p(6)}::boolean OR s.weekends)
    AND (NOT ${p(7)}::boolean OR s.evenings)
    AND (${p(8)}::text IS NULL OR s.search_text LIKE ${p(8)}::text)
    AND (${p(9)}::text IS NULL OR EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.service_id = s.id AND sc.byday LIKE ${p(9)}::text))
    AND (${p(10)}::time IS NULL OR EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.service_id = s.id AND sc.opens_at >= ${p(10)}::time))
    AND (${p(11)}::time IS NULL OR EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.service_id = s.id AND sc.closes_at <= ${p(11)}::time))`;
  return { sql, params };
}

const haversineFrom = (table: string, lat: string, lon: string) => haversine(lat, lon).replace(/\bl\./g, `${table}.`);

/** The public filters on the search index's copies of them, numbered from $start. */
function pointFilterSql(f: SearchFilters, start: number) {
  const p = (i: number) => `$${start + i}`;
  return {
    sql: `p.active AND (${p(0)}::uuid IS NULL OR p.term_ids @> ARRAY[${p(0)}::uuid])
      AND (${p(1)}::int IS NULL OR (coalesce(p.minimum_age, 0) <= ${p(1)}::int AND coalesce(p.maximum_age, 130) >= ${p(1)}::int))
      AND (${p(2)}::boolean IS NULL OR p.is_free = ${p(2)}::boolean) AND (NOT ${p(3)}::boolean OR p.weekends) AND (NOT ${p(4)}::boolean OR p.evenings)`,
    params: [f.termId, f.age, f.free, f.weekends, f.evenings],
  };
}

export interface ServiceChildren {
  schedules: { id: string; service_id: string; freq: 'WEEKLY' | 'MONTHLY' | null; byday: string | null; opens_at: string | null; closes_at: string | null; description: string | null }[];
  areas: { id: string; service_id: string; name: string; extent: string | null; extent_type: string | null }[];
  locations: {
    sal_id: string; service_id: string; id: string; location_type: 'physical' | 'postal' | 'virtual'; name: string | null; description: string | null;
    latitude: number | null; longitude: number | null; address_id: string | null; address_1: string | null; city: string | null;
    state_province: string | null; postal_code: string | null; country: string | null; accessibility: Record<string, unknown>[];
  }[];
  terms: {
    id: string; service_id: string; link_type: string | null; term_id: string; code: string | null; name: string; description: string;
    taxonomy_id: string | null; taxonomy_name: string | null; parent_id: string | null; term_uri: string | null;
  }[];
  nested: { id: string; contacts: Record<string, unknown>[]; languages: Record<string, unknown>[]; cost_options: Record<string, unknown>[] }[];
}

export const directoryRepository = {
  /**
   * Public search near a point: the bounding box on the search index's indexed latitude and
   * longitude, then haversine, nearest first; then services with no public location that serve the
   * postcode district or the named area. One page of ids, distances and the total.
   */
  async searchNear(q: Queryable, near: Near, f: SearchFilters, page: { limit: number; offset: number }) {
    const points = pointFilterSql(f, 8);
    const filters = filterSql(f, 13, true);
    return q.query<{ id: string; metres: number | null; total: number }>(`WITH near AS (
        SELECT p.service_id, min(${haversineFrom('p', '$5::float8', '$6::float8')}) AS metres, min(p.name) AS name
        FROM directory_search_point p
        WHERE p.latitude BETWEEN $1::float8 AND $2::float8 AND p.longitude BETWEEN $3::float8 AND $4::float8 AND ${points.sql}
        GROUP BY p.service_id
      ), hits AS (
        SELECT service_id, metres, name FROM near WHERE metres <= $7::float8
        UNION ALL
        SELECT s.id, NULL::float8, s.name FROM directory_service s
        WHERE s.id IN (SELECT d.service_id FROM directory_service_area_district d WHERE d.district = $25::text
                       UNION SELECT a.service_id FROM directory_service_area a WHERE lower(a.name) = lower($26::text))
          AND NOT EXISTS (SELECT 1 FROM near WHERE near.service_id = s.id AND near.metres <= $7::float8)
          AND ${filters.sql}
      )
      SELECT service_id AS id, metres, count(*) OVER ()::int AS total FROM hits
      ORDER BY metres ASC NULLS LAST, name, service_id LIMIT $27 OFFSET $28`,
    [near.box.minLatitude, near.box.maxLatitude, near.box.minLongitude, near.box.maxLongitude, near.latitude, near.longitude, near.metres,
      ...points.params, ...filters.params, near.district, near.areaName, page.limit, page.offset], { prepare: false });
  },

  /** Services by name: the public search with no place (active only), and the API's list (every status). */
  async list(q: Queryable, f: SearchFilters, page: { limit: number; offset: number }, activeOnly = false): Promise<ServiceRow[]> {
    const filters = filterSql(f, 1, activeOnly);
    return q.query<ServiceRow>(`SELECT ${serviceColumns}, NULL::float8 AS metres, count(*) OVER ()::int AS total
      FROM directory_service s LEFT JOIN directory_organization o ON o.id = s.organization_id
      WHERE ${filters.sql}
      ORDER BY s.name, s.id LIMIT $13 OFFSET $14`, [...filters.params, page.limit, page.offset], { prepare: false });
  },

  /**
   * Service-at-location rows (API), optionally within `near`: one statement, the bounding box on the
   * search index's indexed latitude and longitude, then haversine, nearest first. Hidden addresses
   * are never listed (they are never on the search index either).
   */
  async serviceAtLocations(q: Queryable, near: Near | null, f: SearchFilters, page: { limit: number; offset: number }) {
    const filters = filterSql(f, 8, false);
    return q.query<{ id: string; service_id: string; location_id: string; metres: number | null; total: number }>(
      `WITH near AS (
         SELECT sal_id, metres FROM (
           SELECT p.sal_id, ${haversineFrom('p', '$5::float8', '$6::float8')} AS metres FROM directory_search_point p
           WHERE $7::float8 IS NOT NULL
             AND p.latitude BETWEEN $1::float8 AND $2::float8 AND p.longitude BETWEEN $3::float8 AND $4::float8) x
         WHERE metres <= $7::float8)
       SELECT sal.id, sal.service_id, sal.location_id, n.metres, count(*) OVER ()::int AS total
       FROM directory_service_at_location sal
       JOIN directory_service s ON s.id = sal.service_id
       LEFT JOIN near n ON n.sal_id = sal.id
       WHERE NOT s.hide_address AND ($7::float8 IS NULL OR n.sal_id IS NOT NULL) AND ${filters.sql}
       ORDER BY n.metres, s.name, sal.id LIMIT $20 OFFSET $21`,
      [near?.box.minLatitude ?? null, near?.box.maxLatitude ?? null, near?.box.minLongitude ?? null, near?.box.maxLongitude ?? null,
        near?.latitude ?? null, near?.longitude ?? null, near?.metres ?? null, ...filters.params, page.limit, page.offset], { prepare: false });
  },

  async serviceAtLocation(q: Queryable, id: string) {
    const [row] = await q.query<{ id: string; service_id: string; location_id: string; hide_address: boolean }>(
      `SELECT sal.id, sal.service_id, sal.location_id, s.hide_address FROM directory_service_at_location sal
       JOIN directory_service s ON s.id = sal.service_id WHERE sal.id = $1`, [id]);
    return row ?? null;
  },

  async services(q: Queryable, ids: string[]): Promise<ServiceRow[]> {
    if (ids.length === 0) return [];
    return q.query<ServiceRow>(`SELECT ${serviceColumns}, NULL::float8 AS metres, 0 AS total
      FROM directory_service s LEFT JOIN directory_organization o ON o.id = s.organization_id WHERE s.id = ANY($1::uuid[])`, [ids]);
  },

  async allServiceIds(q: Queryable): Promise<string[]> {
    return (await q.query<{ id: string }>('SELECT id FROM directory_service ORDER BY name, id')).map((r) => r.id);
  },

  /** The nested parts of these services, for full services (pages, the API, the export). */
  async children(q: Queryable, ids: string[]): Promise<ServiceChildren> {
    const [schedules, areas, locations, terms, nested] = await Promise.all([
      q.query<ServiceChildren['schedules'][number]>(`SELECT id, service_id, freq, byday, to_char(opens_at, 'HH24:MI') AS opens_at, to_char(closes_at, 'HH24:MI') AS closes_at, description
        FROM directory_schedule WHERE service_id = ANY($1::uuid[]) ORDER BY id`, [ids]),
      q.query<ServiceChildren['areas'][number]>('SELECT id, service_id, name, extent, extent_type FROM directory_service_area WHERE service_id = ANY($1::uuid[]) ORDER BY id', [ids]),
      q.query<ServiceChildren['locations'][number]>(`SELECT sal.id AS sal_id, sal.service_id, l.id, l.location_type, l.name, l.description, l.latitude, l.longitude,
          l.address_id, l.address_1, l.city, l.state_province, l.postal_code, l.country, l.accessibility
        FROM directory_service_at_location sal JOIN directory_location l ON l.id = sal.location_id WHERE sal.service_id = ANY($1::uuid[]) ORDER BY sal.id`, [ids]),
      q.query<ServiceChildren['terms'][number]>(`SELECT st.id, st.service_id, st.link_type, t.id AS term_id, t.code, t.name, t.description, t.taxonomy_id,
          x.name AS taxonomy_name, t.parent_id, t.term_uri
        FROM directory_service_term st JOIN directory_taxonomy_term t ON t.id = st.term_id LEFT JOIN directory_taxonomy x ON x.id = t.taxonomy_id
        WHERE st.service_id = ANY($1::uuid[]) ORDER BY st.id`, [ids]),
      q.query<ServiceChildren['nested'][number]>('SELECT id, contacts, languages, cost_options FROM directory_service WHERE id = ANY($1::uuid[])', [ids]),
    ]);
    return { schedules, areas, locations, terms, nested };
  },

  /** The version of a service, its row locked until the transaction ends (optimistic locking). */
  async lockVersion(q: Queryable, id: string): Promise<number | null> {
    const [row] = await q.query<{ version: number }>('SELECT version FROM directory_service WHERE id = $1 FOR UPDATE', [id]);
    return row?.version ?? null;
  },

  async setStatus(q: Queryable, id: string, status: FeedService['status'], lastModified: string, updatedBy: string | null) {
    await q.query(`UPDATE directory_service SET status = $2, last_modified = $3::timestamptz, updated_by = $4, version = version + 1 WHERE id = $1`, [id, status, lastModified, updatedBy]);
    await directoryRepository.refreshSearchPoints(q, [id]);
  },

  async version(q: Queryable, id: string): Promise<number | null> {
    const [row] = await q.query<{ version: number }>('SELECT version FROM directory_service WHERE id = $1', [id]);
    return row?.version ?? null;
  },

  /**
   * Inserts or replaces one whole service and its nested parts (the feed's ids are kept, so a
   * re-import updates). Terms the directory does not know are added with their taxonomy.
   */
  async save(q: Queryable, s: FeedService, options: { hideAddress: boolean; lastModified: string; updatedBy: string | null }): Promise<void> {
    if (s.organization) {
      await q.query(`INSERT INTO directory_organization (id, name, description, email, website) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, email = EXCLUDED.email, website = EXCLUDED.website`,
      [s.organization.id, s.organization.name, s.organization.description, s.organization.email, s.organization.website]);
    }
    for (const a of s.attributes) {
      const t = a.taxonomy_term;
      if (t.taxonomy_id) {
        await q.query(`INSERT INTO directory_taxonomy (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [t.taxonomy_id, t.taxonomy ?? 'Imported taxonomy']);
      }
      // Lantern's own terms keep their wording; a neighbour's terms take the feed's.
      await q.query(`INSERT INTO directory_taxonomy_term (id, taxonomy_id, name, description, parent_id, term_uri) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (id) DO UPDATE SET name = CASE WHEN directory_taxonomy_term.code IS NULL THEN EXCLUDED.name ELSE directory_taxonomy_term.name END,
          description = CASE WHEN directory_taxonomy_term.code IS NULL THEN EXCLUDED.description ELSE directory_taxonomy_term.description END`,
      [t.id, t.taxonomy_id, t.name, t.description, t.parent_id, t.term_uri]);
    }
    const searchText = [s.name, s.description, s.organization?.name ?? '', ...s.attributes.map((a) => a.taxonomy_term.name)].join(' ').toLowerCase();
    await q.query(`INSERT INTO directory_service (id, organization_id, name, description, url, email, status, minimum_age, maximum_age, assured_date, alert,
        hide_address, is_free, weekends, evenings, contacts, languages, cost_options, search_text, last_modified, updated_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11, $12, $13, $14, $15, $16::jsonb, $17::jsonb, $18::jsonb, $19, $20::timestamptz, $21)
      ON CONFLICT (id) DO UPDATE SET organization_id = EXCLUDED.organization_id, name = EXCLUDED.name, description = EXCLUDED.description, url = EXCLUDED.url,
        email = EXCLUDED.email, status = EXCLUDED.status, minimum_age = EXCLUDED.minimum_age, maximum_age = EXCLUDED.maximum_age,
        assured_date = EXCLUDED.assured_date, alert = EXCLUDED.alert, hide_address = EXCLUDED.hide_address, is_free = EXCLUDED.is_free,
        weekends = EXCLUDED.weekends, evenings = EXCLUDED.evenings, contacts = EXCLUDED.contacts, languages = EXCLUDED.languages,
        cost_options = EXCLUDED.cost_options, search_text = EXCLUDED.search_text, last_modified = EXCLUDED.last_modified,
        updated_by = EXCLUDED.updated_by, version = directory_service.version + 1`,
    [s.id, s.organization?.id ?? null, s.name, s.description, s.url, s.email, s.status, s.minimum_age, s.maximum_age, s.assured_date, s.alert,
      options.hideAddress, isFree(s.cost_options), opensAtWeekends(s.schedules), opensInEvenings(s.schedules),
      JSON.stringify(s.contacts), JSON.stringify(s.languages), JSON.stringify(s.cost_options), searchText, options.lastModified, options.updatedBy]);

    for (const table of ['directory_schedule', 'directory_service_area', 'directory_service_area_district', 'directory_service_at_location', 'directory_service_term']) {
      await q.query(`DELETE FROM ${table} WHERE service_id = $1`, [s.id]);
    }
    for (const sc of s.schedules) {
      await q.query('INSERT INTO directory_schedule (id, service_id, freq, byday, opens_at, closes_at, description) VALUES ($1, $2, $3, $4, $5::time, $6::time, $7)',
        [sc.id, s.id, sc.freq, sc.byday, sc.opens_at, sc.closes_at, sc.description]);
    }
    const districts = new Set<string>();
    for (const a of s.service_areas) {
      await q.query('INSERT INTO directory_service_area (id, service_id, name, extent, extent_type) VALUES ($1, $2, $3, $4, $5)', [a.id, s.id, a.name, a.extent, a.extent_type]);
      for (const d of extentDistricts(a.extent)) districts.add(d);
    }
    if (districts.size > 0) {
      await q.query('INSERT INTO directory_service_area_district (service_id, district) SELECT $1, unnest($2::text[])', [s.id, [...districts]]);
    }
    for (const sal of s.service_at_locations) {
      const l = sal.location;
      const address = l.addresses[0];
      await q.query(`INSERT INTO directory_location (id, location_type, name, description, latitude, longitude, address_id, address_1, city, state_province, postal_code, country, accessibility)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
        ON CONFLICT (id) DO UPDATE SET location_type = EXCLUDED.location_type, name = EXCLUDED.name, description = EXCLUDED.description,
          latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, address_id = EXCLUDED.address_id, address_1 = EXCLUDED.address_1,
          city = EXCLUDED.city, state_province = EXCLUDED.state_province, postal_code = EXCLUDED.postal_code, country = EXCLUDED.country,
          accessibility = EXCLUDED.accessibility`,
      [l.id, l.location_type, l.name, l.description, l.latitude, l.longitude, address?.id ?? null, address?.address_1 ?? null, address?.city ?? null,
        address?.state_province ?? null, address?.postal_code ?? null, address?.country ?? null, JSON.stringify(l.accessibility)]);
      await q.query('INSERT INTO directory_service_at_location (id, service_id, location_id) VALUES ($1, $2, $3)', [sal.id, s.id, l.id]);
    }
    for (const a of s.attributes) {
      await q.query('INSERT INTO directory_service_term (id, service_id, term_id, link_type) VALUES ($1, $2, $3, $4) ON CONFLICT (service_id, term_id) DO NOTHING',
        [a.id, s.id, a.taxonomy_term.id, a.link_type]);
    }
    await directoryRepository.refreshSearchPoints(q, [s.id]);
  },

  /** Rewrites the search index rows of these services (null: of every service). */
  async refreshSearchPoints(q: Queryable, ids: string[] | null) {
    await q.query('DELETE FROM directory_search_point WHERE $1::uuid[] IS NULL OR service_id = ANY($1::uuid[])', [ids]);
    await q.query(`INSERT INTO directory_search_point (sal_id, service_id, latitude, longitude, name, active, term_ids, minimum_age, maximum_age, is_free, weekends, evenings)
      SELECT sal.id, s.id, l.latitude, l.longitude, s.name, s.status = 'active',
        ARRAY(SELECT st.term_id FROM directory_service_term st WHERE st.service_id = s.id), s.minimum_age, s.maximum_age, s.is_free, s.weekends, s.evenings
      FROM directory_service s JOIN directory_service_at_location sal ON sal.service_id = s.id JOIN directory_location l ON l.id = sal.location_id
      WHERE NOT s.hide_address AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL AND ($1::uuid[] IS NULL OR s.id = ANY($1::uuid[]))`, [ids]);
  },

  async taxonomies(q: Queryable, page: { limit: number; offset: number }) {
    return q.query<{ id: string; name: string; description: string; uri: string | null; version: string | null; total: number }>(
      'SELECT id, name, description, uri, version, count(*) OVER ()::int AS total FROM directory_taxonomy ORDER BY name, id LIMIT $1 OFFSET $2', [page.limit, page.offset]);
  },

  async taxonomy(q: Queryable, id: string) {
    const [row] = await q.query<{ id: string; name: string; description: string; uri: string | null; version: string | null }>(
      'SELECT id, name, description, uri, version FROM directory_taxonomy WHERE id = $1', [id]);
    return row ?? null;
  },

  async terms(q: Queryable, page: { limit: number; offset: number }, taxonomyId: string | null = null) {
    return q.query<TermRow & { total: number }>(`SELECT t.id, t.code, t.name, t.description, t.parent_id, t.taxonomy_id, x.name AS taxonomy_name, t.term_uri,
        count(*) OVER ()::int AS total
      FROM directory_taxonomy_term t LEFT JOIN directory_taxonomy x ON x.id = t.taxonomy_id
      WHERE $3::uuid IS NULL OR t.taxonomy_id = $3::uuid
      ORDER BY t.name, t.id LIMIT $1 OFFSET $2`, [page.limit, page.offset, taxonomyId]);
  },

  async term(q: Queryable, id: string) {
    const [row] = await q.query<TermRow>(`SELECT t.id, t.code, t.name, t.description, t.parent_id, t.taxonomy_id, x.name AS taxonomy_name, t.term_uri
      FROM directory_taxonomy_term t LEFT JOIN directory_taxonomy x ON x.id = t.taxonomy_id WHERE t.id = $1`, [id]);
    return row ?? null;
  },

  async postcode(q: Queryable, key: string) {
    const [row] = await q.query<{ postcode: string; latitude: number; longitude: number }>('SELECT postcode, latitude, longitude FROM postcode_centroid WHERE key = $1', [key]);
    return row ?? null;
  },

  async place(q: Queryable, name: string) {
    const [row] = await q.query<{ name: string; latitude: number; longitude: number }>('SELECT name, latitude, longitude FROM directory_place WHERE key = $1', [name.trim().toLowerCase()]);
    return row ?? null;
  },

  /** Adds or replaces postcode centroids, one statement per batch. */
  async savePostcodes(q: Queryable, given: { postcode: string; key: string; latitude: number; longitude: number }[]) {
    // One statement cannot update a key twice: a postcode repeated in a batch keeps its last row.
    const rows = [...new Map(given.map((r) => [r.key, r])).values()];
    if (rows.length === 0) return;
    await q.query(`INSERT INTO postcode_centroid (key, postcode, latitude, longitude)
      SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[])
      ON CONFLICT (key) DO UPDATE SET postcode = EXCLUDED.postcode, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude`,
    [rows.map((r) => r.key), rows.map((r) => r.postcode), rows.map((r) => r.latitude), rows.map((r) => r.longitude)]);
  },

  async savePlaces(q: Queryable, rows: { name: string; latitude: number; longitude: number }[]) {
    await q.query(`INSERT INTO directory_place (key, name, latitude, longitude)
      SELECT lower(n), n, la, lo FROM unnest($1::text[], $2::float8[], $3::float8[]) AS p(n, la, lo)
      ON CONFLICT (key) DO NOTHING`, [rows.map((r) => r.name), rows.map((r) => r.latitude), rows.map((r) => r.longitude)]);
  },
};

export interface TermRow {
  id: string; code: string | null; name: string; description: string; parent_id: string | null; taxonomy_id: string | null; taxonomy_name: string | null; term_uri: string | null;
}

