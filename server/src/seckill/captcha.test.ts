import { describe, expect, it } from 'vitest';
import { GLYPHS } from './captcha-glyphs.ts';
import { CAPTCHA_CHARS, CAPTCHA_INK, CAPTCHA_PAPER, makeCaptcha } from './captcha.ts';

const REFUSED = '0Oo1lIiL5Ss2Zz8BGgQqUuVv';

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('the captcha', () => {
  it('draws every character it can ask for, and none that looks like another', () => {
    for (const ch of CAPTCHA_CHARS) expect(GLYPHS[ch]?.d ?? '', ch).toMatch(/^M/);
    for (const ch of REFUSED) expect(CAPTCHA_CHARS).not.toContain(ch);
  });

  it('never asks for a refused character, and is 200×64 in one dark ink on white', () => {
    for (let i = 0; i < 200; i++) {
      const { svg, answer } = makeCaptcha();
      expect(answer).toMatch(/^[34679ACDEFHJKMNPRTWXY]{4}$/);
      for (const ch of REFUSED) expect(answer).not.toContain(ch);
      expect(svg).toMatch(/^<svg [^>]*width="200" height="64" viewBox="0 0 200 64">/);
      expect(svg).toContain(`<rect width="100%" height="100%" fill="${CAPTCHA_PAPER}"/>`);
      expect(svg.match(/fill="[^"]*"/g)).toEqual([
        `fill="${CAPTCHA_PAPER}"`,
        `fill="${CAPTCHA_INK}"`,
      ]);
      expect(svg).not.toMatch(/stroke|<text|<script/);
      expect(svg.match(/<path /g)).toHaveLength(4);
    }
  });

  it('inks at a contrast of at least 7:1', () => {
    expect(contrast(CAPTCHA_INK, CAPTCHA_PAPER)).toBeGreaterThanOrEqual(7);
    expect(contrast(CAPTCHA_INK, CAPTCHA_PAPER).toFixed(1)).toBe('14.7');
  });
});
