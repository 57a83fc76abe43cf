import { randomInt } from 'node:crypto';
import { GLYPHS } from './captcha-glyphs.ts';

/**
 * Upper-case letters and digits without look-alikes (no 0 O Q, 1 I L, 2 Z, 5 S, 8 B, G, U V). The
 * answer is stored and compared in lower case, so either case is right.
 */
export const CAPTCHA_CHARS = '34679ACDEFHJKMNPRTWXY';
export const CAPTCHA_LENGTH = 4;
/** The picture's size in px; the web shows it at this CSS size. */
export const CAPTCHA_SIZE = { width: 200, height: 64 } as const;
/** Near-black ink on white: contrast 14.7:1 (WCAG AAA asks 7:1 of text). */
export const CAPTCHA_INK = '#1f2937';
export const CAPTCHA_PAPER = '#ffffff';

const SCALE = 1.15;
const MAX_TILT_DEG = 10;
const MAX_SHIFT_PX = 4;

/** A four-character captcha as SVG, solid dark letters on white without noise lines, and its answer. */
export function makeCaptcha(): { svg: string; answer: string } {
  const { width, height } = CAPTCHA_SIZE;
  const slot = width / CAPTCHA_LENGTH;
  let answer = '';
  const letters: string[] = [];
  for (let i = 0; i < CAPTCHA_LENGTH; i++) {
    const ch = CAPTCHA_CHARS[randomInt(CAPTCHA_CHARS.length)] as string;
    const glyph = GLYPHS[ch];
    if (!glyph) throw new Error(`no captcha glyph for ${ch}`);
    answer += ch;
    const x = slot * (i + 0.5) - (glyph.width * SCALE) / 2 + randomInt(-2, 3);
    const y = (height + glyph.height * SCALE) / 2 + randomInt(-MAX_SHIFT_PX, MAX_SHIFT_PX + 1);
    const tilt = randomInt(-MAX_TILT_DEG, MAX_TILT_DEG + 1);
    const pivot = `${((glyph.width * SCALE) / 2).toFixed(1)} ${((-glyph.height * SCALE) / 2).toFixed(1)}`;
    letters.push(
      `<path transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${tilt} ${pivot}) scale(${SCALE})" d="${glyph.d}"/>`,
    );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="${CAPTCHA_PAPER}"/>` +
    `<g fill="${CAPTCHA_INK}">${letters.join('')}</g></svg>`;
  return { svg, answer };
}
