// The turf drawn without tiles (it must work offline): its outline, its buildings (done or not), the
// next door, and "you are here" once the canvasser asks to be located.
import type { MarkOf } from './doors.tsx';
import { t } from './messages.ts';
import type { PackBuilding, PackTurf } from './types.ts';

export function MapView({
  turf,
  markOf,
  next,
  here,
  onLocate,
}: {
  turf: PackTurf;
  markOf: MarkOf;
  next: PackBuilding | null;
  here: { lon: number; lat: number } | null;
  onLocate: () => void;
}) {
  const points = turf.buildings.map((b) => [b.lon, b.lat] as const);
  const ring = ((turf.polygon as { coordinates?: number[][][] } | null)?.coordinates?.[0] ?? []) as number[][];
  const all = [...points, ...ring.map((p) => [p[0] as number, p[1] as number] as const), ...(here ? [[here.lon, here.lat] as const] : [])];
  if (all.length === 0) return null;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const w = Math.max((maxLon - minLon) * k, 1e-5);
  const h = Math.max(maxLat - minLat, 1e-5);
  const size = 1000;
  const scale = size / Math.max(w, h);
  const xy = (lon: number, lat: number) => [20 + (lon - minLon) * k * scale, 20 + (maxLat - lat) * scale] as const;
  const done = (b: PackBuilding) => {
    const doors = b.entrances.flatMap((e) => e.doors);
    return doors.length === 0 ? markOf(b.id, null) !== null : doors.every((d) => markOf(b.id, d.id) !== null);
  };
  return (
    <div className="map">
      <svg viewBox={`0 0 ${w * scale + 40} ${h * scale + 40}`} role="img" aria-label={turf.name}>
        {ring.length > 2 && (
          <polygon points={ring.map((p) => xy(p[0] as number, p[1] as number).join(',')).join(' ')} className="map-turf" />
        )}
        <polyline points={turf.buildings.map((b) => xy(b.lon, b.lat).join(',')).join(' ')} className="map-walk" />
        {turf.buildings.map((b) => {
          const [x, y] = xy(b.lon, b.lat);
          return (
            <circle
              key={b.id}
              cx={x}
              cy={y}
              r={b.id === next?.id ? 22 : 14}
              className={b.id === next?.id ? 'map-next' : done(b) ? 'map-done' : 'map-todo'}
            >
              <title>{b.label}</title>
            </circle>
          );
        })}
        {here && (
          <g>
            <circle cx={xy(here.lon, here.lat)[0]} cy={xy(here.lon, here.lat)[1]} r={16} className="map-here" />
            <title>{t('youAreHere')}</title>
          </g>
        )}
      </svg>
      <button type="button" className="secondary" onClick={onLocate}>
        {t('locate')}
      </button>
      {next && <p className="muted">{`${t('next')} : ${next.label}`}</p>}
    </div>
  );
}
