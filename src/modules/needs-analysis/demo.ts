/**
 * Demo figures for needs analysis: populations for Northvale's districts and a quarter's police
 * domestic abuse incidents by district, so the estimates, the gap and the area comparison have
 * something to show. Fictional, deterministic, and in proportions like England's: children 0 to
 * 15 about 19% of people, births about 1.1% a year, families with dependent children about 12%.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import { northvaleDistricts } from '../../domain/demo/generator.ts';
import type { PopulationRow } from '../../domain/needs-analysis/prevalence.ts';
import { districtPopulationName } from './service.ts';
import { needsAnalysisRepository as repo } from './repository.ts';

export const demoIncidentsName = 'Domestic abuse incidents notified by the police';

// Per-district variation in the share of children and in incidents per 1,000 people: fixed, so the demo is the same every time.
const childShare = [0.182, 0.201, 0.176, 0.188, 0.195, 0.171, 0.184, 0.19];
const incidentRate = [1.21, 1.74, 1.36, 1.05, 1.58, 1.29, 0.94, 1.12];

export function demoPopulation(districts: readonly { id: string; name: string }[]): PopulationRow[] {
  const rows: PopulationRow[] = [];
  northvaleDistricts.forEach((info, i) => {
    const district = districts.find((d) => d.name === info.name);
    if (!district) return;
    const children = Math.round(info.population * childShare[i % childShare.length]);
    const under5 = Math.round(children * 0.3);
    const fiveTo9 = Math.round(children * 0.32);
    const base = { area: district.name, districtId: district.id, births: 0, families: 0, people: 0 };
    rows.push({ ...base, ageBand: '0-4', children: under5, births: Math.round(info.population * 0.0112) });
    rows.push({ ...base, ageBand: '5-9', children: fiveTo9 });
    rows.push({ ...base, ageBand: '10-15', children: children - under5 - fiveTo9 });
    rows.push({ ...base, ageBand: 'All ages', children: 0, families: Math.round(info.population * 0.121), people: info.population });
  });
  return rows;
}

/** Seeds the demo figures once; does nothing if a district population already exists. */
export async function seedNeedsAnalysisDemo(tx: Queryable, at: Date): Promise<void> {
  if (await repo.populationSetIdByName(tx, districtPopulationName)) return;
  const districts = await repo.districts(tx);
  const rows = demoPopulation(districts);
  if (!rows.length) return;
  const id = randomUUID();
  await repo.insertPopulationSet(tx, { id, name: districtPopulationName, byDistrict: true, source: 'Demo figures for the fictional county of Northvale' });
  await repo.replacePopulationRows(tx, id, rows, at);
  const counts = northvaleDistricts.flatMap((info, i) => {
    const district = districts.find((d) => d.name === info.name);
    return district ? [{ districtId: district.id, count: Math.round((info.population * incidentRate[i % incidentRate.length]) / 1000) }] : [];
  });
  await repo.insertCountSet(tx, { id: randomUUID(), name: demoIncidentsName, period: 'a three-month average', source: 'Demo figures for the fictional county of Northvale', createdBy: null, counts });
}
