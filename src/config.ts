import path from 'node:path';
import { availableParallelism } from 'node:os';
import { parseSsoConfig } from './modules/sso/config.ts';
import type { SsoOptions } from './modules/sso/service.ts';
import type { UploadLimits } from './web/upload.ts';

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  /** Cookies are always Secure; browsers accept Secure cookies on http://localhost. */
  publicUrl: string;
  sessionHours: number;
  logLevel: string;
  /** Where request logs go: a file path, or 'stdout'. */
  logFile: string;
  /** Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; none by default. */
  trustedProxies: string[];
  /** The PostgreSQL role migrations run as (owns the tables); the app's own role when not set. */
  databaseOwnerUrl?: string;
  uploadLimits: UploadLimits;
  /** LANTERN_TODAY: start the clock on this date ('YYYY-MM-DD'), for training sites and demos that must look the same every day. */
  today?: string;
  /** BREAK_GLASS_HOURS: how long emergency read-only access lasts (default 24). */
  breakGlassHours?: number;
  /** Single sign-on issuers (LANTERN_OIDC_ISSUERS and each issuer's secret variable) and LANTERN_LOCAL_PASSWORDS. */
  sso: SsoOptions;
  /** LANTERN_WORKER=separate: this web process runs no background jobs; `lantern worker` processes do. */
  worker: 'in-process' | 'separate';
  /** LANTERN_MATCHING_PARTITIONS: a matching run is split into this many partitions, which every worker shares (default 1: whole). */
  matchingPartitions: number;
  /**
   * LANTERN_MATCHING_THREADS: a matching run's comparisons are shared by this many threads
   * (default: the cores less one, at least one, so that pages stay quick while a run works).
   */
  matchingThreads: number;
}

const megabytes = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Math.round((value && Number.isFinite(n) && n > 0 ? n : fallback) * 1024 ** 2);
};

const positiveHours = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 && n <= 24 * 14 ? n : fallback;
};

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
    logFile: env.LOG_FILE ?? path.resolve('data/lantern.log'),
    trustedProxies: (env.TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    databaseOwnerUrl: env.DATABASE_OWNER_URL || env.DATABASE_URL || undefined,
    uploadLimits: { extractBytes: megabytes(env.UPLOAD_EXTRACT_MAX_MB, 500), formBytes: megabytes(env.UPLOAD_FORM_MAX_MB, 1) },
    today: env.LANTERN_TODAY || undefined,
    breakGlassHours: positiveHours(env.BREAK_GLASS_HOURS, 24),
    worker: env.LANTERN_WORKER === 'separate' ? 'separate' : 'in-process',
    matchingThreads: Math.min(64, Math.max(1, Math.floor(Number(env.LANTERN_MATCHING_THREADS ?? availableParallelism() - 1)) || 1)),
    matchingPartitions: Math.min(64, Math.max(1, Math.floor(Number(env.LANTERN_MATCHING_PARTITIONS ?? 1)) || 1)),
    sso: { ...parseSsoConfig(env), baseUrl: (env.LANTERN_BASE_URL || env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '') },
  };
}
