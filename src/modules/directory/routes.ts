import type { FastifyInstance } from 'fastify';
import { formatDate } from '../../domain/dates.ts';
import { milesText } from '../../domain/directory/geo.ts';
import { agesText, isStale, scheduleText } from '../../domain/directory/rules.ts';
import { categories } from '../../domain/directory/taxonomy.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { errorList, text } from '../../web/forms.ts';
import { paths } from '../../web/urls.ts';
import { openApiDescription } from './openapi.ts';
import { publicPageSize, type ApiQuery, type PublicSearch } from './service.ts';

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const str = (value: unknown) => (typeof value === 'string' ? value : '');

const fieldOrder = ['where', 'category', 'age', 'cost'];

function searchInput(body: Record<string, unknown>): PublicSearch {
  const when = [body.when ?? []].flat().filter((w): w is string => typeof w === 'string');
  const page = Number(text(body, 'page'));
  return {
    where: text(body, 'where').slice(0, 100), category: text(body, 'category').slice(0, 50), age: text(body, 'age').slice(0, 10),
    cost: text(body, 'cost').slice(0, 10), when, page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/** The public directory pages (no sign-in) and the Open Referral UK API. */
export async function directoryRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { directory } = services;
  const categoryItems = (selected: string) => [
    { value: '', text: 'Any kind of help', selected: !selected },
    ...categories.map((c) => ({ value: c.code, text: c.name, selected: c.code === selected })),
  ];
  const year = () => directory.clock.today().slice(0, 4);

  app.get(paths.directory, { config: { access: 'public' } }, async (request, reply) => reply.view('directory/views/search.njk', {
    pageTitle: 'Find family services near you', values: { when: [] }, errors: {}, categoryItems: categoryItems(''), categories, searched: false, year: year(),
  }));

  // Posted, not a query string: a family's postcode and a child's age stay out of URLs and logs.
  app.post(paths.directory, { config: { access: 'public', readOnlyPost: true } }, async (request, reply) => {
    const input = searchInput(request.body as Record<string, unknown>);
    const found = await directory.search(input);
    const today = directory.clock.today();
    const results = found.results.map(({ row, json }) => {
      const locations = list(json.service_at_locations);
      const address = list((locations[0]?.location as Json | undefined)?.addresses)[0];
      const areas = list(json.service_areas).map((a) => str(a.name)).filter(Boolean);
      return {
        id: row.id, name: row.name, organisation: row.organization_name ?? '', summary: row.description.length > 200 ? `${row.description.slice(0, 197).trimEnd()}…` : row.description,
        distance: row.metres === null ? null : milesText(row.metres), town: address ? str(address.city) : areas[0] ?? '',
        ages: agesText(row.minimum_age, row.maximum_age), free: row.is_free, stale: isStale(row.assured_date, today),
      };
    });
    const pages = Math.ceil(found.total / publicPageSize);
    const status = Object.keys(found.errors).length ? 400 : 200;
    return reply.code(status).view('directory/views/search.njk', {
      pageTitle: found.label ? `Family services near ${found.label}` : 'Find family services near you',
      values: input, errors: found.errors, errorList: errorList(found.errors, {}, fieldOrder), categoryItems: categoryItems(input.category), categories,
      searched: true, results, total: found.total, label: found.label, year: year(),
      previousPage: input.page > 1 ? { number: input.page - 1, text: 'Previous page' } : null,
      nextPage: input.page < pages ? { number: input.page + 1, text: `Next page (${input.page + 1} of ${pages})` } : null,
    });
  });

  app.get(paths.directoryService, { config: { access: 'public' } }, async (request, reply) => {
    const found = await directory.publicService((request.params as { serviceId: string }).serviceId);
    if (!found || found.row.status === 'defunct') throw new NotFoundError('service');
    const { row, json, stale } = found;
    const locations = list(json.service_at_locations).map((sal) => sal.location as Json);
    const areaNames = found.areas.map((a) => a.name).filter(Boolean);
    const rows: { key: { text: string }; value: { text: string; classes: string } }[] = [];
    const add = (key: string, value: string) => { if (value) rows.push({ key: { text: key }, value: { text: value, classes: 'lantern-preserve-lines' } }); };
    add('Who it is for', agesText(row.minimum_age, row.maximum_age));
    add('When', list(json.schedules).map((s) => scheduleText({ byday: (s.byday as string) ?? null, opens_at: (s.opens_at as string) ?? null, closes_at: (s.closes_at as string) ?? null, description: (s.description as string) ?? null })).join('\n'));
    if (row.hide_address) {
      add('Where', `The address is not shared, to keep the people who use this service safe. It covers ${areaNames.join(', ') || 'Northvale'}: contact the service to arrange help.`);
    } else {
      add('Where', locations.map((l) => {
        const a = list(l.addresses)[0];
        return a ? [str(a.address_1), str(a.city), str(a.postal_code)].filter(Boolean).join(', ') : str(l.name);
      }).join('\n') || (areaNames.length ? `Comes to you across ${areaNames.join(', ')}` : ''));
    }
    add('Areas served', areaNames.join(', '));
    add('Cost', list(json.cost_options).map((c) => str(c.amount_description) || (typeof c.amount === 'number' ? `£${c.amount.toFixed(2)}` : '')).filter(Boolean).join('\n') || 'Free');
    add('Phone', list(json.contacts).flatMap((c) => list(c.phones).map((p) => str(p.number))).filter(Boolean).join('\n'));
    add('Email', row.email ?? '');
    add('Website', row.url ?? '');
    add('Languages', list(json.languages).map((l) => str(l.name)).filter(Boolean).join(', '));
    add('Access', locations.flatMap((l) => list(l.accessibility).map((a) => str(a.description))).filter(Boolean).join('\n'));
    add('Kind of help', list(json.attributes).map((a) => str((a.taxonomy_term as Json).name)).join(', '));
    const exitThisPage = list(json.attributes).some((a) => (a.taxonomy_term as Json).id === categories.find((c) => c.code === 'domestic_abuse')!.id);
    return reply.view('directory/views/service.njk', {
      pageTitle: row.name, s: row, organisation: row.organization_name ?? '', rows,
      stale, checked: row.assured_date ? formatDate(row.assured_date) : 'not recorded', exitThisPage, year: year(),
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Open Referral UK API (openapi.json): public, read-only, JSON.

  const api = { config: { access: 'public' as const } };
  // A parameter given twice (?search=a&search=b) is refused, never read as a list.
  const query = (request: { query: unknown }) => {
    const given = (request.query ?? {}) as Record<string, unknown>;
    const repeated = Object.keys(given).filter((k) => typeof given[k] !== 'string');
    if (!repeated.length) return given as ApiQuery;
    const errors: Record<string, string> = {};
    for (const k of repeated) errors[k] = `Give ${k} once: it was sent more than once`;
    throw new ValidationError(errors);
  };
  const orNotFound = (value: unknown, what: string) => {
    if (!value) throw new NotFoundError(what);
    return value;
  };

  app.get(paths.openReferral, api, async (request) => {
    const base = `${request.protocol}://${request.host}/openreferral`;
    return { version: '3.0', profile: 'https://openreferraluk.org', openapi_url: `${base}/openapi.json` };
  });
  app.get(paths.openReferralDescription, api, async (request, reply) => {
    return reply.type('application/json').send(openApiDescription);
  });
  app.get(paths.openReferralServices, api, async (request) => directory.apiServices(query(request)));
  app.get(paths.openReferralService, api, async (request) => orNotFound(await directory.apiService((request.params as { serviceId: string }).serviceId), 'service'));
  app.get(paths.openReferralTaxonomies, api, async (request) => directory.apiTaxonomies(query(request)));
  app.get(paths.openReferralTaxonomy, api, async (request) => orNotFound(await directory.apiTaxonomy((request.params as { taxonomyId: string }).taxonomyId), 'taxonomy'));
  app.get(paths.openReferralTerms, api, async (request) => directory.apiTerms(query(request)));
  app.get(paths.openReferralTerm, api, async (request) => orNotFound(await directory.apiTerm((request.params as { taxonomyTermId: string }).taxonomyTermId), 'taxonomy term'));
  app.get(paths.openReferralServiceAtLocations, api, async (request) => directory.apiServiceAtLocations(query(request)));
  app.get(paths.openReferralServiceAtLocation, api, async (request) =>
    orNotFound(await directory.apiServiceAtLocation((request.params as { serviceAtLocationId: string }).serviceAtLocationId), 'service at location'));
  app.get(paths.openReferralExport, api, async () => directory.exportFeed());
}
