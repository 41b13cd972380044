import type { Database } from '../../db/database.ts';
import { postcodeKey } from '../../domain/directory/geo.ts';
import { northvaleDemoServices, northvalePlaces, northvalePostcodes } from '../../domain/directory/northvale.ts';
import type { DirectoryService } from '../directory/service.ts';
import { directoryRepository } from '../directory/repository.ts';

/** The demo directory: centroids for every Northvale postcode, its towns, and about 150 services. */
export async function seedDirectoryDemo(db: Database, directory: DirectoryService): Promise<{ services: number; postcodes: number }> {
  const services = northvaleDemoServices(directory.clock.today());
  let postcodes = 0;
  await db.transaction(async (tx) => {
    let batch: { postcode: string; key: string; latitude: number; longitude: number }[] = [];
    for (const p of northvalePostcodes()) {
      batch.push({ ...p, key: postcodeKey(p.postcode) });
      if (batch.length === 10_000) { await directoryRepository.savePostcodes(tx, batch); postcodes += batch.length; batch = []; }
    }
    await directoryRepository.savePostcodes(tx, batch);
    postcodes += batch.length;
    await directoryRepository.savePlaces(tx, northvalePlaces());
    await directory.seedServices(tx, services);
  });
  return { services: services.length, postcodes };
}
