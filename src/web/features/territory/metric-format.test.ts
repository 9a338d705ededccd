// The territory's figures as French and English readers expect them, and the choropleth's classes.
import { describe, expect, it } from 'vitest';
import { makeFormatters } from '../../i18n/format.ts';
import { CLASS_COLOURS, classBreaks, colourOf, formatValue, formatWithUnit, metricLabel, NO_DATA_COLOUR } from './metric-format.ts';

const fr = makeFormatters('fr');
const en = makeFormatters('en');
const density = { label: { fr: 'Densité', en: 'Density' }, unit: { fr: 'hab./km²', en: 'inhabitants/km²' }, format: 'integer' as const };

describe('territory figures', () => {
  it('writes labels with their unit and values in the reader’s format', () => {
    expect(metricLabel(density, 'fr')).toBe('Densité (hab./km²)');
    expect(metricLabel({ ...density, unit: null }, 'en')).toBe('Density');
    expect(formatValue(fr, 21235.4, 'integer')).toBe('21\u202f235');
    expect(formatValue(fr, 61.25, 'percent')).toBe('61,3\u00a0%');
    expect(formatValue(en, 61.25, 'percent')).toBe('61.3%');
    expect(formatValue(fr, 3.127, 'decimal')).toBe('3,13');
    expect(formatValue(fr, null, 'euro')).toBe('—');
    expect(formatWithUnit(fr, 21235, density, 'fr')).toBe('21\u202f235\u00a0hab./km²');
  });

  it('cuts values into classes of about as many zones, without repeated bounds', () => {
    expect(classBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([2, 4, 6, 8, 10]);
    expect(classBreaks([0, 0, 0, 5])).toEqual([0, 5]);
    expect(classBreaks([])).toEqual([]);
    const breaks = classBreaks([0, 0, 0, 5]);
    expect(colourOf(0, breaks)).toBe(CLASS_COLOURS[3]);
    expect(colourOf(5, breaks)).toBe(CLASS_COLOURS[4]);
    expect(colourOf(undefined, breaks)).toBe(NO_DATA_COLOUR);
  });
});
