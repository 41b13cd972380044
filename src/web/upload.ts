import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';

/**
 * Forms that upload a file (multipart/form-data): the one way Lantern reads them. The file is
 * streamed to a temporary file rather than held in memory; the route removes it when the response
 * has gone (`removeUpload`).
 */
export interface UploadForm {
  fields: Record<string, string>;
  file: { field: string; filename: string; path: string; bytes: number; truncated: boolean } | null;
}

/** Agency extracts can be large (a million rows is a few hundred megabytes): cap well above that. */
export const maxUploadBytes = 2 * 1024 ** 3;

export async function streamUpload(headers: IncomingHttpHeaders, body: Readable, limitBytes = maxUploadBytes): Promise<UploadForm & Record<string, unknown>> {
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
      const target = path.join(os.tmpdir(), `lantern-upload-${randomUUID()}`);
      const file = { field, filename: path.basename(filename), path: target, bytes: 0, truncated: false };
      form.file = file;
      stream.on('data', (chunk: Buffer) => { file.bytes += chunk.length; });
      stream.on('limit', () => { file.truncated = true; });
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
    await removeUpload(form);
    // A malformed form is the sender's mistake, never a server error.
    throw Object.assign(new Error(`The form could not be read (${(error as Error).message}). Go back and try again.`), { statusCode: 400 });
  }
  // The CSRF check reads the token from the parsed body, as for every other form.
  return { ...form, _csrf: form.fields._csrf };
}

export async function removeUpload(form: UploadForm | undefined): Promise<void> {
  if (form?.file) await rm(form.file.path, { force: true });
}
