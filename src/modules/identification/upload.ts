import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';

/** A form with one uploaded file, the file streamed to a temporary file rather than held in memory. */
export interface UploadForm {
  fields: Record<string, string>;
  file: { filename: string; path: string; bytes: number } | null;
}

/** Extracts can be large (a million rows is a few hundred megabytes): cap well above that. */
export const maxUploadBytes = 2 * 1024 ** 3;

export async function streamUpload(headers: IncomingHttpHeaders, body: Readable): Promise<UploadForm & Record<string, unknown>> {
  const form: UploadForm = { fields: {}, file: null };
  const writes: Promise<void>[] = [];
  await new Promise<void>((resolve, reject) => {
    const bb = new Busboy({ headers: headers as IncomingHttpHeaders & { 'content-type': string }, limits: { files: 1, fields: 50, fileSize: maxUploadBytes } });
    bb.on('field', (name, value) => {
      form.fields[name] = value;
    });
    bb.on('file', (_name, stream, filename) => {
      if (!filename) {
        stream.resume();
        return;
      }
      const target = path.join(os.tmpdir(), `lantern-upload-${randomUUID()}`);
      const file = { filename: path.basename(filename), path: target, bytes: 0 };
      form.file = file;
      stream.on('data', (chunk: Buffer) => { file.bytes += chunk.length; });
      writes.push(pipeline(stream, createWriteStream(target)));
    });
    bb.on('finish', () => resolve());
    bb.on('error', (error) => reject(error));
    body.on('error', reject);
    body.pipe(bb);
  });
  await Promise.all(writes);
  // The CSRF check reads the token from the parsed body, as for every other form.
  return { ...form, _csrf: form.fields._csrf };
}

export async function removeUpload(form: UploadForm | undefined): Promise<void> {
  if (form?.file) await rm(form.file.path, { force: true });
}
