// The share card's drawing: hostile or long text stays text (escaped, control characters dropped,
// cut with an ellipsis), a bad colour is replaced, and the SVG always rasterises to 1200×630.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { shareCardPng, shareCardSvg, shareCardVersion, wrapText } from './share-card.ts';

describe('share cards', () => {
  it('wraps at spaces, cuts overlong words, and ends a cut text with an ellipsis', () => {
    expect(wrapText('un deux trois quatre', 9, 3)).toEqual(['un deux', 'trois', 'quatre']);
    expect(wrapText('anticonstitutionnellement', 10, 5)).toEqual(['anticonsti', 'tutionnell', 'ement']);
    expect(wrapText('a b c d e f g h', 3, 2)).toEqual(['a b', 'c…']);
  });

  it('escapes the text, drops control characters and refuses a colour that is not one', async () => {
    const card = {
      campaign: 'Paris <Demain> & Co',
      kicker: 'Le vrai du faux',
      title: `« ${'Une affirmation très longue '.repeat(20)}\u0000\u0007 </text><script>alert(1)</script> »`,
      badge: { label: 'Faux', color: 'red" onload="x' },
      subtitle: 'Jean Dupont, 3 novembre 2026',
      site: 'exemple.fr',
    };
    const svg = shareCardSvg(card);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<Demain>');
    expect(svg).not.toContain('onload');
    expect(svg).not.toContain('\u0000');
    expect(svg).toContain('…');
    const { png, version } = shareCardPng(card);
    expect(version).toBe(shareCardVersion(card));
    const meta = await sharp(await png).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 630]);
    // Rendered once per version: the same content gives the same promise back.
    expect(shareCardPng(card).png).toBe(png);
    expect(shareCardVersion({ ...card, title: 'Autre' })).not.toBe(version);
  });
});
