import type { Writable } from 'node:stream';

export interface LoggerOptions {
  level: string;
  /** A file to append to; stdout when neither this nor `stream` is given. */
  file?: string;
  stream?: Writable;
}

/** A path with its query string removed: queries can hold names and dates of birth. */
export function withoutQuery(url: string | undefined): string {
  if (!url) return '';
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?[redacted]`;
}

interface RequestLike { method?: string; url?: string; ip?: string }
interface ErrorLike { name?: string; message?: string; code?: string; stack?: string; statusCode?: number }

/**
 * Pino options for the request log. Personal data must never reach it: query strings are cut
 * off, bodies, headers and cookies are never logged, and an error keeps its type, code and stack
 * but not a database error's `detail` (which quotes the values of the row).
 */
export function requestLogger(options: LoggerOptions | true) {
  const { level = 'info', file, stream } = options === true ? ({} as Partial<LoggerOptions>) : options;
  return {
    level,
    ...(stream ? { stream } : file ? { file } : {}),
    serializers: {
      req: (req: RequestLike) => ({ method: req.method, url: withoutQuery(req.url), remoteAddress: req.ip }),
      err: (err: ErrorLike) => ({ type: err.name ?? 'Error', message: err.message ?? '', stack: err.stack ?? '', code: err.code, statusCode: err.statusCode }),
    },
    redact: { paths: ['body', 'query', 'headers', '*.body', '*.query', '*.headers', '*.cookie', '*.authorization'], censor: '[redacted]' },
  };
}
