import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** A fresh CSP nonce per request, and headers that keep pages out of frames, caches and referrers. */
export async function securityHeaders(app: FastifyInstance) {
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (request) => {
    request.cspNonce = randomBytes(16).toString('base64');
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('Content-Security-Policy', [
      "default-src 'self'", `script-src 'self' 'nonce-${request.cspNonce}'`, "style-src 'self'", "img-src 'self' data:",
      "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].join('; '));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!request.url.startsWith('/assets/')) reply.header('Cache-Control', 'no-store');
  });
}
