import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { testClock } from '../support/clock.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import { ImportRefused } from '../../src/modules/directory/service.ts';

const header = 'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,lat,long';
const row = (pcds: string, doterm: string, grid: string, lat: string, long: string) =>
  `"${pcds.replace(' ', '')}","${pcds}","${pcds}","199801","${doterm}","E10000009","E58000001","E07000032","E05000001","E04000001","0","430000","350000","${grid}","E16000001","E40000004","E92000001","E12000004",${lat},${long}`;

describe.each(engines)('importing the ONS Postcode Directory on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let dir: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-onspd-'));
  });
  afterAll(async () => {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps live postcodes with a grid reference, skipping terminated ones and those with none', async () => {
    const file = path.join(dir, 'onspd.csv');
    await writeFile(file, [header,
      row('AB1 0AA', '', '1', '57.101474', '-2.242851'),
      row('AB1 0AB', '200104', '1', '57.102554', '-2.246308'),
      row('AB1 0AD', '', '9', '99.999999', '0.000000'),
      row('SW1A 1AA', '', '1', '51.501009', '-0.141588'),
    ].join('\n'));
    expect(await s.directory.importPostcodes(null, file)).toEqual({ rows: 4, postcodes: 2, terminated: 1, noGridReference: 1 });
    const located = await s.directory.apiServiceAtLocations({ postcode: 'sw1a1aa', proximity: '1000' });
    expect(located.total_items).toBe(0);
    const unknown = await s.directory.apiServiceAtLocations({ postcode: 'AB1 0AB' }).catch((e: { fieldErrors: unknown }) => e.fieldErrors);
    expect(unknown).toEqual({ postcode: 'no such postcode in the postcode directory' });
  });

  it('refuses a file with a bad row whole, naming the row and the field', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, [header, row('ZE1 0AA', '', '1', '60.15', '-1.15'), row('ZE1 0AB', '', '1', 'north', '-1.15'), row('nonsense', '', '1', '60.1', '-1.1')].join('\n'));
    const refused = await s.directory.importPostcodes(null, file).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRefused);
    expect((refused as ImportRefused).problems).toEqual(['row 3: lat: expected a UK latitude from 49 to 61', 'row 4: pcds: expected a postcode such as NV1 5SE']);
    const found = await s.directory.apiServiceAtLocations({ postcode: 'ZE1 0AA' }).catch((e: { fieldErrors: unknown }) => e.fieldErrors);
    expect(found).toEqual({ postcode: 'no such postcode in the postcode directory' });
  });

  it('refuses a file without the ONSPD columns', async () => {
    const file = path.join(dir, 'other.csv');
    await writeFile(file, 'postcode,latitude,longitude\nAB1 0AA,57.1,-2.2\n');
    const refused = await s.directory.importPostcodes(null, file).catch((e: unknown) => e);
    expect((refused as ImportRefused).problems).toEqual(['row 1: header: expected the ONSPD columns pcds, doterm, lat, long']);
  });
});
