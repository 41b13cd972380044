import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths } from '../../web/urls.ts';
import { identificationRoles, listRoles, type IngestResult, type JobView } from './service.ts';
import { ingestSchemaWith } from './schemas.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { removeUpload, streamUpload, type UploadForm } from '../../web/upload.ts';
import { urls } from '../../web/urls.ts';
import { refusalErrors } from './present.ts';

/** A job as the API shows it: where it has got to and, once done, what it produced. */
function jobBody(job: JobView) {
  const result = job.result as (Partial<IngestResult> & Record<string, unknown>) | null;
  const refused = job.kind === 'extract-load' && result?.status === 'refused';
  return {
    id: job.id, kind: job.kind, status: job.status, stage: job.progress.stageLabel, recordsDone: job.progress.recordsDone, recordsTotal: job.progress.recordsTotal,
    percent: job.progress.percent, secondsLeft: job.progress.secondsLeft, cancelRequested: job.cancelRequested, createdAt: job.createdAt, finishedAt: job.finishedAt,
    error: job.error, result,
    // A refused extract: the same field and row messages as a 400 answer's (and the page's error summary).
    ...(refused ? { fields: refusalErrors(result as IngestResult) } : {}),
    href: urls.apiIdentificationJob(job.id),
  };
}

/** Identification over the JSON API: the ranked list and the extracts loaded, for analysts' own tools. */
export async function identificationApi(app: FastifyInstance, { services }: { services: Services }) {
  const { identification } = services;

  // An extract comes as multipart/form-data, streamed to a temporary file (removed when the answer has gone).
  app.addContentTypeParser('multipart/form-data', async (request: import('fastify').FastifyRequest, payload: NodeJS.ReadableStream) =>
    streamUpload(request.headers, payload as unknown as import('node:stream').Readable, { limitBytes: app.uploadLimits.extractBytes, csrfToken: null }));
  app.addHook('onResponse', async (request) => {
    if (request.headers['content-type']?.startsWith('multipart/form-data')) await removeUpload(request.body as UploadForm | undefined);
  });

  /**
   * Loads an extract: the answers are checked at once (400 with every field's message, as on the
   * page); the rows are checked and loaded by a background job, all or nothing (202 with the job).
   */
  app.post(paths.api.identificationExtracts, { config: { access: identificationRoles } }, async (request, reply) => {
    const form = request.body as UploadForm | undefined;
    if (!form || typeof form !== 'object' || !('fields' in form)) throw new ValidationError({ file: 'Send the extract as multipart/form-data with a file field' });
    const f = form.fields ?? {};
    const values = { source: f.source ?? '', agreementId: f.agreementId ?? '', agencyName: f.agencyName ?? '', validOnly: false };
    if (!form.file || form.file.bytes === 0) {
      const checked = ingestSchemaWith({ filename: null }).safeParse(values);
      throw new ValidationError(checked.success ? { file: 'Select a CSV or XLSX file' } : fieldErrors(checked.error));
    }
    const { jobId } = await identification.startExtractLoad(request.actor!, { path: form.file.path, filename: form.file.filename, ...values });
    const job = await identification.job(request.actor!, jobId);
    return reply.code(202).header('Location', urls.apiIdentificationJob(jobId)).send(jobBody(job));
  });

  // A matching run, as a background job.
  app.post(paths.api.identificationRuns, { config: { access: identificationRoles } }, async (request, reply) => {
    const jobId = await identification.startMatching(request.actor!);
    return reply.code(202).header('Location', urls.apiIdentificationJob(jobId)).send(jobBody(await identification.job(request.actor!, jobId)));
  });

  app.get<{ Params: { jobId: string } }>(paths.api.identificationJob, { config: { access: identificationRoles } }, async (request) =>
    jobBody(await identification.job(request.actor!, request.params.jobId)));

  app.post<{ Params: { jobId: string } }>(paths.api.identificationJobCancel, { config: { access: identificationRoles } }, async (request, reply) =>
    reply.code(202).send(jobBody(await identification.cancelJob(request.actor!, request.params.jobId))));

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
