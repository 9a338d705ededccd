// The printable walk list of a turf (issue 16 point 4), for canvassers without a smartphone: a small
// map drawn from the turf's polygon and its buildings numbered in walking order, then the addresses
// in that order with their entrances, access notes and doors, and boxes to tick per door outcome.
import { renderPdf } from './pdf.ts';

interface Stop {
  position: number;
  building_id: string;
  label: string;
  lon: number;
  lat: number;
  doors: number;
}
interface Entrance {
  building_id: string;
  label: string;
  access_note: string;
  floors: number;
  doors_per_floor: number;
}

const WORDS = {
  fr: {
    title: 'Liste de porte-à-porte',
    doors: 'portes',
    walk: 'mètres à pied',
    entrance: 'Entrée',
    floors: 'étages',
    perFloor: 'portes par étage',
    boxes: ['Absent', 'Ouvert', 'Refus', 'Repasser'],
    tally: 'Portes frappées : ____   Ouvertes : ____   Contacts : ____',
    assigned: 'Attribué à',
  },
  en: {
    title: 'Walk list',
    doors: 'doors',
    walk: 'metres on foot',
    entrance: 'Entrance',
    floors: 'floors',
    perFloor: 'doors per floor',
    boxes: ['Absent', 'Opened', 'Refused', 'Come back'],
    tally: 'Doors knocked: ____   Opened: ____   Contacts: ____',
    assigned: 'Assigned to',
  },
} as const;

export function walkListPdf(input: {
  turf: {
    name: string;
    doors: number;
    metres_walked: number;
    polygon: unknown;
    stops: Stop[];
    assignments: Array<{ assignee: string; on_date: string }>;
  };
  entrances: Entrance[];
  lang: 'fr' | 'en';
}): Promise<Buffer> {
  const w = WORDS[input.lang];
  const { turf } = input;
  const nf = new Intl.NumberFormat(input.lang === 'fr' ? 'fr-FR' : 'en-GB');
  return renderPdf({ size: 'A4', margin: 40, info: { Title: `${w.title} — ${turf.name}` } }, (doc) => {
    doc.font('Helvetica-Bold').fontSize(16).text(`${w.title} — ${turf.name}`);
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(`${nf.format(turf.doors)} ${w.doors} · ${nf.format(Math.round(turf.metres_walked))} ${w.walk}`);
    const assigned = turf.assignments.map((a) => `${a.assignee} (${a.on_date.split('-').reverse().join('/')})`).join(', ');
    if (assigned) doc.text(`${w.assigned} : ${assigned}`);
    doc.moveDown(0.5);
    // The map: polygon and numbered buildings, projected into a box (equirectangular, scaled by cos(lat)).
    const ring = ((turf.polygon as { coordinates?: number[][][] })?.coordinates?.[0] ?? []) as number[][];
    const pts = [...ring.map((p) => [p[0] as number, p[1] as number]), ...turf.stops.map((s) => [s.lon, s.lat])];
    if (pts.length > 0) {
      const box = { x: 40, y: doc.y, w: 515, h: 240 };
      const lat0 = pts.reduce((s, p) => s + (p[1] as number), 0) / pts.length;
      const k = Math.cos((lat0 * Math.PI) / 180);
      const xs = pts.map((p) => (p[0] as number) * k);
      const ys = pts.map((p) => p[1] as number);
      const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      const scale = Math.min((box.w - 20) / Math.max(maxX - minX, 1e-6), (box.h - 20) / Math.max(maxY - minY, 1e-6));
      const px = (lon: number) => box.x + 10 + (lon * k - minX) * scale;
      const py = (lat: number) => box.y + box.h - 10 - (lat - minY) * scale;
      doc.rect(box.x, box.y, box.w, box.h).lineWidth(0.5).strokeColor('#999999').stroke();
      if (ring.length > 2) {
        doc.moveTo(px(ring[0]?.[0] as number), py(ring[0]?.[1] as number));
        for (const p of ring.slice(1)) doc.lineTo(px(p[0] as number), py(p[1] as number));
        doc.closePath().fillOpacity(0.08).fillAndStroke('#1c7ed6', '#1c7ed6').fillOpacity(1);
      }
      if (turf.stops.length > 1) {
        const [first, ...rest] = turf.stops;
        doc.moveTo(px((first as Stop).lon), py((first as Stop).lat));
        for (const s of rest) doc.lineTo(px(s.lon), py(s.lat));
        doc.lineWidth(0.6).dash(2, { space: 2 }).strokeColor('#555555').stroke().undash();
      }
      doc.fontSize(6).fillColor('#000000');
      for (const s of turf.stops) {
        doc.circle(px(s.lon), py(s.lat), 2).fill('#c92a2a');
        doc.fillColor('#000000').text(String(s.position + 1), px(s.lon) + 3, py(s.lat) - 3, { lineBreak: false });
      }
      doc.y = box.y + box.h + 12;
      doc.x = 40;
    }
    const byBuilding = new Map<string, Entrance[]>();
    for (const e of input.entrances) byBuilding.set(e.building_id, [...(byBuilding.get(e.building_id) ?? []), e]);
    doc
      .fontSize(8)
      .fillColor('#555555')
      .text(
        w.boxes
          .map((b) => `☐ = ${b}`)
          .join('    ')
          .replaceAll('☐', '[ ]'),
      );
    doc.fillColor('#000000').moveDown(0.3);
    for (const s of turf.stops) {
      if (doc.y > 760) doc.addPage();
      doc
        .font('Helvetica-Bold')
        .fontSize(10)
        .text(`${s.position + 1}. ${s.label}`, 40, doc.y, { continued: true });
      doc.font('Helvetica').text(`  — ${nf.format(s.doors)} ${w.doors}`);
      for (const e of byBuilding.get(s.building_id) ?? []) {
        const grid = e.floors > 0 && e.doors_per_floor > 0 ? ` · ${e.floors} ${w.floors} × ${e.doors_per_floor} ${w.perFloor}` : '';
        doc.fontSize(9).text(`${w.entrance} ${e.label || '—'}${grid}${e.access_note ? ` · ${e.access_note}` : ''}`, 55);
      }
      // Boxes: one row of ticks per door, at most 12 rows printed per building (the tally covers the rest).
      const rows = Math.min(s.doors, 12);
      for (let i = 0; i < rows; i++) {
        if (doc.y > 790) doc.addPage();
        const y = doc.y;
        let x = 55;
        for (const b of w.boxes) {
          doc
            .rect(x, y + 1, 7, 7)
            .lineWidth(0.5)
            .strokeColor('#000000')
            .stroke();
          doc.fontSize(7).text(b, x + 10, y + 1, { lineBreak: false });
          x += 75;
        }
        doc.text('', 55, y + 11);
      }
      if (s.doors > rows) doc.fontSize(8).text(`+ ${nf.format(s.doors - rows)} ${w.doors}: ${w.tally}`, 55);
      doc.moveDown(0.4);
    }
  });
}
