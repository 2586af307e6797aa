import { describe, expect, it } from 'vitest';
import { REDACTED, redactFailure, redactSecrets } from './secret-redaction.js';

describe('redactSecrets', () => {
  it('removes every configured value, longest first, wherever it appears', () => {
    const key = 'proxy-0123456789abcdef';
    expect(redactSecrets(`bad key ${key}; again ${key}${key.slice(0, 4)}`, [key.slice(0, 10), key])).toBe(
      `bad key ${REDACTED}; again ${REDACTED}${key.slice(0, 4)}`,
    );
  });

  it('removes key-shaped tokens nobody configured: sk-, sk-ant-, sk-proj- and bearer credentials', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-AbC_12-xyz. Or sk-ant-api03-zzzzzzzz!', [])).toBe(
      `Incorrect API key provided: ${REDACTED}. Or ${REDACTED}!`,
    );
    expect(redactSecrets('header was Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', [])).toBe(`header was Authorization: Bearer ${REDACTED}`);
  });

  it('leaves ordinary provider prose, and configured values too short to be keys, alone', () => {
    const prose = 'Bearer authentication failed: invalid x-api-key (see sk-learn docs)';
    expect(redactSecrets(prose, ['key', 'x'])).toBe(prose);
  });

  it("redacts a failure's message and keeps everything else", () => {
    const failure = { category: 'AUTH' as const, message: 'invalid key sk-ant-0123456789', retryable: false, httpStatus: 401 };
    expect(redactFailure(failure, [])).toEqual({ ...failure, message: `invalid key ${REDACTED}` });
  });
});
