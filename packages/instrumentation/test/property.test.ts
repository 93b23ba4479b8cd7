// Property: whatever text surrounds them and whichever field carries them, generated secrets never reach
// an exported record, records never carry a raw control character, and calls never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pipeline } from './helpers.js';

const CONTROL =
  // eslint-disable-next-line no-control-regex -- the assertion is about control characters
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function luhnCheckDigit(body: string): string {
  let sum = 0;
  let double = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A Luhn-valid 16-digit card number, written contiguous, with spaces or with dashes. */
const pan = fc
  .tuple(
    fc.constantFrom('4', '51', '52', '55', '6011', '2221'),
    fc.stringMatching(/^[0-9]{14}$/),
    fc.constantFrom('', ' ', '-'),
  )
  .map(([prefix, rest, sep]) => {
    const body = (prefix + rest).slice(0, 15);
    const digits = body + luhnCheckDigit(body);
    const written = sep === '' ? digits : digits.match(/.{4}/g)!.join(sep);
    return { written, secret: digits.slice(0, 12) };
  });

/** Secret material: 10+ characters, so that finding it in the output cannot be a coincidence. */
const material = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((s) => `Zq9${s}`);

/** One planted secret: the text to embed and the substring that must not come out. */
const secret = fc.oneof(
  pan.map(({ written, secret: s }) => ({ text: written, secret: s })),
  material.map((s) => ({ text: `password=${s}`, secret: s })),
  material.map((s) => ({ text: `"api_key": "${s}"`, secret: s })),
  material.map((s) => ({ text: `Authorization: Bearer ${s}`, secret: s })),
  material.map((s) => ({ text: `Bearer ${s}`, secret: s })),
  material.map((s) => ({ text: `https://user:${s}@example.com/path`, secret: s })),
  material.map((s) => ({ text: `https://example.com/cb?code=${s}&state=x`, secret: s })),
  material.map((s) => ({ text: `/reset?token=${s}`, secret: s })),
  material.map((s) => ({ text: `Cookie: session=${s}; theme=dark`, secret: s })),
  material.map((s) => ({ text: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi${s}.sig`, secret: `eyJzdWIiOi${s}` })),
  material.map((s) => ({ text: `sk_live_${s}`, secret: `sk_live_${s}` })),
);

/** Surrounding text: anything, including control characters, bidi overrides and lone surrogates. */
const noise = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\r\n', '\u001b[31m', '\u202e', '\ud800', '\u0085', ''),
);

const STRING_FIELDS = [
  'userAgent',
  'route',
  'urlPath',
  'url',
  'resourceName',
  'resourceId',
  'fileName',
  'filePath',
  'ruleName',
  'referer',
  'userId',
  'reason',
] as const;

describe('SecurityEvents (property)', () => {
  it('should never export a planted secret or a raw control character, and never throw', () => {
    const p = pipeline({ customPrefix: 'shop.' });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noise, secret, noise), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...STRING_FIELDS, 'attribute', 'nested', 'array'),
        (parts, where) => {
          p.exporter.reset();
          const text = parts.map(([a, s, b]) => `${a} ${s.text} ${b}`).join(' ');
          const fields: Record<string, unknown> =
            where === 'attribute'
              ? { attributes: { 'shop.note': text } }
              : where === 'nested'
                ? { attributes: { 'shop.ctx': { deeper: { note: text } } } }
                : where === 'array'
                  ? { fields: [text, text] }
                  : { [where]: text };
          expect(() => p.security.suspicious.activity(fields as never)).not.toThrow();
          const out = JSON.stringify(p.records().map((r) => r.attributes));
          expect(p.records()).toHaveLength(1);
          // the planted text really went out (no vacuous pass): a field or attribute holds something
          expect(Object.keys(p.records()[0]!.attributes).length).toBeGreaterThan(6);
          for (const [, s] of parts) expect(out.includes(s.secret), `${s.secret} in ${out}`).toBe(false);
          const strings: string[] = [];
          const walk = (v: unknown): void => {
            if (typeof v === 'string') strings.push(v);
            else if (Array.isArray(v)) v.forEach(walk);
            else if (v !== null && typeof v === 'object')
              Object.entries(v).forEach(([k, x]) => (strings.push(k), walk(x)));
          };
          walk(p.records()[0]!.attributes);
          for (const s of strings) expect(CONTROL.test(s), JSON.stringify(s)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
