/**
 * Just enough multipart/form-data for a page that uploads one small CSV file with a few text
 * fields (the CSRF token among them), so the upload works with no JavaScript and no extra
 * dependency. Fields become strings; a file field becomes its text (UTF-8).
 */
export interface MultipartFields {
  [name: string]: string | { filename: string; text: string };
}

export function boundaryOf(contentType: string | undefined): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]).trim() : null;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartFields {
  const fields: MultipartFields = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  if (start < 0) throw new Error('The form could not be read');
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('The form could not be read');
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('The form could not be read');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*?\bname="([^"]*)"(?:;\s*filename="([^"]*)")?/i.exec(headers);
    if (disposition) {
      const [, name, filename] = disposition;
      fields[name] = filename !== undefined ? { filename, text: content } : content;
    }
    start = next;
  }
  return fields;
}
