import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { paths } from '../../web/urls.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
const readers = rolesWith('outcomes.report');
const editors = rolesWith('outcomes.settings');

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** Outcome measures, the programme evaluation and Supporting Families claims for bearer-token clients. */
export async function outcomesApi(app: FastifyInstance, { services }: { services: Services }) {
  const { outcomes } = services;

  app.get<{ Params: { caseId: string } }>(paths.api.outcomes, { config: { access: 'signed-in' } }, async (request) => {
    const view = await outcomes.overview(request.actor!, request.params.caseId);
    return { caseId: view.case.id, timePoints: view.timePoints, members: view.members, household: view.household };
  });

  app.put<{ Params: { caseId: string } }>(paths.api.outcomes, { config: { access: writers } }, async (request) =>
    outcomes.record(request.actor!, request.params.caseId, body(request.body)));

  app.get(paths.api.outcomesReport, { config: { access: readers } }, async (request) => {
    const report = await outcomes.evaluation(request.actor!, request.query);
    return { ...report, cases: report.links };
  });

  app.get(paths.api.claims, { config: { access: readers } }, async (request) => {
    const claims = await outcomes.claims(request.actor!, request.query);
    return { ...claims, cases: claims.links };
  });

  app.get(paths.api.claimSettings, { config: { access: readers } }, async (request) => (await outcomes.claimSettings(request.actor!)).settings);

  app.put(paths.api.claimSettings, { config: { access: editors } }, async (request) => outcomes.saveClaimSettings(request.actor!, body(request.body)));
}
