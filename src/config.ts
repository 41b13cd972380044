import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  /** Cookies are always Secure; browsers accept Secure cookies on http://localhost. */
  publicUrl: string;
  sessionHours: number;
  logLevel: string;
  /** LANTERN_TODAY: start the clock on this date ('YYYY-MM-DD'), for training sites and demos that must look the same every day. */
  today?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.LANTERN_DATA_DIR ?? 'data/pglite'),
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    sessionHours: Number(env.SESSION_HOURS ?? 8),
    logLevel: env.LOG_LEVEL ?? 'info',
    today: env.LANTERN_TODAY || undefined,
  };
}
