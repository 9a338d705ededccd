// How the territory's figures are written and coloured: labels with their unit, values in the
// reader's format ("11,7 %", "21 300"), and the classes and colours of a choropleth.
import type { Formatters } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locale-context.tsx';

export interface Worded {
  label: { fr: string; en: string };
  unit: { fr: string; en: string } | null;
}

export type ValueFormat = 'integer' | 'decimal' | 'percent' | 'euro';

/** "Densité (hab./km²)": the label, with its unit in brackets when it has one. */
export function metricLabel(metric: Worded, locale: Locale): string {
  return metric.unit ? `${metric.label[locale]} (${metric.unit[locale]})` : metric.label[locale];
}

/** A value as the reader expects it; percentages (0–100) carry their sign, other units are in the label. */
export function formatValue(fmt: Formatters, value: number | null | undefined, format: ValueFormat): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (format) {
    case 'percent':
      return fmt.number(value / 100, { style: 'percent', maximumFractionDigits: 1 });
    case 'decimal':
      return fmt.number(value, { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 1 });
    default:
      return fmt.number(value, { maximumFractionDigits: 0 });
  }
}

/** A value with its unit, for places without a column header ("21 300 €", "64,2 %", "12 hab./km²"). */
export function formatWithUnit(
  fmt: Formatters,
  value: number | null | undefined,
  metric: Worded & { format: ValueFormat },
  locale: Locale,
) {
  const text = formatValue(fmt, value, metric.format);
  if (text === '—' || metric.format === 'percent' || !metric.unit) return text;
  return `${text}\u00a0${metric.unit[locale]}`;
}

/** Sequential colours, light to dark (low to high values). */
export const CLASS_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const;
export const NO_DATA_COLOUR = '#d9d9d9';

/**
 * Upper bounds of up to five classes holding about as many zones each (quantiles), without
 * repeats: a metric with few distinct values gets fewer classes.
 */
export function classBreaks(values: readonly number[], classes = CLASS_COLOURS.length): number[] {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const breaks: number[] = [];
  for (let k = 1; k <= classes; k++) {
    const bound = sorted[Math.min(sorted.length - 1, Math.ceil((k * sorted.length) / classes) - 1)] as number;
    if (breaks.length === 0 || bound > (breaks[breaks.length - 1] as number)) breaks.push(bound);
  }
  return breaks;
}

/** The colour of a value given the class bounds (the darkest colours for the fewest classes' top). */
export function colourOf(value: number | undefined, breaks: readonly number[]): string {
  if (value === undefined || !Number.isFinite(value) || breaks.length === 0) return NO_DATA_COLOUR;
  const offset = CLASS_COLOURS.length - breaks.length;
  const index = breaks.findIndex((b) => value <= b);
  return CLASS_COLOURS[offset + (index === -1 ? breaks.length - 1 : index)] as string;
}
