// A Leaflet map of a layer's zones coloured by a metric (a choropleth): plain GeoJSON on a neutral
// background, tiles only when configured. The shapes are drawn once per layer; a new metric only
// restyles them.
import 'leaflet/dist/leaflet.css';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { map as createMap, type GeoJSON, geoJSON, type Map as LeafletMap, type Path, tileLayer } from 'leaflet';
import { useEffect, useRef } from 'react';
import type { Zone } from '../api.ts';
import { colourOf } from '../metric-format.ts';

interface ZoneMapProps {
  zones: Zone[];
  label: string;
  /** Value of each zone, by id (zones without one are drawn grey). */
  values: ReadonlyMap<string, number>;
  breaks: readonly number[];
  /** The tooltip's text for a zone: its name and value. */
  describe: (zone: { id: string; name: string }) => string;
  onSelect?: (zoneId: string) => void;
  tileUrl?: string | null;
  tileAttribution?: string | null;
}

interface Props {
  id: string;
  name: string;
}

/** A zone's outline and its class's colour (grey without a value). */
function styleOf(props: Props | undefined, by: { values: ReadonlyMap<string, number>; breaks: readonly number[] }) {
  return { color: '#4c5a7a', weight: 0.8, fillColor: colourOf(props ? by.values.get(props.id) : undefined, by.breaks), fillOpacity: 0.75 };
}

/** Draws the zones' geometries, fits the view to them and colours each zone by its value. */
export function ZoneMap({ zones, label, values, breaks, describe, onSelect, tileUrl, tileAttribution }: ZoneMapProps) {
  const container = useRef<HTMLElement>(null);
  const shapes = useRef<GeoJSON | null>(null);
  const leaflet = useRef<LeafletMap | null>(null);
  const latest = useRef({ values, breaks, describe, onSelect });
  latest.current = { values, breaks, describe, onSelect };

  useEffect(() => {
    if (!container.current) return;
    const map = createMap(container.current, {
      zoomSnap: 0.25,
      scrollWheelZoom: false,
      attributionControl: Boolean(tileUrl),
      preferCanvas: zones.length > 300,
    });
    leaflet.current = map;
    if (tileUrl) tileLayer(tileUrl, { attribution: tileAttribution ?? '', maxZoom: 19 }).addTo(map);
    const features: Feature<Geometry, Props>[] = zones
      .filter((zone) => zone.geometry)
      .map((zone) => ({ type: 'Feature', geometry: zone.geometry as Geometry, properties: { id: zone.id, name: zone.name } }));
    const collection: FeatureCollection<Geometry, Props> = { type: 'FeatureCollection', features };
    const layer = geoJSON(collection, {
      style: (feature) => styleOf(feature?.properties as Props | undefined, latest.current),
      onEachFeature: (feature, shape) => {
        const props = feature.properties as Props;
        shape.bindTooltip(() => latest.current.describe(props), { sticky: true, direction: 'top' });
        shape.on('mouseover', () => (shape as Path).setStyle({ weight: 2.5, color: '#1c2e6b' }));
        shape.on('mouseout', () => (shape as Path).setStyle({ weight: 0.8, color: '#4c5a7a' }));
        shape.on('click', () => latest.current.onSelect?.(props.id));
      },
    }).addTo(map);
    shapes.current = layer;
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
    else map.setView([48.8566, 2.3522], 11);
    // The container can change size with the navbar; let Leaflet re-measure.
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      shapes.current = null;
      leaflet.current = null;
      map.remove();
    };
  }, [zones, tileUrl, tileAttribution]);

  useEffect(() => {
    shapes.current?.setStyle((feature) => styleOf(feature?.properties as Props | undefined, { values, breaks }));
  }, [values, breaks]);

  return <section ref={container} className="relais-map" aria-label={label} data-testid="zone-map" />;
}
