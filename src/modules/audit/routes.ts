import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { paths } from '../../web/urls.ts';

export async function auditRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get(paths.auditLog, { config: { access: ['administrator'] } }, async (request, reply) => {
    const events = await services.audit.recent(request.actor!, 200);
    return reply.view('audit/views/audit-log.njk', { pageTitle: 'Audit log', events });
  });
}
