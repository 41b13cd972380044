import { describe, expect, it } from 'vitest';
import { boundingBox, haversineMetres, milesText, normalisePostcode } from './geo.ts';
import { agesText, isFree, isStale, opensAtWeekends, opensInEvenings, scheduleText } from './rules.ts';
import { northvalePoint, northvalePostcodes } from './northvale.ts';
import { extentDistricts } from './record.ts';

describe('directory geography', () => {
  it('measures London to Edinburgh as about 534 km', () => {
    const metres = haversineMetres({ latitude: 51.5074, longitude: -0.1278 }, { latitude: 55.9533, longitude: -3.1883 });
    expect(Math.round(metres / 1000)).toBe(534);
  });

  it('bounds every point of the circle: points just inside the radius fall in the box', () => {
    const centre = { latitude: 54.3, longitude: -1.9 };
    const box = boundingBox(centre, 5000);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const r = (bearing * Math.PI) / 180;
      const point = { latitude: centre.latitude + (4990 / 111_195) * Math.cos(r), longitude: centre.longitude + (4990 / (111_195 * Math.cos((centre.latitude * Math.PI) / 180))) * Math.sin(r) };
      expect(haversineMetres(centre, point)).toBeLessThan(5000);
      expect(point.latitude >= box.minLatitude && point.latitude <= box.maxLatitude && point.longitude >= box.minLongitude && point.longitude <= box.maxLongitude).toBe(true);
    }
  });

  it('reads postcodes however they are typed, and says distances in miles', () => {
    expect(normalisePostcode(' nv15se ')).toBe('NV1 5SE');
    expect(normalisePostcode('SW1A1AA')).toBe('SW1A 1AA');
    expect(normalisePostcode('Brackenford')).toBeNull();
    expect(milesText(1609.344)).toBe('1.0 mile');
    expect(milesText(2414)).toBe('1.5 miles');
  });

  it('gives every Northvale postcode a point near its district centre, and no other postcode one', () => {
    expect(northvalePoint('NV1 5SE')).not.toBeNull();
    expect(northvalePoint('NV23 5SE')).toBeNull();
    expect(northvalePoint('NV1 5SC')).toBeNull();
    let count = 0;
    for (const p of northvalePostcodes()) {
      count += 1;
      if (count % 997 === 0) expect(haversineMetres(p, northvalePoint(`${p.postcode.split(' ')[0]} 5LL`)!)).toBeLessThan(4000);
    }
    expect(count).toBe(22 * 9 * 400);
  });

  it('reads postcode districts from a service area extent', () => {
    expect(extentDistricts('NV1 NV2, nv3;bad-one')).toEqual(['NV1', 'NV2', 'NV3']);
    expect(extentDistricts(null)).toEqual([]);
  });
});

describe('directory rules', () => {
  it('calls an entry stale when it was last checked 12 months ago or more, or never', () => {
    expect(isStale('2025-11-25', '2026-11-25')).toBe(true);
    expect(isStale('2025-11-26', '2026-11-25')).toBe(false);
    expect(isStale(null, '2026-11-25')).toBe(true);
  });

  it('knows weekend and evening opening, and free services', () => {
    expect(opensAtWeekends([{ byday: 'MO,SA', opens_at: '09:00', closes_at: '12:00' }])).toBe(true);
    expect(opensAtWeekends([{ byday: 'MO,FR', opens_at: '09:00', closes_at: '12:00' }])).toBe(false);
    expect(opensInEvenings([{ byday: 'WE', opens_at: '18:00', closes_at: '20:00' }])).toBe(true);
    expect(opensInEvenings([{ byday: 'WE', opens_at: '09:00', closes_at: '18:00' }])).toBe(false);
    expect(isFree([])).toBe(true);
    expect(isFree([{ id: 'x', amount: 0 }])).toBe(true);
    expect(isFree([{ id: 'x', amount: 4.5 }])).toBe(false);
  });

  it('words schedules and ages as a family reads them', () => {
    expect(scheduleText({ byday: 'MO,TH', opens_at: '09:30', closes_at: '12:00' })).toBe('Monday and Thursday, 9:30am to 12pm');
    expect(agesText(0, 5)).toBe('Ages up to 5');
    expect(agesText(16, null)).toBe('Ages 16 and over');
    expect(agesText(null, null)).toBe('All ages');
    expect(agesText(11, 18)).toBe('Ages 11 to 18');
  });
});
