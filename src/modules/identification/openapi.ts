import { invalidRequest, oa, unauthorised } from '../../web/openapi-parts.ts';
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
    },
  };
}
