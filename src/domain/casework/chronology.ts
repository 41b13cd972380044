/**
 * The family chronology: significant events from every agency in date order. Serious case
 * reviews keep finding that workers did not know a family's history; this is that history, in
 * one place. Pure functions: the repository gathers the events, these sort and filter them.
 */

/** Kinds of significant event a practitioner enters by hand. */
export const chronologyEntryTypes = ['incident', 'health', 'education', 'police', 'housing', 'other'] as const;
export type ChronologyEntryType = (typeof chronologyEntryTypes)[number];

export const chronologyTypes = [
  'referral', 'legal_status', 'need', 'allocation', 'assessment', 'plan', 'closure', 'contact', ...chronologyEntryTypes,
] as const;
export type ChronologyType = (typeof chronologyTypes)[number];

export const chronologyTypeLabels: Record<ChronologyType, string> = {
  referral: 'Referral',
  legal_status: 'Legal status',
  need: 'Need identified',
  allocation: 'Allocation',
  assessment: 'Assessment',
  plan: 'Family plan',
  closure: 'Closure',
  contact: 'Contact (visit, call or meeting)',
  incident: 'Incident',
  health: 'Health',
  education: 'Education',
  police: 'Police',
  housing: 'Housing',
  other: 'Other',
};

/** The member filter's value for events about the whole family rather than one person. */
export const wholeFamily = 'family';

export interface ChronologyEvent {
  /** Unique within the chronology, e.g. 'contact:<id>'. */
  key: string;
  date: string;
  time: string | null;
  type: ChronologyType;
  agency: string | null;
  /** People the event is about; empty for a whole-family event. */
  personIds: string[];
  people: string[];
  title: string;
  detail: string;
  source: string;
  recordedBy: string | null;
  /** The contact behind a contact event, for a link to its case note. */
  contact: { caseId: string; contactId: string } | null;
}

export interface ChronologyFilters {
  /** Person ids, and/or `wholeFamily`. Empty: everyone. */
  members: string[];
  /** Agency names. Empty: every agency. */
  agencies: string[];
  types: ChronologyType[];
  order: 'oldest' | 'newest';
}

export const noFilters: ChronologyFilters = { members: [], agencies: [], types: [], order: 'oldest' };

/** What the lifecycle's events mean in the chronology; contacts are listed from the contacts themselves. */
export function caseEventEntry(event: string, note: string): { type: ChronologyType; title: string; detail: string } | null {
  switch (event) {
    case 'allocate': return { type: 'allocation', title: 'Case allocated to a key worker', detail: note };
    case 'start_assessment': return { type: 'assessment', title: 'Whole-family assessment started', detail: note };
    case 'complete_assessment': return { type: 'assessment', title: 'Whole-family assessment completed', detail: note };
    case 'agree_plan': return { type: 'plan', title: 'Family plan agreed', detail: note };
    case 'review_plan': return { type: 'plan', title: 'Family plan reviewed', detail: note };
    case 'close': return { type: 'closure', title: 'Case closed', detail: note };
    case 'directory_signpost': return { type: 'referral', title: 'Signposted to a service in the directory', detail: note };
    case 'directory_referral': return { type: 'referral', title: 'Referred to a service in the directory', detail: note };
    case 'record_contact': return null;
    default: return { type: 'other', title: event.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), detail: note };
  }
}

/** Reads the filters from a query string's values (a repeated parameter arrives as an array). */
export function parseChronologyFilters(query: Record<string, unknown>): ChronologyFilters {
  const list = (v: unknown) => [v].flat().filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  return {
    members: [...new Set(list(query.member))],
    agencies: [...new Set(list(query.agency))],
    types: [...new Set(list(query.type))].filter((t): t is ChronologyType => (chronologyTypes as readonly string[]).includes(t)),
    order: query.order === 'newest' ? 'newest' : 'oldest',
  };
}

/** Events matching every filter given (within a filter, any of the values chosen). */
export function filterChronology(events: readonly ChronologyEvent[], filters: ChronologyFilters): ChronologyEvent[] {
  return events.filter((e) =>
    (!filters.types.length || filters.types.includes(e.type))
    && (!filters.agencies.length || (e.agency !== null && filters.agencies.includes(e.agency)))
    && (!filters.members.length || (e.personIds.length === 0 ? filters.members.includes(wholeFamily) : e.personIds.some((id) => filters.members.includes(id)))));
}

/** Date order (then time; untimed events first in their day), oldest first unless asked otherwise. */
export function sortChronology(events: readonly ChronologyEvent[], order: ChronologyFilters['order'] = 'oldest'): ChronologyEvent[] {
  const sorted = [...events].sort((a, b) => a.date.localeCompare(b.date) || (a.time ?? '').localeCompare(b.time ?? '') || a.key.localeCompare(b.key));
  return order === 'newest' ? sorted.reverse() : sorted;
}

/** The query string for a set of filters, for links (print view, removing one filter). */
export function chronologyQuery(filters: ChronologyFilters): string {
  const params = new URLSearchParams();
  for (const m of filters.members) params.append('member', m);
  for (const a of filters.agencies) params.append('agency', a);
  for (const t of filters.types) params.append('type', t);
  if (filters.order !== 'oldest') params.append('order', filters.order);
  const s = params.toString();
  return s ? `?${s}` : '';
}
