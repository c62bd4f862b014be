import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { decodeKey, encodeKey, MAX_KEY_LENGTH } from '../../src/store/encodeKey.js';

const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

const SAMPLES = [
  '',
  '/resourcegroups/rg-1/providers/microsoft.web/sites/app-1/slots/staging',
  'back\\slash#hash?query',
  '~tilde~~ and ~2f already escaped-looking',
  '100% sure, %2F and %%',
  'tab\there\nnewline\r\u0000nul\u001funit\u007fdel\u0080c1\u009fend',
  'unicode: café 東京 🚀 émoji \u{1F600}',
  'lone surrogates: \ud800 and \udc00 and \udbff\u0041',
  "quotes ' and \" and `backticks`",
];

describe('encodeKey', () => {
  it.each(SAMPLES)('round-trips %j', (sample) => {
    // Prepare / Act
    const encoded = encodeKey(sample);

    // Assess
    expect(decodeKey(encoded)).toBe(sample);
    expect(encoded).not.toMatch(FORBIDDEN);
  });

  it('never emits a forbidden character for any single code unit', () => {
    // Prepare
    const all = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code));

    // Act
    const encoded = all.map((c) => encodeKey(c));

    // Assess
    const bad = encoded.filter((key, code) => FORBIDDEN.test(key) || /[\ud800-\udfff]/.test(key) || decodeKey(key) !== all[code]);
    expect(bad).toEqual([]);
  });

  it('keeps ordinary ids readable', () => {
    // Prepare / Act
    const encoded = encodeKey('/resourcegroups/rg-1/providers/microsoft.web/sites/app-1');

    // Assess
    expect(encoded).toBe('~2fresourcegroups~2frg-1~2fproviders~2fmicrosoft.web~2fsites~2fapp-1');
  });

  it('escapes the escape character, so distinct inputs never share a key', () => {
    // Prepare / Act
    const plain = encodeKey('/a');
    const lookalike = encodeKey('~2fa');

    // Assess
    expect(plain).not.toBe(lookalike);
    expect(lookalike).toBe('~7e2fa');
  });

  it('accepts a key of exactly the limit and rejects one beyond it', () => {
    // Prepare
    const atLimit = 'a'.repeat(MAX_KEY_LENGTH);
    const beyond = 'a'.repeat(MAX_KEY_LENGTH - 2) + '/';

    // Act / Assess
    expect(encodeKey(atLimit)).toHaveLength(MAX_KEY_LENGTH);
    expect(() => encodeKey(beyond)).toThrow(InvalidInputError);
  });

  it('rejects a stray escape character when decoding', () => {
    // Prepare / Act / Assess
    expect(() => decodeKey('abc~zz')).toThrow(InvalidInputError);
    expect(() => decodeKey('abc~')).toThrow(InvalidInputError);
  });
});
