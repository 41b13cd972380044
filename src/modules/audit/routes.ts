import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toCsv } from '../../domain/needs-analysis/csv.ts';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { nameWithAgency } from '../../domain/names.ts';
import type { Services } from '../../services.ts';
import { dateFromParts, dateParts, errorList } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { ukDateTime } from '../admin/present.ts';
import type { AuditQuery } from './service.ts';
import type { AuditViewRow } from './viewer-repository.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const administrators = { config: { access: rolesWith('audit.read') } };
const dateFields = ['day', 'month', 'year'].flatMap((p) => [`from-${p}`, `to-${p}`]);

/** The filters from the query string: what was typed (to show again and carry to the next page) and the query, or field errors. */
function readQuery(request: FastifyRequest) {
  const raw = request.query as Record<string, unknown>;
  const pick = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).slice(0, 100) : '');
  const typed: Record<string, string> = Object.fromEntries(['userId', 'familyReference', 'action', 'outcome', ...dateFields].map((k) => [k, pick(k)]));
  const errors: FieldErrors = {};
  const from = dateFromParts(typed, 'from', 'The start date');
  const to = dateFromParts(typed, 'to', 'The end date');
  if (from.error) errors.from = from.error;
  if (to.error) errors.to = to.error;
  const query: AuditQuery = {
    userId: typed.userId, familyReference: typed.familyReference, action: typed.action, outcome: typed.outcome,
    from: from.value ?? undefined, to: to.value ?? undefined,
  };
  return { typed, query, errors, before: pick('before') || null };
}

function present(e: AuditViewRow) {
  return {
    when: ukDateTime(e.at),
    who: e.user_name ? nameWithAgency(e.user_name, e.agency_name) : 'Not signed in',
    action: e.action.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    record: e.family_reference ? `${e.record_type.replace(/_/g, ' ')} in family ${e.family_reference}` : e.record_type.replace(/_/g, ' '),
    outcome: e.outcome === 'allowed' ? 'Allowed' : 'Refused',
    ip: e.ip ?? '',
  };
}

export async function auditRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get(paths.auditLog, administrators, async (request, reply) => {
    const { typed, query, errors, before } = readQuery(request);
    let result: Awaited<ReturnType<typeof services.audit.page>> = { rows: [], nextBefore: null };
    try {
      if (!Object.keys(errors).length) result = await services.audit.page(request.actor!, query, before);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      Object.assign(errors, error.fieldErrors);
    }
    const [people, actions] = await Promise.all([services.audit.people(), services.audit.actions()]);
    return reply.view('audit/views/audit-log.njk', {
      pageTitle: 'Audit log', typed, errors, errorList: errorList(errors, { from: 'from-day', to: 'to-day', userId: 'userId' }),
      events: result.rows.map(present),
      people: people.map((p) => ({ value: p.id, text: nameWithAgency(p.display_name, p.agency_name) })), actions,
      from: dateParts(query.from), to: dateParts(query.to),
      nextPage: result.nextBefore ? urls.auditLogPage({ ...typed, before: result.nextBefore }) : null,
      firstPage: before ? urls.auditLogPage(typed) : null,
      csv: urls.auditLogCsv(typed),
    });
  });

  // Who did what to which family leaves Lantern: a session signed in through an issuer signs in there again first.
  app.get(paths.auditLogCsv, { config: { ...administrators.config, reauthenticate: true } }, async (request, reply) => {
    const { query, errors } = readQuery(request);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const { rows } = await services.audit.exportRows(request.actor!, query);
    const csv = toCsv(['When', 'Person', 'Agency', 'Action', 'Record type', 'Record', 'Family reference', 'Outcome', 'From'],
      rows.map((e) => [ukDateTime(e.at), e.user_name ?? 'Not signed in', e.agency_name, e.action, e.record_type, e.record_id, e.family_reference, e.outcome, e.ip]));
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="audit-log.csv"').send(csv);
  });
}
