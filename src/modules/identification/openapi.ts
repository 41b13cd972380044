import { idParam, invalidRequest, oa, unauthorised } from '../../web/openapi-parts.ts';
import { paths } from '../../web/urls.ts';

/** The identification module's part of the OpenAPI document. */
export function identificationApiPaths() {
  const query = (name: string, description: string, schema: Record<string, unknown>) => ({ name, in: 'query', required: false, description, schema });
  return {
    [oa(paths.api.identificationHouseholds)]: {
      get: {
        summary: 'The prioritised list of households from matched agency data (analysts: all; practitioners and managers: only families they may open), ranked by Troubled Families problems, level of need and estimated annual cost',
        parameters: [
          query('top', 'How many households (1 to 5,000; default 50)', { type: 'integer', minimum: 1, maximum: 5000 }),
          query('districtId', 'Only this district', { type: 'string', format: 'uuid' }),
          query('level', 'Only this level of need or higher', { type: 'integer', minimum: 1, maximum: 4 }),
          query('eligible', "'all' to include households that are not eligible", { type: 'string', enum: ['all'] }),
        ],
        responses: { 200: { description: 'Households with rank, problems, level, segment, estimated annual cost (pence) and the reasons in words' }, 400: invalidRequest, 401: unauthorised, 403: { description: 'Your role cannot see the list' } },
      },
    },
    [oa(paths.api.identificationExtracts)]: {
      get: { summary: 'Agency extracts loaded (analysts): source, agreement, rows loaded and left out', responses: { 200: { description: 'The extracts, newest first' }, 401: unauthorised, 403: { description: 'Only analysts' } } },
      post: {
        summary: 'Load an agency extract (analysts), all or nothing: the answers are checked at once; the rows are checked and loaded by a background job, with the same row and field messages as the page',
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: { type: 'object', required: ['source', 'agreementId', 'file'], properties: {
            source: { type: 'string', description: 'The kind of extract (police-da, school, drug-alcohol, mental-health, youth-offending, social-care, housing, worklessness)' },
            agreementId: { type: 'string', format: 'uuid', description: 'The data-sharing agreement that allows it' },
            agencyName: { type: 'string', description: 'The agency, to use its saved column mapping' },
            file: { type: 'string', format: 'binary', description: 'The extract, CSV or XLSX' },
          } } } },
        },
        responses: { 202: { description: 'The job: status (queued, running, done, failed, cancelled), stage, recordsDone, recordsTotal, percent, secondsLeft (null until it can be told), result once done; for a refused extract, `fields` maps the file and each bad row to its problem, as a 400 would' }, 400: invalidRequest, 401: unauthorised, 403: { description: 'Only analysts' }, 413: { description: 'The file is larger than the limit' } },
      },
    },
    [oa(paths.api.identificationRuns)]: {
      post: { summary: 'Start a matching run (analysts) as a background job', responses: { 202: { description: 'The job: status (queued, running, done, failed, cancelled), stage, recordsDone, recordsTotal, percent, secondsLeft (null until it can be told), result once done; for a refused extract, `fields` maps the file and each bad row to its problem, as a 400 would' }, 401: unauthorised, 403: { description: 'Only analysts' } } },
    },
    [oa(paths.api.identificationJob)]: {
      get: { summary: 'A background job of identification (loading an extract, a matching run): where it has got to', parameters: [idParam('jobId')], responses: { 200: { description: 'The job: status (queued, running, done, failed, cancelled), stage, recordsDone, recordsTotal, percent, secondsLeft (null until it can be told), result once done; for a refused extract, `fields` maps the file and each bad row to its problem, as a 400 would' }, 401: unauthorised, 403: { description: 'Only analysts' }, 404: { description: 'No such job' } } },
    },
    [oa(paths.api.identificationJobCancel)]: {
      post: { summary: 'Cancel a job: a waiting job at once, a running one at its next step (nothing it did is kept)', parameters: [idParam('jobId')], responses: { 202: { description: 'The job: status (queued, running, done, failed, cancelled), stage, recordsDone, recordsTotal, percent, secondsLeft (null until it can be told), result once done; for a refused extract, `fields` maps the file and each bad row to its problem, as a 400 would' }, 401: unauthorised, 403: { description: 'Only analysts' }, 404: { description: 'No such job' }, 409: { description: 'The job has already finished' } } },
    },
  };
}
