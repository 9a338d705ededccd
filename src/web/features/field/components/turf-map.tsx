// The map of a zone's turfs: each turf's polygon, numbered, over the zone's contour (no tiles).
import 'leaflet/dist/leaflet.css';
import { map as createMap, geoJSON, latLngBounds } from 'leaflet';
import { useEffect, useRef } from 'react';
import type { Turf } from '../api.ts';

const COLOURS = ['#1c7ed6', '#e8590c', '#2b8a3e', '#9c36b5', '#c92a2a', '#0c8599', '#f08c00', '#5c940d'];

export function TurfMap({
  zone,
  turfs,
  label,
  selected,
}: {
  zone: GeoJSON.Geometry | null;
  turfs: Turf[];
  label: string;
  selected: string[];
}) {
  const container = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: false });
    const outline = zone ? geoJSON(zone as GeoJSON.GeoJsonObject, { style: () => ({ color: '#495057', weight: 1.5, fill: false }) }) : null;
    const layer = geoJSON(
      {
        type: 'FeatureCollection',
        features: turfs.map((t, i) => ({
          type: 'Feature',
          geometry: t.polygon as GeoJSON.Polygon,
          properties: { name: t.name, i, id: t.id },
        })),
      } as GeoJSON.FeatureCollection,
      {
        style: (f) => {
          const p = f?.properties as { i: number; id: string };
          const colour = COLOURS[p.i % COLOURS.length] as string;
          return {
            color: colour,
            weight: selected.includes(p.id) ? 3 : 1,
            fillColor: colour,
            fillOpacity: selected.includes(p.id) ? 0.45 : 0.2,
          };
        },
        onEachFeature: (f, shape) => shape.bindTooltip((f.properties as { name: string }).name, { sticky: true }),
      },
    );
    let drawn = false;
    const draw = () => {
      const box = container.current;
      if (drawn || !box || box.clientWidth === 0 || box.clientHeight === 0) return;
      drawn = true;
      const bounds = (outline ?? layer).getBounds();
      if (layer.getBounds().isValid()) bounds.extend(layer.getBounds());
      map.fitBounds(bounds.isValid() ? bounds : latLngBounds([48.815, 2.224], [48.902, 2.47]), { padding: [10, 10] });
      outline?.addTo(map);
      layer.addTo(map);
    };
    draw();
    const observer = new ResizeObserver(() => (drawn ? map.invalidateSize() : draw()));
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      map.remove();
    };
  }, [zone, turfs, selected]);
  return <section ref={container} className="relais-map" style={{ height: 420 }} aria-label={label} data-testid="turf-map" />;
}
