import { describe, expect, it } from 'vitest';
import { jsonWithoutNul, withoutNul } from './postgres-text.js';

describe('text as PostgreSQL stores it (postgres-text)', () => {
  it('replaces every U+0000 of a text with U+FFFD and keeps the rest', () => {
    expect(withoutNul('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    const clean = 'no NUL here, not even \\u0000 typed as six characters';
    expect(withoutNul(clean)).toBe(clean);
  });

  it('replaces the NUL escapes of serialised JSON, in values and keys, and nothing a backslash escapes', () => {
    const value = { 'key\u0000': ['a\u0000b', 'typed \\u0000', 'two \\\u0000'], n: 1 };
    const json = jsonWithoutNul(JSON.stringify(value));
    expect(json).not.toMatch(/(^|[^\\])(\\\\)*\\u0000/);
    expect(JSON.parse(json)).toEqual({ 'key\uFFFD': ['a\uFFFDb', 'typed \\u0000', 'two \\\uFFFD'], n: 1 });
    expect(jsonWithoutNul('{"a":"b"}')).toBe('{"a":"b"}');
  });
});
