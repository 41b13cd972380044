import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { sameSecret } from '../domain/session.ts';

/** Largest request bodies, per kind of route. */
export interface UploadLimits {
  /** Agency extracts (/identification/upload): a 1,000,000-row extract is about 200 MB. */
  extractBytes: number;
  /** Every other form, small CSV uploads included. */
  formBytes: number;
}

/**
 * Forms that upload a file (multipart/form-data): the one way Lantern reads them. The file is
 * streamed to a temporary file rather than held in memory; the route removes it when the response
 * has gone (`removeUpload`).
 */
export interface UploadForm {
  fields: Record<string, string>;
  file: { field: string; filename: string; path: string; bytes: number; truncated: boolean } | null;
}

export interface UploadOptions {
  /** The largest file this route takes (see Config.uploadLimits). */
  limitBytes: number;
  /**
   * The session's CSRF token: the form must send `_csrf` before its file, or the file is not read.
   * null for the JSON API, which takes no cookies (a bearer token, checked before the body is read).
   */
  csrfToken: string | null;
}

const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB`;

const refusal = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, refused: true });

/**
 * Called as the body parser, so after authentication (an onRequest hook) and before anything is
 * written: a body declared larger than the limit is refused unread, and a file is written to disk
 * only once the form's CSRF token, sent before it, has been checked.
 */
export async function streamUpload(headers: IncomingHttpHeaders, body: Readable, options: UploadOptions): Promise<UploadForm & Record<string, unknown>> {
  const { limitBytes, csrfToken } = options;
  // The other fields of a form are small: allow them 64 KB beside the file.
  if (Number(headers['content-length'] ?? 0) > limitBytes + 65_536) {
    throw refusal(413, `The file must be smaller than ${megabytes(limitBytes)}`);
  }
  const form: UploadForm = { fields: {}, file: null };
  const writes: Promise<void>[] = [];
  const read = new Promise<void>((resolve, reject) => {
    const bb = new Busboy({ headers: headers as IncomingHttpHeaders & { 'content-type': string }, limits: { files: 1, fields: 500, fileSize: limitBytes } });
    bb.on('field', (name, value) => {
      form.fields[name] = value;
    });
    bb.on('file', (field, stream, filename) => {
      if (!filename) {
        stream.resume();
        return;
      }
      const sent = form.fields._csrf;
      if (csrfToken !== null && (!csrfToken || typeof sent !== 'string' || !sameSecret(sent, csrfToken))) {
        body.unpipe(bb);
        stream.resume();
        reject(refusal(403, 'Your form could not be sent because the page had expired or was not sent from Lantern. Go back, reload the page and try again.'));
        return;
      }
      const target = path.join(os.tmpdir(), `lantern-upload-${randomUUID()}`);
      const file = { field, filename: path.basename(filename), path: target, bytes: 0, truncated: false };
      form.file = file;
      stream.on('data', (chunk: Buffer) => { file.bytes += chunk.length; });
      stream.on('limit', () => {
        file.truncated = true;
        reject(refusal(413, `The file must be smaller than ${megabytes(limitBytes)}`));
      });
      const written = pipeline(stream, createWriteStream(target));
      // Awaited below; handled here too, so a form that breaks off early cannot leave a rejection unhandled.
      written.catch(() => undefined);
      writes.push(written);
    });
    bb.on('finish', () => resolve());
    bb.on('error', (error) => reject(error));
    body.on('error', reject);
    body.pipe(bb);
  });
  try {
    await read;
    await Promise.all(writes);
  } catch (error) {
    await Promise.allSettled(writes);
    await removeUpload(form);
    if ((error as { refused?: boolean }).refused) throw error;
    // A malformed form is the sender's mistake, never a server error.
    throw Object.assign(new Error(`The form could not be read (${(error as Error).message}). Go back and try again.`), { statusCode: 400 });
  }
  // The CSRF check reads the token from the parsed body, as for every other form.
  return { ...form, _csrf: form.fields._csrf };
}

export async function removeUpload(form: UploadForm | undefined): Promise<void> {
  if (form?.file) await rm(form.file.path, { force: true });
}
