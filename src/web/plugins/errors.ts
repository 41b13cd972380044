import type { FastifyError, FastifyInstance } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';

/** One place that turns a failure into a page or a JSON answer: never a stack trace, never a 500 for bad input. */
export async function errors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const api = request.url.startsWith('/api/') || request.url.startsWith('/openreferral/');
    if (error instanceof ValidationError) {
      return reply.code(400).send({ error: 'validation', message: error.message, fields: error.fieldErrors });
    }
    if (error instanceof NotFoundError) {
      return api ? reply.code(404).send({ error: 'not_found', message: error.message })
        : reply.code(404).view('errors/not-found.njk', { pageTitle: 'Page not found' });
    }
    if (error instanceof ForbiddenError) {
      return api ? reply.code(403).send({ error: 'forbidden', message: error.message })
        : reply.code(403).view('errors/forbidden.njk', { pageTitle: 'You cannot see this page', message: error.message });
    }
    if (error instanceof ConflictError || error instanceof RuleViolation) {
      if (api) return reply.code(409).send({ error: error instanceof RuleViolation ? 'rule' : 'conflict', message: error.message });
      return reply.code(409).view('errors/bad-request.njk', { pageTitle: 'That cannot be done now', message: error.message });
    }
    if (error.validation || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      return api ? reply.code(error.statusCode ?? 400).send({ error: 'bad_request', message: error.message })
        : reply.code(error.statusCode ?? 400).view('errors/bad-request.njk', { pageTitle: 'There is a problem with that request', message: error.message });
    }
    request.log.error(error);
    return api ? reply.code(500).send({ error: 'internal', message: 'Sorry, there is a problem with the service. Try again later.' })
      : reply.code(500).view('errors/internal.njk', { pageTitle: 'Sorry, there is a problem with the service' });
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/openreferral/')) return reply.code(404).send({ error: 'not_found', message: 'No such endpoint' });
    return reply.code(404).view('errors/not-found.njk', { pageTitle: 'Page not found' });
  });
}
