import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../domain/errors.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Every route parameter is an id named ...Id and must be a UUID: anything else is simply not found. */
export async function idParams(app: FastifyInstance) {
  // onRequest, like the access check after it, so a malformed id is not found before any body is read.
  app.addHook('onRequest', async (request) => {
    for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, string>)) {
      // '*' is the static assets' wildcard (/assets/*), a file path rather than an id.
      if (name === '*') continue;
      if (!uuid.test(value)) throw new NotFoundError(name.endsWith('Id') ? name.slice(0, -2) : name);
    }
  });
}

export function isUuid(value: string): boolean {
  return uuid.test(value);
}
