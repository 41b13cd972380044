import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// The metrics of the 14 standard PDF fonts (PDFKit's Helvetica), so text widths are the real ones.
const standardFontDataUrl = `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;

/**
 * Where a PDF's text lands, page by page, from pdfjs: for layout tests (text overlapping text,
 * words broken across lines). Glyphs drawn one by one (chart text through svg-to-pdfkit) are
 * joined into runs when they sit on one baseline and touch.
 */
export interface TextBox {
  page: number;
  text: string;
  x: number;
  /** The baseline, in PDF units from the bottom of the page. */
  y: number;
  width: number;
  height: number;
  /** How many pdfjs text items made it: 1 for a line of PDFKit text, more for a chart's glyphs. */
  pieces: number;
}

export async function textBoxes(pdf: Buffer): Promise<TextBox[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const boxes: TextBox[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    const items = content.items.flatMap((item) => ('str' in item && item.str.trim() !== '' ? [{
      page: n, text: item.str, x: item.transform[4], y: item.transform[5], width: item.width, height: item.height || Math.abs(item.transform[3]), pieces: 1,
    }] : []));
    for (const item of items) {
      const last = boxes.at(-1);
      const touches = last && last.page === n && Math.abs(last.y - item.y) < 0.5 && item.x - (last.x + last.width) < item.height * 0.35 && item.x >= last.x + last.width - 1;
      if (touches && last) {
        const gap = item.x - (last.x + last.width) > item.height * 0.15 ? ' ' : '';
        last.text += gap + item.text;
        last.width = item.x + item.width - last.x;
        last.height = Math.max(last.height, item.height);
        last.pieces += 1;
      } else {
        boxes.push({ ...item });
      }
    }
  }
  await document.destroy();
  return boxes;
}

/** Pairs of text boxes on one page that overlap by more than a sliver (descenders and kerning allowed for). */
export function overlappingText(boxes: readonly TextBox[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.page !== b.page) continue;
      const across = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      // From the baseline up to about the cap height: the part of a line that holds its letters.
      const up = Math.min(a.y + a.height * 0.7, b.y + b.height * 0.7) - Math.max(a.y, b.y);
      if (across > 1 && up > 1) found.push(`page ${a.page}: "${a.text}" overlaps "${b.text}"`);
    }
  }
  return found;
}

/**
 * Words on the page that were never written: what a line broken in the middle of a word leaves
 * ("Numb" and "er"). PDFKit breaks a line mid-word only when a word is wider than its column.
 * `written` holds every word given to PDFKit's text(); chart glyphs (many pieces) are left out,
 * their lines being wrapped at spaces before they reach the PDF.
 */
export function brokenWords(boxes: readonly TextBox[], written: ReadonlySet<string>): string[] {
  return boxes.filter((b) => b.pieces === 1).flatMap((b) => b.text.split(/\s+/).filter((w) => w && !written.has(w)).map((w) => `page ${b.page}: "${w}" in "${b.text}"`));
}

/** The words of a text, as brokenWords compares them. */
export function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
