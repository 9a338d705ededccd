// pdfkit documents collected into one Buffer (walk lists, tracts): no browser involved.
import PDFDocument from 'pdfkit';

export type Pdf = PDFKit.PDFDocument;

export function renderPdf(options: PDFKit.PDFDocumentOptions, draw: (doc: Pdf) => void): Promise<Buffer> {
  const doc = new PDFDocument({ ...options, info: { Producer: 'Relais', ...(options.info ?? {}) } });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}
