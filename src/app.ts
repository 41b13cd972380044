import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import qs from 'node:querystring';
import type { Services } from './services.ts';
import { accessRoutes } from './modules/access/routes.ts';
import { secondFactorRoutes } from './modules/access/second-factor-routes.ts';
import { adminApi } from './modules/admin/api.ts';
import { adminRoutes } from './modules/admin/routes.ts';
import { rulesApi } from './modules/admin/rules-api.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { describeSessions, sessionRoutes } from './modules/sessions/routes.ts';
import { ssoRoutes } from './modules/sso/routes.ts';
import { contactRoutes } from './modules/contacts/routes.ts';
import { costRoutes } from './modules/costs/routes.ts';
import { needsAnalysisRoutes } from './modules/needs-analysis/routes.ts';
import { identificationRoutes } from './modules/identification/routes.ts';
import { workRoutes } from './modules/work/routes.ts';
import { casePages } from './modules/cases/routes.ts';
import { referralRoutes } from './modules/referrals/routes.ts';
import { planRoutes } from './modules/plans/routes.ts';
import { outcomeRoutes } from './modules/outcomes/routes.ts';
import { familyApi } from './modules/families/api.ts';
import { directoryRoutes } from './modules/directory/routes.ts';
import { caseSignpostRoutes, directoryEditorRoutes } from './modules/directory/editor-routes.ts';
import { familyPages } from './modules/families/routes.ts';
import { needToKnowRoutes } from './modules/need-to-know/routes.ts';
import { governanceRoutes } from './modules/governance/routes.ts';
import { auth } from './web/plugins/auth.ts';
import { csrf } from './web/plugins/csrf.ts';
import { errors } from './web/plugins/errors.ts';
import { idParams } from './web/plugins/id-params.ts';
import { inputGate } from './web/plugins/input-gate.ts';
import { securityHeaders } from './web/plugins/security-headers.ts';
import { session } from './web/plugins/session.ts';
import { openApi } from './openapi.ts';
import { views } from './web/views.ts';
import type { RouteAccess } from './web/types.ts';
import type { UploadLimits } from './web/upload.ts';
import { requestLogger, type LoggerOptions } from './web/logger.ts';
import './web/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface AppOptions {
  services: Services;
  sessionHours: number;
  logger?: boolean | LoggerOptions;
  /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); none by default. */
  trustedProxies?: string[];
  uploadLimits?: UploadLimits;
}

export interface RouteRecord {
  method: string | string[];
  url: string;
  access: RouteAccess | undefined;
  /** A personal-data download that a single sign-on session signs in again at its issuer for. */
  reauthenticate: boolean;
}

/** Builds the web app from the services. Cross-cutting concerns are registered here, in this order. */
export type LanternApp = FastifyInstance & { routeTable: RouteRecord[] };

export const defaultUploadLimits: UploadLimits = { extractBytes: 500 * 1024 ** 2, formBytes: 1024 ** 2 };

export async function buildApp({ services, sessionHours, logger = false, trustedProxies = [], uploadLimits = defaultUploadLimits }: AppOptions): Promise<LanternApp> {
  const app = Fastify({
    logger: logger && requestLogger(logger),
    // Without a trusted proxy the address is the socket's: a client cannot choose what the sign-in limit and the audit see.
    trustProxy: trustedProxies.length ? trustedProxies : false,
    bodyLimit: uploadLimits.formBytes,
  });
  app.decorate('uploadLimits', uploadLimits);
  const routeTable: RouteRecord[] = [];
  app.addHook('onRoute', (route) => {
    // Static files (CSS, JavaScript, images) are public: declared here, as every route declares who may call it.
    if (route.url.startsWith('/assets')) {
      route.config = { ...(route.config ?? {}), access: 'public' } as typeof route.config;
      return;
    }
    const config = route.config as { access?: RouteAccess; reauthenticate?: boolean } | undefined;
    routeTable.push({ method: route.method, url: route.url, access: config?.access, reauthenticate: config?.reauthenticate ?? false });
  });

  await app.register(fastifyStatic, {
    root: [path.join(root, 'src/web/static'), path.join(root, 'node_modules/govuk-frontend/dist/govuk'), path.join(root, 'node_modules/govuk-frontend/dist/govuk/assets')],
    prefix: '/assets/',
    allowedPath: (pathName) => !pathName.includes('..') && !pathName.endsWith('.map') && !pathName.endsWith('.scss') && !pathName.endsWith('.njk'),
    maxAge: '1h',
  });
  // Forms post repeated fields (checkboxes) as arrays; keep them.
  await app.register(formbody, { parser: (body: string) => qs.parse(body) });
  await app.register(cookie);

  // 1 security headers, 2 session, 3 views, 4 errors, 5 the input gate (once the body is parsed), 6 ids, 7 auth (who may call; both before the body is read), 8 CSRF.
  await app.register(wrap(securityHeaders));
  await app.register(wrap(session), { services, sessionHours });
  await app.register(wrap(views));
  await app.register(wrap(errors));
  await app.register(wrap(inputGate));
  await app.register(wrap(idParams));
  await app.register(wrap(auth), { services });
  await app.register(wrap(csrf));
  await app.register(describeSessions, { services });

  app.get('/health', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  await app.register(accessRoutes, { services, sessionHours });
  await app.register(secondFactorRoutes, { services });
  await app.register(familyPages, { services });
  await app.register(auditRoutes, { services });
  await app.register(adminRoutes, { services });
  await app.register(adminApi, { services });
  await app.register(rulesApi, { services });
  await app.register(sessionRoutes, { services });
  await app.register(ssoRoutes, { services, sessionHours });
  await app.register(contactRoutes, { services });
  await app.register(planRoutes, { services });
  await app.register(needsAnalysisRoutes, { services });
  await app.register(identificationRoutes, { services });
  await app.register(costRoutes, { services });
  await app.register(workRoutes, { services });
  await app.register(referralRoutes, { services });
  await app.register(casePages, { services });
  await app.register(outcomeRoutes, { services });
  await app.register(familyApi, { services });
  await app.register(directoryRoutes, { services });
  await app.register(directoryEditorRoutes, { services });
  await app.register(caseSignpostRoutes, { services });
  await app.register(needToKnowRoutes, { services });
  await app.register(governanceRoutes, { services });
  await app.register(openApi, { services });
  // A background job in hand finishes (or reaches a checkpoint) before the database closes.
  app.addHook('onClose', async () => services.jobs.stop());

  return Object.assign(app, { routeTable }) as unknown as LanternApp;
}

// Cross-cutting plugins apply to every route, so they skip Fastify's encapsulation.
function wrap<T>(plugin: (app: FastifyInstance, options: T) => Promise<void>) {
  Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true });
  return plugin;
}
