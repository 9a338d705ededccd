import { describe, expect, it } from 'vitest';
import { formatPhone, makeFormatters } from './format.ts';

describe('formatPhone', () => {
  it('writes French numbers the national way in pairs, others in international format', () => {
    expect(formatPhone('+33639987218')).toBe('06 39 98 72 18');
    expect(formatPhone('+33142601933')).toBe('01 42 60 19 33');
    expect(formatPhone('+442079460958')).toBe('+44 20 7946 0958');
    expect(formatPhone('+3225551234')).toMatch(/^\+32 2 /);
    expect(formatPhone('')).toBe('');
    expect(formatPhone(null)).toBe('');
    expect(formatPhone('pas un numéro')).toBe('pas un numéro');
  });

  it('is the formatter of both languages', () => {
    expect(makeFormatters('en').phone('+33639987218')).toBe('06 39 98 72 18');
    expect(makeFormatters('fr').phone('+33639987218')).toBe('06 39 98 72 18');
  });
});
