import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { auditVulnerabilities } from '../../domain/needs-analysis/case-file-audit.ts';
import { describeKnownRule, parseKnownRule } from '../../domain/needs-analysis/known.ts';
import { formatCount, formatDecimal, formatRate } from '../../domain/needs-analysis/numbers.ts';
import { countColumns, type RawPopulationRow } from '../../domain/needs-analysis/population.ts';
import { populationBases, roundingSteps } from '../../domain/needs-analysis/prevalence.ts';
import type { Services } from '../../services.ts';
import { redirectWithErrors, takeFormState, text, type FormState } from '../../web/forms.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths, urls } from '../../web/urls.ts';
import { needsAnalysisApi } from './api.ts';
import { csvInputLimits, maxCsvBytes, sendCsv } from './csv.ts';
import { removeUpload, streamUpload } from '../../web/upload.ts';
import { reportPdf } from './pdf.ts';
import {
  areaRateChart, areaShareChart, areaTable, auditChart, auditTable, baseNouns, cellText, overlapCombinationChart, overlapCombinationTable,
  overlapNumberChart, overlapNumberTable, prevalenceAgeBandTable, prevalenceAllDistrictsTable, prevalenceChart, prevalenceDistrictChart,
  prevalenceDistrictTable, prevalenceEstimatesTable, type DataTable,
} from './present.ts';
import { auditSampleRoles, eligibilityLabels, needsAnalysisRoles, type PrevalenceView } from './service.ts';
import { offers } from '../access/policy.ts';
import { count } from '../../domain/plural.ts';

const readers = needsAnalysisRoles;

/** A form's text fields, and its file (if one was chosen) as text. */
type MultipartFields = Record<string, string | { filename: string; text: string }>;
const samplers = auditSampleRoles;
type Params = { populationSetId: string; auditId: string };
type Query = Record<string, string | undefined>;

/** A path with the query values that are set. */
export function link(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function query(request: FastifyRequest): Query {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const one = (name: string) => (typeof q[name] === 'string' ? (q[name] as string).slice(0, 100) : undefined);
  const id = (name: string) => {
    const value = one(name);
    return value && isUuid(value) ? value : undefined;
  };
  return { populationSetId: id('populationSetId'), rate: one('rate'), measure: one('measure'), auditId: id('auditId') };
}

const sections = [
  { key: 'prevalence', text: 'Hidden harm estimates', href: paths.needsAnalysis },
  { key: 'overlap', text: 'Overlap of vulnerabilities', href: paths.needsAnalysisOverlap },
  { key: 'areas', text: 'Area comparison', href: paths.needsAnalysisAreas },
  { key: 'audits', text: 'Case-file audits', href: paths.needsAnalysisAudits },
  { key: 'populations', text: 'Populations', href: paths.needsAnalysisPopulations },
  { key: 'rates', text: 'Prevalence rates', href: paths.needsAnalysisRates },
];

/** A table for a page: formatted cells and the link to download it as CSV. */
function pageTable(t: DataTable, csvHref: string) {
  return { ...t, csvHref, rows: t.rows.map((r) => r.map(cellText)) };
}

/** The GOV.UK error summary: every message linked to the input it is about. */
function errorLinks(errors: FieldErrors, anchor: (key: string) => string, limit = 25) {
  const entries = Object.entries(errors);
  const list = entries.slice(0, limit).map(([key, message]) => ({ text: message, href: `#${anchor(key)}` }));
  if (entries.length > limit) list.push({ text: `and ${count(entries.length - limit, 'more problem')}: correct these first`, href: `#${anchor(entries[limit][0])}` });
  return list;
}

async function formState(services: Services, request: FastifyRequest): Promise<FormState | undefined> {
  return takeFormState(services, request);
}

/** Runs a change; invalid input goes back to the form with every problem listed and the answers kept. */
async function saveOrReturn(services: Services, request: FastifyRequest, reply: FastifyReply, back: string, values: Record<string, unknown>, save: () => Promise<string>) {
  try {
    const then = await save();
    return reply.redirect(then, 303);
  } catch (error) {
    if (error instanceof ValidationError) return redirectWithErrors(services, request, reply, back, { errors: error.fieldErrors, values });
    throw error;
  }
}

function rateRows(rates: readonly { key: string; label: string; rate: number; base: string; source: string; roundTo: number; knownRule: string }[]) {
  return rates.map((r) => ({ key: r.key, label: r.label, rate: String(r.rate), base: r.base, source: r.source, roundTo: String(r.roundTo), knownRule: r.knownRule }));
}

/** The rates page's fields as the list the service checks; a ticked "remove" drops the rate, a filled-in new row adds one. */
function ratesFromForm(body: Record<string, unknown>) {
  const count = Math.min(Number(text(body, 'count')) || 0, 30);
  const rates: (ReturnType<typeof rateRows>[number] & { isNew: boolean })[] = [];
  const keys = new Set<string>();
  const field = (prefix: string, name: string) => text(body, `${prefix}-${name}`);
  const read = (prefix: string, key: string, isNew: boolean) => ({
    key, isNew, label: field(prefix, 'label'), rate: field(prefix, 'rate').replace('%', '').trim(), base: field(prefix, 'base'),
    source: field(prefix, 'source'), roundTo: field(prefix, 'roundTo') || '1', knownRule: field(prefix, 'knownRule'),
  });
  for (let i = 0; i < count; i++) {
    if (field(`r${i}`, 'remove') === 'yes') continue;
    const key = field(`r${i}`, 'key');
    keys.add(key);
    rates.push(read(`r${i}`, key, false));
  }
  const newLabel = field('new', 'label').trim();
  if (newLabel || field('new', 'rate').trim()) {
    let key = newLabel.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'rate';
    while (keys.has(key)) key = `${key.slice(0, 30)}-${keys.size + 1}`;
    rates.push(read('new', key, true));
  }
  return rates;
}

export async function needsAnalysisPages(app: FastifyInstance, { services }: { services: Services }) {
  const { needsAnalysis } = services;

  // One small CSV per form (a population table or a count per district): read whole, then the temporary file goes.
  app.addContentTypeParser('multipart/form-data', async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
    const form = await streamUpload(request.headers, payload as unknown as Readable, { limitBytes: app.uploadLimits.formBytes, csrfToken: request.session?.csrfToken ?? '' });
    try {
      const file = form.file ? { [form.file.field]: { filename: form.file.filename, text: await readFile(form.file.path, 'utf8') } } : {};
      return { ...form.fields, ...file } satisfies MultipartFields;
    } finally {
      await removeUpload(form);
    }
  });

  const nav = (current: string) => sections.map((s) => ({ ...s, current: s.key === current }));

  // Hidden harm: prevalence estimates beside the numbers known to services.
  app.get(paths.needsAnalysis, { config: { access: readers } }, async (request, reply) => {
    const q = query(request);
    const view = await needsAnalysis.prevalence(request.actor!, { populationSetId: q.populationSetId });
    const context: Record<string, unknown> = { pageTitle: 'Needs analysis: hidden harm', sections: nav('prevalence'), view, sets: view.sets };
    if (view.set && view.table) {
      const v = view as PrevalenceView & { table: NonNullable<PrevalenceView['table']> };
      const rateKey = v.table.lines.some((l) => l.rate.key === q.rate) ? q.rate! : v.table.lines[0]?.rate.key;
      const setQuery = { populationSetId: view.set.id };
      Object.assign(context, {
        rateKey,
        estimates: pageTable(prevalenceEstimatesTable(v), link(paths.needsAnalysisEstimatesCsv, setQuery)),
        estimatesChart: prevalenceChart(v),
        districts: rateKey ? pageTable(prevalenceDistrictTable(v, rateKey), link(paths.needsAnalysisDistrictsCsv, setQuery)) : null,
        districtsChart: rateKey ? prevalenceDistrictChart(v, rateKey) : null,
        ageBands: pageTable(prevalenceAgeBandTable(v), link(paths.needsAnalysisAgeBandsCsv, setQuery)),
        method: v.table.lines.map((l) => ({
          label: l.rate.label, rate: formatRate(l.rate.rate), base: baseNouns[l.rate.base], source: l.rate.source,
          rounding: l.rate.roundTo === 1 ? 'to the nearest whole number' : `to the nearest ${formatCount(l.rate.roundTo)}`,
          known: view.knownCounted ? describeKnownRule(l.rule, l.rate.base) : 'Not counted: this population is not the partnership’s own area',
        })),
        totals: { children: formatCount(v.table.totals.children), births: formatCount(v.table.totals.births), families: formatCount(v.table.totals.families), people: formatCount(v.table.totals.people) },
        knownWithoutDistrict: formatCount(view.knownWithoutDistrict),
        pdfHref: link(paths.needsAnalysisReport, setQuery),
        isEssex: view.set.example === 'essex',
      });
    }
    return reply.view('needs-analysis/views/prevalence.njk', context);
  });

  const prevalenceCsv = (table: (v: PrevalenceView & { table: NonNullable<PrevalenceView['table']> }) => DataTable) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const view = await needsAnalysis.prevalence(request.actor!, { populationSetId: query(request).populationSetId });
      if (!view.set || !view.table) return reply.callNotFound();
      return sendCsv(reply, table({ ...view, table: view.table }));
    };
  app.get(paths.needsAnalysisEstimatesCsv, { config: { access: readers } }, prevalenceCsv((v) => prevalenceEstimatesTable(v, true)));
  app.get(paths.needsAnalysisDistrictsCsv, { config: { access: readers } }, prevalenceCsv(prevalenceAllDistrictsTable));
  app.get(paths.needsAnalysisAgeBandsCsv, { config: { access: readers } }, prevalenceCsv(prevalenceAgeBandTable));

  app.get(paths.needsAnalysisReport, { config: { access: readers } }, async (request, reply) => {
    const q = query(request);
    const report = await needsAnalysis.report(request.actor!, { populationSetId: q.populationSetId, measure: q.measure, auditId: q.auditId });
    const pdf = await reportPdf(report, { generatedOn: services.clock.today(), generatedBy: request.actor!.displayName });
    return reply.type('application/pdf').header('Content-Disposition', 'attachment; filename="needs-analysis.pdf"').send(pdf);
  });

  // Overlap of vulnerabilities among known families.
  app.get(paths.needsAnalysisOverlap, { config: { access: readers } }, async (request, reply) => {
    const view = await needsAnalysis.overlap(request.actor!);
    return reply.view('needs-analysis/views/overlap.njk', {
      pageTitle: 'Overlap of parental vulnerabilities', sections: nav('overlap'), view,
      familiesWithAny: formatCount(view.familiesWithAny), totalFamilies: formatCount(view.totalFamilies), complexFamilies: formatCount(view.complexFamilies),
      numberTable: pageTable(overlapNumberTable(view), paths.needsAnalysisOverlapNumberCsv), numberChart: overlapNumberChart(view),
      comboTable: pageTable(overlapCombinationTable(view), paths.needsAnalysisOverlapCombinationsCsv), comboChart: overlapCombinationChart(view),
      pdfHref: paths.needsAnalysisReport,
    });
  });
  app.get(paths.needsAnalysisOverlapNumberCsv, { config: { access: readers } }, async (request, reply) =>
    sendCsv(reply, overlapNumberTable(await needsAnalysis.overlap(request.actor!))));
  app.get(paths.needsAnalysisOverlapCombinationsCsv, { config: { access: readers } }, async (request, reply) =>
    sendCsv(reply, overlapCombinationTable(await needsAnalysis.overlap(request.actor!))));

  // Area comparison: share of a count against share of the population, rate per 1,000, ranked.
  app.get(paths.needsAnalysisAreas, { config: { access: readers } }, async (request, reply) => {
    const q = query(request);
    const view = await needsAnalysis.areaComparison(request.actor!, { measure: q.measure, populationSetId: q.populationSetId });
    const selection = { measure: view.measure.value, populationSetId: view.set?.id };
    const top = view.comparison.lines[0];
    return reply.view('needs-analysis/views/areas.njk', {
      pageTitle: 'Area comparison', sections: nav('areas'), view,
      table: pageTable(areaTable(view), link(paths.needsAnalysisAreasCsv, selection)),
      shareChart: areaShareChart(view), rateChart: areaRateChart(view),
      hasPopulation: view.comparison.totalPeople > 0,
      overall: view.comparison.overallRatePer1000 === null ? null : formatDecimal(view.comparison.overallRatePer1000),
      top: top && top.ratePer1000 !== null ? { area: top.area, rate: formatDecimal(top.ratePer1000) } : null,
      pdfHref: link(paths.needsAnalysisReport, { measure: view.measure.value }),
    });
  });
  app.get(paths.needsAnalysisAreasCsv, { config: { access: readers } }, async (request, reply) => {
    const q = query(request);
    return sendCsv(reply, areaTable(await needsAnalysis.areaComparison(request.actor!, { measure: q.measure, populationSetId: q.populationSetId })));
  });

  app.get(paths.needsAnalysisNewCounts, { config: { access: readers } }, async (request, reply) => {
    const districts = await needsAnalysis.districts(request.actor!);
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    const fromCsv = Boolean(state?.values.fromCsv);
    return reply.view('needs-analysis/views/counts-form.njk', {
      pageTitle: 'Add counts by district', sections: nav('areas'), districts, values: state?.values ?? {}, errors,
      errorList: errorLinks(errors, (key) => {
        const row = /^row(\d+)\./.exec(key);
        if (!row) return key;
        return fromCsv || row[1] === '0' ? 'csvFile' : `c${row[1]}`;
      }),
      rowError: (row: number) => errors[`row${row}.district`] ?? errors[`row${row}.count`],
    });
  });

  app.post(paths.needsAnalysisNewCounts, { config: { access: readers, inputLimits: csvInputLimits } }, async (request, reply) => {
    const body = request.body as MultipartFields;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const file = typeof body.csvFile === 'object' ? body.csvFile.text : '';
    const districts = await needsAnalysis.districts(request.actor!);
    const counts = districts.map((d, i) => ({ row: i + 1, district: d.name, count: field(`c${i + 1}`) }));
    const values: Record<string, unknown> = { name: field('name'), period: field('period'), source: field('source'), fromCsv: Boolean(file.trim()) };
    for (const c of counts) values[`c${c.row}`] = c.count;
    return saveOrReturn(services, request, reply, paths.needsAnalysisNewCounts, values, async () => {
      const id = await needsAnalysis.createCountSet(request.actor!, { name: field('name'), period: field('period'), source: field('source'), counts, csv: file });
      return link(paths.needsAnalysisAreas, { measure: `set:${id}` });
    });
  });

  // Populations.
  app.get(paths.needsAnalysisPopulations, { config: { access: readers } }, async (request, reply) => {
    const { sets, districts } = await needsAnalysis.populationSets(request.actor!);
    return reply.view('needs-analysis/views/populations.njk', {
      pageTitle: 'Populations', sections: nav('populations'), districts,
      sets: sets.map((s) => ({ ...s, children: formatCount(s.children), people: formatCount(s.people), href: urls.needsAnalysisPopulation(s.id), estimatesHref: link(paths.needsAnalysis, { populationSetId: s.id }) })),
      hasDistrictSet: sets.some((s) => s.by_district),
    });
  });

  app.get(paths.needsAnalysisNewPopulation, { config: { access: readers } }, async (request, reply) => {
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    return reply.view('needs-analysis/views/population-form.njk', {
      pageTitle: 'Create a population', sections: nav('populations'), values: state?.values ?? {}, errors, errorList: errorLinks(errors, (key) => key),
    });
  });

  app.post(paths.needsAnalysisPopulations, { config: { access: readers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const values = { name: text(body, 'name'), source: text(body, 'source'), covers: text(body, 'covers') };
    return saveOrReturn(services, request, reply, paths.needsAnalysisNewPopulation, values, async () =>
      urls.needsAnalysisPopulation(await needsAnalysis.createPopulationSet(request.actor!, { ...values, covers: values.covers || undefined })));
  });

  app.post<{ Params: Params }>(paths.needsAnalysisPopulationDetails, { config: { access: readers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const back = urls.needsAnalysisPopulation(request.params.populationSetId);
    const values = { name: text(body, 'name'), source: text(body, 'source'), details: true };
    return saveOrReturn(services, request, reply, back, values, async () => {
      await needsAnalysis.describePopulationSet(request.actor!, request.params.populationSetId, values);
      return `${back}?saved=details`;
    });
  });

  app.post(paths.needsAnalysisEssexPopulation, { config: { access: readers } }, async (request, reply) => {
    const id = await needsAnalysis.loadEssexExample(request.actor!);
    return reply.redirect(link(paths.needsAnalysis, { populationSetId: id }), 303);
  });

  app.get<{ Params: Params }>(paths.needsAnalysisPopulation, { config: { access: readers } }, async (request, reply) => {
    const { set, rows, districts } = await needsAnalysis.population(request.actor!, request.params.populationSetId);
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    const imported = state?.values.imported === true;
    const details = state?.values.details === true;
    // An empty district set starts with one row per district, age band 0-15.
    const shown = rows.length ? rows : set.by_district ? districts.map((d) => ({ area: d.name, districtId: d.id, ageBand: '0-15', children: 0, births: 0, families: 0, people: 0 })) : [];
    const values = state && !imported && !details ? state.values : Object.fromEntries(shown.flatMap((r, i) => [
      [`p${i + 1}-district`, r.area], [`p${i + 1}-age_band`, r.ageBand],
      ...countColumns.map((c) => [`p${i + 1}-${c}`, r[c] ? String(r[c]) : '']),
    ]));
    const rowCount = Math.max(shown.length, Number(values.rowCount ?? 0) || 0);
    const totals = shown.reduce((s, r) => ({ children: s.children + r.children, births: s.births + r.births, families: s.families + r.families, people: s.people + r.people }), { children: 0, births: 0, families: 0, people: 0 });
    return reply.view('needs-analysis/views/population.njk', {
      pageTitle: set.name, sections: nav('populations'), set, districts, values, errors: imported ? { csvFile: errors.csvFile } : errors, rowCount,
      detailValues: details ? state!.values : { name: set.name, source: set.source },
      rowNumbers: Array.from({ length: rowCount }, (_, i) => i + 1), newRow: rowCount + 1,
      totals: { children: formatCount(totals.children), births: formatCount(totals.births), families: formatCount(totals.families), people: formatCount(totals.people) },
      imported, saved: (request.query as Query).saved,
      errorList: errorLinks(errors, (key) => {
        const m = /^row(\d+)\.(\w+)$/.exec(key);
        if (!m) return key;
        if (imported || m[2] === 'csv') return 'csvFile';
        return `p${m[1]}-${m[2]}`;
      }),
      csvHref: urls.needsAnalysisPopulationCsv(set.id), estimatesHref: link(paths.needsAnalysis, { populationSetId: set.id }),
    });
  });

  app.post<{ Params: Params }>(paths.needsAnalysisPopulation, { config: { access: readers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { populationSetId } = request.params;
    const rowCount = Math.min(Number(text(body, 'rowCount')) || 0, 2000);
    const raw: RawPopulationRow[] = [];
    const values: Record<string, unknown> = { rowCount };
    for (let i = 1; i <= rowCount + 1; i++) {
      const get = (f: string) => text(body, `p${i}-${f}`);
      const row = { row: i, district: get('district'), ageBand: get('age_band'), children: get('children'), births: get('births'), families: get('families'), people: get('people') };
      // The spare row at the bottom adds a row only when something is typed in it.
      if (i === rowCount + 1 && ![row.ageBand, row.children, row.births, row.families, row.people].some((v) => v.trim())) continue;
      raw.push(row);
      values[`p${i}-district`] = row.district;
      values[`p${i}-age_band`] = row.ageBand;
      for (const c of countColumns) values[`p${i}-${c}`] = row[c];
    }
    values.rowCount = raw.length;
    const back = urls.needsAnalysisPopulation(populationSetId);
    return saveOrReturn(services, request, reply, back, values, async () => {
      await needsAnalysis.savePopulation(request.actor!, populationSetId, raw);
      return `${back}?saved=figures`;
    });
  });

  app.post<{ Params: Params }>(paths.needsAnalysisPopulationImport, { config: { access: readers, inputLimits: csvInputLimits } }, async (request, reply) => {
    const body = request.body as MultipartFields;
    const { populationSetId } = request.params;
    const back = urls.needsAnalysisPopulation(populationSetId);
    const file = typeof body.csvFile === 'object' ? body.csvFile.text : '';
    if (!file.trim()) return redirectWithErrors(services, request, reply, back, { errors: { csvFile: 'Select a CSV file with the population figures' }, values: { imported: true } });
    return saveOrReturn(services, request, reply, back, { imported: true }, async () => {
      await needsAnalysis.importPopulation(request.actor!, populationSetId, file);
      return `${back}?saved=imported`;
    });
  });

  app.get<{ Params: Params }>(paths.needsAnalysisPopulationCsv, { config: { access: readers } }, async (request, reply) => {
    const { set, rows } = await needsAnalysis.population(request.actor!, request.params.populationSetId);
    return sendCsv(reply, {
      id: 'population', caption: set.name, csvName: 'population.csv',
      columns: [{ text: 'district' }, { text: 'age_band' }, ...countColumns.map((c) => ({ text: c, numeric: true }))],
      rows: rows.map((r) => [r.area, r.ageBand, ...countColumns.map((c) => ({ value: r[c], text: formatCount(r[c]) }))]),
    });
  });

  // Prevalence rates.
  app.get(paths.needsAnalysisRates, { config: { access: readers } }, async (request, reply) => {
    const { rates, usingDefaults } = await needsAnalysis.rates(request.actor!);
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    const list = (state?.values.rates as ReturnType<typeof ratesFromForm> | undefined) ?? rateRows(rates).map((r) => ({ ...r, isNew: false }));
    const describe = (r: { knownRule: string; base: string }) => {
      const parsed = parseKnownRule(r.knownRule);
      const base = (populationBases as readonly string[]).includes(r.base) ? (r.base as (typeof populationBases)[number]) : 'children';
      return 'rule' in parsed ? describeKnownRule(parsed.rule, base) : '';
    };
    return reply.view('needs-analysis/views/rates.njk', {
      pageTitle: 'Prevalence rates', sections: nav('rates'), usingDefaults, bases: populationBases, roundingSteps, errors,
      rows: list.filter((r) => !r.isNew).map((r) => ({ ...r, described: describe(r) })),
      newRow: list.find((r) => r.isNew) ?? { label: '', rate: '', base: 'children', source: '', roundTo: '1', knownRule: '' },
      saved: (request.query as Query).saved,
      errorList: errorLinks(errors, (key) => {
        const m = /^(\d+)\.(\w+)$/.exec(key);
        if (!m) return 'r0-label';
        return list[Number(m[1])]?.isNew ? `new-${m[2]}` : `r${m[1]}-${m[2]}`;
      }),
      fieldError: (index: number | 'new', name: string) => {
        const position = index === 'new' ? list.findIndex((r) => r.isNew) : index;
        return errors[`${position}.${name}`];
      },
    });
  });

  app.post(paths.needsAnalysisRates, { config: { access: readers } }, async (request, reply) => {
    const list = ratesFromForm(request.body as Record<string, unknown>);
    return saveOrReturn(services, request, reply, paths.needsAnalysisRates, { rates: list }, async () => {
      await needsAnalysis.saveRates(request.actor!, list.map(({ isNew: _isNew, ...r }) => r));
      return `${paths.needsAnalysisRates}?saved=rates`;
    });
  });

  app.post(paths.needsAnalysisRatesDefaults, { config: { access: readers } }, async (request, reply) => {
    await needsAnalysis.restoreDefaultRates(request.actor!);
    return reply.redirect(`${paths.needsAnalysisRates}?saved=defaults`, 303);
  });

  // Case-file audits.
  app.get(paths.needsAnalysisAudits, { config: { access: readers } }, async (request, reply) => {
    const { audits } = await needsAnalysis.audits(request.actor!);
    return reply.view('needs-analysis/views/audits.njk', {
      pageTitle: 'Case-file audits', sections: nav('audits'), mayRunSample: offers(request.actor, 'needs-analysis.sample'),
      audits: audits.map((a) => ({
        ...a, href: urls.needsAnalysisAudit(a.id), population: formatCount(a.population),
        files: a.method === 'recorded' ? `${formatCount(a.sample_size)} case files` : `${formatCount(a.reviewed)} of ${formatCount(a.sample_size)} sampled case files reviewed`,
      })),
    });
  });

  app.post(paths.needsAnalysisEssexAudit, { config: { access: readers } }, async (request, reply) => {
    const id = await needsAnalysis.loadEssexAudit(request.actor!);
    return reply.redirect(urls.needsAnalysisAudit(id), 303);
  });

  app.get(paths.needsAnalysisNewSampleAudit, { config: { access: samplers } }, async (request, reply) => {
    const { eligible } = await needsAnalysis.audits(request.actor!);
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    return reply.view('needs-analysis/views/audit-sample-form.njk', {
      pageTitle: 'Audit a random sample of case files', sections: nav('audits'), errors, values: state?.values ?? { eligibility: 'looked_after' },
      eligibilities: (Object.keys(eligibilityLabels) as (keyof typeof eligibilityLabels)[]).map((e) => ({ value: e, text: `${eligibilityLabels[e].charAt(0).toUpperCase()}${eligibilityLabels[e].slice(1)}`, hint: `${formatCount(eligible[e])} in Lantern` })),
      errorList: errorLinks(errors, (k) => k),
    });
  });

  app.post(paths.needsAnalysisNewSampleAudit, { config: { access: samplers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const input = { name: text(body, 'name'), eligibility: text(body, 'eligibility') || undefined, sampleSize: text(body, 'sampleSize').trim() || undefined };
    return saveOrReturn(services, request, reply, paths.needsAnalysisNewSampleAudit, body, async () =>
      urls.needsAnalysisAuditFiles(await needsAnalysis.startSampleAudit(request.actor!, input)));
  });

  app.get(paths.needsAnalysisNewRecordedAudit, { config: { access: readers } }, async (request, reply) => {
    await needsAnalysis.audits(request.actor!);
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    return reply.view('needs-analysis/views/audit-recorded-form.njk', {
      pageTitle: 'Record the results of a case-file audit', sections: nav('audits'), errors, values: state?.values ?? {}, vulnerabilities: auditVulnerabilities,
      errorList: errorLinks(errors, (k) => k.replace('.', '-')),
    });
  });

  app.post(paths.needsAnalysisNewRecordedAudit, { config: { access: readers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const input = {
      name: text(body, 'name'), populationLabel: text(body, 'populationLabel'), population: text(body, 'population'),
      sampleSize: text(body, 'sampleSize'), source: text(body, 'source'),
      counts: Object.fromEntries(auditVulnerabilities.map((v) => [v.key, text(body, `counts-${v.key}`)])),
    };
    return saveOrReturn(services, request, reply, paths.needsAnalysisNewRecordedAudit, body, async () =>
      urls.needsAnalysisAudit(await needsAnalysis.recordAudit(request.actor!, input)));
  });

  app.get<{ Params: Params }>(paths.needsAnalysisAudit, { config: { access: readers } }, async (request, reply) => {
    const { audit, result } = await needsAnalysis.audit(request.actor!, request.params.auditId);
    return reply.view('needs-analysis/views/audit.njk', {
      pageTitle: audit.name, sections: nav('audits'), audit, result,
      table: result.lines.length ? pageTable(auditTable(audit.name, result, audit.population_label), urls.needsAnalysisAuditCsv(audit.id)) : null,
      chart: result.lines.length ? auditChart(audit.name, result) : null,
      sampleSize: formatCount(result.sampleSize), population: formatCount(result.population), requested: formatCount(audit.sample_size),
      mayReview: audit.method === 'sample' && offers(request.actor, 'needs-analysis.sample'),
      filesHref: urls.needsAnalysisAuditFiles(audit.id), pdfHref: link(paths.needsAnalysisReport, { auditId: audit.id }),
      saved: (request.query as Query).saved,
    });
  });

  app.get<{ Params: Params }>(paths.needsAnalysisAuditCsv, { config: { access: readers } }, async (request, reply) => {
    const { audit, result } = await needsAnalysis.audit(request.actor!, request.params.auditId);
    return sendCsv(reply, auditTable(audit.name, result, audit.population_label));
  });

  app.get<{ Params: Params }>(paths.needsAnalysisAuditFiles, { config: { access: samplers } }, async (request, reply) => {
    const { audit, files } = await needsAnalysis.auditFiles(request.actor!, request.params.auditId);
    const state = await formState(services, request);
    const errors = state?.errors ?? {};
    const ticked = (position: number): string[] => {
      if (state) return [state.values[`f${position}`] ?? []].flat().map(String);
      const file = files.find((f) => f.position === position)!;
      return file.reviewed ? (file.vulnerabilities.length ? file.vulnerabilities : ['none']) : [];
    };
    return reply.view('needs-analysis/views/audit-files.njk', {
      pageTitle: `Review the sampled case files: ${audit.name}`, sections: nav('audits'), audit, errors,
      options: [...auditVulnerabilities, { key: 'none', label: 'None of these' }],
      files: files.map((f) => ({ ...f, ticked: ticked(f.position) })),
      reviewed: files.filter((f) => f.reviewed).length, auditHref: urls.needsAnalysisAudit(audit.id),
      errorList: errorLinks(errors, (k) => k),
    });
  });

  app.post<{ Params: Params }>(paths.needsAnalysisAuditFiles, { config: { access: samplers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { auditId } = request.params;
    const answers: Record<number, string[]> = {};
    for (const [key, value] of Object.entries(body)) {
      const m = /^f(\d{1,4})$/.exec(key);
      if (m) answers[Number(m[1])] = [value].flat().map(String);
    }
    return saveOrReturn(services, request, reply, urls.needsAnalysisAuditFiles(auditId), body, async () => {
      await needsAnalysis.saveAuditFiles(request.actor!, auditId, answers);
      return `${urls.needsAnalysisAudit(auditId)}?saved=files`;
    });
  });
}

/** Needs analysis: the pages and the JSON API, each in its own scope (each accepts its own upload format). */
export async function needsAnalysisRoutes(app: FastifyInstance, options: { services: Services }) {
  await app.register(needsAnalysisPages, options);
  await app.register(needsAnalysisApi, options);
}
