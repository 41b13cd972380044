import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths } from '../../web/urls.ts';
import { identificationRoles, listRoles } from './service.ts';

/** Identification over the JSON API: the ranked list and the extracts loaded, for analysts' own tools. */
export async function identificationApi(app: FastifyInstance, { services }: { services: Services }) {
  const { identification } = services;

  app.get(paths.api.identificationHouseholds, { config: { access: listRoles } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const errors: Record<string, string> = {};
    const top = q.top === undefined ? 50 : Number(q.top);
    if (!Number.isInteger(top) || top < 1 || top > 5000) errors.top = 'top must be a whole number from 1 to 5,000';
    const level = q.level === undefined ? null : Number(q.level);
    if (level !== null && (!Number.isInteger(level) || level < 1 || level > 4)) errors.level = 'level must be 1, 2, 3 or 4';
    if (q.districtId !== undefined && (typeof q.districtId !== 'string' || !isUuid(q.districtId))) errors.districtId = 'districtId must be a UUID';
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const rows = await identification.households(request.actor!, {
      limit: top, minimumLevel: level, districtId: (q.districtId as string | undefined) ?? null, eligibleOnly: q.eligible !== 'all',
    });
    return {
      households: rows.map((h, i) => ({
        rank: i + 1, id: h.id, address: h.address, postcode: h.postcode, district: h.district_name, members: h.members, eligible: h.eligible,
        problems: h.problem_count, level: h.level, segment: h.segment, estimatedAnnualCostPence: Number(h.cost_pence), reasons: h.reasons,
        openToService: h.family_id !== null, familyId: h.family_id,
      })),
    };
  });

  app.get(paths.api.identificationExtracts, { config: { access: identificationRoles } }, async (request) => ({
    extracts: (await identification.extracts(request.actor!)).map((e) => ({
      id: e.id, source: e.source, agency: e.agency_name, agreement: e.agreement_name, filename: e.filename, loadedAt: e.loaded_at,
      rowsRead: e.rows_read, rowsLoaded: e.rows_loaded, rowsLeftOut: e.rows_skipped_invalid, rowsAlreadyLoaded: e.rows_already_loaded,
    })),
  }));
}
