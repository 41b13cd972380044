import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { agencyKindLabels, legalStatusLabels, roleLabels, sexLabels } from '../domain/codes.ts';
import { ukDate } from '../domain/casework/due.ts';
import { formatDate } from '../domain/dates.ts';
import { levelNames } from '../domain/level-of-need.ts';
import { nameWithAgency } from '../domain/names.ts';
import { count, noun } from '../domain/plural.ts';
import { urls } from './urls.ts';
import { featuresOf } from '../domain/access/policy.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export function viewEnvironment() {
  const env = nunjucks.configure([
    path.join(here, 'views'),
    path.join(root, 'src/modules'),
    path.join(root, 'node_modules/govuk-frontend/dist'),
  ], { autoescape: true, noCache: false, throwOnUndefined: false });
  // timestamptz columns arrive as Date objects (both engines): show the UK calendar date of the instant.
  env.addFilter('date', (value: string | Date | null | undefined) => formatDate(value instanceof Date ? ukDate(value) : value));
  env.addGlobal('urls', urls);
  env.addGlobal('roleLabels', roleLabels);
  env.addGlobal('sexLabels', sexLabels);
  env.addGlobal('legalStatusLabels', legalStatusLabels);
  env.addGlobal('agencyKindLabels', agencyKindLabels);
  env.addGlobal('levelNames', levelNames);
  // The one way to label a person with their agency, and to put a count in words ("2 events").
  env.addGlobal('nameWithAgency', nameWithAgency);
  env.addGlobal('count', count);
  env.addGlobal('noun', noun);
  return env;
}

/** reply.view(template, context): renders with the layout's shared values (user, nonce, CSRF token). */
export async function views(app: FastifyInstance) {
  const env = viewEnvironment();
  app.decorateReply('view', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const html = env.render(template, {
      // The header search box shows the current search (the search page passes it).
      searchQuery: '',
      ...context,
      cspNonce: request.cspNonce,
      // Until the second factor is done the header shows no menu: nothing behind it would open.
      user: request.secondFactorOwed ? null : request.user,
      // What the menu offers: the features the user's role may use (src/domain/access/policy.ts).
      may: request.user && !request.secondFactorOwed ? Object.fromEntries(featuresOf(request.user.role).map((feature) => [feature, true])) : {},
      csrfToken: request.session?.csrfToken,
      currentPath: request.url.split('?')[0],
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}
