/**
 * Progress letters as files: a PDF to print or send, and a Word document to edit. Both are made
 * from the saved letter text each time they are downloaded, and the same letter always gives the
 * same bytes (the document dates are the letter's, never the moment of download).
 */
import { existsSync, readFileSync } from 'node:fs';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import PDFDocument from 'pdfkit';
import type { LetterDocument } from '../../domain/casework/letters.ts';

export const letterFormats = ['pdf', 'docx'] as const;
export type LetterFormat = (typeof letterFormats)[number];

export interface LetterFileMeta {
  /** When the letter was saved: the files' creation date. */
  createdAt: Date;
  author: string;
}

export function renderLetter(format: LetterFormat, letter: LetterDocument, meta: LetterFileMeta): Promise<Buffer> {
  // Composed characters (é, not e + accent): fonts draw them as one glyph.
  const nfc = (lines: string[]) => lines.map((l) => l.normalize('NFC'));
  const composed: LetterDocument = {
    ...letter, title: letter.title.normalize('NFC'), subject: letter.subject.normalize('NFC'), salutation: letter.salutation.normalize('NFC'),
    fromLines: nfc(letter.fromLines), toLines: nfc(letter.toLines), signature: nfc(letter.signature),
    sections: letter.sections.map((s) => ({ heading: s.heading, paragraphs: s.paragraphs.map(nfc) })),
  };
  return format === 'pdf' ? letterPdf(composed, meta) : letterDocx(composed, meta);
}

// A font that draws the letters families' names use (Łucja, Nguyễn) when the system has one; Helvetica covers Western European letters only.
const fontCandidates = [
  { regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' },
  { regular: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', bold: '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf' },
];
const fontFiles = fontCandidates.find((f) => existsSync(f.regular) && existsSync(f.bold));
let fontData: { regular: Buffer; bold: Buffer } | undefined;
const embeddedFont = () => (fontFiles ? (fontData ??= { regular: readFileSync(fontFiles.regular), bold: readFileSync(fontFiles.bold) }) : undefined);

const mm = 72 / 25.4;

function letterPdf(letter: LetterDocument, meta: LetterFileMeta): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4', margins: { top: 20 * mm, bottom: 20 * mm, left: 25 * mm, right: 25 * mm }, pdfVersion: '1.7', tagged: true, lang: 'en-GB', displayTitle: true,
    info: { Title: letter.title, Author: meta.author, Subject: letter.subject, Creator: 'Lantern', Producer: 'Lantern', CreationDate: meta.createdAt, ModDate: meta.createdAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const font = embeddedFont();
  if (font) {
    pdf.registerFont('Body', font.regular);
    pdf.registerFont('Bold', font.bold);
  } else {
    pdf.registerFont('Body', 'Helvetica');
    pdf.registerFont('Bold', 'Helvetica-Bold');
  }
  const width = pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
  const structure = pdf.struct('Document');
  pdf.addStructure(structure);
  const block = (type: 'P' | 'H1' | 'H2', lines: string[], options: { font?: string; size?: number; align?: 'left' | 'right'; gap?: number } = {}) => {
    structure.add(pdf.struct(type, {}, () => {
      pdf.font(options.font ?? 'Body').fontSize(options.size ?? 10.5).fillColor('#0b0c0c');
      pdf.text(lines.join('\n'), pdf.page.margins.left, pdf.y, { width, align: options.align ?? 'left', lineGap: 2 });
    }));
    pdf.moveDown(options.gap ?? 0.8);
  };
  if (letter.fromLines.length) block('P', letter.fromLines, { align: 'right', font: 'Bold' });
  block('P', letter.toLines, { gap: 1.2 });
  block('P', [letter.date], { gap: 1.2 });
  block('H1', [letter.subject], { font: 'Bold', size: 14 });
  block('P', [letter.salutation]);
  for (const section of letter.sections) {
    block('H2', [section.heading], { font: 'Bold', size: 12, gap: 0.4 });
    for (const paragraph of section.paragraphs) block('P', paragraph);
  }
  block('P', [letter.closing], { gap: 2 });
  block('P', letter.signature);
  structure.end();
  pdf.end();
  return done;
}

function lines(text: string[], bold = false): TextRun[] {
  return text.map((line, i) => new TextRun({ text: line, bold, break: i === 0 ? undefined : 1 }));
}

async function letterDocx(letter: LetterDocument, meta: LetterFileMeta): Promise<Buffer> {
  const spaced = { after: 200 };
  const children: Paragraph[] = [];
  if (letter.fromLines.length) children.push(new Paragraph({ alignment: AlignmentType.RIGHT, spacing: spaced, children: lines(letter.fromLines, true) }));
  children.push(
    new Paragraph({ spacing: { after: 320 }, children: lines(letter.toLines) }),
    new Paragraph({ spacing: { after: 320 }, children: [new TextRun(letter.date)] }),
    new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: spaced, children: [new TextRun({ text: letter.subject, bold: true, size: 28, color: '0b0c0c' })] }),
    new Paragraph({ spacing: spaced, children: [new TextRun(letter.salutation)] }),
  );
  for (const section of letter.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 120, after: 120 }, children: [new TextRun({ text: section.heading, bold: true, size: 24, color: '0b0c0c' })] }));
    for (const paragraph of section.paragraphs) children.push(new Paragraph({ spacing: spaced, children: lines(paragraph) }));
  }
  children.push(
    new Paragraph({ spacing: { after: 480 }, children: [new TextRun(letter.closing)] }),
    new Paragraph({ children: lines(letter.signature) }),
  );
  const document = new Document({
    creator: meta.author, lastModifiedBy: meta.author, title: letter.title, subject: letter.subject, description: 'Progress letter',
    styles: { default: { document: { run: { font: 'Arial', size: 24 } } } },
    sections: [{ properties: { page: { margin: { top: 1134, bottom: 1134, left: 1417, right: 1417 } } }, children }],
  });
  const stamp = meta.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const core = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${xml(letter.title)}</dc:title><dc:subject>${xml(letter.subject)}</dc:subject><dc:creator>${xml(meta.author)}</dc:creator><dc:description>Progress letter</dc:description><cp:lastModifiedBy>${xml(meta.author)}</cp:lastModifiedBy><dc:language>en-GB</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified></cp:coreProperties>`;
  const zip = await Packer.toBuffer(document, false, [{ path: 'docProps/core.xml', data: core }]);
  return setZipTimes(zip, meta.createdAt);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Sets every entry's modification time in a zip (the DOCX container) to one moment, so the same
 * letter always gives the same bytes. The times sit outside the compressed data and its checksum.
 */
export function setZipTimes(zip: Buffer, when: Date): Buffer {
  const out = Buffer.from(zip);
  const year = Math.max(1980, when.getUTCFullYear());
  const dosTime = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2);
  const dosDate = ((year - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  // End of central directory: the last 0x06054b50 signature.
  let end = -1;
  for (let i = out.length - 22; i >= Math.max(0, out.length - 22 - 0xffff); i--) {
    if (out.readUInt32LE(i) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) throw new Error('Not a zip file');
  const entries = out.readUInt16LE(end + 10);
  let at = out.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (out.readUInt32LE(at) !== 0x02014b50) throw new Error('Unexpected zip central directory');
    out.writeUInt16LE(dosTime, at + 12);
    out.writeUInt16LE(dosDate, at + 14);
    const local = out.readUInt32LE(at + 42);
    if (out.readUInt32LE(local) === 0x04034b50) {
      out.writeUInt16LE(dosTime, local + 10);
      out.writeUInt16LE(dosDate, local + 12);
    }
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}
