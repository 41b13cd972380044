import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIsoDate } from '../domain/dates.ts';
import { ValidationError, type FieldErrors } from '../domain/errors.ts';
import type { WebServices } from './types.ts';

/**
 * Post, redirect, get: a form that fails validation stores the errors and what was typed in
 * the session, redirects back, and the page shows the error summary and replays the answers.
 */
export interface FormState {
  errors: FieldErrors;
  values: Record<string, unknown>;
}

type SessionData = { forms?: Record<string, FormState>; [key: string]: unknown };

export async function redirectWithErrors(services: WebServices, request: FastifyRequest, reply: FastifyReply, to: string, state: FormState) {
  const session = request.session!;
  const data = session.data as SessionData;
  data.forms = { ...(data.forms ?? {}), [to]: storable(state) as FormState };
  await services.access.saveSessionData(session.idHash, data);
  return reply.redirect(to, 303);
}

/**
 * The session is stored as jsonb, which cannot hold a NUL or a lone surrogate. The input gate
 * refuses both before a handler runs; this keeps a message quoting a file's contents (an
 * extract's header, say) from breaking the error path all the same.
 */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\u0000|[\ud800-\udfff]/gu, '\ufffd');
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k) as string, storable(v)]));
  return value;
}

/** The stored state for this page, removed once read so a refresh shows a clean form. */
export async function takeFormState(services: WebServices, request: FastifyRequest): Promise<FormState | undefined> {
  const session = request.session;
  const data = session?.data as SessionData | undefined;
  const key = request.url;
  const state = data?.forms?.[key];
  if (!state || !session) return undefined;
  delete data!.forms![key];
  await services.access.saveSessionData(session.idHash, data!);
  return state;
}

export async function setSessionValue(services: WebServices, request: FastifyRequest, key: string, value: unknown) {
  const session = request.session!;
  (session.data as SessionData)[key] = storable(value);
  await services.access.saveSessionData(session.idHash, session.data);
}

/** Field errors as the GOV.UK error summary list, in the order the fields appear, each linking to its field. */
export function errorList(errors: FieldErrors, anchors: Record<string, string> = {}, order: readonly string[] = []) {
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return Object.entries(errors)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([field, text]) => ({ text, href: `#${anchors[field] ?? field}` }));
}

/** A GOV.UK date input (three boxes) as an ISO date, or the message that says what is wrong. */
export function dateFromParts(body: Record<string, unknown>, name: string, label: string): { value: string | null; error?: string } {
  const part = (p: string) => String(body[`${name}-${p}`] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (!day && !month && !year) return { value: null };
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) return { value: null, error: `${label} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { value: null, error: `${label} must be a real date` };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(iso) ? { value: iso } : { value: null, error: `${label} must be a real date` };
}

export function dateParts(iso: string | null | undefined) {
  if (!iso) return { day: '', month: '', year: '' };
  const [year, month, day] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

export function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
}

/** Where a schema's problem, keyed by its JSON path (`rules.2.criteria.0.value`), shows on a form: the field's id and the message as the form words it. */
export type FormField = (key: string, message: string) => { id: string; message: string };

/**
 * Runs a use case whose schema reads the API's JSON for a form whose fields are flat, giving each
 * problem the id of the field it is about (so the error summary links to it), every problem kept
 * and the first message for each id: the schema's errors are never re-keyed by hand (one-schema meta-test).
 */
export async function withFormFields<T>(work: () => Promise<T>, field: FormField): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const errors: FieldErrors = {};
    for (const [key, message] of Object.entries(error.fieldErrors)) {
      const shown = field(key, message);
      errors[shown.id] ??= shown.message;
    }
    throw new ValidationError(errors);
  }
}

/** The same for one of several forms on a page: its field errors take the ids its fields have there (`note` → `note-<grant id>`). */
export async function withFieldIds<T>(work: () => Promise<T>, id: (key: string) => string): Promise<T> {
  return withFormFields(work, (key, message) => ({ id: id(key), message }));
}
