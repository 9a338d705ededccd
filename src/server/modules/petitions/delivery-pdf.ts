// The delivery of a petition to its target: a PDF (pdfkit, no browser) with the petition's text,
// its count and counts per arrondissement, then the confirmed signatories (name, postal code, date),
// never their e-mail addresses.
import PDFDocument from 'pdfkit';
import type { Trx } from '../../db/database.ts';
import { countsByZone, type PetitionRow } from './petitions.repo.ts';

const dateFr = (d: Date) => d.toLocaleDateString('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Paris' });

/** The PDF of a petition's confirmed signatures, as a buffer. */
export async function deliveryPdf(trx: Trx, campaign: { id: string; name: string }, p: PetitionRow): Promise<Buffer> {
  const signatures = await trx
    .selectFrom('form_submission')
    .select(['given_name', 'family_name', 'postal_code', 'confirmed_at'])
    .where('campaign_id', '=', campaign.id)
    .where('petition_id', '=', p.id)
    .where('status', '=', 'confirmed')
    .orderBy('confirmed_at')
    .limit(200_000)
    .execute();
  const zones = await countsByZone(trx, campaign.id, p.id);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: p.title, Author: campaign.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.fontSize(20).text(p.title);
  doc.moveDown(0.5).fontSize(11).fillColor('#333');
  if (p.target) doc.text(`Adressée à : ${p.target}`);
  doc.text(`Remise par ${campaign.name} le ${dateFr(new Date())}`);
  doc.text(`${signatures.length.toLocaleString('fr-FR')} signatures confirmées par e-mail (objectif : ${p.goal.toLocaleString('fr-FR')})`);
  doc
    .moveDown()
    .fillColor('#000')
    .fontSize(11)
    .text(p.body || p.summary);
  doc.moveDown().fontSize(13).text('Signatures par arrondissement');
  doc.fontSize(10);
  for (const z of zones) doc.text(`${z.name ?? 'Hors Paris ou non précisé'} : ${z.signatures.toLocaleString('fr-FR')}`);
  doc.addPage().fontSize(13).text('Signataires');
  doc.moveDown(0.5).fontSize(9);
  signatures.forEach((s, i) => {
    const name = `${s.given_name} ${s.family_name}`.trim() || '—';
    doc.text(`${i + 1}. ${name}${s.postal_code ? ` (${s.postal_code})` : ''} — ${s.confirmed_at ? dateFr(s.confirmed_at) : ''}`);
  });
  doc.end();
  return done;
}
