import svgCaptcha from 'svg-captcha';

/** A four-character captcha without look-alike characters, as SVG, and its answer. */
export function makeCaptcha(): { svg: string; answer: string } {
  const c = svgCaptcha.create({
    size: 4,
    ignoreChars: '0o1ilIO',
    noise: 2,
    color: true,
    background: '#f4f6fa',
    width: 120,
    height: 44,
    fontSize: 44,
  });
  return { svg: c.data, answer: c.text };
}
