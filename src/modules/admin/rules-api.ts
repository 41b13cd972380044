import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { rulesApiPaths as api } from '../../web/rules-urls.ts';
import { rulesVersion } from './level-rules-form.ts';

const admins = { config: { access: ['administrator'] as const } };

/** Rules through the JSON API: the same checks, optimistic locking and audit as the admin forms. */
export async function rulesApi(app: FastifyInstance, { services }: { services: Services }) {
  const admin = services.admin;

  app.get(api.levelOfNeedRules, admins, async (request) => {
    const rules = await admin.levelRules(request.actor);
    return { ...rules, version: rulesVersion(rules) };
  });
  app.put(api.levelOfNeedRules, admins, async (request) => {
    const rules = await admin.putLevelRules(request.actor, request.body);
    return { ...rules, version: rulesVersion(rules) };
  });
}
