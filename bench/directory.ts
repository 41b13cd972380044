/**
 * bench:directory — distance search under concurrent load, and the ONS Postcode Directory import rate.
 *
 * Loads 20,000 services (PostgreSQL when DATABASE_URL is set, else PGlite) spread over a region of
 * about 220 by 200 km around Northvale, serves Lantern in this process, and drives two routes with
 * 50 users, each sending a search, waiting (exponential, mean --think seconds) and sending the next:
 *   - POST /services: the public search page from a Northvale postcode (half with a category);
 *   - GET /openreferral/service_at_locations?postcode=…&proximity=8000: the Open Referral UK API.
 * Then a synthetic ONSPD-shaped CSV (--onspd-rows, about 2% terminated and 0.5% with no grid
 * reference) through `importPostcodes`, with the rate extrapolated to the whole UK's 2.7 million rows.
 *
 *   npm run bench:directory -- [--services 20000] [--connections 50] [--seconds 15] [--think 1] [--onspd-rows 200000]
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import type { Queryable } from '../src/db/database.ts';
import { northvalePostcodes } from '../src/domain/directory/northvale.ts';
import { categories } from '../src/domain/directory/taxonomy.ts';
import { seedDirectoryDemo } from '../src/modules/demo/directory.ts';
import { directoryRepository } from '../src/modules/directory/repository.ts';
import { services as buildServices } from '../src/services.ts';
import { buildApp } from '../src/app.ts';
import { makeClock } from '../src/clock.ts';
import { benchDatabase } from './database.ts';

const { values } = parseArgs({ options: {
  services: { type: 'string', default: '20000' }, connections: { type: 'string', default: '50' }, seconds: { type: 'string', default: '15' },
  think: { type: 'string', default: '1' }, 'onspd-rows': { type: 'string', default: '200000' },
} });
const serviceCount = Number(values.services);
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const think = Number(values.think);
const onspdRows = Number(values['onspd-rows']);
const clock = makeClock();
const today = clock.today();

/** A seeded pseudo-random sequence, so every run loads the same services. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const uuid = (kind: number, n: number) => `b3c40000-${kind.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Bulk-loads synthetic services, one statement per table and chunk (the bench's own loader, not the product's). */
async function loadServices(q: Queryable, count: number) {
  const next = random(42);
  const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
  for (let start = 0; start < count; start += 5000) {
    const n = Math.min(5000, count - start);
    const ids: string[] = []; const names: string[] = []; const mins: (number | null)[] = []; const maxes: (number | null)[] = [];
    const free: boolean[] = []; const weekends: boolean[] = []; const evenings: boolean[] = []; const bydays: string[] = []; const opens: string[] = []; const closes: string[] = [];
    const located: string[] = []; const lats: number[] = []; const lons: number[] = []; const terms: string[] = []; const areaOnly: string[] = []; const districts: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = start + i + 1;
      const id = uuid(1, k);
      const category = categories[k % categories.length];
      ids.push(id); names.push(`${category.name} service ${k}`); terms.push(category.id);
      const min = Math.floor(next() * 12); mins.push(next() < 0.2 ? null : min); maxes.push(next() < 0.3 ? null : min + 5 + Math.floor(next() * 20));
      free.push(next() < 0.8);
      const day = days[Math.floor(next() * 7)];
      bydays.push(day); weekends.push(day === 'SA' || day === 'SU');
      const opening = 8 + Math.floor(next() * 12);
      opens.push(`${String(opening).padStart(2, '0')}:00`); closes.push(`${String(opening + 2).padStart(2, '0')}:00`); evenings.push(opening + 2 > 18);
      if (next() < 0.1) { areaOnly.push(id); districts.push(`NV${1 + Math.floor(next() * 22)}`); } else {
        located.push(id); lats.push(53.3 + next() * 2); lons.push(-3.4 + next() * 3);
      }
    }
    await q.query(`INSERT INTO directory_service (id, name, description, status, minimum_age, maximum_age, assured_date, is_free, weekends, evenings, search_text, last_modified)
      SELECT id, name, 'A synthetic service for the benchmark.', 'active', mn, mx, $8::date, fr, we, ev, lower(name), $8::timestamptz
      FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::boolean[], $6::boolean[], $7::boolean[]) AS t(id, name, mn, mx, fr, we, ev)`,
    [ids, names, mins, maxes, free, weekends, evenings, today]);
    await q.query(`INSERT INTO directory_schedule (id, service_id, freq, byday, opens_at, closes_at)
      SELECT gen_random_uuid(), id, 'WEEKLY', d, o::time, c::time FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(id, d, o, c)`, [ids, bydays, opens, closes]);
    await q.query(`INSERT INTO directory_service_term (id, service_id, term_id) SELECT gen_random_uuid(), id, t FROM unnest($1::uuid[], $2::uuid[]) AS x(id, t)`, [ids, terms]);
    await q.query(`INSERT INTO directory_location (id, location_type, latitude, longitude) SELECT id, 'physical', la, lo FROM unnest($1::uuid[], $2::float8[], $3::float8[]) AS t(id, la, lo)`,
      [located, lats, lons]);
    await q.query(`INSERT INTO directory_service_at_location (id, service_id, location_id) SELECT gen_random_uuid(), id, id FROM unnest($1::uuid[]) AS t(id)`, [located]);
    await q.query(`INSERT INTO directory_service_area_district (service_id, district) SELECT * FROM unnest($1::uuid[], $2::text[])`, [areaOnly, districts]);
  }
  await directoryRepository.refreshSearchPoints(q, null);
}

function percentiles(latencies: number[]) {
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10) / 10;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

type Request = { method: 'GET' | 'POST'; path: string; body?: string };

/** `count` users, each sending a request, waiting for the answer, then pausing (exponential, mean `think` s). */
async function users(base: string, requests: Request[], count: number) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const until = Date.now() + seconds * 1000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: count });
  const pause = () => new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * think * 1000));
  const send = (r: Request) => new Promise<number>((resolve, reject) => {
    const request = http.request(`${base}${r.path}`, { method: r.method, agent, headers: r.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(r.body);
  });
  await Promise.all(Array.from({ length: count }, async () => {
    while (true) {
      await pause();
      if (Date.now() >= until) return;
      const started = performance.now();
      const status = await send(requests[next++ % requests.length]).catch(() => 0);
      latencies.push(performance.now() - started);
      if (status !== 200) errors += 1;
    }
  }));
  agent.destroy();
  return { rps: latencies.length / seconds, ...percentiles(latencies), errors, total: latencies.length };
}

/** A file shaped like the ONSPD CSV (its first columns and lat/long), with terminated and grid-less rows. */
async function writeOnspd(file: string, rows: number) {
  const out = createWriteStream(file);
  const next = random(7);
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  out.write('pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21,ruc21\n');
  for (let i = 0; i < rows; i++) {
    // Unique by construction: 3,600 inward codes per district, 99 districts per area.
    const inward = i % 3600;
    const areaIndex = Math.floor(i / 356_400) % 252;
    const area = `${'ABCDEFGHKLMNPRSTWY'[areaIndex % 18]}${'ABDEHLMNPRSTWY'[Math.floor(areaIndex / 18)]}`;
    const pcds = `${area}${1 + (Math.floor(i / 3600) % 99)} ${1 + (inward % 9)}${letters[Math.floor(inward / 9) % 20]}${letters[Math.floor(inward / 180)]}`;
    const r = next();
    const terminated = r < 0.02 ? '201906' : '';
    const grid = r > 0.995 ? '9' : '1';
    const lat = grid === '9' ? '99.999999' : (50 + next() * 8).toFixed(6);
    const long = grid === '9' ? '0.000000' : (-5 + next() * 6.5).toFixed(6);
    const line = `"${pcds.replace(' ', '')}","${pcds}","${pcds}","198001","${terminated}","E10000002","E58000118","E06000001","E05008942","E43000001","0","445000","532000","${grid}","E16000001","E40000012","E92000001","E12000001","0","E14000733","E15000001","E24000003","E30000215","E16000001","TLC11","00EBMX","E00060274","00EBMX","E99999999","E01012007","E02002483","8","3C3","E00060274","E01012007","E02002483","E33000001","E38000001","E63000001","A1","3b2","${lat}","${long}","E37000034","","E23000013","1","E56000004","E54000050","E00060274","E01012007","E02002483","UN1"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main() {
  const { db, drop } = await benchDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-directory-bench-'));
  try {
    const s = buildServices(db, { sessionHours: 8, clock });
    let started = Date.now();
    await seedDirectoryDemo(db, s.directory);
    await db.transaction((tx) => loadServices(tx, serviceCount - 144));
    await db.query('ANALYZE');
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM directory_service');
    console.log(`${n.toLocaleString('en-GB')} services loaded on ${db.engine} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const app = await buildApp({ services: s, sessionHours: 8 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const postcodes = [...northvalePostcodes()].filter((_, i) => i % 97 === 0).map((p) => p.postcode);
    const searches: Request[] = postcodes.map((postcode, i) => ({
      method: 'POST', path: '/services',
      body: new URLSearchParams({ where: postcode, category: i % 2 ? categories[i % categories.length].code : '' }).toString(),
    }));
    const api: Request[] = postcodes.map((postcode) => ({ method: 'GET', path: `/openreferral/service_at_locations?postcode=${encodeURIComponent(postcode)}&proximity=8000` }));
    for (const r of [...searches.slice(0, 20), ...api.slice(0, 20)]) await fetch(`${base}${r.path}`, { method: r.method, body: r.body, headers: r.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} });
    const show = (title: string, f: Awaited<ReturnType<typeof users>>) =>
      console.log(`${db.engine} ${title.padEnd(62)} ${f.rps.toFixed(0).padStart(4)} req/s  p50 ${f.p50} ms  p95 ${f.p95} ms  p99 ${f.p99} ms  ${f.errors} errors of ${f.total}`);
    // The machine's load says how far these figures are from a quiet machine's.
    console.log(`${connections} users, a request every ${think} s each (exponential pauses), ${seconds} s per route, server in this process; `
      + `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores:`);
    const serial: number[] = [];
    for (const r of searches.slice(20, 60)) {
      const started = performance.now();
      await fetch(`${base}${r.path}`, { method: r.method, body: r.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then((x) => x.text());
      serial.push(performance.now() - started);
    }
    const one = percentiles(serial);
    console.log(`${db.engine} POST /services, one request at a time (40): p50 ${one.p50} ms  p95 ${one.p95} ms`);
    show('POST /services (postcode, nearest first, 10 miles)', await users(base, searches, connections));
    show('GET /openreferral/service_at_locations (postcode, 8 km)', await users(base, api, connections));
    await app.close();

    const file = path.join(dir, 'onspd.csv');
    await writeOnspd(file, onspdRows);
    const bytes = (await stat(file)).size;
    started = Date.now();
    const counts = await s.directory.importPostcodes(null, file);
    const secondsTaken = (Date.now() - started) / 1000;
    const rate = counts.rows / secondsTaken;
    console.log(`ONSPD import on ${db.engine}: ${counts.rows.toLocaleString('en-GB')} rows (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${secondsTaken.toFixed(1)} s = ${Math.round(rate).toLocaleString('en-GB')} rows/s; `
      + `${counts.postcodes.toLocaleString('en-GB')} kept, ${counts.terminated.toLocaleString('en-GB')} terminated, ${counts.noGridReference.toLocaleString('en-GB')} without a grid reference. `
      + `2.7 million rows at this rate: ${(2_700_000 / rate).toFixed(0)} s`);
  } finally {
    await drop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
