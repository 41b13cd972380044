import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { accessService } from './modules/access/service.ts';
import { auditService } from './modules/audit/service.ts';
import { familiesService } from './modules/families/service.ts';

/** The composition root: every service, built from the one database. The app takes this object. */
export function services(db: Database, config: Pick<Config, 'sessionHours' | 'today'>) {
  const today = config.today ? () => config.today! : undefined;
  return {
    db,
    access: accessService(db, { sessionHours: config.sessionHours }),
    audit: auditService(db),
    families: familiesService(db, { today }),
  };
}

export type Services = ReturnType<typeof services>;
