// A small map of the arrondissements where clicking a zone adds it to (or removes it from) the selection.
import 'leaflet/dist/leaflet.css';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { map as createMap, geoJSON, type Layer } from 'leaflet';
import { useEffect, useRef } from 'react';
import type { Zone } from '../../territory/api.ts';

interface ZonePickerMapProps {
  zones: Zone[];
  selected: string[];
  onToggle: (zoneId: string) => void;
  label: string;
}

const IDLE = { color: '#3b5bdb', weight: 1, fillColor: '#748ffc', fillOpacity: 0.1 };
const PICKED = { color: '#364fc7', weight: 2, fillColor: '#4c6ef5', fillOpacity: 0.55 };

/** Draws the zones once; the selection only restyles them. */
export function ZonePickerMap({ zones, selected, onToggle, label }: ZonePickerMapProps) {
  const container = useRef<HTMLElement>(null);
  const shapes = useRef(new Map<string, Layer & { setStyle: (s: object) => void }>());
  const toggle = useRef(onToggle);
  toggle.current = onToggle;
  const picked = useRef(selected);
  picked.current = selected;

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: false });
    const features: Feature<Geometry, { id: string; name: string }>[] = zones
      .filter((zone) => zone.geometry)
      .map((zone) => ({ type: 'Feature', geometry: zone.geometry as Geometry, properties: { id: zone.id, name: zone.name } }));
    const collection: FeatureCollection<Geometry, { id: string; name: string }> = { type: 'FeatureCollection', features };
    const registry = shapes.current;
    const layer = geoJSON(collection, {
      style: (feature) => (picked.current.includes(String(feature?.properties.id)) ? PICKED : IDLE),
      onEachFeature: (feature, shape) => {
        const props = feature.properties as { id: string; name: string };
        registry.set(props.id, shape as Layer & { setStyle: (s: object) => void });
        shape.bindTooltip(props.name, { sticky: true, direction: 'top' });
        shape.on('click', () => toggle.current(props.id));
      },
    });
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    else map.setView([48.8566, 2.3522], 11);
    layer.addTo(map);
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      registry.clear();
      map.remove();
    };
  }, [zones]);

  useEffect(() => {
    for (const [id, shape] of shapes.current) shape.setStyle(selected.includes(id) ? PICKED : IDLE);
  }, [selected]);

  return <section ref={container} className="relais-mini-map" style={{ height: 280 }} aria-label={label} data-testid="zone-picker-map" />;
}
