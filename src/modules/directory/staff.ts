/**
 * The service directory's staff side (issue 17): directory editors add, change, retire and mark as
 * checked the services families find; practitioners signpost or refer a family to a service from
 * their case. Editing is open only to people with the directory editor permission (the one access
 * policy: `decideDirectoryEdit`); every decision and change is audited, changes with before and after.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { addMonths } from '../../domain/casework/due.ts';
import { editFromService, serviceEditSchema, serviceFromEdit, type ServiceEdit } from '../../domain/directory/editor.ts';
import { normalisePostcode, postcodeKey } from '../../domain/directory/geo.ts';
import { feedServiceSchema, type FeedService } from '../../domain/directory/record.ts';
import { agesText, isStale, scheduleText } from '../../domain/directory/rules.ts';
import { ConflictError, fieldErrors, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { versionSchema } from '../../domain/input.ts';
import { directoryEditDecision, inTransaction, refusal } from '../access/policy.ts';
import { mayUse } from '../../domain/access/policy.ts';
import { auditRepository } from '../audit/repository.ts';
import type { CasesService } from '../cases/service.ts';
import { fullServiceJson } from './present.ts';
import { directoryRepository as repo, directoryStaffRepository as staffRepo, noFilters, type ServiceRow } from './repository.ts';

export const editorRefusal = 'Only directory editors can change the service directory. Ask your Lantern administrator to make you a directory editor.';
export const editorPageSize = 100;

const staleMessage = 'Someone else changed this service after you opened it. Nothing was saved: open the service again to see their changes, then make yours.';

export const caseServiceSchema = z.object({
  serviceId: z.uuid({ error: 'Choose a service from the directory' }),
  kind: z.enum(['signpost', 'referral'], { error: 'Select whether you signposted or referred the family' }),
  note: z.string({ error: 'The note must be text' }).trim().max(2000, 'The note must be 2,000 characters or fewer').default(''),
});

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const errors: Record<string, string> = {};
    for (const [key, message] of Object.entries(fieldErrors(result.error))) errors[key.replace(/\.\d+$/, '')] ??= message;
    throw new ValidationError(errors);
  }
  return result.data;
}

/** A service's contact details as a family reads them in a letter: name, who runs it, phone, email, website and, unless hidden, the address. */
export function contactDetailsText(row: ServiceRow, json: Json): string {
  const phones = list(json.contacts).flatMap((c) => list(c.phones).map((p) => str(p.number))).filter(Boolean);
  const location = list(json.service_at_locations)[0]?.location as Json | undefined;
  const address = list(location?.addresses)[0];
  const lines = [
    row.organization_name && row.organization_name !== row.name ? `${row.name} (${row.organization_name})` : row.name,
    phones.length ? `Phone: ${phones.join(' or ')}` : '',
    row.email ? `Email: ${row.email}` : '',
    row.url ? `Website: ${row.url}` : '',
    row.hide_address ? 'Address: not shared, to keep the people who use it safe. Phone to arrange help.'
      : address ? `Address: ${[str(address.address_1), str(address.city), str(address.postal_code)].filter(Boolean).join(', ')}` : '',
  ];
  return lines.filter(Boolean).join('\n');
}

export function directoryStaffService(db: Database, cases: CasesService, { clock }: { clock: Clock }) {
  const today = () => clock.today();
  const staleOn = () => addMonths(today(), -12);

  /** The policy's decision, audited; a refusal is kept (committed) and raised. */
  async function asEditor(tx: Queryable, actor: Actor, action: string, recordId: string | null) {
    const decision = await directoryEditDecision(tx, actor);
    await auditRepository.insert(tx, {
      userId: actor.id, action, recordType: 'directory_service', recordId, outcome: decision.allowed ? 'allowed' : 'denied', ip: actor.ip, basis: decision.basis,
    });
    if (!decision.allowed) throw refusal(new ForbiddenError(editorRefusal));
  }

  /** A stored service as Open Referral UK, hidden address included (for editing only). */
  async function stored(q: Queryable, id: string): Promise<{ row: ServiceRow; service: FeedService } | null> {
    const [row] = await repo.services(q, [id]);
    if (!row) return null;
    const json = fullServiceJson({ ...row, hide_address: false }, await repo.children(q, [id]));
    return { row, service: feedServiceSchema.parse(json) };
  }

  /** Checks the fields and finds the postcode's coordinates; every problem at once. */
  async function checked(q: Queryable, input: unknown): Promise<{ fields: ServiceEdit; point: { latitude: number; longitude: number } | null }> {
    const result = serviceEditSchema.safeParse(input ?? {});
    const errors = result.success ? {} : Object.fromEntries(Object.entries(fieldErrors(result.error)).map(([k, v]) => [k.replace(/\.\d+$/, ''), v]));
    let point = null;
    const raw = (input && typeof input === 'object' ? (input as Json).postcode : null);
    const postcode = typeof raw === 'string' ? normalisePostcode(raw) : null;
    if (postcode && !errors.postcode) {
      point = await repo.postcode(q, postcodeKey(postcode));
      if (!point) errors.postcode = `We could not find the postcode ${postcode} in the postcode directory: check it`;
    }
    if (!result.success || Object.keys(errors).length) throw new ValidationError(errors);
    return { fields: result.data, point: point ? { latitude: point.latitude, longitude: point.longitude } : null };
  }

  function expectedVersion(input: unknown): number {
    const raw = input && typeof input === 'object' ? (input as Json).version : undefined;
    return parse(z.object({ version: versionSchema() }), { version: raw }).version;
  }

  async function organisationId(q: Queryable, name: string, existing: FeedService | null): Promise<string> {
    if (existing?.organization && existing.organization.name.toLowerCase() === name.toLowerCase()) return existing.organization.id;
    return (await staffRepo.organisationByName(q, name)) ?? randomUUID();
  }

  const summary = (s: FeedService, hideAddress: boolean) => editFromService(s, hideAddress);

  return {
    editorRefusal,

    /** The editors' list: stale entries first (not checked for 12 months by the clock, or never). */
    list: (actor: Actor, page = 1) => inTransaction(db, async (tx) => {
      await asEditor(tx, actor, 'list-directory-services', null);
      const rows = await staffRepo.editorList(tx, staleOn(), { limit: editorPageSize, offset: (page - 1) * editorPageSize });
      return { services: rows, total: rows[0]?.total ?? 0, stale: await staffRepo.staleCount(tx, staleOn()), page };
    }),

    /** Whether this person may edit the directory (for showing the link). */
    mayEdit: async (actor: Actor) => (await directoryEditDecision(db, actor)).allowed,

    /** The form's values for a service and its version. */
    editForm: (actor: Actor, id: string) => inTransaction(db, async (tx) => {
      await asEditor(tx, actor, 'view-directory-service', id);
      const found = await stored(tx, id);
      if (!found) throw new NotFoundError('Service');
      return {
        id, values: { ...summary(found.service, found.row.hide_address), version: String(found.row.version) }, version: found.row.version,
        status: found.row.status, checkedOn: found.row.assured_date, stale: isStale(found.row.assured_date, today()),
      };
    }),

    /** Adds a service; saving it counts as checking it. */
    create: (actor: Actor, input: unknown) => inTransaction(db, async (tx) => {
      await asEditor(tx, actor, 'add-directory-service', null);
      const { fields, point } = await checked(tx, input);
      const id = randomUUID();
      const service = serviceFromEdit(fields, { serviceId: id, organisationId: await organisationId(tx, fields.organisationName, null), newId: randomUUID }, point, today(), null);
      await repo.save(tx, service, { hideAddress: fields.hideAddress, lastModified: clock.now().toISOString(), updatedBy: actor.id });
      await auditRepository.insert(tx, {
        userId: actor.id, action: 'create-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor.ip, basis: 'directory editor',
        detail: { before: null, after: summary(service, fields.hideAddress) },
      });
      return { id };
    }),

    /** Changes a service from the version the editor read (409 when someone saved first). */
    update: (actor: Actor, id: string, input: unknown) => inTransaction(db, async (tx) => {
      await asEditor(tx, actor, 'update-directory-service', id);
      const { fields, point } = await checked(tx, input);
      const version = expectedVersion(input);
      const lock = await staffRepo.lockedVersion(tx, id);
      if (!lock) throw new NotFoundError('Service');
      if (lock.version !== version) throw new ConflictError(staleMessage);
      const before = (await stored(tx, id))!;
      const service = serviceFromEdit(fields, { serviceId: id, organisationId: await organisationId(tx, fields.organisationName, before.service), newId: randomUUID },
        point, today(), before.service);
      await repo.save(tx, service, { hideAddress: fields.hideAddress, lastModified: clock.now().toISOString(), updatedBy: actor.id });
      await auditRepository.insert(tx, {
        userId: actor.id, action: 'update-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor.ip, basis: 'directory editor',
        detail: { before: summary(before.service, before.row.hide_address), after: summary(service, fields.hideAddress) },
      });
      return { id, version: version + 1 };
    }),

    /** Retires a service: it leaves the public directory and the Open Referral UK lists show it as defunct. */
    retire: (actor: Actor, id: string, input: unknown) => inTransaction(db, async (tx) => {
      await asEditor(tx, actor, 'retire-directory-service', id);
      const version = expectedVersion(input);
      const [row] = await repo.services(tx, [id]);
      if (!row) throw new NotFoundError('Service');
      if (!(await staffRepo.retire(tx, id, version, today(), actor.id, clock.now().toISOString()))) throw new ConflictError(staleMessage);
      await repo.refreshSearchPoints(tx, [id]);
      await auditRepository.insert(tx, {
        userId: actor.id, action: 'retire-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor.ip, basis: 'directory editor',
        detail: { before: { status: row.status }, after: { status: 'defunct', retiredOn: today() } },
      });
      return { name: row.name };
    }),

    /** Records that the entry was checked today: it is no longer stale. */
    markChecked: (actor: Actor, id: string, input: unknown) => inTransaction(db, async (tx) => {
      await asEditor(tx, actor, 'check-directory-service', id);
      const version = expectedVersion(input);
      const [row] = await repo.services(tx, [id]);
      if (!row) throw new NotFoundError('Service');
      if (!(await staffRepo.markChecked(tx, id, version, today(), actor.id, clock.now().toISOString()))) throw new ConflictError(staleMessage);
      await auditRepository.insert(tx, {
        userId: actor.id, action: 'check-directory-service', recordType: 'directory_service', recordId: id, outcome: 'allowed', ip: actor.ip, basis: 'directory editor',
        detail: { before: { checkedOn: row.assured_date }, after: { checkedOn: today() } },
      });
      return { name: row.name, checkedOn: today() };
    }),

    // -------------------------------------------------------------------------------------------
    // On a case: signposting and referral to directory services

    /** The services signposted on a case, and (with `search`) active directory services to choose from. */
    caseServices: (actor: Actor, caseId: string, search: { text: string; category: string | null }) =>
      cases.withCase(actor, caseId, 'view-case-services', async (tx, c) => {
        const linked = await staffRepo.caseServices(tx, caseId);
        const searched = Boolean(search.text.trim() || search.category);
        const found = searched
          ? await repo.list(tx, { ...noFilters, text: search.text.trim() || null, termId: search.category }, { limit: 20, offset: 0 }, true)
          : [];
        const json = found.length ? await fullJson(tx, found) : [];
        return {
          case: { id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, state: c.state },
          linked, searched,
          results: found.map((row, i) => ({
            id: row.id, name: row.name, organisation: row.organization_name ?? '', ages: agesText(row.minimum_age, row.maximum_age),
            when: list(json[i].schedules).map((s) => scheduleText({ byday: (s.byday as string) ?? null, opens_at: (s.opens_at as string) ?? null, closes_at: (s.closes_at as string) ?? null, description: (s.description as string) ?? null })).join('; '),
            contact: contactDetailsText(row, json[i]), stale: isStale(row.assured_date, today()),
          })),
          total: found[0]?.total ?? 0,
        };
      }),

    /** Records that the practitioner signposted or referred the family to a service: on the case, in its history and in the family chronology. */
    async addCaseService(actor: Actor, caseId: string, input: unknown) {
      if (!mayUse(actor.role, 'casework.write')) throw new ForbiddenError('Only practitioners and managers can signpost families to services');
      const fields = parse(caseServiceSchema, input);
      return cases.withCase(actor, caseId, 'signpost-case-service', async (tx, c) => {
        if (c.state === 'closed') throw new ValidationError({ serviceId: 'This case is closed: signpost the family from an open case' });
        const [service] = await repo.services(tx, [fields.serviceId]);
        if (!service || service.status === 'defunct') throw new ValidationError({ serviceId: 'Choose a service that is in the directory now' });
        const id = randomUUID();
        await staffRepo.insertCaseService(tx, {
          id, caseId, serviceId: service.id, kind: fields.kind, serviceName: service.name, note: fields.note, madeOn: today(), madeBy: actor.id, madeAt: clock.now().toISOString(),
        });
        const who = service.organization_name && service.organization_name !== service.name ? `${service.name} (${service.organization_name})` : service.name;
        await cases.recordEvent(tx, c, fields.kind === 'referral' ? 'refer_to_service' : 'signpost_service', actor, [who, fields.note].filter(Boolean).join('. '));
        return { id, serviceName: service.name };
      });
    },

    /** For closure and letters, inside the caller's transaction (its own access check covers the case): the services signposted, with contact details. */
    async signposted(tx: Queryable, caseId: string) {
      const linked = await staffRepo.caseServices(tx, caseId);
      const ids = [...new Set(linked.map((l) => l.service_id))];
      const rows = await repo.services(tx, ids);
      const json = await fullJson(tx, rows);
      return ids.map((id) => {
        const i = rows.findIndex((r) => r.id === id);
        const l = linked.find((x) => x.service_id === id)!;
        return { serviceId: id, name: l.service_name, kind: l.kind, contact: i >= 0 ? contactDetailsText(rows[i], json[i]) : l.service_name };
      });
    },
  };

  async function fullJson(q: Queryable, rows: ServiceRow[]) {
    const children = await repo.children(q, rows.map((r) => r.id));
    return rows.map((r) => fullServiceJson(r, children));
  }
}

export type DirectoryStaffService = ReturnType<typeof directoryStaffService>;
