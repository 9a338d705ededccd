// The map of the arrondissements, drawn on the server as inline SVG from the zones' GeoJSON: each
// arrondissement is a link to its page (keyboard and screen reader reachable, with its name), so the
// map works without JavaScript and asks no tile of anybody. Coordinates are projected with the
// city's latitude (equirectangular: right at city scale), rounded and thinned to keep the page light.
import { escapeHtml, type PageLang, sitePath } from './layout.ts';

export interface MapZone {
  code: string;
  name: string;
  geometry: unknown;
  centroid: number[];
}

type Ring = number[][];

function polygonsOf(geometry: unknown): Ring[][] {
  const g = geometry as { type?: string; coordinates?: unknown };
  if (g?.type === 'Polygon') return [g.coordinates as Ring[]];
  if (g?.type === 'MultiPolygon') return g.coordinates as Ring[][];
  return [];
}

/** The SVG's width in its own units (the height follows the city's shape). */
const WIDTH = 1000;
/** Smallest step kept between two points of a ring, in SVG units. */
const MIN_STEP = 1.5;

/** The short label drawn on an arrondissement ("11e", "1er"), from its code. */
export function zoneShortLabel(code: string, lang: PageLang): string {
  if (!/^\d+$/.test(code)) return code;
  const n = Number(code);
  if (lang === 'en')
    return `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
  return n === 1 ? '1er' : `${n}e`;
}

/** The map as an SVG element, or '' when no zone has a drawable shape. */
export function renderZoneMap(
  zones: readonly MapZone[],
  lang: PageLang,
  options: { title: string; currentCode?: string } = { title: '' },
): string {
  const shapes = zones.map((z) => ({ zone: z, polygons: polygonsOf(z.geometry) })).filter((s) => s.polygons.length > 0);
  if (shapes.length === 0) return '';
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const s of shapes)
    for (const polygon of s.polygons)
      for (const [x = 0, y = 0] of polygon[0] ?? []) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const spanX = Math.max(1e-9, (maxX - minX) * kx);
  const scale = WIDTH / spanX;
  const height = Math.max(1, Math.round((maxY - minY) * scale));
  const project = (x: number, y: number): [number, number] => [
    Math.round((x - minX) * kx * scale * 10) / 10,
    Math.round((maxY - y) * scale * 10) / 10,
  ];
  const items = shapes.map(({ zone, polygons }) => {
    let d = '';
    for (const polygon of polygons)
      for (const ring of polygon) {
        let last: [number, number] | null = null;
        let part = '';
        for (const [x = 0, y = 0] of ring) {
          const p = project(x, y);
          if (last && Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) < MIN_STEP) continue;
          part += `${part ? 'L' : 'M'}${p[0]} ${p[1]}`;
          last = p;
        }
        if (part) d += `${part}Z`;
      }
    const [cx = 0, cy = 0] = zone.centroid;
    const [lx, ly] = project(cx, cy);
    const current = zone.code === options.currentCode;
    const href = sitePath(`/arrondissements/${encodeURIComponent(zone.code)}`, lang);
    return `<a href="${escapeHtml(href)}"${current ? ' aria-current="page"' : ''}><title>${escapeHtml(zone.name)}</title><path d="${d}"/><text x="${lx}" y="${ly}" aria-hidden="true">${escapeHtml(zoneShortLabel(zone.code, lang))}</text></a>`;
  });
  return `<svg class="zone-map" viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label="${escapeHtml(options.title)}" xmlns="http://www.w3.org/2000/svg">${items.join('')}</svg>`;
}

/** The map's styles (added to the pages that show it). */
export const MAP_CSS = `
.zone-map{width:100%;height:auto;max-height:70vh;display:block;margin:1rem auto}
.zone-map path{fill:#dbe7f7;stroke:#0b3d91;stroke-width:2;stroke-linejoin:round;transition:fill .15s}
.zone-map a:hover path,.zone-map a:focus path{fill:#0b3d91}
.zone-map a:hover text,.zone-map a:focus text{fill:#fff}
.zone-map a[aria-current="page"] path{fill:#b35900}
.zone-map a[aria-current="page"] text{fill:#fff}
.zone-map a:focus{outline:none}
.zone-map a:focus-visible path{stroke:#b35900;stroke-width:6}
.zone-map text{font-size:30px;font-weight:700;fill:#0b3d91;text-anchor:middle;dominant-baseline:middle;pointer-events:none}
`;
