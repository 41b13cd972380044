import { inflateSync } from 'node:zlib';
import JSZip from 'jszip';

/**
 * The text a person would read in a response: pages and JSON as they are, the words in a PDF
 * (pdfkit compresses its content streams, so searching the bytes finds nothing), the document
 * text of a DOCX, and CSV as text.
 */
export async function readableText(contentType: string, body: Buffer): Promise<string> {
  if (contentType.includes('application/pdf')) return pdfText(body);
  if (contentType.includes('wordprocessingml')) return docxText(body);
  return body.toString('utf8');
}

/** Every string shown by the PDF's text operators, each text array's pieces joined (kerning splits words). */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const contents: string[] = [raw];
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) continue;
    try {
      contents.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // Not a Flate stream (an image, or an uncompressed one already in `raw`).
    }
  }
  const pieces: string[] = [];
  for (const content of contents) {
    for (const op of content.matchAll(/\[((?:[^\]\\]|\\.)*)\]\s*TJ|(<[0-9a-fA-F\s]*>|\((?:[^)\\]|\\.)*\))\s*Tj/g)) {
      const strings = op[1] !== undefined ? [...op[1].matchAll(/<[0-9a-fA-F\s]*>|\((?:[^)\\]|\\.)*\)/g)].map((m) => m[0]) : [op[2]];
      pieces.push(strings.map(decodePdfString).join(''));
    }
  }
  return pieces.join(' ');
}

function decodePdfString(s: string): string {
  if (s.startsWith('<')) {
    const hex = s.slice(1, -1).replace(/\s/g, '');
    return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex').toString('latin1');
  }
  return s.slice(1, -1).replace(/\\([()\\])/g, '$1');
}

export async function docxText(docx: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(docx);
  const parts = await Promise.all(Object.keys(zip.files).filter((name) => name.startsWith('word/') && name.endsWith('.xml')).map((name) => zip.file(name)!.async('string')));
  return parts.map((xml) => xml.replace(/<[^>]+>/g, '')).join(' ');
}
