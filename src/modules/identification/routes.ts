import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, fieldErrors, type FieldErrors } from '../../domain/errors.ts';
import { extractFormats, isSourceKey, sourceKeys } from '../../domain/identification/formats.ts';
import { schemeLabel } from '../../domain/identification/identifiers.ts';
import type { Services } from '../../services.ts';
import { redirectWithErrors, takeFormState, text } from '../../web/forms.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { paths, urls } from '../../web/urls.ts';
import { toCsv } from '../../domain/needs-analysis/csv.ts';
import { formatDate } from '../../domain/dates.ts';
import { identificationApi } from './api.ts';
import { sampleExtract } from '../../domain/identification/demo-extracts.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { householdLine, money, problemLabel, refusalErrors, waterfall } from './present.ts';
import { timeLeftWords } from '../../domain/jobs/progress.ts';
import { ingestSchemaWith, lawfulBases, lawfulBasisLabels } from './schemas.ts';
import { identificationRoles, listRoles, type IngestResult } from './service.ts';
import { removeUpload, streamUpload, type UploadForm } from '../../web/upload.ts';
import { fixed, roundHalfUp } from '../../domain/rounding.ts';
import { offers } from '../access/policy.ts';
import { count } from '../../domain/plural.ts';

const analysts = identificationRoles;

export const sourceOptions = sourceKeys.map((key) => ({ value: key, text: extractFormats[key].label }));

/** The GOV.UK error summary: each message linked to its field; row problems link to the file input. */
function errorLinks(errors: FieldErrors, limit = 60) {
  // In row order: the session keeps errors as jsonb, which orders keys by length, so "row7.file" came back before "row6.date_of_birth".
  const rank = (key: string) => (key === 'form' ? Infinity : /^row(\d+)\./.test(key) ? Number(/^row(\d+)\./.exec(key)![1]) : -1);
  const entries = Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b));
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
    streamUpload(request.headers, payload as unknown as import('node:stream').Readable, { limitBytes: app.uploadLimits.extractBytes, csrfToken: request.session?.csrfToken ?? '' }));
  app.addHook('onResponse', async (request) => {
    if (request.headers['content-type']?.startsWith('multipart/form-data')) await removeUpload(request.body as UploadForm | undefined);
  });

  app.get(paths.identificationFormats, { config: { access: analysts } }, async (_request, reply) =>
    reply.view('identification/views/formats.njk', { pageTitle: 'Extract formats', formats: sourceKeys.map((k) => extractFormats[k]) }));

  // A sample of each extract format to download from the upload page: made-up rows that load as they are.
  app.get(paths.identificationSample, { config: { access: analysts } }, async (request, reply) => {
    const source = (request.query as Record<string, unknown>).source;
    if (typeof source !== 'string' || !isSourceKey(source)) throw new NotFoundError('Extract format');
    const sample = sampleExtract(source, services.clock.today());
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="sample-${source}.csv"`).send(toCsv(sample.header, sample.rows));
  });

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
      // No file: the schema still checks every other answer, so every problem shows at once.
      const checked = ingestSchemaWith({ filename: null }).safeParse(values);
      return redirectWithErrors(services, request, reply, back, { errors: checked.success ? {} : fieldErrors(checked.error), values });
    }
    // The answers are checked now; the rows are checked and loaded by a background job, whose page this goes to.
    return saveOrReturn(services, request, reply, back, values, async () => {
      const { jobId } = await identification.startExtractLoad(request.actor!, { path: form.file!.path, filename: form.file!.filename, ...values });
      return urls.identificationJob(jobId);
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
  await app.register(identificationApi, options);
}

/** Whole-number query values within a range, or the default. */
function whole(value: string | undefined, min: number, max: number, fallback: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

function listFilter(request: FastifyRequest) {
  const q = request.query as Record<string, string | undefined>;
  return {
    limit: whole(q.top, 1, 5000, 50),
    districtId: q.districtId && isUuid(q.districtId) ? q.districtId : null,
    minimumLevel: whole(q.level, 1, 4, 0) || null,
    eligibleOnly: q.eligible !== 'all',
  };
}

function filterQuery(f: ReturnType<typeof listFilter>): string {
  const params = new URLSearchParams({ top: String(f.limit) });
  if (f.districtId) params.set('districtId', f.districtId);
  if (f.minimumLevel) params.set('level', String(f.minimumLevel));
  if (!f.eligibleOnly) params.set('eligible', 'all');
  return params.toString();
}

/** The referral form's answers from a household, kept as a server-side draft (never in a URL). */
function referralFields(view: { address: string | null; postcode: string | null; reasons: string; assessment: { members: { name: string; dateOfBirth: string | null; isChild: boolean; relation: string }[] } }): Record<string, string> {
  const params = new Map<string, string>();
  const members = view.assessment.members.slice(0, 5);
  const surname = members[0]?.name.split(' ').slice(-1)[0] ?? '';
  params.set('familyName', surname);
  if (view.address) params.set('addressLine1', view.address);
  if (view.postcode) params.set('postcode', view.postcode);
  params.set('reasons', `Identified from partner agencies' data: ${view.reasons}`);
  const roleOf: Record<string, string> = { mother: 'mother', father: 'father', son: 'child', daughter: 'child', child: 'child', parent: 'other_carer', adult: 'other_adult' };
  members.forEach((m, i) => {
    const n = i + 1;
    const parts = m.name.split(' ');
    params.set(`member${n}-givenName`, parts.slice(0, -1).join(' ') || m.name);
    params.set(`member${n}-familyName`, parts.slice(-1)[0]);
    params.set(`member${n}-role`, roleOf[m.relation] ?? 'other_adult');
    if (m.dateOfBirth) {
      const [y, mo, d] = m.dateOfBirth.split('-');
      params.set(`member${n}-dateOfBirth-day`, String(Number(d)));
      params.set(`member${n}-dateOfBirth-month`, String(Number(mo)));
      params.set(`member${n}-dateOfBirth-year`, y);
    }
  });
  return Object.fromEntries(params);
}

const csvColumns = ['Rank', 'Address', 'District', 'Members', 'Problems', 'Eligible', 'Level of need', 'Segment', 'Estimated annual cost', 'Reasons', 'Open to a service'];

/** The overview, matching, clerical review and the prioritised list. */
export async function identificationPages(app: FastifyInstance, { services }: { services: Services }) {
  const { identification } = services;
  const listReaders = listRoles;

  app.get(paths.identification, { config: { access: analysts } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const extracts = await identification.extracts(request.actor!);
    const loaded = q.extractId ? extracts.find((e) => e.id === q.extractId) : undefined;
    return reply.view('identification/views/overview.njk', {
      pageTitle: 'Identification', extracts: extracts.map((e) => ({ ...e, label: isSourceKey(e.source) ? extractFormats[e.source].label : e.source })),
      loaded, alreadyLoaded: q.status === 'already-loaded', run: await identification.latestRun(request.actor!), matched: q.matched === 'yes',
      jobs: (await identification.activeJobs(request.actor!)).map((j) => ({ ...j, href: urls.identificationJob(j.id), title: j.kind === 'matching' ? 'Matching records' : `Loading ${j.form?.filename ?? 'an extract'}` })),
    });
  });

  // Matching runs as a background job: the request only queues it and goes to its progress page.
  app.post(paths.identificationRun, { config: { access: analysts } }, async (request, reply) => {
    const jobId = await identification.startMatching(request.actor!);
    return reply.redirect(urls.identificationJob(jobId), 303);
  });

  // A job's progress. Once it has finished, the page goes where its result is shown: the extracts
  // (loaded), the upload form with every problem (refused), or the overview (matching finished).
  app.get<{ Params: { jobId: string } }>(paths.identificationJob, { config: { access: analysts } }, async (request, reply) => {
    const job = await identification.job(request.actor!, request.params.jobId);
    if (job.status === 'done' && job.kind === 'extract-load' && job.result) {
      const result = job.result as unknown as IngestResult;
      if (result.status === 'refused') {
        return redirectWithErrors(services, request, reply, paths.identificationUpload, { errors: refusalErrors(result), values: { ...job.form } });
      }
      return reply.redirect(`${paths.identification}?extractId=${result.extractId}&status=${result.status}`, 303);
    }
    if (job.status === 'done' && job.kind === 'matching') return reply.redirect(`${paths.identification}?matched=yes`, 303);
    const title = job.kind === 'matching' ? 'Matching records' : `Loading ${job.form?.filename ?? 'an extract'}`;
    return reply.view('identification/views/job.njk', {
      pageTitle: title, job, timeLeft: timeLeftWords(job.progress.secondsLeft),
      open: job.status === 'queued' || job.status === 'running',
      href: urls.identificationJob(job.id), cancelAction: urls.identificationJobCancel(job.id),
    });
  });

  app.post<{ Params: { jobId: string } }>(paths.identificationJobCancel, { config: { access: analysts } }, async (request, reply) => {
    await identification.cancelJob(request.actor!, request.params.jobId);
    return reply.redirect(urls.identificationJob(request.params.jobId), 303);
  });

  app.get(paths.identificationReview, { config: { access: analysts } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const pairs = await identification.reviewQueue(request.actor!);
    return reply.view('identification/views/review-queue.njk', {
      pageTitle: 'Clerical review', decided: q.decided, run: await identification.latestRun(request.actor!),
      pairs: pairs.map((p) => ({ ...p, href: urls.identificationPair(p.left_record_id, p.right_record_id), weight: fixed(p.weight, 2), probability: `${roundHalfUp(p.probability * 100)}%`,
        leftSource: isSourceKey(p.left_source) ? extractFormats[p.left_source].label : p.left_source, rightSource: isSourceKey(p.right_source) ? extractFormats[p.right_source].label : p.right_source })),
    });
  });

  type PairParams = { leftRecordId: string; rightRecordId: string };
  const dateText = (value: unknown) => (value ? formatDate(value instanceof Date ? value.toISOString() : String(value)) : 'Not recorded');
  app.get<{ Params: PairParams }>(paths.identificationPair, { config: { access: analysts } }, async (request, reply) => {
    const { pair, left, right, explanation } = await identification.pair(request.actor!, request.params.leftRecordId, request.params.rightRecordId);
    const state = await takeFormState(services, request);
    const label = (src: string) => (isSourceKey(src) ? extractFormats[src].label : src);
    const rows = [
      ['Source', label(left.source), label(right.source)], ['Agency reference', left.record_ref, right.record_ref],
      ['First name', left.first_name, right.first_name], ['Last name', left.last_name, right.last_name],
      ['Date of birth', dateText(left.date_of_birth), dateText(right.date_of_birth)], ['Sex', left.sex ?? 'Not recorded', right.sex ?? 'Not recorded'],
      ['Postcode', left.postcode ?? 'Not recorded', right.postcode ?? 'Not recorded'], ['Address', left.address ?? 'Not recorded', right.address ?? 'Not recorded'],
      ['Event date', dateText(left.event_date), dateText(right.event_date)],
      ...[...new Set([...Object.keys(left.identifiers), ...Object.keys(right.identifiers)])].sort()
        .map((scheme) => [schemeLabel(scheme), left.identifiers[scheme] ?? 'Not recorded', right.identifiers[scheme] ?? 'Not recorded']),
    ];
    return reply.view('identification/views/pair.njk', {
      pageTitle: 'Are these the same person?', rows, steps: waterfall(explanation), weight: fixed(explanation.weight, 2),
      probability: `${fixed(explanation.probability * 100, 1)}%`, pair, action: urls.identificationPair(pair.left_record_id, pair.right_record_id),
      errors: state?.errors ?? {}, errorList: state ? errorLinks(state.errors) : [],
    });
  });

  app.post<{ Params: PairParams }>(paths.identificationPair, { config: { access: analysts } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const answer = text(body, 'decision');
    const back = urls.identificationPair(request.params.leftRecordId, request.params.rightRecordId);
    if (answer !== 'match' && answer !== 'not_match') {
      await identification.pair(request.actor!, request.params.leftRecordId, request.params.rightRecordId);
      return redirectWithErrors(services, request, reply, back, { errors: { decision: 'Select whether these records are the same person' }, values: {} });
    }
    await identification.decide(request.actor!, request.params.leftRecordId, request.params.rightRecordId, answer === 'match');
    return reply.redirect(`${paths.identificationReview}?decided=${answer}`, 303);
  });

  app.get(paths.identificationHouseholds, { config: { access: listReaders } }, async (request, reply) => {
    const filter = listFilter(request);
    const rows = await identification.households(request.actor!, filter);
    return reply.view('identification/views/households.njk', {
      pageTitle: 'Prioritised list of households', filter, districts: await identification.districts(request.actor!),
      households: rows.map((h, i) => ({ ...householdLine(h, i + 1), href: urls.identificationHousehold(h.id) })),
      csvHref: `${paths.identificationHouseholdsCsv}?${filterQuery(filter)}`, isAnalyst: offers(request.actor, 'identification.data'),
    });
  });

  // Names and addresses leave Lantern: a session signed in through an issuer signs in there again first.
  app.get(paths.identificationHouseholdsCsv, { config: { access: listReaders, reauthenticate: true } }, async (request, reply) => {
    const rows = await identification.households(request.actor!, listFilter(request), 'identification-list-exported');
    const lines = rows.map((h, i) => householdLine(h, i + 1)).map((l) => [l.rank, l.address, l.district, l.members, l.problems, l.eligible, l.level, l.segment, l.cost, l.reasons, l.openTo]);
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="prioritised-households.csv"').send(`\uFEFF${toCsv(csvColumns, lines)}`);
  });

  app.get<{ Params: { householdId: string } }>(paths.identificationHousehold, { config: { access: listReaders } }, async (request, reply) => {
    const view = await identification.household(request.actor!, request.params.householdId);
    const mayRefer = offers(request.actor, 'referral.make');
    const draftId = (request.query as Record<string, unknown>).draftId;
    return reply.view('identification/views/household.njk', {
      pageTitle: `Household at ${view.address ?? 'an unknown address'}`, h: householdLine(view, 0), view,
      problems: view.assessment.problems.map(problemLabel), costLines: view.assessment.costLines.map((l) => ({ ...l, amount: l.pence === null ? 'No unit cost' : money(l.pence) })),
      familyReferralHref: view.family_id ? urls.newFamilyReferral(view.family_id) : null,
      startReferralAction: urls.identificationHouseholdReferral(view.id),
      // After an analyst made a draft: the link to send a referrer (an id only).
      draftHref: typeof draftId === 'string' && isUuid(draftId) ? urls.newReferral(draftId) : null,
      mayRefer, isAnalyst: offers(request.actor, 'identification.data'),
    });
  });

  // "Start a referral": the household's details go into a draft on the server; the URL carries its id only.
  app.post<{ Params: { householdId: string } }>(paths.identificationHouseholdReferral, { config: { access: listReaders } }, async (request, reply) => {
    const view = await identification.household(request.actor!, request.params.householdId);
    if (view.family_id) return reply.redirect(urls.newFamilyReferral(view.family_id), 303);
    const draftId = await services.referrals.saveDraft(request.actor!, { sourceType: 'identified-household', sourceId: view.id, fields: referralFields(view) });
    const mayRefer = offers(request.actor, 'referral.make');
    return reply.redirect(mayRefer ? urls.newReferral(draftId) : urls.identificationHousehold(view.id, draftId), 303);
  });
}
