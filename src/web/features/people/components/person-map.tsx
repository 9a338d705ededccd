// A small Leaflet map of a person: their arrondissement's contour and a dot at their address (no tiles).
import 'leaflet/dist/leaflet.css';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { circleMarker, map as createMap, geoJSON, latLngBounds } from 'leaflet';
import { useEffect, useRef } from 'react';
import type { Zone } from '../../territory/api.ts';

interface PersonMapProps {
  zones: Zone[];
  point: { latitude: number; longitude: number } | null;
  label: string;
}

/** Draws the zones and the point, and fits the view to them. */
export function PersonMap({ zones, point, label }: PersonMapProps) {
  const container = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: false });
    const features: Feature<Geometry, { name: string }>[] = zones
      .filter((zone) => zone.geometry)
      .map((zone) => ({ type: 'Feature', geometry: zone.geometry as Geometry, properties: { name: zone.name } }));
    const collection: FeatureCollection<Geometry, { name: string }> = { type: 'FeatureCollection', features };
    const layer = geoJSON(collection, {
      style: () => ({ color: '#3b5bdb', weight: 1.5, fillColor: '#748ffc', fillOpacity: 0.15 }),
      onEachFeature: (feature, shape) => shape.bindTooltip((feature.properties as { name: string }).name, { sticky: true }),
    });
    const at: [number, number] | null = point ? [point.latitude, point.longitude] : null;
    // The view is set before any layer is added: Leaflet's vector renderer needs it to clip paths.
    // And only once the box has a size: fitting bounds in a 0×0 box (a collapsed column, a page
    // still laying out) makes Leaflet compute an infinite zoom and a NaN centre.
    let drawn = false;
    const draw = () => {
      const box = container.current;
      if (drawn || !box || box.clientWidth === 0 || box.clientHeight === 0) return;
      drawn = true;
      const bounds = layer.getBounds();
      if (at && bounds.isValid()) bounds.extend(at);
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      else if (at) map.setView(at, 15);
      else map.fitBounds(latLngBounds([48.815, 2.224], [48.902, 2.47]));
      layer.addTo(map);
      if (at) circleMarker(at, { radius: 7, color: '#c92a2a', weight: 2, fillColor: '#fa5252', fillOpacity: 0.9 }).addTo(map);
    };
    draw();
    const observer = new ResizeObserver(() => {
      if (drawn) map.invalidateSize();
      else draw();
    });
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      map.remove();
    };
  }, [zones, point]);

  return <section ref={container} className="relais-mini-map" aria-label={label} data-testid="person-map" />;
}
