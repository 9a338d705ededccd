// A Leaflet map of zone contours: plain GeoJSON on a neutral background, tiles only when configured.
import 'leaflet/dist/leaflet.css';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { map as createMap, geoJSON, tileLayer } from 'leaflet';
import { useEffect, useRef } from 'react';
import type { Zone } from '../api.ts';

interface ZoneMapProps {
  zones: Zone[];
  label: string;
  tileUrl?: string | null;
  tileAttribution?: string | null;
}

/** Draws the zones' geometries and fits the view to them; each zone shows its name on hover. */
export function ZoneMap({ zones, label, tileUrl, tileAttribution }: ZoneMapProps) {
  const container = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: Boolean(tileUrl) });
    if (tileUrl) tileLayer(tileUrl, { attribution: tileAttribution ?? '', maxZoom: 19 }).addTo(map);
    const features: Feature<Geometry, { name: string; code: string }>[] = zones
      .filter((zone) => zone.geometry)
      .map((zone) => ({
        type: 'Feature',
        geometry: zone.geometry as Geometry,
        properties: { name: zone.name, code: zone.code },
      }));
    const collection: FeatureCollection<Geometry, { name: string; code: string }> = { type: 'FeatureCollection', features };
    const base = { color: '#3b5bdb', weight: 1.5, fillColor: '#748ffc', fillOpacity: 0.18 };
    const layer = geoJSON(collection, {
      style: () => base,
      onEachFeature: (feature, shape) => {
        const props = feature.properties as { name: string };
        shape.bindTooltip(props.name, { sticky: true, direction: 'top' });
        shape.on('mouseover', () => (shape as unknown as { setStyle: (s: object) => void }).setStyle({ fillOpacity: 0.45, weight: 2.5 }));
        shape.on('mouseout', () => (shape as unknown as { setStyle: (s: object) => void }).setStyle(base));
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
    else map.setView([48.8566, 2.3522], 11);
    // The container can change size with the navbar; let Leaflet re-measure.
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      map.remove();
    };
  }, [zones, tileUrl, tileAttribution]);

  return <section ref={container} className="relais-map" aria-label={label} data-testid="zone-map" />;
}
