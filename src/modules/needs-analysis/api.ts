import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths } from '../../web/urls.ts';
import { csvInputLimits } from './csv.ts';
import { needsAnalysisRoles } from './service.ts';

type Params = { populationSetId: string; auditId: string };

function optionalId(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !isUuid(value)) throw new ValidationError({ [name]: `${name} must be a UUID` });
  return value;
}

/** Needs analysis over the JSON API: the same aggregate figures as the pages, for analysts' own tools. */
export async function needsAnalysisApi(app: FastifyInstance, { services }: { services: Services }) {
  const { needsAnalysis } = services;
  const readers = needsAnalysisRoles;

  app.get(paths.api.needsAnalysisPrevalence, { config: { access: readers } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const view = await needsAnalysis.prevalence(request.actor!, { populationSetId: optionalId(q.populationSetId, 'populationSetId') });
    return {
      population: view.set ? { id: view.set.id, name: view.set.name, byDistrict: view.set.by_district, ...(view.table?.totals ?? {}) } : null,
      knownCounted: view.knownCounted,
      estimates: view.table?.lines.map((l) => ({
        key: l.rate.key, label: l.rate.label, rate: l.rate.rate, base: l.rate.base, roundTo: l.rate.roundTo, source: l.rate.source, knownRule: l.rate.knownRule,
        basePopulation: l.basePopulation, estimate: l.estimate, known: l.known, gap: l.gap,
        byArea: view.table!.byArea[l.rate.key],
      })) ?? [],
      byAgeBand: view.table?.byAgeBand ?? [],
    };
  });

  app.get(paths.api.needsAnalysisAreas, { config: { access: readers } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const view = await needsAnalysis.areaComparison(request.actor!, {
      measure: typeof q.measure === 'string' ? q.measure : undefined, populationSetId: optionalId(q.populationSetId, 'populationSetId'),
    });
    return { measure: view.measure, measures: view.measures, population: view.set ? { id: view.set.id, name: view.set.name } : null, ...view.comparison };
  });

  app.get(paths.api.needsAnalysisOverlap, { config: { access: readers } }, async (request) => needsAnalysis.overlap(request.actor!));

  app.get<{ Params: Params }>(paths.api.needsAnalysisAudit, { config: { access: readers } }, async (request) => {
    const { audit, result } = await needsAnalysis.audit(request.actor!, request.params.auditId);
    return {
      id: audit.id, name: audit.name, method: audit.method, populationLabel: audit.population_label, source: audit.source,
      sampleSize: result.sampleSize, population: result.population, results: result.lines,
    };
  });

  /** Replaces a population's figures: send CSV text (district,age_band,children,births,families,people) as text/csv, or JSON { "csv": "..." }. */
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, { csv: body }));
  app.put<{ Params: Params }>(paths.api.needsAnalysisPopulation, { config: { access: readers, inputLimits: csvInputLimits } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body.csv !== 'string') throw new ValidationError({ csv: 'Send the figures as CSV text: district,age_band,children,births,families,people' });
    const rows = await needsAnalysis.importPopulation(request.actor!, request.params.populationSetId, body.csv);
    return reply.code(200).send({ rows });
  });
}
