import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { londonInstant } from '../../domain/clock.ts';
import { addDays } from '../../domain/casework/due.ts';
import { ForbiddenError, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { familyDecision, requireFeature, withFamily } from '../access/policy.ts';
import { auditRepository } from './repository.ts';
import { auditViewerRepository as viewer, type AuditFilter, type AuditViewRow } from './viewer-repository.ts';

/** What a person asked the audit viewer for, as typed (London dates 'YYYY-MM-DD', a family reference). */
export interface AuditQuery {
  userId?: string;
  familyReference?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export const auditPageSize = 50;
/** The most rows one CSV export holds: narrow the filters for more. */
export const auditExportLimit = 100_000;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function auditService(db: Database) {
  function requireAdministrator(actor: Actor) {
    return requireFeature(actor, 'audit.read', 'Only administrators can read the audit log');
  }

  /** The typed query as a filter on the log, or field errors. An unknown family reference is an error, not an empty page. */
  async function filterFor(query: AuditQuery): Promise<AuditFilter> {
    const errors: FieldErrors = {};
    const filter: AuditFilter = {};
    if (query.userId) {
      if (uuid.test(query.userId)) filter.userId = query.userId;
      else errors.userId = 'Select a person from the list';
    }
    const reference = query.familyReference?.trim().toUpperCase();
    if (reference) {
      filter.familyId = await viewer.familyIdByReference(db, reference);
      if (!filter.familyId) errors.familyReference = `No family has the reference ${reference}`;
    }
    if (query.action) filter.action = query.action.slice(0, 100);
    if (query.outcome === 'allowed' || query.outcome === 'denied' || query.outcome === 'failed') filter.outcome = query.outcome;
    if (query.from) filter.fromInstant = londonInstant(query.from);
    // "To" is inclusive: up to the start of the next London day.
    if (query.to) filter.toInstant = londonInstant(addDays(query.to, 1));
    if (query.from && query.to && query.to < query.from) errors.to = 'The end date must be the same as or after the start date';
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return filter;
  }

  return {
    /** "Who has seen this family": every view, change and list that showed it, for the family's lead and managers. */
    async maySeeWhoHasSeen(actor: Actor, familyId: string): Promise<boolean> {
      return (await familyDecision(db, actor, 'family.seen-by', familyId)).allowed;
    },

    seenBy(actor: Actor, familyId: string) {
      return withFamily(db, actor, familyId, { action: 'view-who-has-seen', permission: 'family.seen-by' }, (tx) => auditRepository.seenBy(tx, familyId));
    },

    /** One page of events matching the query, newest first, and the id to page on from (null on the last page). Audited. */
    async page(actor: Actor, query: AuditQuery, beforeId: string | null): Promise<{ rows: AuditViewRow[]; nextBefore: string | null }> {
      await requireAdministrator(actor);
      const filter = await filterFor(query);
      const rows = await viewer.page(db, filter, beforeId && /^\d{1,19}$/.test(beforeId) ? beforeId : null, auditPageSize + 1);
      await auditRepository.insert(db, { userId: actor.id, action: 'read-audit-log', recordType: 'audit_event', outcome: 'allowed', ip: actor.ip, detail: { query, beforeId } });
      const more = rows.length > auditPageSize;
      return { rows: rows.slice(0, auditPageSize), nextBefore: more ? rows[auditPageSize - 1].id : null };
    },

    /** Every matching event (up to the export limit) for a CSV download; the export is itself audited with its filters. */
    async exportRows(actor: Actor, query: AuditQuery): Promise<{ rows: AuditViewRow[]; truncated: boolean }> {
      await requireAdministrator(actor);
      const filter = await filterFor(query);
      const rows = await viewer.page(db, filter, null, auditExportLimit + 1);
      await auditRepository.insert(db, { userId: actor.id, action: 'export-audit-log', recordType: 'audit_event', outcome: 'allowed', ip: actor.ip, detail: { query, rows: Math.min(rows.length, auditExportLimit) } });
      return { rows: rows.slice(0, auditExportLimit), truncated: rows.length > auditExportLimit };
    },

    actions: () => viewer.actions(db),
    people: () => viewer.people(db),
  };
}
