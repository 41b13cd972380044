import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { extractFormats, isSourceKey, sourceKeys } from '../../domain/identification/formats.ts';
import { problemMessage } from '../../domain/identification/validate.ts';
import type { Services } from '../../services.ts';
import { redirectWithErrors, takeFormState, text } from '../../web/forms.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths } from '../../web/urls.ts';
import { lawfulBases, lawfulBasisLabels } from './schemas.ts';
import { identificationRoles } from './service.ts';
import { removeUpload, streamUpload, type UploadForm } from './upload.ts';

const analysts = identificationRoles;

export const sourceOptions = sourceKeys.map((key) => ({ value: key, text: extractFormats[key].label }));

/** The GOV.UK error summary: each message linked to its field; row problems link to the file input. */
function errorLinks(errors: FieldErrors, limit = 60) {
  const entries = Object.entries(errors);
  const anchor = (key: string) => (key.startsWith('row') || key === 'form' ? 'file' : key.startsWith('mapping.') ? key.slice(8) : key);
  return entries.slice(0, limit).map(([key, message]) => ({ text: message, href: `#${anchor(key)}` }));
}

async function saveOrReturn(services: Services, request: FastifyRequest, reply: FastifyReply, back: string, values: Record<string, unknown>, save: () => Promise<string>) {
  try {
    return reply.redirect(await save(), 303);
  } catch (error) {
    if (error instanceof ValidationError) return redirectWithErrors(services, request, reply, back, { errors: error.fieldErrors, values });
    throw error;
  }
}

/** Upload, agreements, column mappings and the format documentation. */
export async function ingestPages(app: FastifyInstance, { services }: { services: Services }) {
  const { identification } = services;

  // Extracts stream to a temporary file: a large upload is never held in memory. Only this scope accepts multipart.
  app.addContentTypeParser('multipart/form-data', async (request: FastifyRequest, payload: NodeJS.ReadableStream) =>
    streamUpload(request.headers, payload as unknown as import('node:stream').Readable));
  app.addHook('onResponse', async (request) => {
    if (request.headers['content-type']?.startsWith('multipart/form-data')) await removeUpload(request.body as UploadForm | undefined);
  });

  app.get(paths.identificationFormats, { config: { access: analysts } }, async (_request, reply) =>
    reply.view('identification/views/formats.njk', { pageTitle: 'Extract formats', formats: sourceKeys.map((k) => extractFormats[k]) }));

  app.get(paths.identificationUpload, { config: { access: analysts } }, async (request, reply) => {
    const state = await takeFormState(services, request);
    const agreements = await identification.agreements(request.actor!);
    const q = request.query as Record<string, string | undefined>;
    return reply.view('identification/views/upload.njk', {
      pageTitle: 'Load an agency extract',
      sourceOptions, agreements, errors: state?.errors ?? {}, errorList: state ? errorLinks(state.errors) : [],
      values: state?.values ?? { source: q.source && isSourceKey(q.source) ? q.source : '' },
    });
  });

  app.post(paths.identificationUpload, { config: { access: analysts } }, async (request, reply) => {
    const form = request.body as UploadForm;
    const f = form.fields ?? {};
    const values = { source: f.source ?? '', agreementId: f.agreementId ?? '', agencyName: f.agencyName ?? '', validOnly: f.validOnly === 'yes' };
    const back = paths.identificationUpload;
    if (!form.file || form.file.bytes === 0) {
      const errors: FieldErrors = {};
      if (!isSourceKey(values.source)) errors.source = 'Select the kind of extract';
      if (!isUuid(values.agreementId)) errors.agreementId = 'Select the data-sharing agreement that allows this extract';
      errors.file = 'Select a CSV or XLSX file';
      return redirectWithErrors(services, request, reply, back, { errors, values });
    }
    return saveOrReturn(services, request, reply, back, values, async () => {
      const result = await identification.ingest(request.actor!, { path: form.file!.path, filename: form.file!.filename, ...values });
      if (result.status === 'refused') {
        const errors: FieldErrors = { file: `${form.file!.filename}: ${result.message}` };
        for (const p of result.problems.slice(0, 50)) errors[`row${p.row}.${p.field}`] ??= problemMessage(p);
        const more = result.problemCount - Object.keys(errors).length + 1;
        if (more > 0) errors.form = `and ${more.toLocaleString('en-GB')} more problems`;
        throw new ValidationError(errors);
      }
      return `${paths.identification}?extractId=${result.extractId}&status=${result.status}`;
    });
  });

  app.get(paths.identificationAgreements, { config: { access: analysts } }, async (request, reply) => {
    const state = await takeFormState(services, request);
    return reply.view('identification/views/agreements.njk', {
      pageTitle: 'Data-sharing agreements',
      agreements: await identification.agreements(request.actor!), lawfulBasisLabels,
      lawfulBasisOptions: lawfulBases.map((b) => ({ value: b, text: lawfulBasisLabels[b] })),
      errors: state?.errors ?? {}, errorList: state ? errorLinks(state.errors) : [],
      values: state?.values ?? { article9Condition: 'Data Protection Act 2018, Schedule 1, paragraph 18 (safeguarding of children and individuals at risk)' },
    });
  });

  app.post(paths.identificationAgreements, { config: { access: analysts } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const values = { name: text(body, 'name'), parties: text(body, 'parties'), lawfulBasis: text(body, 'lawfulBasis'), article9Condition: text(body, 'article9Condition'), reviewDate: text(body, 'reviewDate') };
    return saveOrReturn(services, request, reply, paths.identificationAgreements, values, async () => {
      await identification.createAgreement(request.actor!, { ...values, lawfulBasis: values.lawfulBasis || undefined });
      return `${paths.identificationAgreements}?saved=yes`;
    });
  });

  app.get(paths.identificationMappings, { config: { access: analysts } }, async (request, reply) => {
    const state = await takeFormState(services, request);
    const q = request.query as Record<string, string | undefined>;
    const source = q.source && isSourceKey(q.source) ? q.source : (state?.values.source as string | undefined) ?? 'police-da';
    return reply.view('identification/views/mappings.njk', {
      pageTitle: 'Column mappings',
      mappings: (await identification.mappings(request.actor!)).map((m) => ({ ...m, label: isSourceKey(m.source) ? extractFormats[m.source].label : m.source })),
      sourceOptions, source, format: isSourceKey(source) ? extractFormats[source] : extractFormats['police-da'],
      errors: state?.errors ?? {}, errorList: state ? errorLinks(state.errors) : [], values: state?.values ?? { source },
      saved: q.saved === 'yes',
    });
  });

  app.post(paths.identificationMappings, { config: { access: analysts } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const source = text(body, 'source');
    const mapping: Record<string, string> = {};
    if (isSourceKey(source)) for (const c of extractFormats[source].columns) mapping[c.name] = text(body, `map-${c.name}`);
    const values: Record<string, unknown> = { source, agencyName: text(body, 'agencyName') };
    for (const [k, v] of Object.entries(mapping)) values[`map-${k}`] = v;
    return saveOrReturn(services, request, reply, `${paths.identificationMappings}?source=${encodeURIComponent(source)}`, values, async () => {
      await identification.saveMapping(request.actor!, { source, agencyName: values.agencyName, mapping });
      return `${paths.identificationMappings}?source=${encodeURIComponent(source)}&saved=yes`;
    });
  });
}

export async function identificationRoutes(app: FastifyInstance, options: { services: Services }) {
  await app.register(ingestPages, options);
  await app.register(identificationPages, options);
}

/** The overview, matching, clerical review and the prioritised list. */
export async function identificationPages(app: FastifyInstance, { services }: { services: Services }) {
  const { identification } = services;

  app.get(paths.identification, { config: { access: analysts } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const extracts = await identification.extracts(request.actor!);
    const loaded = q.extractId ? extracts.find((e) => e.id === q.extractId) : undefined;
    return reply.view('identification/views/overview.njk', {
      pageTitle: 'Identification', extracts: extracts.map((e) => ({ ...e, label: isSourceKey(e.source) ? extractFormats[e.source].label : e.source })),
      loaded, alreadyLoaded: q.status === 'already-loaded',
    });
  });
}
