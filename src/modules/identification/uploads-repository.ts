import type { Queryable } from '../../db/database.ts';

export interface UploadRow {
  id: string;
  status: string;
  source: string;
  agency_name: string;
  agreement_id: string;
  filename: string;
  valid_only: boolean;
  bytes: number;
  extract_id: string | null;
}

/** Extracts kept in the database (in 1 MiB chunks) between the upload and the worker that loads them. */
export const uploadsRepository = {
  async insertUpload(q: Queryable, u: { id: string; source: string; agencyName: string; agreementId: string; filename: string; validOnly: boolean; uploadedBy: string | null; at: Date }): Promise<void> {
    await q.query(
      `INSERT INTO extract_upload (id, status, source, agency_name, agreement_id, filename, valid_only, bytes, uploaded_by, uploaded_at)
       VALUES ($1, 'stored', $2, $3, $4, $5, $6, 0, $7, $8)`,
      [u.id, u.source, u.agencyName, u.agreementId, u.filename, u.validOnly, u.uploadedBy, u.at]);
  },

  async insertChunk(q: Queryable, uploadId: string, seq: number, data: Buffer): Promise<void> {
    await q.query('INSERT INTO extract_upload_chunk (upload_id, seq, data) VALUES ($1, $2, $3)', [uploadId, seq, data]);
  },

  async uploadStored(q: Queryable, uploadId: string, bytes: number): Promise<void> {
    await q.query('UPDATE extract_upload SET bytes = $2 WHERE id = $1', [uploadId, bytes]);
  },

  async upload(q: Queryable, id: string): Promise<UploadRow | null> {
    const [r] = await q.query<UploadRow>('SELECT id, status, source, agency_name, agreement_id, filename, valid_only, bytes, extract_id FROM extract_upload WHERE id = $1', [id]);
    return r ? { ...r, bytes: Number(r.bytes) } : null;
  },

  async chunk(q: Queryable, uploadId: string, seq: number): Promise<Buffer | null> {
    const [r] = await q.query<{ data: Uint8Array }>('SELECT data FROM extract_upload_chunk WHERE upload_id = $1 AND seq = $2', [uploadId, seq]);
    return r ? Buffer.from(r.data) : null;
  },

  async setUploadStatus(q: Queryable, uploadId: string, status: string, extractId: string | null = null): Promise<void> {
    await q.query('UPDATE extract_upload SET status = $2, extract_id = coalesce($3, extract_id) WHERE id = $1', [uploadId, status, extractId]);
  },

  /** Once loaded (or refused), the file itself is not kept. */
  async dropChunks(q: Queryable, uploadId: string): Promise<void> {
    await q.query('DELETE FROM extract_upload_chunk WHERE upload_id = $1', [uploadId]);
  },
};
