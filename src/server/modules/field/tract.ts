// The tract maker (issue 16 point 4): a template, the arrondissement, its local themes and (later from
// the site module) its running mates, as a print-ready A5 or A4 PDF made with pdfkit.
import { renderPdf } from './pdf.ts';

export const TRACT_TEMPLATES = ['classic', 'meeting', 'themes'] as const;
export type TractTemplate = (typeof TRACT_TEMPLATES)[number];

const STYLE: Record<TractTemplate, { band: string; heading: string }> = {
  classic: { band: '#1c7ed6', heading: 'Avec vous, pour le' },
  meeting: { band: '#e8590c', heading: 'Rencontrons-nous dans le' },
  themes: { band: '#2b8a3e', heading: 'Nos priorités pour le' },
};

export function tractPdf(input: {
  template: TractTemplate;
  format?: 'A4' | 'A5';
  campaign: string;
  zone: string;
  title?: string;
  themes: Array<{ title: string; text: string }>;
  running_mates?: Array<{ name: string; role?: string }>;
  contact?: string;
}): Promise<Buffer> {
  const size = input.format ?? 'A5';
  const style = STYLE[input.template];
  const scale = size === 'A4' ? 1.41 : 1;
  return renderPdf({ size, margin: 28 * scale, info: { Title: `${input.campaign} — ${input.zone}` } }, (doc) => {
    const width = doc.page.width;
    const margin = 28 * scale;
    doc.rect(0, 0, width, 70 * scale).fill(style.band);
    doc
      .fillColor('#ffffff')
      .font('Helvetica-Bold')
      .fontSize(18 * scale)
      .text(input.campaign, margin, 16 * scale, { width: width - 2 * margin });
    doc
      .font('Helvetica')
      .fontSize(11 * scale)
      .text(`${style.heading} ${input.zone}`, { width: width - 2 * margin });
    doc.fillColor('#000000').moveDown(1.5);
    doc.y = 85 * scale;
    if (input.title)
      doc
        .font('Helvetica-Bold')
        .fontSize(14 * scale)
        .text(input.title, margin)
        .moveDown(0.5);
    for (const t of input.themes) {
      doc
        .font('Helvetica-Bold')
        .fontSize(11 * scale)
        .fillColor(style.band)
        .text(t.title, margin);
      doc
        .font('Helvetica')
        .fontSize(9 * scale)
        .fillColor('#000000')
        .text(t.text, { width: width - 2 * margin, align: 'justify' })
        .moveDown(0.5);
    }
    if (input.running_mates?.length) {
      doc
        .moveDown(0.5)
        .font('Helvetica-Bold')
        .fontSize(10 * scale)
        .text(`${input.zone} :`);
      doc
        .font('Helvetica')
        .fontSize(9 * scale)
        .text(input.running_mates.map((m) => (m.role ? `${m.name} (${m.role})` : m.name)).join(' · '));
    }
    if (input.contact)
      doc
        .moveDown(0.5)
        .fontSize(8 * scale)
        .fillColor('#555555')
        .text(input.contact);
    doc
      .fontSize(6 * scale)
      .fillColor('#777777')
      .text('Ne pas jeter sur la voie publique.', margin, doc.page.height - margin - 8 * scale, { lineBreak: false });
  });
}
