import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultMaxLength, unsafeTextReason } from '../../domain/input.ts';
import type { FieldErrors } from '../../domain/errors.ts';

/**
 * The one gate every string passes before any handler, schema or database sees it: the body
 * (JSON or form, at any depth, keys included), the query string and the headers. A NUL
 * character, a lone surrogate or a string longer than its field allows is refused here with a
 * field error (400), so nothing downstream (the session that replays typed answers, a jsonb
 * column, a log line) ever has to cope with it. A route lets a field be longer with
 * `config: { inputLimits: { csv: 5_000_000 } }` (`body` names a body that is one string).
 */

const maxDepth = 12;
const maxHeaderLength = 8_192;

declare module 'fastify' {
  interface FastifyContextConfig {
    inputLimits?: Record<string, number>;
  }
}

export function inputProblems(request: Pick<FastifyRequest, 'body' | 'query' | 'headers'>, limits: Record<string, number> = {}): FieldErrors {
  const errors: FieldErrors = {};
  const add = (path: string, reason: string) => {
    errors[path || 'form'] ??= `${label(path)} ${reason}`;
  };
  const walk = (value: unknown, path: string, depth: number, limit: number) => {
    if (typeof value === 'string') {
      const reason = unsafeTextReason(value, limit);
      if (reason) add(path, reason);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (depth > maxDepth) {
      add(path, 'is nested too deeply');
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      const keyReason = unsafeTextReason(key, 200);
      const innerPath = path ? `${path}.${key}` : key;
      if (keyReason) {
        add(path, `has a field name that ${keyReason}`);
        continue;
      }
      walk(inner, innerPath, depth + 1, limits[key] ?? defaultMaxLength);
    }
  };
  if (typeof request.body === 'string') walk(request.body, 'body', 0, limits.body ?? defaultMaxLength);
  else walk(request.body, '', 0, defaultMaxLength);
  walk(request.query, '', 0, defaultMaxLength);
  for (const [name, value] of Object.entries(request.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      const reason = typeof one === 'string' ? unsafeTextReason(one, maxHeaderLength) : null;
      if (reason) errors[`header.${name}`] ??= `The ${name} header ${reason}`;
    }
  }
  return errors;
}

/** 'lines.0.unitCostKey' → 'Unit cost key (line 1)'; 'email' → 'Email'. */
function label(path: string): string {
  const parts = path.split('.');
  const named = parts.filter((p) => !/^\d+$/.test(p));
  // An uploaded file's text is named after the file field (csvFile.text → 'Csv file').
  const name = (named.at(-1) === 'text' && named.length > 1 ? named.at(-2) : named.at(-1)) ?? 'This field';
  const words = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const position = parts.find((p) => /^\d+$/.test(p));
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${position !== undefined ? ` (item ${Number(position) + 1})` : ''}`;
}

export function refuseInput(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors) {
  request.log.warn({ fields: Object.keys(errors) }, 'input refused at the gate');
  if (request.url.startsWith('/api/')) {
    return reply.code(400).send({ error: 'validation', message: 'There is a problem with the information given', fields: errors });
  }
  const errorList = Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` }));
  return reply.code(400).view('errors/invalid-input.njk', { pageTitle: 'There is a problem with what was sent', errorList });
}

export async function inputGate(app: FastifyInstance) {
  app.addHook('preValidation', async (request, reply) => {
    const errors = inputProblems(request, request.routeOptions.config?.inputLimits);
    if (Object.keys(errors).length) return refuseInput(request, reply, errors);
  });
}
