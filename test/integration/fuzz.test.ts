import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { rememberDatabase } from '../support/http.ts';
import { buildApp } from '../../src/app.ts';
import { TEST_TODAY as today, testClock } from '../support/clock.ts';
import type { LanternApp, RouteRecord } from '../../src/app.ts';
import { services, type Services } from '../../src/services.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { seedDemoCasework } from '../../src/modules/demo/casework.ts';
import { seedDemoOutcomes } from '../../src/modules/demo/outcomes.ts';
import { seedIdentificationDemo } from '../../src/modules/demo/identification.ts';
import { demoSignIns } from '../../src/domain/demo/generator.ts';
import { northvaleDemoServices } from '../../src/domain/directory/northvale.ts';
import type { UserRole } from '../../src/domain/codes.ts';

/**
 * Never 500 on input, and never a partial write: generated requests to every operation of the
 * OpenAPI document and every page form (the POST routes of the app's route table), signed in as
 * each role of a small demo partnership with real ids, so most requests reach the handlers.
 *
 * FUZZ_SEED reproduces a run (the seed is printed); FUZZ_REQUESTS sets how many (10,000 by default);
 * FUZZ_ENGINE picks one engine.
 */

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const totalRequests = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const parallel = 8;
const demoFamilies = 30;

// Tables a refused request may still write: the audit trail (denials are audited, and so are the
// families a list showed), sessions (a refused form keeps what was typed) and sign-in attempts.
const unwatchedTables = new Set(['audit_event', 'audit_family_shown', 'session', 'login_attempt', 'api_token']);

interface Role { email: string; role: UserRole; userId: string; token: string; cookie: string; csrf: string }
interface Context { familyId: string; caseId: string | null; referralId: string | null; ids: Record<string, string[]> }
interface Target {
  kind: 'api' | 'form';
  method: string;
  url: string;
  params: string[];
  query: { name: string; schema: JsonSchema }[];
  body?: JsonSchema;
  bodyType?: 'json' | 'csv';
  fields?: Record<string, string[]>;
  multipart?: string | null;
  access: RouteRecord['access'];
  /** Role index → contexts whose ids fill every parameter and that role may open. */
  eligible: Map<number, Context[]>;
  weight: number;
}
type JsonSchema = Record<string, unknown>;
interface Request { target: Target; role: number; context: number; params: string[]; query: [string, unknown][]; body: unknown; header: [string, string] | null }

const hostileStrings = [
  '\u0000', 'a\u0000b', '%00', '\ud800', 'x\udc00y', '\udbff', '', ' ', '\t\n', 'x'.repeat(10_001), 'é'.repeat(301), '9'.repeat(30), '-1', '0', '1.5', '1e400',
  'NaN', 'Infinity', 'true', 'null', '2026-02-30', '31/12/2026', '0000-00-00', '9999-12-31', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd',
  '🌟', '\u202e', '{"a":1}', '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '=cmd|/c calc', '£1,000,000,000', '100000000000000000000',
];
const hostileString = fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, [], {}, [null], deep(40), Array.from({ length: 2000 }, () => 1)) },
  { weight: 1, arbitrary: fc.integer() },
);

const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// FUZZ_ENGINE=pglite or postgres runs one engine only.
const fuzzEngines = process.env.FUZZ_ENGINE ? engines.filter((e) => e === process.env.FUZZ_ENGINE) : engines;

describe.each(fuzzEngines)('fuzzing every route on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;
  const roles: Role[] = [];
  let contexts: Context[] = [];
  const globals: Record<string, string[]> = {};
  const targets: Target[] = [];
  let doc: { paths: Record<string, Record<string, JsonSchema>>; components: { schemas: Record<string, JsonSchema> } };

  beforeAll(async () => {
    const started = performance.now();
    t = await testDatabase(engine);
    await seedDemo(t.owner, { families: demoFamilies, seed: 7, today, passwordHash: '$argon2id$not-used-sessions-are-made-directly' });
    s = services(t.db, { sessionHours: 8, clock: testClock() });
    await seedDemoCasework(s);
    await seedDemoOutcomes(s);
    await seedIdentificationDemo(s);
    // A few directory services (one refuge among them), so the directory editor's pages have ids.
    await s.directory.seedServices(t.db, northvaleDemoServices(today).filter((d, i) => i < 6 || d.hideAddress).slice(0, 7));
    // The app runs on these same services, so the fingerprint can wait for the background jobs it queues.
    app = await buildApp({ services: s, sessionHours: 8 });
    await app.ready();
    rememberDatabase(app, t.db);

    for (const signIn of demoSignIns) {
      const [user] = await t.db.query<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [signIn.email]);
      const session = await s.access.newSession(user.id);
      roles.push({ email: signIn.email, role: signIn.role as UserRole, userId: user.id, token: await s.access.createApiToken(signIn.email, 'fuzz'), cookie: `lantern_session=${session.sessionId}`, csrf: session.csrfToken });
    }
    await loadIds();
    doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    await buildTargets();
    console.log(`fuzz on ${engine}: demo of ${demoFamilies} families and ${targets.length} targets ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  async function loadIds() {
    const rows = await t.db.query<Context & { persons: string[]; goals: string[]; actions: string[]; plans: string[]; contacts: string[]; letters: string[]; followups: string[] }>(`
      SELECT f.id AS "familyId", c.id AS "caseId", coalesce(c.referral_id, (SELECT r.id FROM referral r WHERE r.family_id = f.id LIMIT 1)) AS "referralId",
        array(SELECT p.id::text FROM person p WHERE p.family_id = f.id) AS persons,
        array(SELECT g.id::text FROM plan_goal g JOIN family_plan fp ON fp.id = g.plan_id WHERE fp.case_id = c.id) AS goals,
        array(SELECT a.id::text FROM plan_action a JOIN plan_goal g ON g.id = a.goal_id JOIN family_plan fp ON fp.id = g.plan_id WHERE fp.case_id = c.id) AS actions,
        array(SELECT fp.id::text FROM family_plan fp WHERE fp.case_id = c.id) AS plans,
        array(SELECT x.id::text FROM contact x WHERE x.case_id = c.id) AS contacts,
        array(SELECT l.id::text FROM letter l WHERE l.case_id = c.id) AS letters,
        array(SELECT u.id::text FROM follow_up u WHERE u.case_id = c.id) AS followups
      FROM family f LEFT JOIN casefile c ON c.family_id = f.id`);
    contexts = rows.map((r) => ({
      familyId: r.familyId, caseId: r.caseId, referralId: r.referralId,
      ids: { personId: r.persons, goalId: r.goals, actionId: r.actions, planId: r.plans, contactId: r.contacts, letterId: r.letters, followUpId: r.followups },
    }));
    const all = async (sql: string) => (await t.db.query<{ id: string }>(sql)).map((r) => r.id);
    globals.analysisId = await all('SELECT id FROM cost_benefit_analysis');
    globals.unitCostId = await all('SELECT id FROM unit_cost');
    globals.populationSetId = await all('SELECT id FROM population_set');
    globals.auditId = await all('SELECT id FROM case_file_audit');
    globals.householdId = await all('SELECT id FROM linked_household');
    globals.leftRecordId = await all('SELECT left_record_id AS id FROM linkage_pair');
    globals.rightRecordId = await all('SELECT right_record_id AS id FROM linkage_pair');
    globals.referralId = await all('SELECT id FROM referral');
    globals.serviceId = await all('SELECT id FROM directory_service');
    globals.memberId = [randomUUID()];
  }

  /** The families each role may open, asked of the app itself. */
  async function openable(role: Role): Promise<Set<string>> {
    const families = new Set<string>();
    for (const familyId of new Set(contexts.map((c) => c.familyId))) {
      const response = await app.inject({ url: `/api/v1/families/${familyId}`, headers: { authorization: `Bearer ${role.token}` } });
      if (response.statusCode === 200) families.add(familyId);
    }
    return families;
  }

  function idsFor(param: string, context: Context): string[] {
    if (param === 'familyId') return [context.familyId];
    if (param === 'caseId') return context.caseId ? [context.caseId] : [];
    if (param === 'referralId') return context.referralId ? [context.referralId] : [];
    return context.ids[param] ?? globals[param] ?? [];
  }

  const familyScoped = new Set(['familyId', 'caseId', 'personId', 'goalId', 'actionId', 'planId', 'contactId', 'letterId', 'followUpId', 'referralId']);

  function allowed(access: RouteRecord['access'], role: Role) {
    return access === 'public' || access === 'signed-in' || (Array.isArray(access) && access.includes(role.role));
  }

  async function buildTargets() {
    const open = await Promise.all(roles.map(openable));
    const eligible = (params: string[], access: RouteRecord['access']) => {
      const map = new Map<number, Context[]>();
      roles.forEach((role, i) => {
        if (!allowed(access, role)) return;
        const scoped = params.some((p) => familyScoped.has(p));
        const usable = contexts.filter((c) => (!scoped || open[i].has(c.familyId)) && params.every((p) => idsFor(p, c).length > 0));
        if (usable.length) map.set(i, usable);
      });
      return map;
    };
    const accessOf = (method: string, url: string) => app.routeTable.find((r) => [r.method].flat().includes(method) && r.url === url)?.access;
    const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
      const ref = schema?.$ref as string | undefined;
      return ref ? doc.components.schemas[ref.split('/').at(-1)!] : schema;
    };

    for (const [path, operations] of Object.entries(doc.paths)) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      for (const [method, op] of Object.entries(operations)) {
        const parameters = (op.parameters ?? []) as { name: string; in: string; schema: JsonSchema }[];
        const params = parameters.filter((p) => p.in === 'path').map((p) => p.name);
        const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content;
        const access = accessOf(method.toUpperCase(), url);
        targets.push({
          kind: 'api', method: method.toUpperCase(), url, params, access,
          query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
          body: resolve(content?.['application/json']?.schema), bodyType: content?.['text/csv'] ? 'csv' : 'json',
          eligible: eligible(params, access), weight: weightOf(url),
        });
      }
    }
    const forms = app.routeTable.filter((r) => [r.method].flat().includes('POST') && !r.url.startsWith('/api/'));
    for (const route of forms) {
      const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const target: Target = { kind: 'form', method: 'POST', url: route.url, params, query: [], access: route.access, eligible: eligible(params, route.access), weight: weightOf(route.url) };
      Object.assign(target, await harvestForm(target));
      targets.push(target);
    }
  }

  /** Slow work (a matching run, reports as PDF) is fuzzed less often, so a run stays quick. */
  function weightOf(url: string) {
    return /identification\/run|\.pdf$|\.docx$|populations\/essex|audits\/essex|sign-out/.test(url) ? 1 : 10;
  }

  /** The form's field names and the values the page offers (hidden versions, radios, options), read from the page that shows it. */
  async function harvestForm(target: Target): Promise<Pick<Target, 'fields' | 'multipart'>> {
    const [first] = target.eligible.entries();
    if (!first) return { fields: {}, multipart: null };
    const [roleIndex, usable] = first;
    const url = fill(target.url, target.params.map((p) => idsFor(p, usable[0])[0]));
    const page = await app.inject({ url, headers: { cookie: roles[roleIndex].cookie } });
    const fields: Record<string, string[]> = {};
    for (const m of page.body.matchAll(/<(input|textarea|select)\b([^>]*)>([\s\S]*?<\/select>)?/g)) {
      const name = /\bname="([^"]+)"/.exec(m[2])?.[1];
      if (!name || name === '_csrf') continue;
      const values = m[1] === 'select' ? [...(m[3] ?? '').matchAll(/<option[^>]*value="([^"]*)"/g)].map((o) => o[1]) : [/\bvalue="([^"]*)"/.exec(m[2])?.[1] ?? ''];
      (fields[name] ??= []).push(...values.map(unescapeHtml));
    }
    const file = /<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file"/.exec(page.body);
    return { fields, multipart: file ? (file[1] ?? file[2]) : null };
  }

  const unescapeHtml = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const fill = (url: string, values: string[]) => { let i = 0; return url.replace(/:(\w+)/g, () => values[i++] ?? randomUUID()); };

  /** A value for a JSON schema: usually one that fits it (so the request gets deep), sometimes a hostile one. */
  function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
    const resolved = (schema?.$ref ? doc.components.schemas[(schema.$ref as string).split('/').at(-1)!] : schema) ?? {};
    return fc.oneof({ weight: 4, arbitrary: fitting(resolved, depth) }, { weight: 1, arbitrary: hostileValue });
  }

  function fitting(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const types = [schema.type].flat().filter(Boolean) as string[];
    if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
    if (schema.const !== undefined) return fc.constant(schema.const);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (Array.isArray(schema[key]) && (schema[key] as unknown[]).length) return fc.oneof(...(schema[key] as JsonSchema[]).map((s) => fitting(s, depth)));
    }
    if (schema.properties || types.includes('object')) {
      if (depth > 4) return fc.constant({});
      const props = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, inner] of props) record[name] = name.endsWith('Id') && inner.format === 'uuid' ? fc.oneof(idValue(name), fromSchema(inner, depth + 1)) : fromSchema(inner, depth + 1);
      return fc.record(record, { requiredKeys: (schema.required as string[] | undefined)?.filter((k) => k in record) ?? [] });
    }
    if (types.includes('array')) return fc.array(fromSchema(schema.items as JsonSchema, depth + 1), { maxLength: 4 });
    if (types.includes('integer') || types.includes('number')) {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1000;
      const n = types.includes('integer') ? fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, 2 ** 31)) }) : fc.double({ min, max, noNaN: true });
      return types.includes('string') ? fc.oneof(n, n.map(String)) : n;
    }
    if (types.includes('boolean')) return fc.boolean();
    if (schema.format === 'date') return fc.date({ min: new Date('1990-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    if (schema.format === 'uuid') return fc.oneof(...Object.values(globals).filter((v) => v.length).map((v) => fc.constantFrom(...v)));
    const maxLength = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, 60) : 40;
    return fc.string({ minLength: typeof schema.minLength === 'number' ? Math.min(schema.minLength, maxLength) : 0, maxLength });
  }

  const idValue = (name: string) => {
    const pool = globals[name] ?? contexts.flatMap((c) => idsFor(name, c));
    return pool.length ? fc.constantFrom(...pool) : fc.uuid();
  };

  /** Form fields: the page's own values (a real version, a real option), some replaced by hostile text. */
  function formBody(target: Target): fc.Arbitrary<unknown> {
    const names = Object.keys(target.fields ?? {});
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const name of names) {
      const offered = target.fields![name].length ? fc.constantFrom(...target.fields![name]) : fc.string({ maxLength: 20 });
      record[name] = fc.oneof({ weight: 3, arbitrary: offered }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) });
    }
    return fc.tuple(fc.record(record, { requiredKeys: [] }), fc.option(fc.tuple(fc.constantFrom('email', 'name', 'version', 'notes', 'x'), hostileString), { freq: 4 }))
      .map(([fields, extra]) => (extra ? { ...fields, [extra[0]]: extra[1] } : fields));
  }

  function requestFor(target: Target): fc.Arbitrary<Request> {
    const choices = [...target.eligible.entries()];
    const anyRole = fc.integer({ min: 0, max: roles.length - 1 });
    const who = choices.length
      ? fc.constantFrom(...choices).chain(([role, usable]) => fc.tuple(fc.constant(role), fc.integer({ min: 0, max: usable.length - 1 }).map((i) => contexts.indexOf(usable[i]))))
      : fc.tuple(anyRole, fc.integer({ min: 0, max: contexts.length - 1 }));
    const body = target.kind === 'form' ? formBody(target)
      : target.bodyType === 'csv' ? fc.oneof(fc.constantFrom('district,age_band,children,births,families,people\nRiverside,0-15,ab"c,1,1,1\n', 'district,age_band,children,births,families,people\nRiverside,"0-15,1,1,1,1\n'), hostileString.map((csv) => ({ csv })))
        : target.body ? fromSchema(target.body) : fc.constant(undefined);
    const query = fc.tuple(...target.query.map((q) => fc.option(fromSchema(q.schema).map((v) => [q.name, v] as [string, unknown]), { freq: 2 })), fc.option(hostileString.map((v) => ['q', v] as [string, unknown]), { freq: 6 }))
      .map((pairs) => pairs.filter((p): p is [string, unknown] => p !== null));
    const header = fc.option(fc.tuple(fc.constantFrom('x-forwarded-for', 'accept-language', 'user-agent', 'referer'), fc.constantFrom('127.0.0.1', 'en-GB', '%00', '\u00e9\u00e9', 'x'.repeat(9000))), { freq: 10 });
    return fc.tuple(who, body, query, header, fc.integer({ min: 0, max: 19 })).chain(([[role, context], b, q, h, broken]) => {
      const ctx = contexts[context];
      // One request in twenty names an id that is not there (a random UUID), to keep the 404 paths honest.
      const params = fc.tuple(...target.params.map((p) => {
        const pool = idsFor(p, ctx);
        return broken === 0 || !pool.length ? fc.uuid() : fc.constantFrom(...pool);
      }));
      return params.map((values) => ({ target, role, context, params: values, query: q, body: b, header: h }));
    });
  }

  async function send(request: Request): Promise<LightMyRequestResponse> {
    const { target } = request;
    const role = roles[request.role];
    const url = fill(target.url, request.params);
    const search = new URLSearchParams(request.query.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
    const headers: Record<string, string> = request.header ? { [request.header[0]]: request.header[1] } : {};
    const path = search ? `${url}?${search}` : url;
    if (target.kind === 'api') {
      headers.authorization = `Bearer ${role.token}`;
      if (target.bodyType === 'csv' && typeof request.body === 'string') headers['content-type'] = 'text/csv';
      const payload = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      return app.inject({ method: target.method as 'GET', url: path, headers, payload });
    }
    // Signing out ends the session it is sent with: it gets one of its own.
    const session = target.url === '/sign-out' ? await s.access.newSession(role.userId) : null;
    headers.cookie = session ? `lantern_session=${session.sessionId}` : role.cookie;
    const csrf = session?.csrfToken ?? role.csrf;
    const fields = Object.entries({ _csrf: csrf, ...(request.body as Record<string, unknown>) });
    if (target.multipart) {
      const boundary = `----fuzz${randomUUID()}`;
      const parts = fields.flatMap(([k, v]) => [v].flat().map((one) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(one)}\r\n`));
      const content = String((request.body as Record<string, unknown>)[target.multipart] ?? 'record_id,first_name\nQ1,ab"c\n');
      const payload = `${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name="${target.multipart}"; filename="fuzz.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
      return app.inject({ method: 'POST', url: path, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    }
    const form = new URLSearchParams();
    for (const [k, v] of fields) for (const one of [v].flat()) form.append(k, typeof one === 'string' ? one : JSON.stringify(one));
    return app.inject({ method: 'POST', url: path, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
  }

  /** Row counts of every table a refused request must not touch, and the sum of versions where there are versions (whole-number lock versions; a taxonomy's text version is data). */
  let fingerprintSql = '';
  async function fingerprint(): Promise<Record<string, string>> {
    // A run or extract an accepted request queued is still being worked in the background: let it
    // finish, so its writes are not taken for a later refused request's.
    await s.jobs.idle();
    await s.jobs.drain();
    if (!fingerprintSql) {
      // As the owner: the app role need not read every table.
      const tables = await t.owner.query<{ table_name: string; has_version: boolean }>(`
        SELECT table_name, EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'version'
          AND c.data_type IN ('integer', 'bigint')) AS has_version
        FROM information_schema.tables t WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
      fingerprintSql = `SELECT ${tables.filter((x) => !unwatchedTables.has(x.table_name) && !x.table_name.startsWith('schema_'))
        .map((x) => `(SELECT count(*)::text${x.has_version ? " || '/' || coalesce(sum(version), 0)::text" : ''} FROM ${x.table_name}) AS "${x.table_name}"`).join(', ')}`;
    }
    return (await t.owner.query<Record<string, string>>(fingerprintSql))[0];
  }

  /** A refusal: any 4xx, or a form sent back to itself with its errors (post, redirect, get). */
  function refused(request: Request, response: LightMyRequestResponse) {
    if (response.statusCode >= 400) return true;
    if (request.target.kind !== 'form' || response.statusCode !== 303) return false;
    // A page that saves and comes back to itself says so (?saved=...); one sent back with errors does not.
    const location = String(response.headers.location ?? '');
    const back = location.split('?')[0];
    return (back === fill(request.target.url, request.params) && !/[?&]saved=/.test(location)) || back === '/sign-in';
  }

  const pastAuth = (response: LightMyRequestResponse) =>
    ![401, 403, 404].includes(response.statusCode) && !(response.statusCode === 302 && String(response.headers.location).startsWith('/sign-in'));

  it(`answers ${totalRequests.toLocaleString('en-GB')} generated requests without a 500 or a partial write`, async () => {
    const started = performance.now();
    console.log(`fuzz on ${engine}: seed ${seed} (FUZZ_SEED=${seed} to reproduce), ${totalRequests} requests, ${parallel} at a time`);
    const arbitrary = fc.oneof(...targets.map((target) => ({ weight: target.weight, arbitrary: requestFor(target) })));
    const requests = fc.sample(arbitrary, { seed, numRuns: totalRequests });
    const stats = { sent: 0, past: 0, refused: 0, verified: 0, replayed: 0, statuses: new Map<number, number>() };
    const failures: string[] = [];
    const describe = (r: Request, response: LightMyRequestResponse) =>
      `${r.target.method} ${fill(r.target.url, r.params)} as ${roles[r.role].role} ${roles[r.role].email}: ${response.statusCode} ${response.body.slice(0, 300)}\n  body ${JSON.stringify(r.body)?.slice(0, 300)} query ${JSON.stringify(r.query).slice(0, 200)}`;

    let before = await fingerprint();
    for (let i = 0; i < requests.length; i += parallel) {
      const batch = requests.slice(i, i + parallel);
      const responses = await Promise.all(batch.map(send));
      const after = await fingerprint();
      const outcomes = batch.map((r, j) => ({ request: r, response: responses[j], refused: refused(r, responses[j]) }));
      for (const { request, response, refused: wasRefused } of outcomes) {
        stats.sent += 1;
        stats.statuses.set(response.statusCode, (stats.statuses.get(response.statusCode) ?? 0) + 1);
        if (pastAuth(response)) stats.past += 1;
        if (wasRefused) stats.refused += 1;
        if (response.statusCode >= 500) failures.push(describe(request, response));
      }
      if (outcomes.every((o) => o.refused || o.request.target.method === 'GET')) {
        // Nothing in the batch was accepted, so nothing may have changed.
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`partial write in a batch of refused requests:\n${outcomes.map((o) => describe(o.request, o.response)).join('\n')}\n  ${diff(before, after)}`);
        stats.verified += outcomes.filter((o) => o.refused).length;
        before = after;
        continue;
      }
      // Something was accepted: replay each refusal of the batch alone, between two fingerprints.
      before = after;
      for (const o of outcomes.filter((x) => x.refused && x.request.target.method !== 'GET')) {
        const response = await send(o.request);
        const next = await fingerprint();
        stats.replayed += 1;
        if (response.statusCode >= 500) failures.push(describe(o.request, response));
        if (refused(o.request, response)) {
          stats.verified += 1;
          if (JSON.stringify(next) !== JSON.stringify(before)) failures.push(`partial write by a refused request:\n${describe(o.request, response)}\n  ${diff(before, next)}`);
        }
        before = next;
      }
      if (failures.length >= 5) break;
      if ((i + parallel) % 2000 === 0) console.log(`fuzz on ${engine}: ${i + parallel} requests in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const seconds = (performance.now() - started) / 1000;
    const share = stats.past / stats.sent;
    console.log(`fuzz on ${engine}: ${stats.sent} requests (+${stats.replayed} replays) in ${seconds.toFixed(1)} s; ${(share * 100).toFixed(1)}% got past 401/403/404 to the handlers; `
      + `${stats.refused} refused, ${stats.verified} refusals checked for partial writes; statuses ${JSON.stringify(Object.fromEntries([...stats.statuses].sort((a, b) => a[0] - b[0])))}; seed ${seed}`);
    expect(failures, `seed ${seed}`).toEqual([]);
    expect(stats.sent).toBe(totalRequests);
    expect(share).toBeGreaterThanOrEqual(0.6);
  }, 1_800_000);
});

function diff(a: Record<string, string>, b: Record<string, string>) {
  return Object.keys(a).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k]} → ${b[k]}`).join(', ');
}
