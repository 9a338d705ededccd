// The demo campaign's volunteer photos: drawn here with sharp from SVG (no photograph of anyone, no
// copyrighted image) — three approved, in the gallery; one pending moderation whose original carries
// a GPS position in its EXIF (a phone's photo at the Place de la Bastille), so that a judge can
// approve it and see it in the gallery without the position (the original keeps it, private).
import sharp from 'sharp';
import { type Db, tenantRunnerOf } from '../../db/database.ts';
import type { FileStore } from '../../files/storage.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { deriveMedia } from './media.process.ts';
import { mediaKeys } from './media.service.ts';

interface DemoPhoto {
  caption: string;
  sky: string;
  ground: string;
  label: string;
  status: 'approved' | 'pending';
  gps?: boolean;
  daysAgo: number;
}

const PHOTOS: readonly DemoPhoto[] = [
  {
    caption: 'Porte-à-porte rue de Ménilmontant, samedi matin',
    sky: '#8ec5ff',
    ground: '#5b6b7a',
    label: 'Porte-à-porte',
    status: 'approved',
    daysAgo: 9,
  },
  { caption: 'Le stand du marché d’Aligre', sky: '#ffd29d', ground: '#7a5b3a', label: 'Marché d’Aligre', status: 'approved', daysAgo: 6 },
  {
    caption: 'Réunion publique au gymnase Japy',
    sky: '#c3b5ff',
    ground: '#3a4a7a',
    label: 'Réunion publique',
    status: 'approved',
    daysAgo: 3,
  },
  {
    caption: 'Collage d’affiches place de la Bastille',
    sky: '#a6e3c4',
    ground: '#2f5d4a',
    label: 'Collage',
    status: 'pending',
    gps: true,
    daysAgo: 0,
  },
];

/** A 1600×1200 JPEG scene: sky, ground, a few buildings, a banner with the label. */
function scene(photo: DemoPhoto, seed: number): Promise<Buffer> {
  const buildings = Array.from({ length: 7 }, (_, i) => {
    const h = 260 + ((seed * 37 + i * 91) % 320);
    return `<rect x="${i * 230}" y="${820 - h}" width="200" height="${h}" fill="${photo.ground}" opacity="${0.55 + (i % 3) * 0.15}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${photo.sky}"/><stop offset="1" stop-color="#ffffff"/></linearGradient></defs>
<rect width="1600" height="1200" fill="url(#s)"/>${buildings}
<rect y="820" width="1600" height="380" fill="${photo.ground}"/>
<rect x="420" y="900" width="760" height="170" rx="24" fill="#0b3d91"/>
<text x="800" y="1005" font-family="sans-serif" font-size="72" font-weight="700" fill="#fff" text-anchor="middle">${photo.label}</text>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** Adds EXIF with a GPS position (what a phone writes), as sharp's withExif does. */
function withGps(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg)
    .withExif({
      IFD0: { Make: 'Demo', Model: 'Téléphone de bénévole' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 1920/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 22/1 1140/100' },
    })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Seeds the demo's photos (once per campaign); returns how many were made. */
export async function seedDemoMedia(db: Db, files: FileStore, campaignId: string, options: { now?: Date } = {}): Promise<number> {
  const tenant = tenantRunnerOf(db, campaignId);
  const existing = await tenant((trx) => trx.selectFrom('media').select('id').limit(1).execute());
  if (existing.length > 0) return 0;
  const now = options.now ?? new Date();
  let seed = 0;
  for (const photo of PHOTOS) {
    seed += 1;
    const plain = await scene(photo, seed);
    const bytes = photo.gps ? await withGps(plain) : plain;
    const id = uuidv7(now.getTime() - photo.daysAgo * 86_400_000 - seed);
    await files.write(mediaKeys(campaignId, id).original, [bytes]);
    const at = new Date(now.getTime() - photo.daysAgo * 86_400_000 - (PHOTOS.length - seed) * 3600_000);
    await tenant((trx) =>
      trx
        .insertInto('media')
        .values({
          campaign_id: campaignId,
          id,
          status: photo.status,
          kind: 'photo',
          caption: photo.caption,
          filename: `IMG_${2000 + seed}.jpg`,
          declared_type: 'image/jpeg',
          content_type: 'image/jpeg',
          upload_length: bytes.length,
          upload_offset: bytes.length,
          identifiable: false,
          rights_confirmed: false,
          uploader_name: 'Bénévole (démo)',
          uploaded_at: at,
          moderated_by_name: photo.status === 'approved' ? 'Responsable communication (démo)' : null,
          moderated_at: photo.status === 'approved' ? at : null,
        })
        .execute(),
    );
    await deriveMedia(tenant, files, campaignId, id);
  }
  return PHOTOS.length;
}
